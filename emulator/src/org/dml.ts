// Record writes with Salesforce's semantics: field validation from the schema, defaults, derived and
// system fields, unique values, the recycle bin, and one change record per committed write (for
// change data capture).
import { formatDateTime } from './datetime.ts';
import { cascadedChildren } from './cascade-delete.ts';
import { applyDerivedFields } from './derived-fields.ts';
import { NOT_FOUND_MESSAGE, RequestError, recordError, type RecordError } from './errors.ts';
import { coerceFieldValue } from './field-values.ts';
import { assignmentProblem, customPermissionsOf } from './access-records.ts';
import { validationErrors } from './formula/validation-rules.ts';
import { normalizeId } from './ids.ts';
import type { Org } from './org.ts';
import { findField, findObject, type FieldDef, type ObjectDef, type StoredRecord } from '../schema/types.ts';
import type { WriteGuard } from './write-guard.ts';

const SYSTEM_FIELDS = new Set([
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

export interface ChangeRecord {
  entityName: string;
  changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
  recordId: string;
  values: Record<string, unknown>;
  changedFields: string[];
  nulledFields: string[];
  commitTimestamp: number;
}

/** One request's unit of work: who writes, when, and the changes to publish if it commits. */
export interface WriteContext {
  org: Org;
  userId: string;
  rawBody?: string;
  changes: ChangeRecord[];
  /** The writing user's access; absent for the system's own writes (the admin API's seeding). */
  guard?: WriteGuard;
}

/** The object as the org defines it (callers may hold the user's narrower view of it). */
function orgDef(ctx: WriteContext, def: ObjectDef): ObjectDef {
  return ctx.org.schema.objects.get(def.name.toLowerCase()) ?? def;
}

// What the API answers when the sharing model refuses a record or a lookup (SOAP API Developer Guide,
// StatusCode: INSUFFICIENT_ACCESS_OR_READONLY, INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY;
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm).
const NO_RECORD_ACCESS = (): RecordError =>
  recordError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
const NO_CROSS_REFERENCE_ACCESS = (): RecordError =>
  recordError(
    'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
    'insufficient access rights on cross-reference id',
  );

/**
 * An object the user's permissions do not let them insert or update, as the platform words it
 * (`entity type cannot be inserted: <label>`, CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY).
 */
function notPermitted(def: ObjectDef, verb: 'inserted' | 'updated'): RecordError {
  return recordError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be ${verb}: ${def.label}`);
}

export type WriteResult =
  | { ok: true; id: string; created: boolean }
  | { ok: false; errors: RecordError[]; status: number }
  | { ok: false; multiple: string[] };

/** Explicit system values for seeding back-dated records through the admin API. */
export interface SeedOptions {
  system?: Partial<
    Record<'CreatedDate' | 'LastModifiedDate' | 'SystemModstamp' | 'CreatedById' | 'LastModifiedById', string>
  >;
  /** Allow writing fields the API refuses (formula-free read-only values such as IsArchived). */
  bypassAccess?: boolean;
}

function fail(status: number, ...errors: RecordError[]): WriteResult {
  return { ok: false, errors, status };
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

interface ParsedInput {
  values: Map<FieldDef, unknown>;
  errors: RecordError[];
}

/** Resolves and coerces every field in a body; unknown fields fail the whole request like the REST deserializer. */
function parseInput(
  ctx: WriteContext,
  def: ObjectDef,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  bypassAccess: boolean,
): ParsedInput {
  const values = new Map<FieldDef, unknown>();
  const errors: RecordError[] = [];
  const refused: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const field = findField(def, key);
    // A field field-level security hides does not exist for the user.
    const access = field === undefined ? 'none' : (ctx.guard?.fieldAccess(def, field) ?? 'edit');
    if (field === undefined || access === 'none') {
      throw new RequestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`);
    }
    if (field.name === 'Id') {
      if (mode === 'update') continue;
      refused.push(field.name);
      continue;
    }
    const allowed = (mode === 'create' ? field.createable : field.updateable) && access === 'edit';
    if (!allowed && !bypassAccess) {
      refused.push(field.name);
      continue;
    }
    const result = coerceFieldValue(field, raw, {
      schema: ctx.org.schema,
      // A lookup may only point at a record the user can see.
      source: ctx.guard?.visible ?? ctx.org.store,
      rawBody: ctx.rawBody,
    });
    if (result.ok) values.set(field, result.value);
    else errors.push(result.error);
  }
  if (refused.length > 0) {
    errors.unshift(
      recordError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${refused.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        refused,
      ),
    );
  }
  return { values, errors };
}

