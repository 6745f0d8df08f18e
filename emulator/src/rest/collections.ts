// sObject Collections (/composite/sobjects): create, update, upsert, retrieve and delete up to 200
// records in one call, results in request order, allOrNone rolling back every record on any failure.
import { createRecord, deleteRecord, updateRecord, upsertRecord, type WriteResult } from '../org/dml.ts';
import { RequestError } from '../org/errors.ts';
import { normalizeId } from '../org/ids.ts';
import { findObject, type ObjectDef } from '../schema/types.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';
import { isPlainObject, parseJsonBody } from './json-body.ts';
import { enqueuedResult, enqueuePlatformEvent } from './platform-events.ts';
import { selectedFields, toRestRecord } from './rest-records.ts';
import { requireObject } from './sobject-routes.ts';
import { saveResult, type SaveResult } from './write-results.ts';

export const COLLECTION_LIMIT = 200;

const ROLLED_BACK: SaveResult = {
  success: false,
  errors: [
    {
      statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      message:
        'Record rolled back because not all records were valid and the request was using AllOrNone header',
      fields: [],
    },
  ],
};

// Salesforce's wording, as clients report it (e.g. sorenkrabbe/Chrome-Salesforce-inspector#134).
function tooMany(limit = COLLECTION_LIMIT): RequestError {
  return new RequestError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${limit} records into this call`,
  );
}

/** Retrieve takes up to 2,000 ids (in a POST body; a GET is bounded by the URL length). */
const RETRIEVE_LIMIT = 2000;

interface CollectionBody {
  allOrNone: boolean;
  records: Record<string, unknown>[];
}

function collectionBody(raw: string): CollectionBody {
  const body = parseJsonBody(raw);
  if (!isPlainObject(body) || !Array.isArray(body.records)) {
    throw new RequestError(400, 'INVALID_FIELD', 'Records must be an array of sObjects');
  }
  if (body.records.length > COLLECTION_LIMIT) throw tooMany();
  const records = body.records.map((r) => {
    if (!isPlainObject(r))
      throw new RequestError(
        400,
        'JSON_PARSER_ERROR',
        'Cannot deserialize instance of sobject from non-object value',
      );
    return r;
  });
  return { allOrNone: body.allOrNone === true, records };
}

function recordType(ctx: ApiContext, record: Record<string, unknown>): ObjectDef | undefined {
  const attributes = record.attributes;
  const type = isPlainObject(attributes) ? attributes.type : undefined;
  return typeof type === 'string' ? findObject(ctx.org.schema, type) : undefined;
}

function withoutMeta(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => key !== 'attributes' && key.toLowerCase() !== 'id'),
  );
}

function missingType(): WriteResult {
  return {
    ok: false,
    status: 400,
    errors: [{ statusCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] }],
  };
}

/** Runs one write per record; with allOrNone, any failure rolls every write of this call back. */
/** A record write, or a platform event enqueued through a collection (its result carries OPERATION_ENQUEUED). */
type CollectionWrite = WriteResult | { ok: true; id: string; created: false; eventUuid: string };

function resultOf(result: CollectionWrite, withCreated: boolean): SaveResult {
  if (result.ok && 'eventUuid' in result) return enqueuedResult(result.id, result.eventUuid);
  return saveResult(result, withCreated);
}

function runAll(
  ctx: ApiContext,
  allOrNone: boolean,
  count: number,
  write: (index: number) => CollectionWrite,
  withCreated: boolean,
): ApiResponse {
  const savepoint = ctx.org.store.savepoint();
  const changesBefore = ctx.write.changes.length;
  const eventsBefore = ctx.platformEvents.length;
  const results: CollectionWrite[] = [];
  for (let i = 0; i < count; i++) results.push(write(i));
  const failed = results.some((r) => !r.ok);
  if (allOrNone && failed) {
    ctx.org.store.rollbackTo(savepoint);
    ctx.write.changes.length = changesBefore;
    ctx.platformEvents.length = eventsBefore;
    return {
      status: 200,
      body: results.map((r) =>
        r.ok ? (withCreated ? { ...ROLLED_BACK, created: false } : ROLLED_BACK) : resultOf(r, withCreated),
      ),
    };
  }
  return { status: 200, body: results.map((r) => resultOf(r, withCreated)) };
}

function create(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const { allOrNone, records } = collectionBody(req.rawBody);
  return runAll(
    ctx,
    allOrNone,
    records.length,
    (i) => {
      const record = records[i] ?? {};
      const def = recordType(ctx, record);
      if (def === undefined) return missingType();
      if (Object.keys(record).some((k) => k.toLowerCase() === 'id')) {
        return {
          ok: false,
          status: 400,
          errors: [
            { statusCode: 'INVALID_FIELD', message: 'Cannot specify Id in an insert call', fields: ['Id'] },
          ],
        };
      }
      if (def.kind === 'platformEvent') {
        const published = enqueuePlatformEvent(ctx, def, withoutMeta(record), req.rawBody);
        return published.ok
          ? { ok: true, id: published.id, created: false, eventUuid: published.eventUuid }
          : { ok: false, status: 400, errors: published.errors };
      }
      return createRecord(ctx.write, def, withoutMeta(record));
    },
    false,
  );
}

function update(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const { allOrNone, records } = collectionBody(req.rawBody);
  return runAll(
    ctx,
    allOrNone,
    records.length,
    (i) => {
      const record = records[i] ?? {};
      const def = recordType(ctx, record);
      if (def === undefined) return missingType();
      const idKey = Object.keys(record).find((k) => k.toLowerCase() === 'id');
      const id = idKey === undefined ? undefined : record[idKey];
      if (typeof id !== 'string' || id === '') {
        return {
          ok: false,
          status: 400,
          errors: [
            { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
          ],
        };
      }
      return updateRecord(ctx.write, def, id, withoutMeta(record), false);
    },
    false,
  );
}

function upsert(ctx: ApiContext, req: ApiRequest, def: ObjectDef, fieldName: string): ApiResponse {
  const field = def.fields.get(fieldName.toLowerCase());
  if (field === undefined) {
    throw new RequestError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  if (!field.externalId && !field.idLookup) {
    throw new RequestError(
      400,
      'INVALID_FIELD',
      `Field ${field.name} is not an External ID or indexed field for ${def.name}`,
    );
  }
  const { allOrNone, records } = collectionBody(req.rawBody);
  return runAll(
    ctx,
    allOrNone,
    records.length,
    (i) => {
      const record = records[i] ?? {};
      const typed = recordType(ctx, record);
      if (typed === undefined) return missingType();
      if (typed.name !== def.name) {
        return {
          ok: false,
          status: 400,
          errors: [
            {
              statusCode: 'INVALID_TYPE',
              message: `Record type ${typed.name} does not match ${def.name}`,
              fields: [],
            },
          ],
        };
      }
      const key = Object.keys(record).find((k) => k.toLowerCase() === field.name.toLowerCase());
      const value = key === undefined ? undefined : record[key];
      if (value === undefined || value === null || value === '') {
        return {
          ok: false,
          status: 400,
          errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${field.name} not specified`, fields: [] }],
        };
      }
      const body = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'attributes'));
      return upsertRecord(ctx.write, def, field, value, body, false);
    },
    true,
  );
}

