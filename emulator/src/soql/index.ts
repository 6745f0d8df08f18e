// The emulator's SOQL engine: parse (with @jetstreamapp/soql-parser-js), check against the schema,
// filter, order, page with OFFSET/LIMIT and shape rows as the REST query resource returns them.
// Paging into nextRecordsUrl batches is the REST layer's job.
import type { StoredRecord } from '../schema/types.ts';
import { readPath } from './field-paths.ts';
import { parseSoql } from './parse-query.ts';
import { sortRows } from './ordering.ts';
import { projectRecord } from './projection.ts';
import { planQuery, type PlanNode, type QueryPlan } from './query-plan.ts';
import type { SoqlOptions, SoqlResult } from './types.ts';
import { matches } from './where-eval.ts';

export { SoqlError } from './types.ts';
export type { SoqlOptions, SoqlResult } from './types.ts';

function satisfies(node: PlanNode, record: StoredRecord, options: SoqlOptions): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => satisfies(child, record, options));
    case 'or':
      return node.children.some((child) => satisfies(child, record, options));
    case 'not':
      return !satisfies(node.child, record, options);
    default:
      return matches(node.filter, readPath(options.schema, options.source, record, node.path));
  }
}

function matchingRecords(plan: QueryPlan, options: SoqlOptions): StoredRecord[] {
  const rows: StoredRecord[] = [];
  for (const record of options.source.records(plan.object.name)) {
    // query never sees the recycle bin; queryAll does, and `IsDeleted = false` can still exclude it.
    if (record.isDeleted && !options.includeDeleted) continue;
    if (plan.where === undefined || satisfies(plan.where, record, options)) rows.push(record);
  }
  return rows;
}

function ordered(plan: QueryPlan, records: StoredRecord[], options: SoqlOptions): StoredRecord[] {
  if (plan.orderBy.length === 0) return records;
  const rows = records.map((record) => ({
    record,
    values: plan.orderBy.map((term) => readPath(options.schema, options.source, record, term.path)),
  }));
  return sortRows(rows, plan.orderBy).map((row) => row.record);
}

export function runSoql(soql: string, options: SoqlOptions): SoqlResult {
  const plan = planQuery(soql, parseSoql(soql), options);
  const offset = plan.offset ?? 0;
  const sorted = ordered(plan, matchingRecords(plan, options), options);
  const page = sorted.slice(offset, plan.limit === undefined ? undefined : offset + plan.limit);
  if (plan.isCount) {
    return { objectName: plan.object.name, isCount: true, totalSize: page.length, records: [] };
  }
  const context = { schema: options.schema, source: options.source, apiVersion: options.apiVersion };
  const records = page.map((record) => projectRecord(record, plan.columns, context));
  return { objectName: plan.object.name, isCount: false, totalSize: records.length, records };
}
