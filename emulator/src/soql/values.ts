// Value conversions shared by filtering, ordering and output: stored values, SOQL literals and the
// REST representation of dates, datetimes and ids.

/** Accepts the datetime shapes stored or written: ISO 8601 with Z or an offset (±hh:mm or ±hhmm). */
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Epoch milliseconds of a datetime string, or undefined when it is not a valid datetime. */
export function parseDatetime(text: string): number | undefined {
  const match = DATETIME.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = ''] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (!validCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== '' && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2));
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000;
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** A stored datetime (ISO string, Salesforce string or Date) as epoch milliseconds. */
export function datetimeValue(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseDatetime(value);
  return undefined;
}

/** A stored date as YYYY-MM-DD (a datetime-shaped value keeps its UTC calendar date). */
export function dateValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (isDate(value)) return value;
    const time = parseDatetime(value);
    return time === undefined ? undefined : new Date(time).toISOString().slice(0, 10);
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  return undefined;
}

/** Salesforce's REST datetime format: always UTC, milliseconds, `+0000` (e.g. 2026-05-06T21:20:00.000+0000). */
export function formatDatetime(time: number): string {
  return `${new Date(time).toISOString().slice(0, 23)}+0000`;
}

const ID_SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The comparable form of a record Id: its 15-character, case-sensitive form. The 18-character form
 * adds three characters that encode which of the first 15 are upper case, so an 18-character Id is
 * case-insensitive: the suffix restores the casing (each suffix character covers five characters,
 * bit i set = character i upper case).
 */
export function idKey(id: string): string {
  if (id.length !== 18) return id;
  let key = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    const bits = ID_SUFFIX_ALPHABET.indexOf(id.charAt(15 + chunk).toUpperCase());
    for (let offset = 0; offset < 5; offset += 1) {
      const char = id.charAt(chunk * 5 + offset);
      key += bits >= 0 && (bits >> offset) & 1 ? char.toUpperCase() : char.toLowerCase();
    }
  }
  return key;
}

/** A stored scalar as text (numbers and booleans stored in text fields compare as written). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function compareIds(a: string, b: string): number {
  return compareCodeUnits(idKey(a), idKey(b));
}

// SOQL compares and sorts text case-insensitively ("Acme" = 'acme'); accents still count.
const textCollator = new Intl.Collator('en', { sensitivity: 'accent' });

export function compareText(a: string, b: string): number {
  return textCollator.compare(a, b);
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function isIdShaped(text: string): boolean {
  return ID_SHAPE.test(text);
}

/**
 * Decodes a quoted SOQL string literal. Salesforce's documented escapes: \n \r \t \b \f \" \' \\ (also
 * upper-case N R T B F) and \uXXXX; inside LIKE, \% and \_ stay escaped so the pattern treats them
 * as literal characters (SOQL reference "Quoted String Escape Sequences").
 */
export function decodeStringLiteral(quoted: string, keepLikeEscapes: boolean): string {
  const body = quoted.startsWith("'") && quoted.endsWith("'") ? quoted.slice(1, -1) : quoted;
  let out = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body.charAt(index);
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body.charAt(index + 1);
    index += 1;
    switch (next) {
      case 'n':
      case 'N':
        out += '\n';
        break;
      case 'r':
      case 'R':
        out += '\r';
        break;
      case 't':
      case 'T':
        out += '\t';
        break;
      case 'b':
      case 'B':
        out += '\b';
        break;
      case 'f':
      case 'F':
        out += '\f';
        break;
      case 'u':
      case 'U':
        out += String.fromCharCode(parseInt(body.slice(index + 1, index + 5), 16));
        index += 4;
        break;
      case '%':
      case '_':
        out += keepLikeEscapes ? `\\${next}` : next;
        break;
      case '\\':
        out += keepLikeEscapes ? '\\\\' : '\\';
        break;
      default:
        out += next;
    }
  }
  return out;
}
