// Date and datetime values as the REST API writes them: dates `YYYY-MM-DD` (no time zone), datetimes
// `YYYY-MM-DDTHH:mm:ss.SSS+0000` in UTC. Stored records keep these exact strings.
// Salesforce keeps datetimes to the second: a stored value (CreatedDate, LastModifiedDate,
// SystemModstamp, or a DateTime field written with milliseconds) always reads back `….000+0000`.
// ("Datetime fields do not store milliseconds", https://albasfdc.com/2016/03/28/working-with-datetimes/;
// and comparisons ignore them: https://salesforce.stackexchange.com/questions/234824).

export function formatDateTime(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  return new Date(seconds).toISOString().replace('Z', '+0000');
}

const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Parses what Salesforce accepts for a datetime field; undefined when it would refuse the value. */
export function parseDateTime(value: string): Date | undefined {
  const match = DATE_TIME_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!validCalendarDate(year, month, day)) return undefined;
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/** A date field value: `YYYY-MM-DD`, or the date part of a datetime string as the API accepts it. */
export function parseDate(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d] = match;
  if (!validCalendarDate(Number(y), Number(mo), Number(d))) return undefined;
  if (value.includes('T') && parseDateTime(value) === undefined) return undefined;
  return `${y}-${mo}-${d}`;
}
