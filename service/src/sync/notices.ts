// Tells Salesforce users what the service did: SIA_Sync_Notice__e after each applied batch (the
// LWCs refresh on it) and SIA_Sync_Error__c for failures an admin must see. Both are best effort:
// a failed notice is logged, never allowed to undo the sync work it reports.
import type { ErrorCategory, SiaUser } from '../sia/model.ts';
import type { SyncContext } from './context.ts';
import { writeSyncError } from './error-records.ts';

/** Length of SIA_Sync_Notice__e.Record_Ids__c (LongTextArea(131072)). */
export const NOTICE_IDS_MAX_LENGTH = 131_072;

/**
 * The SIA_Sync_Notice__e records announcing `salesforceIds` (deduplicated, in order): one per
 * chunk of comma-separated ids that fits Record_Ids__c, at least one even when there are none.
 */
export function noticeRecords(
  user: SiaUser,
  kind: NoticeKind,
  salesforceIds: Iterable<string | null | undefined>,
  maxLength = NOTICE_IDS_MAX_LENGTH,
): Record<string, unknown>[] {
  const chunks: string[] = [];
  let current = '';
  for (const id of new Set(salesforceIds)) {
    if (typeof id !== 'string' || id === '') continue;
    const next = current === '' ? id : `${current},${id}`;
    if (next.length > maxLength && current !== '') {
      chunks.push(current);
      current = id;
    } else current = next;
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks.map((ids) => ({ User_Id__c: user.salesforceUserId, Kind__c: kind, Record_Ids__c: ids }));
}

export type NoticeKind = 'pushed' | 'pulled' | 'error';

export async function publishNotice(
  ctx: SyncContext,
  user: SiaUser,
  kind: NoticeKind,
  salesforceIds: string[],
): Promise<void> {
  try {
    const records = noticeRecords(user, kind, salesforceIds);
    for (let i = 0; i < records.length; i += 200)
      await ctx.salesforce.createRecords('SIA_Sync_Notice__e', records.slice(i, i + 200));
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
