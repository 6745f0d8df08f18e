// Email logging failures an admin must see: recorded in the local store (GET /api/v1/errors) and
// as SIA_Sync_Error__c (Direction EmailLogging) in Salesforce, where siaSyncHealth lists them, then
// announced with SIA_Sync_Notice__e (Kind error). The Salesforce side is best effort: failing to
// write it never undoes the logging work.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { ErrorCategory } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import { soqlString } from './record-matching.ts';

const CATEGORY_VALUE: Record<ErrorCategory, string> = {
  Authentication: 'Authentication',
  'Access & Validation': 'AccessValidation',
  Intermittent: 'Intermittent',
  Other: 'Other',
};

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
  try {
    const fields = {
      Category__c: CATEGORY_VALUE[error.category],
      Direction__c: 'EmailLogging',
      Error_Code__c: error.code.slice(0, 80),
      Message__c: error.message.slice(0, 32_000),
      Object_Api_Name__c: error.objectApiName,
      Record_Id__c: error.recordId,
      User__c: error.ownerSalesforceId,
      Occurred_At__c: at,
    };
    // The same failure on the same record updates its open row, so Sync health counts problems.
    const record = error.recordId === null ? 'null' : soqlString(error.recordId);
    const [open] = await deps.salesforce.query(
      `SELECT Id FROM SIA_Sync_Error__c WHERE Direction__c = 'EmailLogging' AND Resolved__c = false AND Error_Code__c = ${soqlString(fields.Error_Code__c)} AND Record_Id__c = ${record} ORDER BY Occurred_At__c DESC LIMIT 1`,
    );
    const [result] =
      open?.Id === undefined
        ? await deps.salesforce.createRecords('SIA_Sync_Error__c', [fields])
        : await deps.salesforce.updateRecords('SIA_Sync_Error__c', [{ Id: open.Id, ...fields }]);
    if (result && !result.success)
      throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join('; '));
    // Sync health and the record pages refresh on this event.
    await deps.salesforce.createRecords('SIA_Sync_Notice__e', [
      { User_Id__c: error.ownerSalesforceId, Kind__c: 'error', Record_Ids__c: error.recordId ?? '' },
    ]);
  } catch (failure) {
    deps.logger.warn(
      { err: failure, code: error.code },
      'could not record SIA_Sync_Error__c for email logging',
    );
  }
}
