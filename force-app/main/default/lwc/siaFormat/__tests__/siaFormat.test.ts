import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTime,
} from 'c/siaFormat';

/** ICU versions differ in the space before AM/PM (U+202F or U+0020); people see a space either way. */
function plain(text: string): string {
  return text.replace(/\s/g, ' ');
}

describe('c/siaFormat', () => {
  it('writes a calendar date in the locale, never shifted by a time zone', () => {
    expect(formatDate('2026-12-11', 'en-US')).toBe('Dec 11, 2026');
    expect(formatDate('2026-12-11', 'de-DE')).toBe('11.12.2026');
    expect(formatDate('2026-12-11', 'en-GB')).toBe('11 Dec 2026');
    expect(formatDate('0099-01-01', 'en-US')).toBe('Jan 1, 99');
  });

  it('refuses what is not a calendar date', () => {
    expect(() => formatDate('2026-02-30', 'en-US')).toThrow(RangeError);
    expect(() => formatDate('12/11/2026', 'en-US')).toThrow(RangeError);
  });

  it("writes an instant in the user's zone and locale", () => {
    const at = '2026-12-04T20:58:00.000Z';
    expect(plain(formatDateTime(at, 'en-US', 'America/New_York'))).toBe('Dec 4, 2026, 3:58 PM');
    expect(formatDateTime(at, 'de-DE', 'Europe/Berlin')).toBe('04.12.2026, 21:58');
    expect(plain(formatTime(at, 'en-US', 'America/Los_Angeles'))).toBe('12:58 PM');
    expect(plain(formatDateTime(Date.parse(at), 'en-US', 'Asia/Tokyo'))).toBe('Dec 5, 2026, 5:58 AM');
    expect(() => formatDateTime('soon', 'en-US', 'UTC')).toThrow(RangeError);
  });

  it('says how long ago in words', () => {
    const now = Date.parse('2026-12-04T21:00:00.000Z');
    const ago = (ms: number) => formatRelative(now - ms, now, 'en-US');
    expect(ago(20_000)).toBe('now');
    expect(ago(3 * 60_000 + 10_000)).toBe('3 minutes ago');
    expect(ago(5 * 3_600_000)).toBe('5 hours ago');
    expect(ago(26 * 3_600_000)).toBe('yesterday');
    expect(ago(4 * 86_400_000)).toBe('4 days ago');
    expect(formatRelative(now + 2 * 3_600_000, now, 'en-US')).toBe('in 2 hours');
    expect(formatRelative(now - 3 * 60_000, now, 'de-DE')).toBe('vor 3 Minuten');
  });

  it('writes counts and shares in the locale', () => {
    expect(formatNumber(15000, 'en-US')).toBe('15,000');
    expect(formatNumber(15000, 'de-DE')).toBe('15.000');
    expect(formatPercent(0.0034, 'en-US', 1)).toBe('0.3%');
    expect(formatPercent(0.5, 'en-US')).toBe('50%');
    expect(plain(formatPercent(0.5, 'de-DE'))).toBe('50 %');
  });
});
