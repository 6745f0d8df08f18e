// /ui-api/records: create (POST), get (GET with fields/optionalFields/layoutTypes), update (PATCH) and
// delete.
// Writes go through the org's DML (the REST API's validation, validation rules, change events), so a
// save here is the same save as through /sobjects; its failures answer as UI API save errors.
import { createRecord, deleteRecord, updateRecord, type WriteResult } from '../org/dml.ts';
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import { parseDateTime } from '../org/datetime.ts';
import { layoutFields } from '../metadata/layouts.ts';
import { normalizeId } from '../org/ids.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../rest/api-types.ts';
import { findObject, type ObjectDef, type StoredRecord } from '../schema/types.ts';
import { userFormat } from './field-values.ts';
import {
  allFieldsTree,
  fieldTree,
  recordRepresentation,
  type FieldTree,
  type RenderContext,
} from './record-representation.ts';
import { requestErrorBody, saveErrorBody, UiApiError } from './save-errors.ts';

const notFound = (): RequestError => new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);

function renderContext(ctx: ApiContext): RenderContext {
  return {
    schema: ctx.org.schema,
    source: ctx.access.visible,
    format: userFormat(ctx.org.store, ctx.session.userId),
  };
}

function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/**
 * The record an id names: for a read, only one the user can see; for a save, any (the save itself
 * answers INSUFFICIENT_ACCESS_OR_READONLY when the user may not change it).
 */
function liveRecord(ctx: ApiContext, id: string, purpose: 'read' | 'save' = 'read'): StoredRecord {
  const normalized = normalizeId(id);
  const source = purpose === 'read' ? ctx.access.visible : ctx.org.store;
  const record = normalized === undefined ? undefined : source.byId(normalized);
  if (record === undefined) throw notFound();
  if (record.isDeleted) throw new RequestError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return record;
}

function objectOf(ctx: ApiContext, record: StoredRecord): ObjectDef {
  const def = findObject(ctx.org.schema, record.type);
  if (def === undefined) throw notFound();
  return def;
}

function savedRecord(ctx: ApiContext, id: string, status: number): ApiResponse {
  const record = liveRecord(ctx, id);
  const tree: FieldTree = allFieldsTree(objectOf(ctx, record));
  return { status, body: recordRepresentation(renderContext(ctx), record, tree) };
}

function getRecord(ctx: ApiContext, id: string, query: URLSearchParams): ApiResponse {
  const record = liveRecord(ctx, id);
  const def = objectOf(ctx, record);
  const fields = listParam(query, 'fields');
  const optionalFields = listParam(query, 'optionalFields');
  if (fields.length === 0 && optionalFields.length === 0 && query.get('layoutTypes') === null) {
    throw new RequestError(
      400,
      'ILLEGAL_QUERY_PARAMETER_VALUE',
      'You must specify fields, optionalFields or layoutTypes.',
    );
  }
  // layoutTypes=Full / Compact: the fields of the object's deployed page layout / compact layout.
  // An object without one deployed (the standard objects' built-in layouts are not modelled)
  // answers with every field.
  const layouts = listParam(query, 'layoutTypes').map((type) =>
    layoutFields(ctx.org.metadata, def.name, type === 'Compact' ? 'Compact' : 'Full'),
  );
  const everyField = [...def.fields.values()].map((f) => f.name);
  const tree =
    fields.length === 0 && optionalFields.length === 0 && layouts.some((l) => l === undefined)
      ? allFieldsTree(def)
      : fieldTree(ctx.org.schema, def, fields, [
          ...optionalFields,
          ...layouts.flatMap((l) => (l ?? everyField).map((name) => `${def.name}.${name}`)),
        ]);
  return { status: 200, body: recordRepresentation(renderContext(ctx), record, tree) };
}

