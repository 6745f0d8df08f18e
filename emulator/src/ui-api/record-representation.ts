// The UI API Record representation: `{ apiName, childRelationships, eTag, fields, id,
// lastModifiedById, lastModifiedDate, recordTypeId, recordTypeInfo, systemModstamp, weakEtag }`,
// with each field as `{ displayValue, value }` and a parent relationship as `{ displayValue: parent's
// name, value: parent Record }` (UI API Developer Guide: Record, Field Value).
import { createHash } from 'node:crypto';
import { RequestError } from '../org/errors.ts';
import {
  findField,
  findObject,
  type FieldDef,
  type ObjectDef,
  type Schema,
  type StoredRecord,
} from '../schema/types.ts';
import type { RecordSource } from '../schema/types.ts';
import {
  apiDateTime,
  apiValue,
  displayValue,
  MASTER_RECORD_TYPE_ID,
  recordName,
  weakEtag,
  type UserFormat,
} from './field-values.ts';

/** Requested fields as a tree: `Task.Owner.Name` → { Owner: { Name: {} } }; keys lower-cased. */
export interface FieldTree {
  children: Map<string, FieldTree>;
}

export interface RenderContext {
  schema: Schema;
  source: RecordSource;
  format: UserFormat;
}

const emptyTree = (): FieldTree => ({ children: new Map() });

export function relationshipField(def: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return [...def.fields.values()].find(
    (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower,
  );
}

/** Whether `path` (after the object name) names a field of `def`, following parent relationships. */
function resolves(schema: Schema, def: ObjectDef, path: string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return false;
  if (rest.length === 0) return findField(def, head) !== undefined;
  const relation = relationshipField(def, head);
  if (relation === undefined) return false;
  return relation.referenceTo.some((target) => {
    const parent = findObject(schema, target);
    return parent !== undefined && resolves(schema, parent, rest);
  });
}

function addPath(tree: FieldTree, path: string[]): void {
  let node = tree;
  for (const segment of path) {
    const key = segment.toLowerCase();
    let next = node.children.get(key);
    if (next === undefined) {
      next = emptyTree();
      node.children.set(key, next);
    }
    node = next;
  }
}

/**
 * Parses `fields=` and `optionalFields=` (qualified names, `Task.Subject`, `Task.Owner.Name`): an
 * unknown entry in `fields` fails the request, one in `optionalFields` is left out.
 */
export function fieldTree(
  schema: Schema,
  def: ObjectDef,
  fields: string[],
  optionalFields: string[],
): FieldTree {
  const tree = emptyTree();
  const add = (qualified: string, required: boolean): void => {
    const [objectName = '', ...path] = qualified.trim().split('.');
    const known = objectName.toLowerCase() === def.name.toLowerCase() && resolves(schema, def, path);
    if (known) addPath(tree, path);
    else if (required) {
      throw new RequestError(
        400,
        'INVALID_FIELD',
        `Cannot find field '${qualified.trim()}' on object '${def.name}'. Check the field and object API names.`,
      );
    }
  };
  for (const name of fields) add(name, true);
  for (const name of optionalFields) add(name, false);
  return tree;
}

/** Every field of the object, the tree a write's response record carries. */
export function allFieldsTree(def: ObjectDef): FieldTree {
  const tree = emptyTree();
  for (const field of def.fields.values()) addPath(tree, [field.name]);
  return tree;
}

function eTag(record: StoredRecord): string {
  return createHash('md5')
    .update(`${record.Id}:${String(record.fields.SystemModstamp)}`)
    .digest('hex');
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function recordRepresentation(
  ctx: RenderContext,
  record: StoredRecord,
  tree: FieldTree,
): Record<string, unknown> {
  const def = findObject(ctx.schema, record.type);
  const fields: Record<string, unknown> = {};
  if (def !== undefined) {
    for (const [segment, sub] of tree.children) {
      if (sub.children.size === 0) {
        const field = findField(def, segment);
        if (field === undefined) continue;
        const stored = field.name === 'IsDeleted' ? record.isDeleted : record.fields[field.name];
        fields[field.name] = {
          displayValue: displayValue(field, stored, ctx.format),
          value: apiValue(field, stored),
        };
        continue;
      }
      const relation = relationshipField(def, segment);
      if (relation?.relationshipName === undefined) continue;
      const parentId = record.fields[relation.name];
      const parent = typeof parentId === 'string' ? ctx.source.byId(parentId) : undefined;
      const live = parent !== undefined && !parent.isDeleted ? parent : undefined;
      fields[relation.relationshipName] = {
        displayValue: live === undefined ? null : recordName(findObject(ctx.schema, live.type), live),
        value: live === undefined ? null : recordRepresentation(ctx, live, sub),
      };
    }
  }
  return {
    apiName: def?.name ?? record.type,
    childRelationships: {},
    eTag: eTag(record),
    fields,
    id: record.Id,
    lastModifiedById: stringOrNull(record.fields.LastModifiedById),
    lastModifiedDate: apiDateTime(record.fields.LastModifiedDate),
    // Objects without record types report the master record type and no recordTypeInfo.
    recordTypeId: MASTER_RECORD_TYPE_ID,
    recordTypeInfo: null,
    systemModstamp: apiDateTime(record.fields.SystemModstamp),
    weakEtag: weakEtag(record),
  };
}
