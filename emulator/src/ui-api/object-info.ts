// /ui-api/object-info resources: the Object Info representation of an object (its fields, child
// relationships, record types) and its picklist values per record type (UI API Developer Guide:
// Object Info, Field, Picklist Values, Picklist Values Collection).
import { createHash } from 'node:crypto';
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../rest/api-types.ts';
import {
  findField,
  findObject,
  type FieldDef,
  type FieldType,
  type ObjectDef,
  type Schema,
} from '../schema/types.ts';
import { MASTER_RECORD_TYPE_ID, nameFieldOf } from './field-values.ts';

const notFound = (): RequestError => new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);

/** The UI API `dataType` of each describe field type. */
const DATA_TYPES: Record<FieldType, string> = {
  id: 'String',
  string: 'String',
  textarea: 'TextArea',
  email: 'Email',
  phone: 'Phone',
  url: 'Url',
  picklist: 'Picklist',
  multipicklist: 'MultiPicklist',
  combobox: 'ComboBox',
  boolean: 'Boolean',
  int: 'Int',
  double: 'Double',
  currency: 'Currency',
  percent: 'Percent',
  date: 'Date',
  datetime: 'DateTime',
  reference: 'Reference',
};

function eTagOf(value: unknown): string {
  return createHash('md5').update(JSON.stringify(value)).digest('hex');
}

/** Objects UI API serves: records people work with, not event types. */
export function uiApiObject(schema: Schema, name: string): ObjectDef {
  const def = findObject(schema, name);
  if (def === undefined || def.kind === 'platformEvent' || def.kind === 'changeEvent') throw notFound();
  return def;
}

function fieldInfo(schema: Schema, def: ObjectDef, field: FieldDef): Record<string, unknown> {
  return {
    apiName: field.name,
    calculated: field.calculated,
    compound: false,
    compoundComponentName: null,
    compoundFieldName: null,
    controllerName: null,
    controllingFields: [],
    createable: field.createable,
    custom: field.custom,
    dataType: DATA_TYPES[field.type],
    externalId: field.externalId,
    extraTypeInfo: null,
    filterable: field.filterable,
    filteredLookupInfo: null,
    highScaleNumber: false,
    htmlFormatted: false,
    inlineHelpText: null,
    label: field.label,
    length: field.type === 'id' || field.type === 'reference' ? 18 : (field.length ?? 0),
    maskType: null,
    nameField: nameFieldOf(def)?.name === field.name,
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision: field.precision ?? 0,
    reference: field.type === 'reference',
    referenceTargetField: null,
    referenceToInfos: field.referenceTo.map((target) => {
      const targetDef = findObject(schema, target);
      const nameField = targetDef === undefined ? undefined : nameFieldOf(targetDef);
      return { apiName: target, nameFields: nameField === undefined ? [] : [nameField.name] };
    }),
    relationshipName: field.relationshipName ?? null,
    // Required in the UI: the user has to give a value (booleans always have one).
    required: !field.nillable && field.type !== 'boolean' && field.createable,
    scale: field.scale ?? 0,
    searchPrefilterable: false,
    sortable: field.sortable,
    unique: field.unique,
    updateable: field.updateable,
  };
}

function childRelationships(schema: Schema, def: ObjectDef): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const child of schema.objects.values()) {
    if (child.kind === 'platformEvent' || child.kind === 'changeEvent') continue;
    for (const field of child.fields.values()) {
      if (field.type !== 'reference' || !field.referenceTo.includes(def.name)) continue;
      out.push({
        childObjectApiName: child.name,
        fieldName: field.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: field.childRelationshipName ?? null,
      });
    }
  }
  return out;
}

const MASTER_RECORD_TYPE = {
  available: true,
  defaultRecordTypeMapping: true,
  master: true,
  name: 'Master',
  recordTypeId: MASTER_RECORD_TYPE_ID,
};

export function objectInfo(schema: Schema, def: ObjectDef): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of def.fields.values()) fields[field.name] = fieldInfo(schema, def, field);
  const nameField = nameFieldOf(def);
  const body: Record<string, unknown> = {
    apiName: def.name,
    associateEntityType: null,
    associateParentEntity: null,
    childRelationships: childRelationships(schema, def),
    createable: def.createable,
    custom: def.custom,
    // Objects without record types report the master record type as their default.
    defaultRecordTypeId: MASTER_RECORD_TYPE_ID,
    deletable: def.deletable,
    dependentFields: {},
    feedEnabled: false,
    fields,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: true,
    mruEnabled: true,
    nameFields: nameField === undefined ? [] : [nameField.name],
    queryable: def.queryable,
    recordTypeInfos: { [MASTER_RECORD_TYPE_ID]: MASTER_RECORD_TYPE },
    searchable: true,
    themeInfo: null,
    updateable: def.updateable,
  };
  return { ...body, eTag: eTagOf(body) };
}

