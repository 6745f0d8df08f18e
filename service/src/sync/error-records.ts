// The one writer of SIA_Sync_Error__c (README "Sync health" 1): task sync and email logging both
// report here. A repeat of the same failure (same direction, code and SIA task, or record when
// there is no SIA task) updates the open row instead of adding one, so the page's counts mean
// distinct problems; then SIA_Sync_Notice__e (Kind error) tells the page to refresh. Best effort:
// failing to write it is logged, never allowed to undo the work it reports.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import { soqlValue } from '../salesforce/soql.ts';
import type { ErrorCategory } from '../sia/model.ts';
import { NOTICE_EVENT, encodeSyncNotices } from '../sia/shared.ts';

export const CATEGORY_VALUE: Record<ErrorCategory, string> = {
  Authentication: 'Authentication',
  'Access & Validation': 'AccessValidation',
  Intermittent: 'Intermittent',
  Other: 'Other',
};

export type ErrorDirection = 'SiaToSalesforce' | 'SalesforceToSia' | 'EmailLogging';

export interface ErrorWriterDeps {
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
}

export interface SyncErrorRecord {
  category: ErrorCategory;
  code: string;
  message: string;
  direction: ErrorDirection;
  objectApiName: string | null;
  /** The Salesforce record concerned, if any. */
  recordId: string | null;
  /** The SIA task (or email activity key) concerned, if any. */
  siaTaskId: string | null;
  userSalesforceId: string | null;
}

/**
 * SIA task ids (and email activity keys) being retried for an admin right now: a failure of theirs
 * goes to the row being retried (retry-requests.ts), not to a row of its own.
 */
export const retrying = new Set<string>();

/** The open (unresolved) row of this failure, if there is one. */
export async function openErrorRow(
  salesforce: SalesforceClient,
  error: Pick<SyncErrorRecord, 'code' | 'direction' | 'recordId' | 'siaTaskId'>,
): Promise<string | undefined> {
  const code = error.code.slice(0, 80);
  const subject =
    error.siaTaskId !== null && error.direction !== 'EmailLogging'
      ? `SIA_Task_Id__c = ${soqlValue(error.siaTaskId)}`
      : `Record_Id__c = ${soqlValue(error.recordId)}`;
  const [open] = await salesforce.query<{ Id: string }>(
    `SELECT Id FROM SIA_Sync_Error__c WHERE Resolved__c = false AND Direction__c = ${soqlValue(error.direction)} AND Error_Code__c = ${soqlValue(code)} AND ${subject} ORDER BY Occurred_At__c DESC LIMIT 1`,
  );
  return open?.Id;
}

/** Records the failure (a new row, or the open row of the same failure updated); returns the row id. */
export async function writeSyncError(
  deps: ErrorWriterDeps,
  error: SyncErrorRecord,
): Promise<string | undefined> {
  if (error.siaTaskId !== null && retrying.has(error.siaTaskId)) return undefined;
  try {
    const fields = {
      Category__c: CATEGORY_VALUE[error.category],
      Direction__c: error.direction,
      Error_Code__c: error.code.slice(0, 80),
      Message__c: error.message.slice(0, 32_000),
      Object_Api_Name__c: error.objectApiName,
      Record_Id__c: error.recordId,
      SIA_Task_Id__c: error.siaTaskId?.slice(0, 64) ?? null,
      User__c: error.userSalesforceId,
      Occurred_At__c: deps.clock.now().toISOString(),
    };
    const open = await openErrorRow(deps.salesforce, error);
    const [result] =
      open === undefined
        ? await deps.salesforce.createRecords('SIA_Sync_Error__c', [fields])
        : await deps.salesforce.updateRecords('SIA_Sync_Error__c', [{ Id: open, ...fields }]);
    if (result && !result.success)
      throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join('; '));
    await deps.salesforce.createRecords(
      NOTICE_EVENT,
      encodeSyncNotices(error.userSalesforceId, 'error', [error.recordId]),
    );
    return open ?? result?.id ?? undefined;
  } catch (failure) {
    deps.logger.warn({ err: failure, code: error.code }, 'could not record SIA_Sync_Error__c');
    return undefined;
  }
}
