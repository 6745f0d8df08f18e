// Resolving field paths (`Subject`, `Who.Name`, `Owner.Profile.Name`) against the schema, and reading
// them from stored records. Standard parent relationships are named by FieldDef.relationshipName (`Who`
// for WhoId), custom ones by the field name (`User__r` for User__c); a polymorphic reference (WhoId →
// Contact or Lead) resolves through the object of the record it actually points at.
import {
  findField,
  findObject,
  type FieldDef,
  type ObjectDef,
  type RecordSource,
  type Schema,
  type StoredRecord,
} from '../schema/types.ts';

/** One parent hop: the reference field and the relationship name as Salesforce spells it. */
export interface RelationshipHop {
  referenceField: FieldDef;
  relationshipName: string;
}

export interface FieldPath {
  /** The path as written in the query, for error messages and locating it in the text. */
  written: string;
  hops: RelationshipHop[];
  /** The leaf field as found on the first object that has it (its type drives comparisons). */
  leaf: FieldDef;
}

/** Why a path does not resolve, in Salesforce's words. */
export type PathProblem =
  { kind: 'relationship'; name: string } | { kind: 'column'; name: string; entity: string };

/** Salesforce's INVALID_FIELD texts for unknown relationships and columns. */
export function describePathProblem(problem: PathProblem): string {
  if (problem.kind === 'relationship') {
    return (
      `Didn't understand relationship '${problem.name}' in field path. If you are attempting to use a ` +
      `custom relationship, be sure to append the '__r' after the custom relationship name. Please ` +
      `reference your WSDL or the describe call for the appropriate names.`
    );
  }
  return (
    `No such column '${problem.name}' on entity '${problem.entity}'. If you are attempting to use a ` +
    `custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL ` +
    `or the describe call for the appropriate names.`
  );
}

/**
 * The name a parent relationship goes by in SOQL. For a custom lookup it is always the field name
 * with __r for __c (`User__c` → `User__r`); the <relationshipName> in its metadata names the child
 * relationship instead (SOQL reference, "Understanding Relationship Names, Custom Objects, and Custom
 * Fields"), so it is not used for parent paths.
 */
export function parentRelationshipName(field: FieldDef): string | undefined {
  if (field.type !== 'reference') return undefined;
  if (field.custom && field.name.endsWith('__c')) return `${field.name.slice(0, -3)}__r`;
  return field.relationshipName;
}

/** The reference field whose parent relationship is called `name` on `object`. */
export function relationshipField(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  for (const field of object.fields.values()) {
    if (parentRelationshipName(field)?.toLowerCase() === wanted) return field;
  }
  return undefined;
}

/** The objects a reference field can point at. */
export function targetObjects(schema: Schema, field: FieldDef): ObjectDef[] {
  return field.referenceTo.flatMap((name) => findObject(schema, name) ?? []);
}

/**
 * Resolves `path` from `root`. A leading `prefixes` entry (the FROM object's name or alias) is
 * dropped unless it is also a relationship name. Salesforce queries a polymorphic relationship
 * through its `Name` entity, so an unknown column there is reported "on entity 'Name'".
 */
export function resolvePath(
  schema: Schema,
  root: ObjectDef,
  path: string,
  prefixes: string[] = [],
): FieldPath | PathProblem {
  const parts = path.split('.');
  const [first] = parts;
  if (
    parts.length > 1 &&
    first !== undefined &&
    prefixes.some((prefix) => prefix.toLowerCase() === first.toLowerCase()) &&
    relationshipField(root, first) === undefined
  ) {
    parts.shift();
  }
  const leafName = parts.pop() ?? path;
  let objects = [root];
  const hops: RelationshipHop[] = [];
  for (const part of parts) {
    const referenceField = objects.map((object) => relationshipField(object, part)).find(Boolean);
    if (referenceField === undefined) return { kind: 'relationship', name: part };
    hops.push({ referenceField, relationshipName: parentRelationshipName(referenceField) ?? part });
    objects = targetObjects(schema, referenceField);
  }
  const leaf = objects.map((object) => findField(object, leafName)).find(Boolean);
  if (leaf === undefined) {
    const entity = objects.length === 1 && objects[0] !== undefined ? objects[0].name : 'Name';
    return { kind: 'column', name: leafName, entity };
  }
  return { written: path, hops, leaf };
}

export function isPathProblem(value: FieldPath | PathProblem): value is PathProblem {
  return 'kind' in value;
}

/** A stored field value; Id and IsDeleted live on the record itself. Empty strings read as null. */
export function readField(record: StoredRecord, field: FieldDef): unknown {
  const lower = field.name.toLowerCase();
  if (lower === 'id') return record.Id;
  if (lower === 'isdeleted') return record.isDeleted;
  const value = record.fields[field.name];
  if (value === undefined || value === '') return null;
  return value;
}

/** The parent record a reference field points at, or undefined when empty or recycled. */
export function parentRecord(
  source: RecordSource,
  record: StoredRecord,
  hop: RelationshipHop,
): StoredRecord | undefined {
  const id = readField(record, hop.referenceField);
  if (typeof id !== 'string') return undefined;
  const parent = source.byId(id);
  return parent === undefined || parent.isDeleted ? undefined : parent;
}

/** The leaf field on the object of `record` (which may differ from the resolved one when polymorphic). */
export function leafOn(schema: Schema, record: StoredRecord, path: FieldPath): FieldDef | undefined {
  const object = findObject(schema, record.type);
  return object === undefined ? undefined : findField(object, path.leaf.name);
}

/** Follows the path's hops from `record`; null when a reference on the way is empty. */
export function readPath(
  schema: Schema,
  source: RecordSource,
  record: StoredRecord,
  path: FieldPath,
): unknown {
  let current: StoredRecord | undefined = record;
  for (const hop of path.hops) {
    current = parentRecord(source, current, hop);
    if (current === undefined) return null;
  }
  const field = path.hops.length === 0 ? path.leaf : leafOn(schema, current, path);
  return field === undefined ? null : readField(current, field);
}