function picklistEntry(value: { value: string; label: string }): Record<string, unknown> {
  return { attributes: null, label: value.label, validFor: [], value: value.value };
}

function picklistValues(field: FieldDef, url: string): Record<string, unknown> {
  const active = (field.picklistValues ?? []).filter((p) => p.active);
  const defaultPick = active.find((p) => p.defaultValue);
  const body = {
    controllerValues: {},
    defaultValue: defaultPick === undefined ? null : picklistEntry(defaultPick),
    url,
    values: active.map(picklistEntry),
  };
  return { ...body, eTag: eTagOf(body) };
}

function isPicklist(field: FieldDef): boolean {
  return field.type === 'picklist' || field.type === 'multipicklist' || field.type === 'combobox';
}

function requireMasterRecordType(recordTypeId: string): void {
  // An object without record types has only the master one (012000000000000AAA, or its 15 characters).
  if (recordTypeId !== MASTER_RECORD_TYPE_ID && recordTypeId !== MASTER_RECORD_TYPE_ID.slice(0, 15))
    throw notFound();
}

function objectDirectory(ctx: ApiContext): Record<string, unknown> {
  const objects: Record<string, unknown> = {};
  for (const def of [...ctx.org.schema.objects.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (def.kind === 'platformEvent' || def.kind === 'changeEvent') continue;
    objects[def.name] = {
      apiName: def.name,
      createable: def.createable,
      custom: def.custom,
      deletable: def.deletable,
      keyPrefix: def.keyPrefix,
      label: def.label,
      labelPlural: def.labelPlural,
      layoutable: true,
      mruEnabled: true,
      queryable: def.queryable,
      searchable: true,
      updateable: def.updateable,
      url: `/services/data/v${ctx.version}/ui-api/object-info/${def.name}`,
    };
  }
  return { objects };
}

/**
 * GET /ui-api/object-info/batch/{Task,Contact}: one `{ result, statusCode }` per object, in order, an
 * unknown object answering its error array (UI API Developer Guide: Batch Results).
 */
function objectInfoBatch(ctx: ApiContext, names: string): Record<string, unknown> {
  const results = names
    .split(',')
    .filter((name) => name !== '')
    .map((name) => {
      try {
        return { result: objectInfo(ctx.org.schema, uiApiObject(ctx.org.schema, name)), statusCode: 200 };
      } catch (error) {
        if (error instanceof RequestError) return { result: error.body, statusCode: error.status };
        throw error;
      }
    });
  return { results };
}

/** Routes `segments` = the path parts after `ui-api/object-info`. */
export function objectInfoRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  if (req.method !== 'GET') {
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are GET`,
    );
  }
  const [objectName, resource, recordTypeId, fieldName, ...rest] = segments;
  if (objectName === undefined || objectName === '') return { status: 200, body: objectDirectory(ctx) };
  if (objectName === 'batch' && resource !== undefined && recordTypeId === undefined)
    return { status: 200, body: objectInfoBatch(ctx, resource) };
  const def = uiApiObject(ctx.org.schema, objectName);
  if (resource === undefined) return { status: 200, body: objectInfo(ctx.org.schema, def) };
  if (resource !== 'picklist-values' || recordTypeId === undefined || rest.length > 0) throw notFound();
  requireMasterRecordType(recordTypeId);
  const base = `/services/data/v${ctx.version}/ui-api/object-info/${def.name}/picklist-values/${MASTER_RECORD_TYPE_ID}`;
  if (fieldName === undefined) {
    const picklistFieldValues: Record<string, unknown> = {};
    for (const field of def.fields.values()) {
      if (isPicklist(field)) picklistFieldValues[field.name] = picklistValues(field, `${base}/${field.name}`);
    }
    return { status: 200, body: { eTag: eTagOf(picklistFieldValues), picklistFieldValues } };
  }
  const field = findField(def, fieldName);
  if (field === undefined || !isPicklist(field)) throw notFound();
  return { status: 200, body: picklistValues(field, `${base}/${field.name}`) };
}