interface RecordInput {
  apiName?: unknown;
  fields?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRecordInput(rawBody: string): RecordInput & { fields: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  if (!isObject(parsed) || !isObject(parsed.fields)) {
    throw new RequestError(400, 'INVALID_INPUT', 'The record input must have a fields object.');
  }
  return { ...parsed, fields: parsed.fields };
}

/** Runs a write; DML failures become a UI API save error, request-level errors the same shape. */
function save(def: ObjectDef, write: () => WriteResult, onSuccess: (id: string) => ApiResponse): ApiResponse {
  let result: WriteResult;
  try {
    result = write();
  } catch (error) {
    if (error instanceof RequestError && error.status === 400) {
      const [first] = error.body;
      throw new UiApiError(400, requestErrorBody(first?.errorCode ?? 'INVALID_INPUT', error.message));
    }
    throw error;
  }
  if (result.ok) return onSuccess(result.id);
  if ('multiple' in result) throw new UiApiError(300, result.multiple);
  if (result.status === 404) throw notFound();
  throw new UiApiError(result.status, saveErrorBody(def, result.errors));
}

function createFromInput(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const input = parseRecordInput(req.rawBody);
  if (typeof input.apiName !== 'string' || input.apiName === '')
    throw new RequestError(400, 'INVALID_INPUT', 'The record input must name its apiName.');
  const def = findObject(ctx.org.schema, input.apiName);
  if (def === undefined || def.kind === 'platformEvent' || def.kind === 'changeEvent')
    throw new RequestError(400, 'INVALID_TYPE', `Object ${input.apiName} is not supported in UI API`);
  return save(
    def,
    () => createRecord(ctx.write, def, input.fields),
    (id) => savedRecord(ctx, id, 201),
  );
}

/**
 * `If-Unmodified-Since` (what updateRecord's clientOptions.ifUnmodifiedSince sends): a record changed
 * after that time is not saved; the 412 answer carries the current record as the Error with Output's
 * `output` ("when a conflicting precondition exists, the error result can include the information
 * about the cause of the conflict", UI API Developer Guide: Error with Output). HTTP dates have whole
 * seconds, so the comparison is by second.
 */
function checkUnmodifiedSince(ctx: ApiContext, record: StoredRecord, header: string | undefined): void {
  if (header === undefined) return;
  const since = Date.parse(header);
  const stamp = record.fields.LastModifiedDate;
  const modified = typeof stamp === 'string' ? parseDateTime(stamp)?.getTime() : undefined;
  if (Number.isNaN(since) || modified === undefined) return;
  if (Math.floor(modified / 1000) <= Math.floor(since / 1000)) return;
  const current = recordRepresentation(renderContext(ctx), record, allFieldsTree(objectOf(ctx, record)));
  throw new UiApiError(412, {
    enhancedErrorType: null,
    message: `The record was modified after ${header}.`,
    output: current,
  });
}

function updateFromInput(ctx: ApiContext, id: string, req: ApiRequest): ApiResponse {
  const record = liveRecord(ctx, id, 'save');
  const def = objectOf(ctx, record);
  checkUnmodifiedSince(ctx, record, req.headers['if-unmodified-since']);
  const input = parseRecordInput(req.rawBody);
  const bodyId = input.fields.Id;
  if (typeof bodyId === 'string' && normalizeId(bodyId) !== record.Id)
    throw new RequestError(400, 'INVALID_INPUT', 'The record id in the body does not match the URL.');
  return save(
    def,
    () => updateRecord(ctx.write, def, record.Id, input.fields, true),
    (savedId) => savedRecord(ctx, savedId, 200),
  );
}

function deleteById(ctx: ApiContext, id: string): ApiResponse {
  const record = liveRecord(ctx, id, 'save');
  const def = objectOf(ctx, record);
  return save(
    def,
    () => deleteRecord(ctx.write, def, record.Id, true),
    () => ({ status: 204 }),
  );
}

function ofObject(def: ObjectDef, names: string[]): string[] {
  const prefix = `${def.name.toLowerCase()}.`;
  return names.filter((name) => name.toLowerCase().startsWith(prefix));
}

/**
 * GET /ui-api/records/batch/{id1,id2,...}: one result per id, in order, each `{ result, statusCode }`
 * with the record or its error array; `fields` apply to the records of the object they name (UI API
 * Developer Guide: Get a Batch of Records, Batch Results).
 */
function getBatch(ctx: ApiContext, idList: string, query: URLSearchParams): ApiResponse {
  const ids = idList.split(',').filter((id) => id !== '');
  const fields = listParam(query, 'fields');
  const optionalFields = listParam(query, 'optionalFields');
  const results = ids.map((id) => {
    try {
      const record = liveRecord(ctx, id);
      const def = objectOf(ctx, record);
      const tree = fieldTree(ctx.org.schema, def, ofObject(def, fields), ofObject(def, optionalFields));
      return { result: recordRepresentation(renderContext(ctx), record, tree), statusCode: 200 };
    } catch (error) {
      if (error instanceof RequestError) return { result: error.body, statusCode: error.status };
      throw error;
    }
  });
  return { status: 200, body: { results } };
}

/** Routes `segments` = the path parts after `ui-api/records`. */
export function recordsRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  if (segments[0] === 'batch' && segments.length === 2 && req.method === 'GET')
    return getBatch(ctx, segments[1] ?? '', req.query);
  const [id, ...rest] = segments;
  if (rest.length > 0) throw notFound();
  if (id === undefined || id === '') {
    if (req.method === 'POST') return createFromInput(ctx, req);
    throw notFound();
  }
  switch (req.method) {
    case 'GET':
      return getRecord(ctx, id, req.query);
    case 'PATCH':
      return updateFromInput(ctx, id, req);
    case 'DELETE':
      return deleteById(ctx, id);
    default:
      throw new RequestError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH,DELETE`,
      );
  }
}
