// /sobjects resources: describe, create, retrieve, update, delete, upsert and retrieve by external id,
// updated/deleted replication, platform event publish.
import { createRecord, deleteRecord, updateRecord, upsertRecord } from '../org/dml.ts';
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import { normalizeId } from '../org/ids.ts';
import { findField, findObject, type FieldDef, type ObjectDef } from '../schema/types.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';
import { describeGlobal, describeGlobalEntry, describeObject } from './describe.ts';
import { parseObjectBody } from './json-body.ts';
import { publishPlatformEvent } from './platform-events.ts';
import { getDeleted, getUpdated } from './replication.ts';
import { selectedFields, toRestRecord } from './rest-records.ts';
import { userPasswordRoute } from './user-password.ts';
import { singleFailure } from './write-results.ts';

const notFound = (): RequestError => new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);

const methodNotAllowed = (method: string, allowed: string): RequestError =>
  new RequestError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);

export function requireObject(ctx: ApiContext, name: string): ObjectDef {
  const def = findObject(ctx.org.schema, name);
  if (def === undefined) throw notFound();
  return def;
}

function retrieve(ctx: ApiContext, def: ObjectDef, id: string, query: URLSearchParams): ApiResponse {
  const fields = selectedFields(def, query.get('fields'));
  const normalized = normalizeId(id);
  if (normalized === undefined) {
    // Not an id: the path reads as /sobjects/<type>/<external id field> without a value.
    throw new RequestError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${id}`,
    );
  }
  // A record the user cannot see does not exist for them ("verify that there are no sharing issues",
  // REST API Developer Guide, Status Codes and Error Responses: 404).
  const record = ctx.access.visible.byId(normalized);
  if (record === undefined || record.type !== def.name) throw notFound();
  if (record.isDeleted) throw new RequestError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return { status: 200, body: toRestRecord(record, def, ctx.version, fields) };
}

function externalIdField(def: ObjectDef, name: string): FieldDef {
  const field = findField(def, name);
  if (field === undefined) {
    throw new RequestError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${name}`,
    );
  }
  if (!field.externalId && !field.idLookup) {
    throw new RequestError(
      400,
      'INVALID_FIELD',
      `Field ${field.name} is not an External ID or indexed field for ${def.name}`,
    );
  }
  return field;
}

function byExternalId(
  ctx: ApiContext,
  def: ObjectDef,
  fieldName: string,
  value: string,
  req: ApiRequest,
): ApiResponse {
  const field = externalIdField(def, fieldName);
  if (req.method === 'PATCH' || (req.method === 'POST' && field.name === 'Id')) {
    const body = parseObjectBody(req.rawBody);
    if (field.name === 'Id') {
      const result =
        value === '' ? createRecord(ctx.write, def, body) : updateRecord(ctx.write, def, value, body, true);
      if (!result.ok) return singleFailure(result, ctx.version, def.name);
      return {
        status: result.created ? 201 : 200,
        body: { id: result.id, success: true, errors: [], created: result.created },
      };
    }
    const result = upsertRecord(ctx.write, def, field, value, body, true);
    if (!result.ok) return singleFailure(result, ctx.version, def.name);
    if (!result.created && Number(ctx.version) < 46) return { status: 204 };
    // API 46.0+: an update by external id answers 200 with created:false (older versions 204).
    return {
      status: result.created ? 201 : 200,
      body: { id: result.id, success: true, errors: [], created: result.created },
    };
  }
  const matches = ctx.org.store
    .findByField(def.name, field.name, value, field.caseSensitive)
    .filter((r) => !r.isDeleted && (req.method !== 'GET' || ctx.access.visible.byId(r.Id) !== undefined));
  if (matches.length > 1) {
    return {
      status: 300,
      body: matches.map((r) => `/services/data/v${ctx.version}/sobjects/${def.name}/${r.Id}`),
    };
  }
  const match = matches[0];
  if (match === undefined) throw notFound();
  if (req.method === 'GET')
    return {
      status: 200,
      body: toRestRecord(match, def, ctx.version, selectedFields(def, req.query.get('fields'))),
    };
  if (req.method === 'DELETE') {
    const result = deleteRecord(ctx.write, def, match.Id, true);
    return result.ok ? { status: 204 } : singleFailure(result, ctx.version, def.name);
  }
  throw methodNotAllowed(req.method, 'HEAD,GET,PATCH,DELETE');
}

function onRecord(ctx: ApiContext, def: ObjectDef, id: string, req: ApiRequest): ApiResponse {
  switch (req.method) {
    case 'GET':
      return retrieve(ctx, def, id, req.query);
    case 'PATCH': {
      const result = updateRecord(ctx.write, def, id, parseObjectBody(req.rawBody), true);
      return result.ok ? { status: 204 } : singleFailure(result, ctx.version, def.name);
    }
    case 'DELETE': {
      const result = deleteRecord(ctx.write, def, id, true);
      return result.ok ? { status: 204 } : singleFailure(result, ctx.version, def.name);
    }
    default:
      throw methodNotAllowed(req.method, 'HEAD,GET,PATCH,DELETE');
  }
}

function onType(ctx: ApiContext, def: ObjectDef, req: ApiRequest): ApiResponse {
  if (req.method === 'GET') {
    return { status: 200, body: { objectDescribe: describeGlobalEntry(def, ctx.version), recentItems: [] } };
  }
  if (req.method !== 'POST') throw methodNotAllowed(req.method, 'HEAD,GET,POST');
  const body = parseObjectBody(req.rawBody);
  if (def.kind === 'platformEvent') return publishPlatformEvent(ctx, def, body, req.rawBody);
  const result = createRecord(ctx.write, def, body);
  if (!result.ok) return singleFailure(result, ctx.version, def.name);
  return { status: 201, body: { id: result.id, success: true, errors: [] } };
}

/** Routes `segments` = the path parts after `sobjects`. */
export function sobjectRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  const [typeName, second, third, ...rest] = segments;
  if (typeName === undefined || typeName === '') {
    if (req.method !== 'GET') throw methodNotAllowed(req.method, 'HEAD,GET');
    return { status: 200, body: describeGlobal(ctx.org.schema, ctx.version) };
  }
  const def = requireObject(ctx, typeName);
  if (rest.length > 0) throw notFound();
  if (second === undefined || second === '') return onType(ctx, def, req);
  if (third === undefined) {
    if (req.method === 'GET' && second === 'describe')
      return { status: 200, body: describeObject(def, ctx.org.schema, ctx.version) };
    if (req.method === 'GET' && second === 'updated') return getUpdated(ctx, def, req.query);
    if (req.method === 'GET' && second === 'deleted') return getDeleted(ctx, def, req.query);
    if (req.method === 'POST' && second.toLowerCase() === 'id') return byExternalId(ctx, def, 'Id', '', req);
    return onRecord(ctx, def, second, req);
  }
  if (def.name === 'User' && third === 'password') return userPasswordRoute(ctx, second, req);
  return byExternalId(ctx, def, second, third, req);
}
