// SOQL date literals (TODAY, LAST_N_DAYS:n, ...) as ranges of calendar days in the running user's time
// zone. Each range starts at 00:00:00 of its first day; a date field compares by calendar date and a
// datetime field by the instants those days cover in that zone (SOQL reference "Date Formats and Date
// Literals": "LAST_N_DAYS:1 includes yesterday and today"; NEXT_N_DAYS:n "starts 00:00:00 of the
// next day and continues for the next n days").
import { SoqlError } from './types.ts';

/** Inclusive range of calendar days, as YYYY-MM-DD. */
export interface DayRange {
  first: string;
  last: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at `time`, expressed as if it were UTC. */
function wallClock(time: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(time))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const field = (name: string): number => parts[name] ?? 0;
  return Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
}

/** Calendar date (YYYY-MM-DD) in `timeZone` at `time`. */
export function calendarDate(time: number, timeZone: string): string {
  return new Date(wallClock(time, timeZone)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, (day ?? 1) + days)).toISOString().slice(0, 10);
}

/** The instant `date` begins (00:00:00) in `timeZone`; two passes settle DST offsets. */
export function startOfDay(date: string, timeZone: string): number {
  const target = Date.parse(`${date}T00:00:00Z`);
  let guess = target;
  for (let pass = 0; pass < 2; pass += 1) guess = target - (wallClock(guess, timeZone) - guess);
  return guess;
}

/** The instants a day range covers: [start, end). */
export function instantRange(range: DayRange, timeZone: string): { start: number; end: number } {
  return { start: startOfDay(range.first, timeZone), end: startOfDay(addDays(range.last, 1), timeZone) };
}

function monthRange(today: string, monthsAhead: number): DayRange {
  const [year, month] = today.split('-').map(Number);
  const first = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1 + monthsAhead, 1));
  const last = new Date(Date.UTC(year ?? 0, (month ?? 1) + monthsAhead, 0));
  return { first: first.toISOString().slice(0, 10), last: last.toISOString().slice(0, 10) };
}

function yearRange(today: string, yearsAhead: number): DayRange {
  const year = Number(today.slice(0, 4)) + yearsAhead;
  return { first: `${String(year).padStart(4, '0')}-01-01`, last: `${String(year).padStart(4, '0')}-12-31` };
}

/**
 * The day range a literal names at `now` in `timeZone`. `literal` is as the parser gives it
 * (`TODAY`, `LAST_N_DAYS:3`). Week and fiscal literals depend on locale and fiscal-year settings the
 * emulator does not model, so they are refused rather than guessed.
 */
export function dateLiteralRange(literal: string, now: Date, timeZone: string): DayRange {
  const today = calendarDate(now.getTime(), timeZone);
  const [name = '', argument] = literal.toUpperCase().split(':');
  const n = argument === undefined ? 0 : Number(argument);
  const days = (from: number, to: number): DayRange => ({
    first: addDays(today, from),
    last: addDays(today, to),
  });
  switch (name) {
    case 'YESTERDAY':
      return days(-1, -1);
    case 'TODAY':
      return days(0, 0);
    case 'TOMORROW':
      return days(1, 1);
    case 'LAST_N_DAYS':
      return days(-n, 0);
    case 'NEXT_N_DAYS':
      return days(1, n);
    case 'LAST_90_DAYS':
      return days(-90, 0);
    case 'NEXT_90_DAYS':
      return days(1, 90);
    case 'N_DAYS_AGO':
      return days(-n, -n);
    case 'THIS_MONTH':
      return monthRange(today, 0);
    case 'LAST_MONTH':
      return monthRange(today, -1);
    case 'NEXT_MONTH':
      return monthRange(today, 1);
    case 'THIS_YEAR':
      return yearRange(today, 0);
    case 'LAST_YEAR':
      return yearRange(today, -1);
    case 'NEXT_YEAR':
      return yearRange(today, 1);
    default:
      throw new SoqlError('MALFORMED_QUERY', `The emulator does not evaluate the date literal ${literal}`);
  }
}
