import {
  addDays,
  bucketOf,
  commandCenterRange,
  compareByDueDate,
  groupByBucket,
  isCommandCenterTask,
  isIsoDate,
  isValidTimeZone,
  todayIn,
  type DatedTask,
} from 'c/siaDateBuckets';

const at = (iso: string): Date => new Date(iso);

describe('todayIn', () => {
  it.each([
    // America/New_York spring-forward day (2026-03-08, 02:00 EST -> 03:00 EDT): a 23-hour day.
    ['America/New_York', '2026-03-08T04:59:59Z', '2026-03-07'],
    ['America/New_York', '2026-03-08T05:00:00Z', '2026-03-08'],
    ['America/New_York', '2026-03-09T03:59:59Z', '2026-03-08'],
    ['America/New_York', '2026-03-09T04:00:00Z', '2026-03-09'],
    // America/New_York fall-back day (2026-11-01, 02:00 EDT -> 01:00 EST): a 25-hour day.
    ['America/New_York', '2026-11-01T03:59:59Z', '2026-10-31'],
    ['America/New_York', '2026-11-01T04:00:00Z', '2026-11-01'],
    ['America/New_York', '2026-11-02T04:59:59Z', '2026-11-01'],
    ['America/New_York', '2026-11-02T05:00:00Z', '2026-11-02'],
    // Pacific/Auckland: NZDT (+13) ends 2026-04-05, NZST (+12) -> NZDT starts 2026-09-27.
    ['Pacific/Auckland', '2026-04-04T10:59:59Z', '2026-04-04'],
    ['Pacific/Auckland', '2026-04-04T11:00:00Z', '2026-04-05'],
    ['Pacific/Auckland', '2026-04-05T11:59:59Z', '2026-04-05'],
    ['Pacific/Auckland', '2026-04-05T12:00:00Z', '2026-04-06'],
    ['Pacific/Auckland', '2026-09-27T10:59:59Z', '2026-09-27'],
    ['Pacific/Auckland', '2026-09-27T11:00:00Z', '2026-09-28'],
    // Asia/Kolkata: a half-hour offset (+05:30), no daylight saving.
    ['Asia/Kolkata', '2026-03-08T18:29:59Z', '2026-03-08'],
    ['Asia/Kolkata', '2026-03-08T18:30:00Z', '2026-03-09'],
    // The extremes: UTC-12 (IANA writes it Etc/GMT+12) and UTC+14, each around its own midnight.
    ['Etc/GMT+12', '2026-03-08T11:59:59Z', '2026-03-07'],
    ['Etc/GMT+12', '2026-03-08T12:00:00Z', '2026-03-08'],
    ['Pacific/Kiritimati', '2026-03-08T09:59:59Z', '2026-03-08'],
    ['Pacific/Kiritimati', '2026-03-08T10:00:00Z', '2026-03-09'],
    ['UTC', '2026-12-31T23:59:59Z', '2026-12-31'],
    ['UTC', '2027-01-01T00:00:00Z', '2027-01-01'],
  ])('%s at %s is %s', (zone, instant, expected) => {
    expect(todayIn(zone, at(instant))).toBe(expected);
    expect(todayIn(zone, at(instant).getTime())).toBe(expected);
  });

  it('gives dates two days apart at one instant in UTC-12 and UTC+14', () => {
    const instant = at('2026-03-08T11:00:00Z');
    expect(todayIn('Etc/GMT+12', instant)).toBe('2026-03-07');
    expect(todayIn('Pacific/Kiritimati', instant)).toBe('2026-03-09');
  });

  it('rejects an unknown zone and an invalid instant', () => {
    expect(() => todayIn('Mars/Olympus_Mons', at('2026-03-08T00:00:00Z'))).toThrow(RangeError);
    expect(() => todayIn('UTC', new Date(Number.NaN))).toThrow('Invalid instant');
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-03-07', 1, '2026-03-08'],
    ['2026-03-08', 1, '2026-03-09'],
    ['2026-11-01', 1, '2026-11-02'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-01-31', 30, '2026-03-02'],
    ['2026-05-15', 0, '2026-05-15'],
  ])('%s plus %d days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('counts calendar days across daylight-saving days, where adding 24 hours to an instant fails', () => {
    // 00:30 on the New York fall-back day: 24 hours later it is still 2026-11-01 (23:30 EST).
    const fallBack = at('2026-11-01T04:30:00Z');
    const today = todayIn('America/New_York', fallBack);
    expect(today).toBe('2026-11-01');
    expect(todayIn('America/New_York', fallBack.getTime() + 86_400_000)).toBe('2026-11-01');
    expect(addDays(today, 1)).toBe('2026-11-02');

    // 23:30 the evening before spring-forward: 24 hours later it is already 2026-03-09.
    const springForward = at('2026-03-08T04:30:00Z');
    expect(todayIn('America/New_York', springForward)).toBe('2026-03-07');
    expect(todayIn('America/New_York', springForward.getTime() + 86_400_000)).toBe('2026-03-09');
    expect(addDays('2026-03-07', 1)).toBe('2026-03-08');
  });

  it('walks a whole year one day at a time without skipping or repeating a date', () => {
    let date = '2026-01-01';
    const seen = new Set<string>([date]);
    for (let i = 0; i < 365; i++) {
      const next = addDays(date, 1);
      expect(next > date).toBe(true);
      expect(isIsoDate(next)).toBe(true);
      seen.add(next);
      date = next;
    }
    expect(date).toBe('2027-01-01');
    expect(seen.size).toBe(366);
  });

  it('rejects malformed dates and fractional days', () => {
    expect(() => addDays('2026-3-8', 1)).toThrow(RangeError);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-03-08T00:00:00Z', 1)).toThrow(RangeError);
    expect(() => addDays('2026-03-08', 0.5)).toThrow(RangeError);
  });
});