function requiredMissing(def: ObjectDef, fields: Record<string, unknown>): RecordError | undefined {
  const missing = [...def.fields.values()]
    .filter(
      (f) =>
        !f.nillable && f.type !== 'boolean' && f.name !== 'Id' && f.createable && isBlank(fields[f.name]),
    )
    .map((f) => f.name);
  if (missing.length === 0) return undefined;
  return recordError(
    'REQUIRED_FIELD_MISSING',
    `Required fields are missing: [${missing.join(', ')}]`,
    missing,
  );
}

function duplicateError(
  ctx: WriteContext,
  def: ObjectDef,
  fields: Record<string, unknown>,
  selfId: string | undefined,
): RecordError | undefined {
  for (const field of def.fields.values()) {
    if (!field.unique || isBlank(fields[field.name])) continue;
    const clash = ctx.org.store
      .findByField(def.name, field.name, fields[field.name], field.caseSensitive)
      .find((r) => !r.isDeleted && r.Id !== selfId);
    if (clash) {
      return recordError(
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${clash.Id}`,
        [],
      );
    }
  }
  return undefined;
}

function ruleErrors(
  ctx: WriteContext,
  def: ObjectDef,
  fields: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  seed: SeedOptions | undefined,
): RecordError[] {
  if (seed?.bypassAccess === true || def.validationRules.length === 0) return [];
  return validationErrors(def, findObject(ctx.org.schema, 'User'), {
    fields,
    previous,
    userId: ctx.userId,
    permissions: customPermissionsOf(ctx.org, ctx.userId),
    user: ctx.org.store.byId(ctx.userId)?.fields,
    now: ctx.org.clock.now(),
  });
}

/** The next auto number in the field's display format (`SIAE-{000000}` → `SIAE-000042`). */
function autoNumber(ctx: WriteContext, def: ObjectDef, field: FieldDef): string {
  const format = field.autoNumberFormat ?? '{0}';
  const digits = /\{(0+)\}/.exec(format)?.[1]?.length ?? 1;
  let highest = 0;
  for (const record of ctx.org.store.records(def.name)) {
    const value = record.fields[field.name];
    const match = typeof value === 'string' ? /(\d+)\D*$/.exec(value) : null;
    if (match?.[1] !== undefined) highest = Math.max(highest, Number(match[1]));
  }
  return format.replace(/\{0+\}/, String(highest + 1).padStart(digits, '0'));
}

function nowString(ctx: WriteContext): string {
  return formatDateTime(ctx.org.clock.now());
}

export function createRecord(
  ctx: WriteContext,
  given: ObjectDef,
  input: Record<string, unknown>,
  seed?: SeedOptions,
): WriteResult {
  const def = orgDef(ctx, given);
  if (!def.createable) {
    return fail(
      400,
      recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${def.name}`),
    );
  }
  if (ctx.guard !== undefined && !ctx.guard.mayCreate(def)) return fail(400, notPermitted(def, 'inserted'));
  const parsed = parseInput(ctx, def, input, 'create', seed?.bypassAccess === true);
  if (parsed.errors.length > 0) return fail(400, ...parsed.errors);
  const now = nowString(ctx);
  const fields: Record<string, unknown> = {};
  for (const field of def.fields.values()) {
    if (field.type === 'boolean') fields[field.name] = false;
    else fields[field.name] = null;
    if (field.defaultedOnCreate && field.defaultValue !== undefined) fields[field.name] = field.defaultValue;
  }
  if (def.fields.has('ownerid')) fields.OwnerId = ctx.userId;
  for (const [field, value] of parsed.values) fields[field.name] = value;
  const missing = requiredMissing(def, fields);
  if (missing) return fail(400, missing);
  const id = ctx.org.ids.next(def.keyPrefix);
  fields.Id = id;
  for (const field of def.fields.values()) {
    if (field.autoNumberFormat !== undefined) fields[field.name] = autoNumber(ctx, def, field);
  }
  // A text Name left empty takes the record's Id.
  if (def.kind === 'custom' && def.fields.get('name')?.createable === true && isBlank(fields.Name))
    fields.Name = id;
  applyDerivedFields(ctx.org, def.name, fields, undefined, now);
  const invalid = ruleErrors(ctx, def, fields, undefined, seed);
  if (invalid.length > 0) return fail(400, ...invalid);
  const duplicate = duplicateError(ctx, def, fields, undefined);
  if (duplicate) return fail(400, duplicate);
  // An assignment is checked against the others (one per user and set) and its set (never a profile's).
  const refused =
    def.name === 'PermissionSetAssignment' ? assignmentProblem(ctx.org, fields, undefined) : undefined;
  if (refused) return fail(400, recordError(refused.code, refused.message));
  Object.assign(fields, {
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: ctx.userId,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
    ...seed?.system,
  });
  const known = Object.fromEntries(
    Object.entries(fields).filter(([key]) => def.fields.has(key.toLowerCase())),
  );
  const record: StoredRecord = { Id: id, type: def.name, fields: known, isDeleted: false };
  ctx.org.store.put(record);
  ctx.guard?.changed();
  const values = Object.fromEntries(Object.entries(known).filter(([, v]) => v !== null));
  ctx.changes.push({
    entityName: def.name,
    changeType: 'CREATE',
    recordId: id,
    values,
    changedFields: [],
    nulledFields: [],
    commitTimestamp: ctx.org.clock.now().getTime(),
  });
  return { ok: true, id, created: true };
}

