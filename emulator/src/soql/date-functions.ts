// Date functions in WHERE: CALENDAR_YEAR(CreatedDate) = 2026, DAY_ONLY(CreatedDate) = 2026-05-06, ...
// A datetime is read in UTC unless wrapped in convertTimezone(), which reads it in the user's zone
// (SOQL reference, Date Functions and "Converting Time Zones in Date Functions"). FISCAL_* follow the
// default fiscal year, which starts in January.
import type { FunctionExp } from '@jetstreamapp/soql-parser-js';
import { field } from '../schema/field-builders.ts';
import type { FieldDef } from '../schema/types.ts';
import { calendarDate } from './date-literals.ts';
import type { FieldPath } from './field-paths.ts';
import { resolveOrFail, unsupported, type PlanContext } from './plan-context.ts';
import { dateValue, datetimeValue } from './values.ts';

const DATE_FUNCTIONS = new Set([
  'CALENDAR_MONTH',
  'CALENDAR_QUARTER',
  'CALENDAR_YEAR',
  'DAY_IN_MONTH',
  'DAY_IN_WEEK',
  'DAY_IN_YEAR',
  'DAY_ONLY',
  'FISCAL_MONTH',
  'FISCAL_QUARTER',
  'FISCAL_YEAR',
  'HOUR_IN_DAY',
  'WEEK_IN_MONTH',
  'WEEK_IN_YEAR',
]);

export interface DateFunction {
  name: string;
  path: FieldPath;
  /** Zone the datetime is read in: UTC, or the user's with convertTimezone(). */
  timeZone: string;
  /** What the function returns, to type the literal it is compared with. */
  result: FieldDef;
}

export function planDateFunction(context: PlanContext, fn: FunctionExp, after: number): DateFunction {
  const name = (fn.functionName ?? '').toUpperCase();
  if (!DATE_FUNCTIONS.has(name)) unsupported(fn.rawValue ?? name);
  const [argument] = fn.parameters ?? [];
  let timeZone = 'UTC';
  let fieldName = argument;
  if (typeof argument === 'object' && argument.functionName?.toLowerCase() === 'converttimezone') {
    timeZone = context.options.timeZone;
    fieldName = argument.parameters?.[0];
  }
  if (typeof fieldName !== 'string') return unsupported(fn.rawValue ?? name);
  const { path } = resolveOrFail(context, fieldName, after);
  if (path.leaf.type !== 'date' && path.leaf.type !== 'datetime') {
    unsupported(`${name} on the ${path.leaf.type} field ${path.leaf.name}`);
  }
  const result = name === 'DAY_ONLY' ? field(fn.rawValue ?? name, 'date') : field(fn.rawValue ?? name, 'int');
  return { name, path, timeZone, result };
}

/** The calendar date (and hour) a stored date or datetime falls on in the function's zone. */
function localParts(value: unknown, fn: DateFunction): { date: string; hour: number } | undefined {
  if (fn.path.leaf.type === 'date') {
    const date = dateValue(value);
    return date === undefined ? undefined : { date, hour: 0 };
  }
  const time = datetimeValue(value);
  if (time === undefined) return undefined;
  const date = calendarDate(time, fn.timeZone);
  const hour = fn.timeZone === 'UTC' ? new Date(time).getUTCHours() : localHour(time, fn.timeZone);
  return { date, hour };
}

function localHour(time: number, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(
    new Date(time),
  );
  return Number(hour);
}

function dayOfYear(date: string): number {
  return (
    (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${date.slice(0, 4)}-01-01T00:00:00Z`)) / 86_400_000 + 1
  );
}

/** The function's value for a stored value; null when the value is empty. */
export function applyDateFunction(fn: DateFunction, value: unknown): string | number | null {
  const parts = localParts(value, fn);
  if (parts === undefined) return null;
  const { date, hour } = parts;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  switch (fn.name) {
    case 'DAY_ONLY':
      return date;
    case 'CALENDAR_YEAR':
    case 'FISCAL_YEAR':
      return Number(date.slice(0, 4));
    case 'CALENDAR_MONTH':
    case 'FISCAL_MONTH':
      return month;
    case 'CALENDAR_QUARTER':
    case 'FISCAL_QUARTER':
      return Math.ceil(month / 3);
    case 'DAY_IN_MONTH':
      return day;
    case 'DAY_IN_WEEK':
      // 1 = Sunday ... 7 = Saturday.
      return new Date(`${date}T00:00:00Z`).getUTCDay() + 1;
    case 'DAY_IN_YEAR':
      return dayOfYear(date);
    case 'HOUR_IN_DAY':
      return hour;
    case 'WEEK_IN_MONTH':
      // Days 1-7 are week 1, 8-14 week 2, ...
      return Math.ceil(day / 7);
    default:
      // WEEK_IN_YEAR: days 1-7 of the year are week 1.
      return Math.ceil(dayOfYear(date) / 7);
  }
}
