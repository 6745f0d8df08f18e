// How dates, times and numbers read on every screen, in one place so that they read one way: the
// user's locale (`@salesforce/i18n/locale`) and, for instants, their time zone
// (`@salesforce/i18n/timeZone`). Screens put the result in their text themselves: the LWC template
// compiler trims the whitespace between text and an element, so a sentence assembled around
// lightning-formatted-* elements runs together ("51of15,000requests").
// No imports, no DOM: the SIA demo page formats with the same functions.

/** A calendar date, `YYYY-MM-DD`, with no time zone (Task.ActivityDate, SIA's dueDate). */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

function instantOf(instant: string | number | Date): Date {
  const at = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(at.getTime())) throw new RangeError(`Not an instant: ${String(instant)}`);
  return at;
}

/**
 * A calendar date for people ("Dec 11, 2026" in en-US, "11.12.2026" in de-DE). Formatted in UTC on
 * purpose: the date's midnight-UTC instant shown in a zone west of Greenwich would be the day before.
 */
export function formatDate(date: CalendarDate, locale: string): string {
  const match = CALENDAR_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const at = new Date(0);
  at.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (at.getUTCDate() !== Number(match[3])) throw new RangeError(`Not a calendar date: ${date}`);
  return dateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/** An instant as the user's date and time ("Dec 4, 2026, 3:58 PM"). */
export function formatDateTime(instant: string | number | Date, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    instantOf(instant),
  );
}

/** An instant as the user's time of day ("3:58 PM"). */
export function formatTime(instant: string | number | Date, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(instantOf(instant));
}

const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long ago (or how soon) an instant is, from `now` ("now", "3 minutes ago", "5 hours ago",
 * "yesterday"): "now" within a minute, whole minutes below an hour, whole hours below a day, then days.
 */
export function formatRelative(instant: string | number | Date, now: number, locale: string): string {
  let formatter = relativeFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormatters.set(locale, formatter);
  }
  const elapsed = instantOf(instant).getTime() - now;
  const size = Math.abs(elapsed);
  if (size < MINUTE_MS) return formatter.format(0, 'second');
  if (size < HOUR_MS) return formatter.format(Math.trunc(elapsed / MINUTE_MS), 'minute');
  if (size < DAY_MS) return formatter.format(Math.trunc(elapsed / HOUR_MS), 'hour');
  return formatter.format(Math.trunc(elapsed / DAY_MS), 'day');
}

const numberFormatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = numberFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, options);
    numberFormatters.set(key, formatter);
  }
  return formatter;
}

/** A count for people ("15,000"). */
export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** A fraction as a percentage ("0.1%" for 0.001 with one fraction digit). */
export function formatPercent(fraction: number, locale: string, fractionDigits = 0): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: fractionDigits }).format(fraction);
}