/** Looks a record up for update/delete, with the codes the REST API gives for bad and unknown ids. */
export function findWritable(
  ctx: WriteContext,
  def: ObjectDef | undefined,
  id: string,
  single: boolean,
): StoredRecord | WriteResult {
  const normalized = normalizeId(id);
  if (normalized === undefined) {
    return single
      ? fail(404, recordError('NOT_FOUND', NOT_FOUND_MESSAGE))
      : fail(400, recordError('MALFORMED_ID', `malformed id ${id}`));
  }
  const record = ctx.org.store.byId(normalized);
  if (record === undefined || (def !== undefined && record.type !== def.name)) {
    return single
      ? fail(404, recordError('NOT_FOUND', NOT_FOUND_MESSAGE))
      : fail(400, recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
  }
  if (record.isDeleted) return fail(404, recordError('ENTITY_IS_DELETED', 'entity is deleted'));
  return record;
}

export function updateRecord(
  ctx: WriteContext,
  given: ObjectDef,
  id: string,
  input: Record<string, unknown>,
  single: boolean,
  seed?: SeedOptions,
): WriteResult {
  const def = orgDef(ctx, given);
  const found = findWritable(ctx, def, id, single);
  if (!('Id' in found)) return found;
  if (!def.updateable) {
    return fail(400, recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be updated: ${def.name}`));
  }
  const guard = ctx.guard;
  if (guard !== undefined && !guard.mayEdit(def)) return fail(400, notPermitted(def, 'updated'));
  const parsed = parseInput(ctx, def, input, 'update', seed?.bypassAccess === true);
  if (parsed.errors.length > 0) return fail(400, ...parsed.errors);
  if (guard !== undefined) {
    if (!guard.mayEditRecord(found)) return fail(400, NO_RECORD_ACCESS());
    const owner = [...parsed.values].find(([field]) => field.name === 'OwnerId')?.[1];
    if (owner !== undefined && owner !== found.fields.OwnerId && !guard.mayTransfer(found))
      return fail(400, NO_CROSS_REFERENCE_ACCESS());
  }
  const now = nowString(ctx);
  const previous = found.fields;
  const fields: Record<string, unknown> = { ...previous };
  for (const [field, value] of parsed.values) fields[field.name] = value;
  const nulledRequired = [...parsed.values.keys()].filter(
    (f) => !f.nillable && f.type !== 'boolean' && isBlank(fields[f.name]),
  );
  if (nulledRequired.length > 0) {
    const names = nulledRequired.map((f) => f.name);
    return fail(
      400,
      recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names),
    );
  }
  applyDerivedFields(ctx.org, def.name, fields, previous, now);
  const invalid = ruleErrors(ctx, def, fields, previous, seed);
  if (invalid.length > 0) return fail(400, ...invalid);
  const duplicate = duplicateError(ctx, def, fields, found.Id);
  if (duplicate) return fail(400, duplicate);
  Object.assign(fields, {
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
    ...seed?.system,
  });
  ctx.org.store.put({ ...found, fields });
  guard?.changed();
  const changedFields = Object.keys(fields).filter(
    (name) => !SYSTEM_FIELDS.has(name) && JSON.stringify(fields[name]) !== JSON.stringify(previous[name]),
  );
  if (changedFields.length > 0) {
    const values: Record<string, unknown> = { LastModifiedDate: now };
    for (const name of changedFields) values[name] = fields[name];
    ctx.changes.push({
      entityName: def.name,
      changeType: 'UPDATE',
      recordId: found.Id,
      values,
      changedFields: [...changedFields, 'LastModifiedDate'],
      nulledFields: changedFields.filter((name) => fields[name] === null),
      commitTimestamp: ctx.org.clock.now().getTime(),
    });
  }
  return { ok: true, id: found.Id, created: false };
}

export function deleteRecord(
  ctx: WriteContext,
  def: ObjectDef | undefined,
  id: string,
  single: boolean,
  deletedAt?: string,
): WriteResult {
  const found = findWritable(ctx, def, id, single);
  if (!('Id' in found)) return found;
  const objectDef = ctx.org.schema.objects.get(found.type.toLowerCase());
  if (objectDef?.deletable !== true) {
    return fail(
      400,
      recordError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${found.type}`),
    );
  }
  const guard = ctx.guard;
  if (guard !== undefined && (!guard.mayDelete(objectDef) || !guard.mayDeleteRecord(found)))
    return fail(400, NO_RECORD_ACCESS());
  const now = deletedAt ?? nowString(ctx);
  moveToRecycleBin(ctx, found, now);
  guard?.changed();
  return { ok: true, id: found.Id, created: false };
}