function idList(raw: string | null | unknown[], limit = COLLECTION_LIMIT): string[] {
  const ids = Array.isArray(raw)
    ? raw.map(String)
    : (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  if (ids.length > limit) throw tooMany(limit);
  return ids;
}

function remove(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const ids = idList(req.query.get('ids'));
  if (ids.length === 0) throw new RequestError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  const allOrNone = req.query.get('allOrNone') === 'true';
  const response = runAll(
    ctx,
    allOrNone,
    ids.length,
    (i) => deleteRecord(ctx.write, undefined, ids[i] ?? '', false),
    false,
  );
  // Delete results name the id even when the delete failed.
  const body = (response.body as SaveResult[]).map((r, i) => ({ ...r, id: ids[i] ?? null }));
  return { status: 200, body };
}

function retrieve(ctx: ApiContext, req: ApiRequest, def: ObjectDef): ApiResponse {
  let idsParam: string | null | unknown[] = req.query.get('ids');
  let fieldsParam = req.query.get('fields');
  if (req.method === 'POST') {
    const body = parseJsonBody(req.rawBody);
    if (!isPlainObject(body))
      throw new RequestError(400, 'JSON_PARSER_ERROR', 'Expected an object with ids and fields');
    idsParam = Array.isArray(body.ids) ? body.ids : null;
    fieldsParam = Array.isArray(body.fields) ? body.fields.map(String).join(',') : null;
  }
  const fields = selectedFields(def, fieldsParam);
  if (fields === undefined) throw new RequestError(400, 'MISSING_ARGUMENT', 'fields parameter is required');
  const ids = idList(idsParam, RETRIEVE_LIMIT);
  const records = ids.map((id) => {
    const normalized = normalizeId(id);
    if (normalized === undefined) throw new RequestError(400, 'MALFORMED_ID', `malformed id ${id}`);
    const record = ctx.access.visible.byId(normalized);
    if (record === undefined || record.isDeleted || record.type !== def.name) return null;
    return toRestRecord(record, def, ctx.version, fields);
  });
  return { status: 200, body: records };
}

/** Routes `segments` = the path parts after `composite/sobjects`. */
export function collectionsRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  const [typeName, fieldName] = segments;
  if (typeName === undefined) {
    if (req.method === 'POST') return create(ctx, req);
    if (req.method === 'PATCH') return update(ctx, req);
    if (req.method === 'DELETE') return remove(ctx, req);
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are POST,PATCH,DELETE`,
    );
  }
  const def = requireObject(ctx, typeName);
  if (fieldName !== undefined) {
    if (req.method !== 'PATCH')
      throw new RequestError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${req.method}' not allowed. Allowed are PATCH`,
      );
    return upsert(ctx, req, def, fieldName);
  }
  if (req.method === 'GET' || req.method === 'POST') return retrieve(ctx, req, def);
  throw new RequestError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${req.method}' not allowed. Allowed are GET,POST`,
  );
}
