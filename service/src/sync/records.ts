// Reading Task records from Salesforce for the import, the sweep and gap checks.
import { COLLECTION_SIZE, inBatches } from '../salesforce/batches.ts';
import { soqlDateTime, soqlFields, soqlList, soqlString } from '../salesforce/soql.ts';
import { TASK_QUERY_FIELDS } from './mapping.ts';
import type { SyncContext } from './context.ts';
import type { RemoteChange } from './inbound.ts';

export type TaskRecord = Record<string, unknown> & { Id: string };

const SELECT = `SELECT ${soqlFields(TASK_QUERY_FIELDS)} FROM Task`;

export async function tasksByIds(ctx: Pick<SyncContext, 'salesforce'>, ids: string[]): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (const chunk of inBatches(ids, COLLECTION_SIZE))
    out.push(...(await ctx.salesforce.query<TaskRecord>(`${SELECT} WHERE Id IN ${soqlList(chunk)}`)));
  return out;
}

/** Tasks of an owner created or changed at or after `since` (first-sync import window). */
export async function tasksChangedSince(
  ctx: Pick<SyncContext, 'salesforce'>,
  ownerSalesforceId: string,
  since: string,
): Promise<TaskRecord[]> {
  const at = soqlDateTime(since);
  return ctx.salesforce.query<TaskRecord>(
    `${SELECT} WHERE OwnerId = ${soqlString(ownerSalesforceId)} AND (CreatedDate >= ${at} OR LastModifiedDate >= ${at}) ORDER BY LastModifiedDate, Id`,
  );
}

export function recordChange(record: TaskRecord): RemoteChange {
  const modified =
    typeof record['LastModifiedDate'] === 'string'
      ? new Date(record['LastModifiedDate']).toISOString()
      : new Date(0).toISOString();
  return {
    salesforceId: record.Id,
    kind: 'upsert',
    record,
    changedFields: undefined,
    nulledFields: [],
    at: modified,
    ours: false,
  };
}