function moveToRecycleBin(ctx: WriteContext, found: StoredRecord, now: string): void {
  ctx.org.store.put({
    ...found,
    isDeleted: true,
    deletedDate: now,
    fields: {
      ...found.fields,
      IsDeleted: true,
      LastModifiedDate: now,
      LastModifiedById: ctx.userId,
      SystemModstamp: now,
    },
  });
  ctx.changes.push({
    entityName: found.type,
    changeType: 'DELETE',
    recordId: found.Id,
    values: {},
    changedFields: [],
    nulledFields: [],
    commitTimestamp: ctx.org.clock.now().getTime(),
  });
  for (const child of cascadedChildren(ctx.org, found)) moveToRecycleBin(ctx, child, now);
}

/** Upsert by an external-id field: create when nothing matches, update one match, report several. */
export function upsertRecord(
  ctx: WriteContext,
  def: ObjectDef,
  externalField: FieldDef,
  externalValue: unknown,
  input: Record<string, unknown>,
  single: boolean,
): WriteResult {
  const matches = isBlank(externalValue)
    ? []
    : ctx.org.store
        .findByField(def.name, externalField.name, externalValue, externalField.caseSensitive)
        .filter((r) => !r.isDeleted);
  if (matches.length > 1) return { ok: false, multiple: matches.map((r) => r.Id) };
  const body = Object.fromEntries(
    Object.entries(input).filter(([key]) => key.toLowerCase() !== externalField.name.toLowerCase()),
  );
  const match = matches[0];
  if (match) return updateRecord(ctx, def, match.Id, body, single);
  return createRecord(ctx, def, { ...body, [externalField.name]: externalValue });
}
