// An admin's "Retry" on an SIA_Sync_Error__c row (Retry_Requested__c, delivered through
// SIA_Sync_Error__ChangeEvent): the service tries the failed change again right away (a task push:
// the task's full state goes out again; email logging: the failed activities are written again),
// then clears Retry_Requested__c and either sets Resolved__c (it worked) or updates the code,
// message and time (it still fails). It never clears Resolved__c.
import { SYNCED_FIELDS, type SiaUser } from '../sia/model.ts';
import { inBatches } from '../salesforce/batches.ts';
import { soqlList } from '../salesforce/soql.ts';
import { isSyncOn } from '../tasks/task-service.ts';
import type { SyncContext } from './context.ts';
import type { ChangeEventMessage } from './change-stream.ts';
import { retrying } from './error-records.ts';
import { pushRouted } from './outbound.ts';

/** What a retry came to: worked, still failing (with the new failure), or nothing left to retry. */
export type RetryOutcome = { ok: true } | { ok: false; code: string; message: string };

/** Re-runs the failed email activities of an EmailLogging error row (wired to email logging). */
export type EmailRetry = (row: {
  ownerSalesforceId: string | null;
  code: string;
}) => Promise<RetryOutcome | null>;

interface ErrorRow {
  Id: string;
  SIA_Task_Id__c: string | null;
  Direction__c: string | null;
  Error_Code__c: string | null;
  User__c: string | null;
  Retry_Requested__c: boolean;
}

function splitOutcome(text: string | null): { code: string; message: string } {
  const at = text?.indexOf(': ') ?? -1;
  return at > 0 && text
    ? { code: text.slice(0, at), message: text.slice(at + 2) }
    : { code: 'UNKNOWN_EXCEPTION', message: text ?? 'the retry failed' };
}

async function latestTaskError(ctx: SyncContext, taskId: string, after: number) {
  return ctx.store.db
    .selectFrom('errors')
    .select(['id', 'code', 'message'])
    .where('task_id', '=', taskId)
    .where('id', '>', after)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Queues the task's full state and pushes its owner's outbox now; says how it went. */
async function retryTask(ctx: SyncContext, siaId: string): Promise<RetryOutcome | null> {
  const now = ctx.clock.now().toISOString();
  const before = await ctx.store.db
    .selectFrom('errors')
    .select((eb) => eb.fn.max<number | string | null>('id').as('id'))
    .executeTakeFirst();
  const mark = Number(before?.id ?? 0);
  const user = await ctx.store.transaction(async (tx): Promise<SiaUser | undefined> => {
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
    return tx.getUser(task.ownerId);
  });
  if (!user) return null;
  retrying.add(siaId);
  try {
    await pushRouted(ctx, [user]);
  } finally {
    retrying.delete(siaId);
  }
  const failed = await latestTaskError(ctx, siaId, mark);
  if (failed) return { ok: false, code: failed.code, message: failed.message };
  const pending = await ctx.store.outboxFor(siaId);
  if (pending) return { ok: false, ...splitOutcome(pending.lastError ?? null) };
  return { ok: true };
}

export async function applyRetryRequests(
  ctx: SyncContext,
  message: ChangeEventMessage,
  emailRetry?: EmailRetry,
): Promise<string[]> {
  const header = message.payload.ChangeEventHeader;
  const requested =
    header.changedFields.includes('Retry_Requested__c') && message.payload['Retry_Requested__c'] === true;
  if (!requested || header.recordIds.length === 0) return [];
  const rows = await ctx.salesforce.query<ErrorRow & Record<string, unknown>>(
    `SELECT Id, SIA_Task_Id__c, Direction__c, Error_Code__c, User__c, Retry_Requested__c FROM SIA_Sync_Error__c WHERE Id IN ${soqlList(header.recordIds)}`,
  );
  const updates: (Record<string, unknown> & { Id: string })[] = [];
  for (const row of rows) {
    if (!row.Retry_Requested__c) continue;
    let outcome: RetryOutcome | null = null;
    try {
      if (row.Direction__c === 'EmailLogging') {
        outcome = emailRetry
          ? await emailRetry({ ownerSalesforceId: row.User__c, code: row.Error_Code__c ?? '' })
          : null;
      } else if (row.SIA_Task_Id__c !== null) {
        outcome = await retryTask(ctx, row.SIA_Task_Id__c);
      }
    } catch (error) {
      ctx.logger.warn({ err: error, row: row.Id }, 'retry of a sync error failed');
      outcome = { ok: false, code: 'UNKNOWN_EXCEPTION', message: String(error) };
    }
    // Nothing left to retry (the task or the emails are gone, or sync is off): the row is settled.
    if (outcome === null || outcome.ok) {
      updates.push({ Id: row.Id, Retry_Requested__c: false, Resolved__c: true });
    } else {
      updates.push({
        Id: row.Id,
        Retry_Requested__c: false,
        Error_Code__c: outcome.code.slice(0, 80),
        Message__c: outcome.message.slice(0, 32_000),
        Occurred_At__c: ctx.clock.now().toISOString(),
      });
    }
  }
  for (const batch of inBatches(updates)) await ctx.salesforce.updateRecords('SIA_Sync_Error__c', batch);
  return [];
}
