// Turns one value of a request body into the stored value of a field, the way the REST API's
// deserializer and field validation treat it: wrong JSON types are a whole-request JSON_PARSER_ERROR,
// constraint violations (length, picklist, email, references) are per-record errors.
import { formatDateTime, parseDate, parseDateTime } from './datetime.ts';
import { RequestError, recordError, type RecordError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { FieldDef, RecordSource, Schema } from '../schema/types.ts';

export type CoerceResult = { ok: true; value: unknown } | { ok: false; error: RecordError };

export interface CoerceContext {
  schema: Schema;
  source: RecordSource;
  /** The raw request body, to point JSON_PARSER_ERROR at a line and column as Salesforce does. */
  rawBody: string | undefined;
}

function position(raw: string | undefined, fieldName: string): string {
  if (raw === undefined) return '[line:1, column:1]';
  const at = raw.indexOf(`"${fieldName}"`);
  if (at < 0) return '[line:1, column:1]';
  const colon = raw.indexOf(':', at + fieldName.length + 2);
  let valueAt = colon + 1;
  while (valueAt < raw.length && /\s/.test(raw.charAt(valueAt))) valueAt++;
  const before = raw.slice(0, valueAt);
  const line = before.split('\n').length;
  const column = valueAt - before.lastIndexOf('\n') + 1;
  return `[line:${line}, column:${column}]`;
}

function tokenOf(value: unknown): { token: string; text: string } {
  if (typeof value === 'string') return { token: 'VALUE_STRING', text: value };
  if (typeof value === 'number') {
    return {
      token: Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT',
      text: String(value),
    };
  }
  if (typeof value === 'boolean') return { token: value ? 'VALUE_TRUE' : 'VALUE_FALSE', text: String(value) };
  if (Array.isArray(value)) return { token: 'START_ARRAY', text: '[' };
  return { token: 'START_OBJECT', text: '{' };
}

function parserError(javaType: string, value: unknown, field: FieldDef, ctx: CoerceContext): RequestError {
  const { token, text } = tokenOf(value);
  return new RequestError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${javaType} from ${token} value ${text} or request may be missing a required field at ${position(ctx.rawBody, field.name)}`,
  );
}

function checkLength(field: FieldDef, text: string): RecordError | undefined {
  if (field.length !== undefined && text.length > field.length) {
    return recordError(
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${text} (max length=${field.length})`,
      [field.name],
    );
  }
  return undefined;
}

function coerceText(field: FieldDef, value: unknown, ctx: CoerceContext): CoerceResult {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw parserError('string', value, field, ctx);
  }
  const text = String(value);
  const tooLong = checkLength(field, text);
  if (tooLong) return { ok: false, error: tooLong };
  if (field.type === 'email' && text !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
    return {
      ok: false,
      error: recordError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [
        field.name,
      ]),
    };
  }
  if (
    (field.type === 'picklist' || field.type === 'multipicklist') &&
    field.restrictedPicklist &&
    text !== ''
  ) {
    const allowed = new Set((field.picklistValues ?? []).filter((p) => p.active).map((p) => p.value));
    const chosen = field.type === 'multipicklist' ? text.split(';') : [text];
    const bad = chosen.find((v) => !allowed.has(v));
    if (bad !== undefined) {
      return {
        ok: false,
        error: recordError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${field.label}: bad value for restricted picklist field: ${bad}`,
          [field.name],
        ),
      };
    }
  }
  return { ok: true, value: text === '' ? null : text };
}

function coerceNumber(field: FieldDef, value: unknown, ctx: CoerceContext): CoerceResult {
  const javaType = field.type === 'int' ? 'int' : 'double';
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    number = Number(value);
  else throw parserError(javaType, value, field, ctx);
  const scale = field.type === 'int' ? 0 : (field.scale ?? 0);
  const factor = 10 ** scale;
  const rounded = Math.round(number * factor) / factor;
  const precision = field.precision ?? 18;
  if (Math.abs(Math.trunc(rounded)).toString().length > precision - scale && Math.trunc(rounded) !== 0) {
    return {
      ok: false,
      error: recordError(
        'NUMBER_OUTSIDE_VALID_RANGE',
        `${field.label}: value outside of valid range on numeric field: ${String(value)}`,
        [field.name],
      ),
    };
  }
  return { ok: true, value: rounded };
}

function coerceBoolean(field: FieldDef, value: unknown, ctx: CoerceContext): CoerceResult {
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'string' && /^(true|false)$/i.test(value))
    return { ok: true, value: value.toLowerCase() === 'true' };
  throw parserError('boolean', value, field, ctx);
}

function coerceReference(field: FieldDef, value: unknown, ctx: CoerceContext): CoerceResult {
  if (typeof value !== 'string') throw parserError('string', value, field, ctx);
  if (value === '') return { ok: true, value: null };
  const id = normalizeId(value);
  const wrongType = recordError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${value}`, [
    field.name,
  ]);
  if (id === undefined) return { ok: false, error: wrongType };
  const prefix = id.slice(0, 3);
  const targets = field.referenceTo
    .map((name) => ctx.schema.objects.get(name.toLowerCase()))
    .filter((o) => o);
  if (!targets.some((t) => t?.keyPrefix === prefix)) {
    return {
      ok: false,
      error: recordError(
        'FIELD_INTEGRITY_EXCEPTION',
        `${field.label}: id value of incorrect type: ${value}`,
        [field.name],
      ),
    };
  }
  const target = ctx.source.byId(id);
  if (target === undefined) {
    return {
      ok: false,
      error: recordError(
        'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
        'insufficient access rights on cross-reference id',
        [],
      ),
    };
  }
  if (target.isDeleted)
    return { ok: false, error: recordError('ENTITY_IS_DELETED', 'entity is deleted', [field.name]) };
  return { ok: true, value: id };
}

/** The stored value for `value` written to `field`, or a per-record error; throws RequestError for undeserializable input. */
export function coerceFieldValue(field: FieldDef, value: unknown, ctx: CoerceContext): CoerceResult {
  if (value === null) return { ok: true, value: field.type === 'boolean' ? false : null };
  switch (field.type) {
    case 'boolean':
      return coerceBoolean(field, value, ctx);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return coerceNumber(field, value, ctx);
    case 'date': {
      if (typeof value !== 'string') throw parserError('date', value, field, ctx);
      const date = parseDate(value);
      if (date === undefined) throw parserError('date', value, field, ctx);
      return { ok: true, value: date };
    }
    case 'datetime': {
      if (typeof value !== 'string') throw parserError('datetime', value, field, ctx);
      const date = parseDateTime(value);
      if (date === undefined) throw parserError('datetime', value, field, ctx);
      return { ok: true, value: formatDateTime(date) };
    }
    case 'reference':
    case 'id':
      return coerceReference(field, value, ctx);
    default:
      return coerceText(field, value, ctx);
  }
}
