// The header row of an ingest job's CSV: each column a field of the job's object, or a relationship
// column that names the parent by one of its external-id or id-lookup fields (`Account.Ext_Id__c`,
// `Contact:Who.Email` through a polymorphic reference). Bulk API 2.0 Developer Guide, "Relationship
// Fields in a Header Row":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_rel_field_header_row.htm
// An unknown column fails the whole job with "InvalidBatch : Field name not found : <column>".
import { relationshipField } from '../../soql/field-paths.ts';
import { findField, findObject, type FieldDef, type ObjectDef, type Schema } from '../../schema/types.ts';

export type IngestColumn =
  | { kind: 'field'; field: FieldDef }
  /** A parent found by `match` on `target`; its id goes into `reference`. */
  | { kind: 'lookup'; reference: FieldDef; target: ObjectDef; match: FieldDef };

export type ColumnsResult = { ok: true; columns: IngestColumn[] } | { ok: false; errorMessage: string };

const notFound = (name: string): ColumnsResult => ({
  ok: false,
  errorMessage: `InvalidBatch : Field name not found : ${name}`,
});

function lookupColumn(schema: Schema, object: ObjectDef, name: string): IngestColumn | ColumnsResult {
  const colon = name.indexOf(':');
  const typeName = colon < 0 ? undefined : name.slice(0, colon);
  const parts = name.slice(colon + 1).split('.');
  const [relationshipName, fieldName] = parts;
  if (parts.length !== 2 || relationshipName === undefined || fieldName === undefined) return notFound(name);
  const reference = relationshipField(object, relationshipName);
  if (reference === undefined) {
    return { ok: false, errorMessage: `InvalidBatch : Unable to find relationship: ${relationshipName}` };
  }
  const polymorphic = reference.referenceTo.length > 1;
  if (typeName !== undefined && !polymorphic) {
    return {
      ok: false,
      errorMessage: `InvalidBatch : type is not needed for non polymorphic foreign key references: ${relationshipName}`,
    };
  }
  const targetName = typeName ?? (polymorphic ? undefined : reference.referenceTo[0]);
  const target =
    targetName !== undefined &&
    reference.referenceTo.some((to) => to.toLowerCase() === targetName.toLowerCase())
      ? findObject(schema, targetName)
      : undefined;
  const match = target === undefined ? undefined : findField(target, fieldName);
  if (target === undefined || match === undefined || !(match.externalId || match.idLookup))
    return notFound(name);
  return { kind: 'lookup', reference, target, match };
}

export function resolveColumns(schema: Schema, object: ObjectDef, header: string[]): ColumnsResult {
  const columns: IngestColumn[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    let column: IngestColumn | ColumnsResult;
    if (name.includes('.')) {
      column = lookupColumn(schema, object, name);
    } else {
      const field = findField(object, name);
      column = field === undefined ? notFound(name) : { kind: 'field', field };
    }
    if ('ok' in column) return column;
    const target = column.kind === 'field' ? column.field : column.reference;
    if (seen.has(target.name)) {
      return { ok: false, errorMessage: `InvalidBatch : Duplicate field name: ${name}` };
    }
    seen.add(target.name);
    columns.push(column);
  }
  return { ok: true, columns };
}
