// Shapes matching rows as the REST query resource returns them: `attributes` first, then the selected
// fields in SELECT order under Salesforce's spelling of their names; a parent relationship becomes a
// nested record with its own `attributes` (or null when the reference is empty), a child subquery a
// nested query result `{ totalSize, done, records }` (or null when there are no children). Dates are
// YYYY-MM-DD and datetimes 2026-05-06T21:20:00.000+0000.
import type { FieldDef, RecordSource, Schema, StoredRecord } from '../schema/types.ts';
import type { QueryRun } from './execute.ts';
import { leafOn, parentRecord, readField, type FieldPath } from './field-paths.ts';
import type { Column } from './query-plan.ts';
import { dateValue, datetimeValue, formatDatetime } from './values.ts';

type RestRecord = Record<string, unknown>;

interface ProjectionContext {
  schema: Schema;
  source: RecordSource;
  apiVersion: string;
}

function attributes(record: StoredRecord, apiVersion: string): { type: string; url: string } {
  return { type: record.type, url: `/services/data/v${apiVersion}/sobjects/${record.type}/${record.Id}` };
}

/** A stored value as the REST API writes it (dates YYYY-MM-DD, datetimes with +0000). */
export function outputValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime') {
    const time = datetimeValue(value);
    return time === undefined ? value : formatDatetime(time);
  }
  if (field.type === 'date') return dateValue(value) ?? value;
  return value;
}

/** toLabel(): the label of a picklist value (each value of a multi-select), the value itself otherwise. */
export function picklistLabel(field: FieldDef, value: unknown): unknown {
  if (typeof value !== 'string' || field.picklistValues === undefined) return value;
  const labelOf = (item: string): string =>
    field.picklistValues?.find((option) => option.value === item)?.label ?? item;
  return field.type === 'multipicklist' ? value.split(';').map(labelOf).join(';') : labelOf(value);
}

function place(
  target: RestRecord,
  record: StoredRecord,
  path: FieldPath,
  hop: number,
  context: ProjectionContext,
  label = false,
): void {
  const step = path.hops[hop];
  if (step === undefined) {
    // Through a polymorphic reference the leaf is looked up on the parent's own object (Who → Lead).
    const field = hop === 0 ? path.leaf : leafOn(context.schema, record, path);
    const value = field === undefined ? null : outputValue(field, readField(record, field));
    target[field?.name ?? path.leaf.name] =
      label && field !== undefined ? picklistLabel(field, value) : value;
    return;
  }
  const existing = target[step.relationshipName];
  if (existing === null) return;
  const parent = parentRecord(context.source, record, step);
  if (parent === undefined) {
    target[step.relationshipName] = null;
    return;
  }
  let nested: RestRecord;
  if (typeof existing === 'object') {
    nested = existing as RestRecord;
  } else {
    nested = { attributes: attributes(parent, context.apiVersion) };
    target[step.relationshipName] = nested;
  }
  place(nested, parent, path, hop + 1, context, label);
}

export function projectRecord(record: StoredRecord, columns: Column[], run: QueryRun): RestRecord {
  const { schema, source, apiVersion } = run.options;
  const context: ProjectionContext = { schema, source, apiVersion };
  const shaped: RestRecord = { attributes: attributes(record, apiVersion) };
  for (const column of columns) {
    if (column.kind === 'field') {
      place(shaped, record, column.path, 0, context, column.label);
      continue;
    }
    if (column.kind === 'typeof') {
      const parent = parentRecord(source, record, column.hop);
      let nested: RestRecord | null = null;
      if (parent !== undefined) {
        nested = { attributes: attributes(parent, apiVersion) };
        for (const path of column.branches.get(parent.type.toLowerCase()) ?? [])
          place(nested, parent, path, 0, context);
      }
      shaped[column.hop.relationshipName] = nested;
      continue;
    }
    const children = run.children(column, record);
    shaped[column.relationship.name] =
      children.length === 0
        ? null
        : {
            totalSize: children.length,
            done: true,
            records: children.map((child) => projectRecord(child, column.plan.columns, run)),
          };
  }
  return shaped;
}
