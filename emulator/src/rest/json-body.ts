// Request bodies as the REST API's JSON deserializer treats them.
import { RequestError } from '../org/errors.ts';

function lineColumn(raw: string, offset: number): string {
  const before = raw.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `[line:${line}, column:${column}]`;
}

export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') {
    throw new RequestError(
      400,
      'JSON_PARSER_ERROR',
      'No content to map due to end-of-input at [line:1, column:0]',
    );
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const match = /position (\d+)/.exec((error as Error).message);
    const offset = match ? Number(match[1]) : raw.length;
    const character = raw.charAt(offset);
    const message =
      character === ''
        ? `Unexpected end-of-input at ${lineColumn(raw, offset)}`
        : `Unexpected character ('${character}' (code ${character.charCodeAt(0)})): expected a valid value at ${lineColumn(raw, offset + 1)}`;
    throw new RequestError(400, 'JSON_PARSER_ERROR', message);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A body that must be a JSON object (one record). */
export function parseObjectBody(raw: string): Record<string, unknown> {
  const body = parseJsonBody(raw);
  if (!isPlainObject(body)) {
    const token = Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING';
    throw new RequestError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of sobject from ${token} value ${Array.isArray(body) ? '[' : String(body)} or request may be missing a required field at [line:1, column:1]`,
    );
  }
  return body;
}
