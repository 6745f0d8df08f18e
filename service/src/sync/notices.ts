// Tells Salesforce users what the service did: SIA_Sync_Notice__e after each applied batch (the
// LWCs refresh on it) and SIA_Sync_Error__c for failures an admin must see. Both are best effort:
// a failed notice is logged, never allowed to undo the sync work it reports.
import type { ErrorCategory, SiaUser } from '../sia/model.ts';
import type { SyncContext } from './context.ts';

const CATEGORY_VALUE: Record<ErrorCategory, string> = {
  Authentication: 'Authentication',
  'Access & Validation': 'AccessValidation',
  Intermittent: 'Intermittent',
  Other: 'Other',
};

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
  try {
    await ctx.salesforce.createRecords('SIA_Sync_Error__c', [
      {
        Category__c: CATEGORY_VALUE[error.category],
        Direction__c: 'SiaToSalesforce',
        Error_Code__c: error.code.slice(0, 80),
        Message__c: error.message.slice(0, 32_000),
        Object_Api_Name__c: 'Task',
        Record_Id__c: error.salesforceId,
        SIA_Task_Id__c: error.taskId,
        User__c: user.salesforceUserId,
        Occurred_At__c: ctx.clock.now().toISOString(),
      },
    ]);
    await publishNotice(ctx, user, 'error', error.salesforceId === null ? [] : [error.salesforceId]);
  } catch (failure) {
    ctx.logger.warn({ err: failure, code: error.code }, 'could not record SIA_Sync_Error__c');
  }
}