describe('isIsoDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('0099-06-01')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-03-08T00:00:00.000Z')).toBe(false);
    expect(isIsoDate(null)).toBe(false);
    expect(isIsoDate(20260308)).toBe(false);
  });
});

describe('bucketOf', () => {
  const today = '2026-03-08';

  it.each([
    ['2026-03-07', false, 'overdue'],
    ['2025-12-31', false, 'overdue'],
    ['2026-03-08', false, 'today'],
    ['2026-03-09', false, 'tomorrow'],
    ['2026-03-10', false, 'later'],
    ['2027-01-01', false, 'later'],
    [null, false, 'noDate'],
    ['2026-03-07', true, 'completed'],
    ['2026-03-08', true, 'completed'],
    [null, true, 'completed'],
  ] as const)('%s (closed: %s) is %s', (activityDate, isClosed, expected) => {
    expect(bucketOf(activityDate, isClosed, today)).toBe(expected);
  });

  it('crosses month and year ends for tomorrow', () => {
    expect(bucketOf('2027-01-01', false, '2026-12-31')).toBe('tomorrow');
    expect(bucketOf('2028-02-29', false, '2028-02-28')).toBe('tomorrow');
    expect(bucketOf('2028-03-01', false, '2028-02-28')).toBe('later');
  });

  it('never shifts the due date: the same ActivityDate lands by the user zone, not by UTC', () => {
    // One instant, a task due 2026-03-08 (stored as midnight UTC by Salesforce).
    const instant = at('2026-03-08T11:00:00Z');
    expect(bucketOf('2026-03-08', false, todayIn('Etc/GMT+12', instant))).toBe('tomorrow');
    expect(bucketOf('2026-03-08', false, todayIn('America/New_York', instant))).toBe('today');
    expect(bucketOf('2026-03-08', false, todayIn('Asia/Kolkata', instant))).toBe('today');
    expect(bucketOf('2026-03-08', false, todayIn('Pacific/Kiritimati', instant))).toBe('overdue');
  });

  it('rejects a timestamp where a date is expected', () => {
    expect(() => bucketOf('2026-03-08T00:00:00.000Z', false, today)).toThrow(RangeError);
  });
});

