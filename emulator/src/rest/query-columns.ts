// `/query?q=...&columns=true`: the column metadata of a query's select list (what the Salesforce CLI
// asks for to lay out `sf data query` output). Run after the SOQL engine has accepted the query.
import { parseQuery, type FieldType as SelectedField } from '@jetstreamapp/soql-parser-js';
import { findField, findObject, type FieldDef, type ObjectDef, type Schema } from '../schema/types.ts';

interface ColumnMetadata {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

const APEX_TYPES: Record<string, string> = {
  id: 'Id',
  reference: 'Id',
  boolean: 'Boolean',
  int: 'Integer',
  double: 'Double',
  currency: 'Decimal',
  percent: 'Decimal',
  date: 'Date',
  datetime: 'Datetime',
};

function column(name: string, field: FieldDef | undefined): ColumnMetadata {
  const type = field?.type;
  return {
    aggregate: false,
    apexType: type === undefined ? null : (APEX_TYPES[type] ?? 'String'),
    booleanType: type === 'boolean',
    columnName: field?.name ?? name,
    custom: field?.custom ?? false,
    displayName: field?.name ?? name,
    foreignKeyName: null,
    insertable: field?.createable ?? false,
    joinColumns: [],
    numberType: type === 'int' || type === 'double' || type === 'currency' || type === 'percent',
    textType: type !== undefined && APEX_TYPES[type] === undefined,
    updatable: field?.updateable ?? false,
  };
}

function relationshipField(def: ObjectDef | undefined, name: string): FieldDef | undefined {
  if (def === undefined) return undefined;
  const lower = name.toLowerCase();
  return [...def.fields.values()].find((f) => f.relationshipName?.toLowerCase() === lower);
}

function addPath(
  schema: Schema,
  columns: ColumnMetadata[],
  def: ObjectDef | undefined,
  path: string[],
  leaf: string,
): void {
  const [head, ...rest] = path;
  if (head === undefined) {
    columns.push(column(leaf, def === undefined ? undefined : findField(def, leaf)));
    return;
  }
  const reference = relationshipField(def, head);
  const name = reference?.relationshipName ?? head;
  let parent = columns.find((c) => c.columnName === name);
  if (parent === undefined) {
    parent = {
      ...column(name, undefined),
      columnName: name,
      displayName: name,
      apexType: null,
      textType: false,
    };
    parent.foreignKeyName = reference?.name ?? null;
    columns.push(parent);
  }
  const target =
    reference?.referenceTo[0] === undefined ? undefined : findObject(schema, reference.referenceTo[0]);
  addPath(schema, parent.joinColumns, target, rest, leaf);
}

function addField(
  schema: Schema,
  columns: ColumnMetadata[],
  def: ObjectDef | undefined,
  selected: SelectedField,
  index: number,
): void {
  switch (selected.type) {
    case 'Field':
      addPath(schema, columns, def, [], selected.field);
      break;
    case 'FieldRelationship':
      addPath(schema, columns, def, selected.relationships, selected.field);
      break;
    case 'FieldFunctionExpression':
      columns.push({
        ...column(selected.alias ?? `expr${index}`, undefined),
        aggregate: selected.isAggregateFn === true,
        apexType: null,
      });
      break;
    default:
      break;
  }
}

export function queryColumns(schema: Schema, soql: string): Record<string, unknown> {
  const query = parseQuery(soql);
  const def = query.sObject === undefined ? undefined : findObject(schema, query.sObject);
  const columns: ColumnMetadata[] = [];
  (query.fields ?? []).forEach((selected, index) => {
    addField(schema, columns, def, selected, index);
  });
  return {
    columnMetadata: columns,
    entityName: def?.name ?? query.sObject ?? null,
    groupBy: query.groupBy !== undefined,
    idSelected: columns.some((c) => c.columnName === 'Id'),
    keyPrefix: def?.keyPrefix ?? null,
  };
}
