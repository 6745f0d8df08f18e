// Email logging failures an admin must see: recorded in the local store (GET /api/v1/errors) and
// as SIA_Sync_Error__c (Direction EmailLogging) through the service's one error writer
// (sync/error-records.ts: a repeat updates the open row, then SIA_Sync_Notice__e Kind error). The
// Salesforce side is best effort: failing to write it never undoes the logging work.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { ErrorCategory } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import { writeSyncError } from '../sync/error-records.ts';

export interface EmailErrorDeps {
  store: Store;
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
}

export interface EmailError {
  category: ErrorCategory;
  code: string;
  message: string;
  fields?: string[];
  /** SIA user id and their Salesforce user id, when the error concerns one user's email. */
  ownerId: string | null;
  ownerSalesforceId: string | null;
  /** The Salesforce record the failed write concerned (a Lead, Contact or Task). */
  recordId: string | null;
  objectApiName: string;
  /** The failed activity (emailActivityKey), so an admin's Retry can run it again. */
  activityKey?: string | null;
}

/** SIA_Sync_Error__c.SIA_Task_Id__c of an email activity's failure. */
export function emailActivityKey(activityId: number): string {
  return `sia-email-activity:${String(activityId)}`;
}

export async function reportEmailError(deps: EmailErrorDeps, error: EmailError): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.store.recordError({
    category: error.category,
    code: error.code,
    message: error.message,
    direction: 'outbound',
    taskId: null,
    salesforceId: error.recordId,
    ownerId: error.ownerId,
    fields: error.fields ?? [],
    recordedAt: at,
  });
  // The same failure on the same record updates its open row, so Sync health counts problems.
  await writeSyncError(deps, {
    category: error.category,
    code: error.code,
    message: error.message,
    direction: 'EmailLogging',
    objectApiName: error.objectApiName,
    recordId: error.recordId,
    siaTaskId: error.activityKey ?? null,
    userSalesforceId: error.ownerSalesforceId,
  });
}
