// Field values as User Interface API and GraphQL API return them: `value` in the API's wire format
// and `displayValue` formatted for the running user ("displayValue: the value formatted per the
// user's locale, or null when the value needs no formatting": UI API Developer Guide, Field Value).
import type { FieldDef, ObjectDef, RecordSource, StoredRecord } from '../schema/types.ts';
import { parseDateTime } from '../org/datetime.ts';

/** The running user's formatting settings (User.LocaleSidKey and User.TimeZoneSidKey). */
export interface UserFormat {
  locale: string;
  timeZone: string;
}

/** The id UI API reports for the master record type of an object without record types. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

export function userFormat(source: RecordSource, userId: string): UserFormat {
  const user = source.byId(userId)?.fields;
  const zone = user?.TimeZoneSidKey;
  const locale = user?.LocaleSidKey;
  return {
    locale: typeof locale === 'string' ? locale.replace('_', '-') : 'en-US',
    timeZone: typeof zone === 'string' ? zone : 'UTC',
  };
}

/** UI API and GraphQL write datetimes as ISO 8601 in UTC with milliseconds (`2026-11-28T13:37:52.000Z`). */
export function apiDateTime(stored: unknown): string | null {
  if (typeof stored !== 'string') return null;
  const parsed = parseDateTime(stored);
  return parsed === undefined ? stored : parsed.toISOString();
}

/** A field's value in the UI API wire format. */
export function apiValue(field: FieldDef, stored: unknown): unknown {
  if (stored === undefined || stored === null) return null;
  if (field.type === 'datetime') return apiDateTime(stored);
  return stored;
}

function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

function formatNumber(field: FieldDef, value: number, format: UserFormat): string {
  const locale = safeLocale(format.locale);
  const digits = { minimumFractionDigits: field.scale ?? 0, maximumFractionDigits: field.scale ?? 0 };
  if (field.type === 'currency')
    return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', ...digits }).format(value);
  if (field.type === 'percent') return `${new Intl.NumberFormat(locale, digits).format(value)}%`;
  return new Intl.NumberFormat(locale, field.type === 'int' ? {} : digits).format(value);
}

/** A date field has no time zone: it is formatted as the calendar date it names. */
function formatDate(value: string, format: UserFormat): string {
  const [year, month, day] = value.split('-').map(Number);
  const at = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return new Intl.DateTimeFormat(safeLocale(format.locale), {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).format(at);
}

function formatDateTimeValue(value: string, format: UserFormat): string {
  const at = parseDateTime(value);
  if (at === undefined) return value;
  return new Intl.DateTimeFormat(safeLocale(format.locale), {
    timeZone: format.timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
}

/**
 * The displayValue of a field: picklist labels, locale-formatted numbers and dates; null for text
 * (comboboxes such as Task.Subject included), booleans and ids.
 */
export function displayValue(field: FieldDef, stored: unknown, format: UserFormat): string | null {
  if (stored === null || stored === undefined) return null;
  const text = typeof stored === 'string' ? stored : JSON.stringify(stored);
  switch (field.type) {
    case 'picklist':
      return field.picklistValues?.find((p) => p.value === stored)?.label ?? text;
    case 'multipicklist':
      return text
        .split(';')
        .map((value) => field.picklistValues?.find((p) => p.value === value)?.label ?? value)
        .join(';');
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return typeof stored === 'number' ? formatNumber(field, stored, format) : null;
    case 'date':
      return typeof stored === 'string' ? formatDate(stored, format) : null;
    case 'datetime':
      return typeof stored === 'string' ? formatDateTimeValue(stored, format) : null;
    default:
      return null;
  }
}

/** The field a record is named by: Name, or Subject on activities and email messages. */
export function nameFieldOf(def: ObjectDef): FieldDef | undefined {
  return def.fields.get('name') ?? def.fields.get('subject');
}

export function recordName(def: ObjectDef | undefined, record: StoredRecord | undefined): string | null {
  if (def === undefined || record === undefined) return null;
  const nameField = nameFieldOf(def);
  const value = nameField === undefined ? undefined : record.fields[nameField.name];
  return typeof value === 'string' ? value : null;
}

/** weakEtag: increases with every change to the record (its SystemModstamp in epoch milliseconds). */
export function weakEtag(record: StoredRecord): number {
  const stamp = record.fields.SystemModstamp;
  const parsed = typeof stamp === 'string' ? parseDateTime(stamp) : undefined;
  return parsed === undefined ? 0 : parsed.getTime();
}
