// Tells Salesforce users what the service did: SIA_Sync_Notice__e after each applied batch (the
// LWCs refresh on it) and SIA_Sync_Error__c for failures an admin must see. Both are best effort:
// a failed notice is logged, never allowed to undo the sync work it reports.
import type { ErrorCategory, SiaUser } from '../sia/model.ts';
import { inBatches } from '../salesforce/batches.ts';
import { NOTICE_EVENT, encodeSyncNotices, type NoticeKind, type NoticePayload } from '../sia/shared.ts';
import type { SyncContext } from './context.ts';
import { writeSyncError } from './error-records.ts';

/**
 * The SIA_Sync_Notice__e records announcing `salesforceIds` for a user (the shared payload rule:
 * each id once, chunked to fit Record_Ids__c, at least one notice).
 */
export function noticeRecords(
  user: SiaUser,
  kind: NoticeKind,
  salesforceIds: Iterable<string | null | undefined>,
  maxLength?: number,
): NoticePayload[] {
  return encodeSyncNotices(user.salesforceUserId, kind, salesforceIds, maxLength);
}

export async function publishNotice(
  ctx: SyncContext,
  user: SiaUser,
  kind: NoticeKind,
  salesforceIds: string[],
): Promise<void> {
  try {
    const records = noticeRecords(user, kind, salesforceIds);
    for (const batch of inBatches(records)) await ctx.salesforce.createRecords(NOTICE_EVENT, batch);
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
