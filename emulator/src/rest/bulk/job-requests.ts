// Reading the JSON bodies that create and update Bulk API 2.0 jobs, with the platform's refusals: an
// enum property with a value it does not know is `API_ERROR` "Invalid value: '' supplied for
// property: 'operation'".
import { RequestError } from '../../org/errors.ts';
import { isPlainObject, parseJsonBody } from '../json-body.ts';
import { isColumnDelimiter, isLineEnding, type CsvDialect } from './csv.ts';

export type JobBody = Record<string, unknown>;

export function jobBody(raw: string, allowed: readonly string[]): JobBody {
  const body = parseJsonBody(raw);
  if (!isPlainObject(body)) {
    throw new RequestError(
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of job from the request body',
    );
  }
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new RequestError(400, 'JSON_PARSER_ERROR', `Unrecognized field "${unknown}"`);
  }
  return body;
}

export function invalidValue(property: string, value: unknown): RequestError {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return new RequestError(400, 'API_ERROR', `Invalid value: '${text}' supplied for property: '${property}'`);
}

/** An enum property: its value, the default when absent, API_ERROR for anything else. */
export function enumProperty<T extends string>(
  body: JobBody,
  property: string,
  accepts: (value: unknown) => value is T,
  fallback?: T,
): T {
  const value = body[property];
  if (value === undefined && fallback !== undefined) return fallback;
  if (!accepts(value)) throw invalidValue(property, value ?? '');
  return value;
}

export function stringProperty(body: JobBody, property: string): string | undefined {
  const value = body[property];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(property, value);
  return value;
}

/** contentType (only CSV), columnDelimiter (default COMMA) and lineEnding (default LF). */
export function jobDialect(body: JobBody): CsvDialect {
  enumProperty(body, 'contentType', (value): value is 'CSV' => value === 'CSV', 'CSV');
  return {
    columnDelimiter: enumProperty(body, 'columnDelimiter', isColumnDelimiter, 'COMMA'),
    lineEnding: enumProperty(body, 'lineEnding', isLineEnding, 'LF'),
  };
}

/** A PATCH body `{ "state": "..." }`. */
export function requestedState(raw: string): string {
  const body = jobBody(raw, ['state']);
  const state = body.state;
  if (typeof state !== 'string') throw invalidValue('state', state ?? '');
  return state;
}
