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

type Unit = 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

/** Adds calendar months, keeping the 1st of the month (unit starts are always 1sts). */
function addMonths(date: string, months: number): string {
  const [year, month] = date.split('-').map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1 + months, 1)).toISOString().slice(0, 10);
}

/** The first day of the week, month, quarter or year containing `today`. */
function unitStart(today: string, unit: Unit, firstDayOfWeek: number): string {
  const [year = 0, month = 1] = today.split('-').map(Number);
  switch (unit) {
    case 'WEEK': {
      const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
      return addDays(today, -((weekday - firstDayOfWeek + 7) % 7));
    }
    case 'MONTH':
      return `${today.slice(0, 7)}-01`;
    case 'QUARTER':
      return addMonths(`${String(year).padStart(4, '0')}-01-01`, Math.floor((month - 1) / 3) * 3);
    default:
      return `${today.slice(0, 4)}-01-01`;
  }
}

function addUnits(date: string, unit: Unit, count: number): string {
  if (unit === 'WEEK') return addDays(date, 7 * count);
  return addMonths(date, count * (unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : 12));
}

/** `count` whole units starting `offset` units from the current one (0 = this week/month/...). */
function unitRange(
  today: string,
  unit: Unit,
  offset: number,
  count: number,
  firstDayOfWeek: number,
): DayRange {
  const start = unitStart(today, unit, firstDayOfWeek);
  return { first: addUnits(start, unit, offset), last: addDays(addUnits(start, unit, offset + count), -1) };
}

const UNITS: Record<string, Unit> = {
  WEEK: 'WEEK',
  WEEKS: 'WEEK',
  MONTH: 'MONTH',
  MONTHS: 'MONTH',
  QUARTER: 'QUARTER',
  QUARTERS: 'QUARTER',
  FISCAL_QUARTER: 'QUARTER',
  FISCAL_QUARTERS: 'QUARTER',
  YEAR: 'YEAR',
  YEARS: 'YEAR',
  FISCAL_YEAR: 'YEAR',
  FISCAL_YEARS: 'YEAR',
};

/**
 * The day range a literal names at `now` in `timeZone`; `literal` is as the parser gives it
 * (`TODAY`, `LAST_N_DAYS:3`). From the SOQL reference: THIS/LAST/NEXT_<unit> are the current,
 * previous and next whole unit; LAST_N_<unit>S:n the n whole units before the current one (but
 * LAST_N_DAYS:n includes today); NEXT_N_<unit>S:n the n after it; N_<unit>S_AGO:n the one unit n
 * before. Weeks start on `firstDayOfWeek` (the user's locale; 0 = Sunday as in en_US). FISCAL
 * literals follow the default fiscal year, which starts in January, so they equal calendar quarters
 * and years.
 */
export function dateLiteralRange(literal: string, now: Date, timeZone: string, firstDayOfWeek = 0): DayRange {
  const today = calendarDate(now.getTime(), timeZone);
  const [name = '', argument] = literal.toUpperCase().split(':');
  const n = argument === undefined ? 0 : Number(argument);
  const days = (from: number, to: number): DayRange => ({
    first: addDays(today, from),
    last: addDays(today, to),
  });
  const units = (unit: Unit, offset: number, count: number): DayRange =>
    unitRange(today, unit, offset, count, firstDayOfWeek);
  const fixed: Record<string, () => DayRange> = {
    YESTERDAY: () => days(-1, -1),
    TODAY: () => days(0, 0),
    TOMORROW: () => days(1, 1),
    LAST_N_DAYS: () => days(-n, 0),
    NEXT_N_DAYS: () => days(1, n),
    N_DAYS_AGO: () => days(-n, -n),
    LAST_90_DAYS: () => days(-90, 0),
    NEXT_90_DAYS: () => days(1, 90),
  };
  const day = fixed[name];
  if (day !== undefined) return day();
  const relative = /^(THIS|LAST|NEXT)_(\w+)$/.exec(name);
  const counted = /^(LAST|NEXT)_N_(\w+)$/.exec(name);
  const ago = /^N_(\w+)_AGO$/.exec(name);
  const unit = UNITS[counted?.[2] ?? ago?.[1] ?? relative?.[2] ?? ''];
  if (unit !== undefined && counted !== null)
    return counted[1] === 'LAST' ? units(unit, -n, n) : units(unit, 1, n);
  if (unit !== undefined && ago !== null) return units(unit, -n, 1);
  if (unit !== undefined && relative !== null) {
    return units(unit, relative[1] === 'THIS' ? 0 : relative[1] === 'LAST' ? -1 : 1, 1);
  }
  throw new SoqlError('MALFORMED_QUERY', `The emulator does not evaluate the date literal ${literal}`);
}