describe('Command Center rule', () => {
  const today = '2026-11-01';

  it('spans today and tomorrow', () => {
    expect(commandCenterRange(today)).toEqual({ from: '2026-11-01', to: '2026-11-02' });
    expect(commandCenterRange('2026-12-31')).toEqual({ from: '2026-12-31', to: '2027-01-01' });
  });

  it.each([
    [{ activityDate: '2026-11-01', isClosed: false }, true],
    [{ activityDate: '2026-11-02', isClosed: false }, true],
    [{ activityDate: '2026-10-31', isClosed: false }, false],
    [{ activityDate: '2026-11-03', isClosed: false }, false],
    [{ activityDate: '2026-11-01', isClosed: true }, false],
    [{ activityDate: null, isClosed: false }, false],
  ])('%o -> %s', (task: DatedTask, expected) => {
    expect(isCommandCenterTask(task, today)).toBe(expected);
  });

  it('follows the user zone at midnight', () => {
    const task = { activityDate: '2026-03-09', isClosed: false };
    // 23:30 on 2026-03-07 in New York: the task is due the day after tomorrow.
    expect(isCommandCenterTask(task, todayIn('America/New_York', at('2026-03-08T04:30:00Z')))).toBe(false);
    // Half an hour later it is 2026-03-08 there, and the task is due tomorrow.
    expect(isCommandCenterTask(task, todayIn('America/New_York', at('2026-03-08T05:00:00Z')))).toBe(true);
  });
});

describe('sorting and grouping', () => {
  interface Row extends DatedTask {
    id: string;
    high: boolean;
  }
  const row = (id: string, activityDate: string | null, isClosed = false, high = false): Row => ({
    id,
    activityDate,
    isClosed,
    high,
  });

  it('orders by due date with missing dates last, and newest first when descending', () => {
    const rows = [row('a', null), row('b', '2026-03-09'), row('c', '2026-03-01')];
    expect([...rows].sort((x, y) => compareByDueDate(x, y)).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect([...rows].sort((x, y) => compareByDueDate(x, y, true)).map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('groups in display order, leaves out empty groups and sorts each group', () => {
    const tasks = [
      row('later', '2026-04-01'),
      row('done-old', '2026-02-01', true),
      row('today-normal', '2026-03-08'),
      row('overdue-recent', '2026-03-07'),
      row('today-high', '2026-03-08', false, true),
      row('done-new', '2026-03-05', true),
      row('overdue-old', '2026-01-15'),
      row('undated', null),
    ];
    const groups = groupByBucket(tasks, '2026-03-08', {
      tieBreak: (a, b) => Number(b.high) - Number(a.high),
    });
    expect(groups.map((g) => [g.bucket, g.label, g.items.map((t) => t.id)])).toEqual([
      ['overdue', 'Overdue', ['overdue-old', 'overdue-recent']],
      ['today', 'Today', ['today-high', 'today-normal']],
      ['later', 'Later', ['later']],
      ['noDate', 'No due date', ['undated']],
      ['completed', 'Completed', ['done-new', 'done-old']],
    ]);
  });

  it('can leave the completed group out and keeps input order for ties', () => {
    const tasks = [row('x', '2026-03-09'), row('y', '2026-03-09'), row('z', '2026-03-01', true)];
    const groups = groupByBucket(tasks, '2026-03-08', { includeCompleted: false });
    expect(groups.map((g) => [g.bucket, g.items.map((t) => t.id)])).toEqual([['tomorrow', ['x', 'y']]]);
    expect(groupByBucket([], '2026-03-08')).toEqual([]);
  });
});
