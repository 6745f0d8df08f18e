// Tells Salesforce users what the service did: SIA_Sync_Notice__e after each applied batch (the
// LWCs refresh on it) and SIA_Sync_Error__c for failures an admin must see. Both are best effort:
// a failed notice is logged, never allowed to undo the sync work it reports.
import type { ErrorCategory, SiaUser } from '../sia/model.ts';
import type { SyncContext } from './context.ts';
import { writeSyncError } from './error-records.ts';

export async function publishNotice(
  ctx: SyncContext,
  user: SiaUser,
  kind: 'pushed' | 'pulled' | 'error',
  salesforceIds: string[],
): Promise<void> {
  try {
    await ctx.salesforce.createRecords('SIA_Sync_Notice__e', [
      { User_Id__c: user.salesforceUserId, Kind__c: kind, Record_Ids__c: salesforceIds.join(',') },
    ]);
  } catch (error) {
    ctx.logger.warn({ err: error, kind }, 'could not publish SIA_Sync_Notice__e');
  }
}

export async function reportError(
  ctx: SyncContext,
  user: SiaUser,
  error: {
    category: ErrorCategory;
    code: string;
    message: string;
    taskId: string | null;
    salesforceId: string | null;
  },
): Promise<void> {
  // The service's one SIA_Sync_Error__c writer: a repeat of the same failure updates its open row.
  await writeSyncError(ctx, {
    category: error.category,
    code: error.code,
    message: error.message,
    direction: 'SiaToSalesforce',
    objectApiName: 'Task',
    recordId: error.salesforceId,
    siaTaskId: error.taskId,
    userSalesforceId: user.salesforceUserId,
  });
}
