// Opens, clicks and replies as ticks on the Task of the email they concern (SIA_Email_Viewed__c,
// SIA_Email_Clicked__c, SIA_Email_Replied__c): no new activity, one collection update per batch.
import type { Clock } from '../clock.ts';
import type { RecordResult, SalesforceClient, SObjectRecord } from '../salesforce/client.ts';
import { errorCodeOf } from '../salesforce/errors.ts';
import type { SiaUser } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import { writeWithOwnerFallback, type WriteIdentities } from '../sync/write-identity.ts';
import type { EmailActivity, EmailKind, EmailStore } from './email-store.ts';
import { COLLECTION_SIZE, inBatches } from '../salesforce/batches.ts';
import { firstError, type Failure } from './settle.ts';

/** The tracking checkbox each mark sets on the Task of its email. */
const MARK_FIELD: Partial<Record<EmailKind, string>> = {
  open: 'SIA_Email_Viewed__c',
  click: 'SIA_Email_Clicked__c',
  replied: 'SIA_Email_Replied__c',
};

/** Salesforce answers these for a Task that is gone: there is nothing left to mark. */
const TASK_GONE = ['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY', 'NOT_FOUND'];

export interface MarkDeps {
  emailStore: EmailStore;
  store: Store;
  salesforce: SalesforceClient;
  clock: Clock;
  /** Who writes a rep's Tasks (the org identity, else the rep's own connection). */
  identities?: WriteIdentities | undefined;
}

/**
 * Opens, clicks and replies tick their checkbox on the Tasks their email was logged as, all of a
 * batch in collection calls; returns how many reached a final state. `fail` settles a mark whose
 * update failed.
 */
export async function writeMarks(
  deps: MarkDeps,
  marks: EmailActivity[],
  fail: (mark: EmailActivity, failure: Failure, recordId: string) => Promise<boolean>,
): Promise<number> {
  const { emailStore } = deps;
  const now = (): string => deps.clock.now().toISOString();
  let finished = 0;
  const updates = new Map<string, SObjectRecord & { Id: string }>();
  const ownerOf = new Map<string, string>();
  const byActivity = new Map<number, string[]>();
  for (const mark of marks) {
    const sent = await emailStore.get(mark.messageId, 'sent', mark.recipient);
    if (!sent || sent.status === 'skipped' || sent.status === 'failed') {
      const why = sent
        ? `the sent email was ${sent.status}`
        : 'no sent email was reported for this recipient';
      await emailStore.finish(mark.id, 'skipped', `nothing to mark: ${why}`, now());
      finished += 1;
      continue;
    }
    if (sent.status === 'queued') {
      // The email is not in Salesforce yet: try again once it is.
      const later = new Date(Math.max(Date.parse(sent.nextAttemptAt), deps.clock.now().getTime() + 1_000));
      await emailStore.retryLater(
        mark.id,
        later.toISOString(),
        'waiting for the sent email to be logged',
        now(),
      );
      continue;
    }
    const ids = (await emailStore.tasksOf(sent.id)).flatMap((t) =>
      t.salesforceId === null ? [] : [t.salesforceId],
    );
    const field = MARK_FIELD[mark.kind] as string;
    for (const id of ids) {
      updates.set(id, { ...(updates.get(id) ?? { Id: id }), [field]: true });
      ownerOf.set(id, mark.ownerId);
    }
    byActivity.set(mark.id, ids);
  }
  const results = new Map<string, RecordResult | Failure>();
  for (const batch of inBatches([...updates.values()], COLLECTION_SIZE)) {
    try {
      const owners = new Map<string, SiaUser | undefined>();
      for (const ownerId of new Set(batch.map((r) => ownerOf.get(r.Id) ?? '')))
        owners.set(ownerId, await deps.store.getUser(ownerId));
      const answer = await writeWithOwnerFallback(
        deps.identities,
        deps.salesforce,
        batch.map((record) => ({ owner: owners.get(ownerOf.get(record.Id) ?? ''), record })),
        (client, records) => client.updateRecords('Task', records),
      );
      batch.forEach((record, index) => results.set(record.Id, answer[index] ?? firstError(undefined)));
    } catch (error) {
      const failure = errorCodeOf(error);
      for (const record of batch) results.set(record.Id, failure);
    }
  }
  for (const mark of marks) {
    const ids = byActivity.get(mark.id);
    if (ids === undefined) continue;
    const failed = ids
      .map((id) => ({ id, result: results.get(id) }))
      .find(({ result }) => result === undefined || !('success' in result) || !result.success);
    if (!failed) {
      await emailStore.finish(
        mark.id,
        'logged',
        `marked ${ids.length} Task${ids.length === 1 ? '' : 's'}`,
        now(),
      );
      finished += 1;
      continue;
    }
    const failure =
      failed.result && 'success' in failed.result ? firstError(failed.result) : (failed.result as Failure);
    if (TASK_GONE.includes(failure.code)) {
      await emailStore.finish(mark.id, 'skipped', 'the Task of the email was deleted in Salesforce', now());
      finished += 1;
      continue;
    }
    if (!(await fail(mark, failure, failed.id))) finished += 1;
  }
  return finished;
}
