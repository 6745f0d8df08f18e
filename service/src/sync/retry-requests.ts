// An admin's "Retry" on an SIA_Sync_Error__c row (Retry_Requested__c, delivered through
// SIA_Sync_Error__ChangeEvent) queues the task's full state for Salesforce again and closes the
// row; a new failure files a new row.
import { SYNCED_FIELDS } from '../sia/model.ts';
import { isSyncOn } from '../sia/task-service.ts';
import type { SyncContext } from './context.ts';
import type { ChangeEventMessage } from './change-stream.ts';

export async function applyRetryRequests(ctx: SyncContext, message: ChangeEventMessage): Promise<string[]> {
  const header = message.payload.ChangeEventHeader;
  const requested =
    header.changedFields.includes('Retry_Requested__c') && message.payload['Retry_Requested__c'] === true;
  if (!requested || header.recordIds.length === 0) return [];
  const ids = header.recordIds.map((id) => `'${id.replace(/[^a-zA-Z0-9]/g, '')}'`).join(',');
  const rows = await ctx.salesforce.query<{
    Id: string;
    SIA_Task_Id__c: string | null;
    Retry_Requested__c: boolean;
  }>(`SELECT Id, SIA_Task_Id__c, Retry_Requested__c FROM SIA_Sync_Error__c WHERE Id IN (${ids})`);
  const owners: string[] = [];
  const now = ctx.clock.now().toISOString();
  for (const row of rows) {
    if (!row.Retry_Requested__c || row.SIA_Task_Id__c === null) continue;
    const siaId = row.SIA_Task_Id__c;
    const queued = await ctx.store.transaction(async (tx) => {
      const task = await tx.getTask(siaId);
      if (!task || !isSyncOn(await tx.getSyncState(task.ownerId))) return undefined;
      const link = await tx.getLink(task.id);
      const linked = link?.salesforce_id != null;
      const fields = linked ? Object.fromEntries(SYNCED_FIELDS.map((field) => [field, now])) : {};
      await tx.enqueue({
        taskId: task.id,
        ownerId: task.ownerId,
        op: 'upsert',
        fields,
        salesforceId: link?.salesforce_id ?? null,
        at: now,
      });
      return task.ownerId;
    });
    if (queued !== undefined) owners.push(queued);
  }
  const handled = rows.filter((row) => row.Retry_Requested__c);
  if (handled.length > 0) {
    await ctx.salesforce.updateRecords(
      'SIA_Sync_Error__c',
      handled.map((row) => ({ Id: row.Id, Retry_Requested__c: false, Resolved__c: true })),
    );
  }
  return owners;
}
