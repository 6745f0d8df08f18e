// Field values as text in Bulk API 2.0 CSV, both ways. Uploads: an empty value is left out (an update
// leaves the field as it is), `#N/A` sets the field to null, dates are yyyy-MM-dd and datetimes
// yyyy-MM-ddTHH:mm:ss.SSS with Z or an offset ("Valid CSV Record Rows", "Valid Date Format in
// Records": https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_date_format.htm).
// Query results: every value as text, datetimes in UTC with Z, booleans `true` / `false`, nulls empty.
import { parseDateTime } from '../../org/datetime.ts';
import type { FieldDef } from '../../schema/types.ts';
import { dateValue, datetimeValue } from '../../soql/values.ts';

/** "To set a field value to null, use a field value of #N/A." */
export const NULL_TOKEN = '#N/A';

export type CellValue = { ok: true; value: unknown } | { ok: false; xsdType: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})$/;

/** The XML schema type the platform names when it cannot read a value ("not a valid value for the type xsd:double"). */
function xsdType(field: FieldDef): string {
  switch (field.type) {
    case 'boolean':
      return 'boolean';
    case 'int':
      return 'int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'date':
      return 'date';
    case 'datetime':
      return 'dateTime';
    default:
      return 'string';
  }
}

/** The value a non-empty, non-#N/A cell gives `field`, typed as a REST body would carry it. */
export function cellValue(field: FieldDef, text: string): CellValue {
  const bad: CellValue = { ok: false, xsdType: xsdType(field) };
  switch (field.type) {
    case 'boolean': {
      // xsd:boolean: true, false, 1 or 0.
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return { ok: true, value: true };
      if (lower === 'false' || lower === '0') return { ok: true, value: false };
      return bad;
    }
    case 'int':
      return /^[+-]?\d+$/.test(text) ? { ok: true, value: Number(text) } : bad;
    case 'double':
    case 'currency':
    case 'percent':
      return DECIMAL.test(text) ? { ok: true, value: Number(text) } : bad;
    case 'date':
      return DATE.test(text) && dateValue(text) !== undefined ? { ok: true, value: text } : bad;
    case 'datetime':
      return DATETIME.test(text) && parseDateTime(text) !== undefined ? { ok: true, value: text } : bad;
    default:
      return { ok: true, value: text };
  }
}

/** A stored value as a query result writes it; null becomes the empty string. */
export function cellText(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'datetime') {
    const time = datetimeValue(value);
    if (time !== undefined) return new Date(time).toISOString();
  }
  if (typeof value === 'string') return field.type === 'date' ? (dateValue(value) ?? value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
