// Reading Task records from Salesforce for the import, the sweep and gap checks.
import { TASK_QUERY_FIELDS } from './mapping.ts';
import type { SyncContext } from './context.ts';
import type { RemoteChange } from './inbound.ts';

export type TaskRecord = Record<string, unknown> & { Id: string };

const SELECT = `SELECT ${TASK_QUERY_FIELDS.join(', ')} FROM Task`;

/** SOQL datetime literal (UTC, no quotes). */
export function soqlDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function quote(id: string): string {
  return `'${id.replace(/[^a-zA-Z0-9]/g, '')}'`;
}

export async function tasksByIds(ctx: Pick<SyncContext, 'salesforce'>, ids: string[]): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    out.push(
      ...(await ctx.salesforce.query<TaskRecord>(`${SELECT} WHERE Id IN (${chunk.map(quote).join(',')})`)),
    );
  }
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
    `${SELECT} WHERE OwnerId = ${quote(ownerSalesforceId)} AND (CreatedDate >= ${at} OR LastModifiedDate >= ${at}) ORDER BY LastModifiedDate, Id`,
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
