// Due-date rules shared by the LWCs and the sync service (which imports this file by relative path,
// so it stays self-contained: no imports, erasable TypeScript only, no DOM).
//
// Task.ActivityDate is a date with no time zone ("stored as midnight UTC — don't TZ-shift"), and
// SIA's dueDate is the same YYYY-MM-DD string. So due dates are kept as strings end to end, and
// only "today" depends on a time zone: the user's calendar date at an instant.

/** A calendar date, `YYYY-MM-DD`, never tied to a time zone. */
export type IsoDate = string;

export type DateBucket = 'overdue' | 'today' | 'tomorrow' | 'later' | 'noDate' | 'completed';

/** Display order of the groups: what needs action first, done work last. */
export const BUCKET_ORDER: readonly DateBucket[] = [
  'overdue',
  'today',
  'tomorrow',
  'later',
  'noDate',
  'completed',
];

export const BUCKET_LABELS: Readonly<Record<DateBucket, string>> = {
  overdue: 'Overdue',
  today: 'Today',
  tomorrow: 'Tomorrow',
  later: 'Later',
  noDate: 'No due date',
  completed: 'Completed',
};

/** What the bucket rules need to know about a task. */
export interface DatedTask {
  /** Due date (`Task.ActivityDate` / SIA `dueDate`), or null when the task has none. */
  activityDate: IsoDate | null;
  /** Closed in Salesforce terms (`Task.IsClosed`), i.e. completed or skipped in SIA. */
  isClosed: boolean;
}

export interface BucketGroup<T> {
  bucket: DateBucket;
  label: string;
  items: T[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a real calendar date written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const utc = new Date(utcMidnight(Number(y), Number(m), Number(d)));
  return (
    utc.getUTCFullYear() === Number(y) &&
    utc.getUTCMonth() === Number(m) - 1 &&
    utc.getUTCDate() === Number(d)
  );
}

function assertIsoDate(value: string): void {
  if (!isIsoDate(value)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(value)}`);
}

/** Milliseconds of midnight UTC on a calendar day; unlike Date.UTC, years 0-99 stay as written. */
function utcMidnight(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// One formatter per zone: constructing Intl.DateTimeFormat is the expensive part.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone, which is what callers should see.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the IANA zone (e.g. `America/New_York`, `Etc/GMT+12`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date in `timeZone` at `instant`: the user's "today". Intl applies the zone's
 * offset and daylight-saving rules for that very instant.
 */
export function todayIn(timeZone: string, instant: Date | number): IsoDate {
  const at = typeof instant === 'number' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) throw new RangeError('Invalid instant');
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * `date` plus `days` calendar days. Pure calendar arithmetic in UTC, where every day has 24
 * hours, so a daylight-saving change in the user's zone never moves the result.
 */
export function addDays(date: IsoDate, days: number): IsoDate {
  assertIsoDate(date);
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(utcMidnight(y, m, d) + days * MS_PER_DAY);
  return `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1, 2)}-${pad(next.getUTCDate(), 2)}`;
}

/** Negative, zero or positive as `a` is before, on or after `b`; fixed-width ISO dates sort as strings. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Which group a task belongs to on `today` (the user's calendar date, from `todayIn`). */
export function bucketOf(
  activityDate: IsoDate | null | undefined,
  isClosed: boolean,
  today: IsoDate,
): DateBucket {
  if (isClosed) return 'completed';
  if (activityDate === null || activityDate === undefined || activityDate === '') return 'noDate';
  assertIsoDate(activityDate);
  const order = compareDates(activityDate, today);
  if (order < 0) return 'overdue';
  if (order === 0) return 'today';
  if (activityDate === addDays(today, 1)) return 'tomorrow';
  return 'later';
}

/** The inclusive due-date range of the Command Center on `today`: today and tomorrow. */
export function commandCenterRange(today: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: today, to: addDays(today, 1) };
}

/** Command Center rule: open, and due today or tomorrow in the user's time zone. */
export function isCommandCenterTask(task: DatedTask, today: IsoDate): boolean {
  if (task.isClosed || !task.activityDate) return false;
  const { from, to } = commandCenterRange(today);
  return task.activityDate === from || task.activityDate === to;
}

/**
 * Due-date order: earliest first, tasks without a date last. Completed work reads newest first,
 * so `completed` sorts by due date descending (still with missing dates last).
 */
export function compareByDueDate(a: DatedTask, b: DatedTask, descending = false): number {
  if (a.activityDate === b.activityDate) return 0;
  if (!a.activityDate) return 1;
  if (!b.activityDate) return -1;
  const order = compareDates(a.activityDate, b.activityDate);
  return descending ? -order : order;
}

export interface GroupOptions<T> {
  /** Leave the Completed group out (e.g. a component configured to hide closed tasks). */
  includeCompleted?: boolean;
  /** Order of tasks with the same due date, e.g. high priority first. Stable otherwise. */
  tieBreak?: (a: T, b: T) => number;
}

/**
 * Tasks grouped by bucket on `today`, groups in `BUCKET_ORDER`, empty groups left out; each group
 * sorted by due date (Completed newest first), then by `tieBreak`, then in input order.
 */
export function groupByBucket<T extends DatedTask>(
  tasks: readonly T[],
  today: IsoDate,
  options: GroupOptions<T> = {},
): BucketGroup<T>[] {
  const includeCompleted = options.includeCompleted ?? true;
  const byBucket = new Map<DateBucket, T[]>();
  for (const task of tasks) {
    const bucket = bucketOf(task.activityDate, task.isClosed, today);
    if (bucket === 'completed' && !includeCompleted) continue;
    const list = byBucket.get(bucket);
    if (list) list.push(task);
    else byBucket.set(bucket, [task]);
  }
  const groups: BucketGroup<T>[] = [];
  for (const bucket of BUCKET_ORDER) {
    const items = byBucket.get(bucket);
    if (!items) continue;
    const descending = bucket === 'completed';
    // Array.prototype.sort is stable (ES2019), so equal tasks keep their input order.
    items.sort(
      (a, b) => compareByDueDate(a, b, descending) || (options.tieBreak ? options.tieBreak(a, b) : 0),
    );
    groups.push({ bucket, label: BUCKET_LABELS[bucket], items });
  }
  return groups;
}
