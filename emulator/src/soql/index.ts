// The emulator's SOQL engine: parse (with @jetstreamapp/soql-parser-js), check against the schema,
// filter, order, page with OFFSET/LIMIT and shape rows as the REST query resource returns them.
// Paging into nextRecordsUrl batches is the REST layer's job.
import { aggregateRows } from './aggregates.ts';
import { QueryRun } from './execute.ts';
import { parseSoql } from './parse-query.ts';
import { projectRecord } from './projection.ts';
import { planQuery } from './query-plan.ts';
import type { SoqlOptions, SoqlResult } from './types.ts';

export { SoqlError } from './types.ts';
export type { SoqlOptions, SoqlResult } from './types.ts';

export function runSoql(soql: string, options: SoqlOptions): SoqlResult {
  const plan = planQuery(soql, parseSoql(soql), options);
  const run = new QueryRun(options);
  const rows = run.rows(plan);
  if (plan.aggregate !== undefined) {
    const records = aggregateRows(plan.aggregate, rows, options);
    return { objectName: plan.object.name, isCount: false, totalSize: records.length, records };
  }
  if (plan.isCount)
    return { objectName: plan.object.name, isCount: true, totalSize: rows.length, records: [] };
  const records = rows.map((record) => projectRecord(record, plan.columns, run));
  return { objectName: plan.object.name, isCount: false, totalSize: records.length, records };
}
