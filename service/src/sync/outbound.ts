// Drains a user's outbox to Salesforce: upserts by SIA_Task_Id__c in sObject Collections of up to
// 200 (allOrNone=false), deletes and SIA-id stamps in batches of 200. Each record's outcome is
// committed on its own: successes are never re-sent; a failure that cannot succeed on retry (access
// or validation) is recorded (locally and in SIA_Sync_Error__c) and dropped; every other failure (a
// 5xx, a timeout, a dropped connection, a lock, an expired session) keeps the change queued with its
// fields and retries it later with backoff. The batch's
// SIA_Sync_Notice__e rides in the upsert's composite call, so a batch of 200 costs one API call.
import type { SiaUser } from '../sia/model.ts';
import { SalesforceApiError, categorize, errorCodeOf, settlesAsError } from '../salesforce/errors.ts';
import { backoffDelay, defaultRetryPolicy } from '../salesforce/retry.ts';
import type { RecordResult } from '../salesforce/client.ts';
import type { OutboxEntry } from '../store/store.ts';
import { mappingFor, nowIso, type SyncContext } from './context.ts';
import { parseValues, upsertRecord, valuesHash, type TaskValues } from './mapping.ts';
import { noticeRecords, publishNotice, reportError } from './notices.ts';
import type { SyncedField } from '../sia/model.ts';
import { NOTICE_EVENT } from '../sia/shared.ts';
import { noteRetry, retriesSucceeded } from './retried-failures.ts';

export const BATCH_SIZE = 200;
/** Salesforce answers these for a record that is already gone: the delete has happened. */
const ALREADY_DELETED = new Set(['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY', 'NOT_FOUND']);

interface Failure {
  code: string;
  message: string;
  fields: string[];
}

async function handleFailure(
  ctx: SyncContext,
  user: SiaUser,
  entry: OutboxEntry,
  failure: Failure,
  salesforceId: string | null,
  /** False when the whole call failed: the caller notes that once for the batch. */
  noteRecord = true,
): Promise<void> {
  const category = categorize(failure.code, failure.message);
  const now = ctx.clock.now();
  const settles = settlesAsError(category);
  ctx.metrics.pushedRecords.inc({ op: entry.op, result: settles ? 'failed' : 'retry' });
  if (!settles) {
    // The change stays queued with its fields until Salesforce acknowledges them.
    const delay = backoffDelay({ ...defaultRetryPolicy, ...ctx.outboxRetry }, entry.attempts + 1);
    await ctx.store.retryOutboxLater(
      entry.id,
      new Date(now.getTime() + delay).toISOString(),
      `${failure.code}: ${failure.message}`,
    );
    if (noteRecord)
      await noteRetry(ctx, user, {
        key: `push-task:${entry.taskId}`,
        category,
        code: failure.code,
        message: failure.message,
        direction: 'outbound',
        taskId: entry.taskId,
        salesforceId,
      });
    return;
  }
  await ctx.store.transaction(async (tx) => {
    await tx.recordError({
      category,
      code: failure.code,
      message: failure.message,
      direction: 'outbound',
      taskId: entry.taskId,
      salesforceId,
      ownerId: user.id,
      fields: failure.fields,
      recordedAt: now.toISOString(),
    });
    await tx.deleteOutbox(entry.id);
  });
  await reportError(ctx, user, {
    category,
    code: failure.code,
    message: failure.message,
    taskId: entry.taskId,
    salesforceId,
  });
}

function firstError(result: RecordResult): Failure {
  const error = result.errors[0];
  return {
    code: error?.code ?? 'UNKNOWN_EXCEPTION',
    message: error?.message ?? 'record failed without an error',
    fields: error?.fields ?? [],
  };
}

async function whenBatchFailed(
  ctx: SyncContext,
  user: SiaUser,
  entries: OutboxEntry[],
  error: unknown,
): Promise<void> {
  const { code, message, fields } = errorCodeOf(error);
  ctx.logger.warn({ code, message, owner: user.id, records: entries.length }, 'outbox batch failed');
  const category = categorize(code, message);
  // One failure of the whole call is one problem to report, not one per record.
  if (!settlesAsError(category))
    await noteRetry(ctx, user, {
      key: `push:${user.id}`,
      category,
      code,
      message: `pushing ${String(entries.length)} change(s) failed: ${message}`,
      direction: 'outbound',
      taskId: null,
      salesforceId: null,
    });
  for (const entry of entries)
    await handleFailure(ctx, user, entry, { code, message, fields }, entry.salesforceId, false);
}

/**
 * Upserts the batch and, in the same composite call, publishes the batch's SIA_Sync_Notice__e
 * naming `announce` (ids touched earlier in the batch) plus every known id of these tasks: the
 * record's own id when it exists and its WhoId / WhatId before and after (so an open Contact,
 * Account or Opportunity page refreshes for a NEW task too). Returns true when that notice went out
 * with the call (new records' own ids are not known before it; the notice's User_Id__c covers them).
 */
async function pushUpserts(
  ctx: SyncContext,
  user: SiaUser,
  entries: OutboxEntry[],
  touched: string[],
  announce: string[],
  acknowledged: string[],
): Promise<boolean> {
  const mapping = mappingFor(ctx, user);
  const prepared: { entry: OutboxEntry; record: Record<string, unknown>; values: TaskValues }[] = [];
  const noticeIds: (string | null | undefined)[] = [...announce];
  for (const entry of entries) {
    const task = await ctx.store.getTask(entry.taskId);
    if (!task) {
      await ctx.store.deleteOutbox(entry.id);
      continue;
    }
    const link = await ctx.store.getLink(task.id);
    const current = link?.salesforce_id ? parseValues(link.synced_values) : undefined;
    const fields = Object.keys(entry.fields) as SyncedField[];
    const { record, values } = upsertRecord(task, mapping, {
      ownerSalesforceId: user.salesforceUserId,
      current,
      changed: fields.length === 0 ? 'all' : fields,
      exists: Boolean(link?.salesforce_id),
    });
    prepared.push({ entry, record, values });
    noticeIds.push(link?.salesforce_id, values.WhoId, values.WhatId, current?.WhoId, current?.WhatId);
  }
  if (prepared.length === 0) return false;
  let results: RecordResult[];
  try {
    const sent = await ctx.salesforce.upsertTasksAndPublish(
      prepared.map((p) => p.record),
      { type: NOTICE_EVENT, records: noticeRecords(user, 'pushed', noticeIds) },
    );
    results = sent.results;
    if (sent.publishError)
      ctx.logger.warn({ ...sent.publishError, owner: user.id }, 'could not publish SIA_Sync_Notice__e');
  } catch (error) {
    await whenBatchFailed(
      ctx,
      user,
      prepared.map((p) => p.entry),
      error,
    );
    return false;
  }
  // A create whose success was never committed locally (a crash after the write) finds the record
  // there on the retry, and Salesforce refuses the create-only TaskSubtype: send those again without it.
  const existing = prepared.flatMap((item, index) => {
    const result = results[index];
    const refused =
      result &&
      !result.success &&
      result.errors.some(
        (e) => e.code === 'INVALID_FIELD_FOR_INSERT_UPDATE' && e.fields.includes('TaskSubtype'),
      );
    return refused && 'TaskSubtype' in item.record ? [index] : [];
  });
  if (existing.length > 0) {
    try {
      const again = await ctx.salesforce.upsertTasks(
        existing.map((index) =>
          Object.fromEntries(
            Object.entries(prepared[index]?.record ?? {}).filter(([field]) => field !== 'TaskSubtype'),
          ),
        ),
      );
      for (const [position, index] of existing.entries()) {
        const result = again[position];
        if (result) results[index] = result;
      }
    } catch (error) {
      ctx.logger.warn({ err: error }, 'resending existing records without TaskSubtype failed');
    }
  }
  await ctx.hooks.afterSalesforceWrite?.(
    'upsert',
    results.map((r) => r.id ?? ''),
  );
  const now = nowIso(ctx);
  for (const [index, item] of prepared.entries()) {
    const result = results[index];
    if (result?.success && result.id !== null) {
      const id = result.id;
      await ctx.store.transaction(async (tx) => {
        const link = await tx.getLink(item.entry.taskId);
        await tx.putLink({
          task_id: item.entry.taskId,
          salesforce_id: id,
          owner_id: user.id,
          synced_values: JSON.stringify(item.values),
          synced_hash: valuesHash(item.values),
          synced_at: now,
          deleted_at: link?.deleted_at ?? null,
          needs_stamp: 0,
        });
        await tx.completeOutbox(item.entry);
      });
      acknowledged.push(item.entry.taskId);
      ctx.metrics.pushedRecords.inc({ op: 'upsert', result: 'ok' });
      touched.push(id);
    } else {
      await handleFailure(
        ctx,
        user,
        item.entry,
        result
          ? firstError(result)
          : { code: 'UNKNOWN_EXCEPTION', message: 'no result for record', fields: [] },
        null,
      );
    }
  }
  return true;
}

async function pushDeletes(
  ctx: SyncContext,
  user: SiaUser,
  entries: OutboxEntry[],
  touched: string[],
  acknowledged: string[],
): Promise<void> {
  const unknownIds = entries.filter((e) => e.salesforceId === null).map((e) => e.taskId);
  const found = new Map<string, string>();
  if (unknownIds.length > 0) {
    // A task deleted before its create was confirmed: find the record by its SIA id, if it exists.
    const quoted = unknownIds.map((id) => `'${id.replace(/'/g, '')}'`).join(',');
    try {
      const records = await ctx.salesforce.query<{ Id: string; SIA_Task_Id__c: string }>(
        `SELECT Id, SIA_Task_Id__c FROM Task WHERE SIA_Task_Id__c IN (${quoted})`,
      );
      for (const record of records) found.set(record.SIA_Task_Id__c, record.Id);
    } catch (error) {
      await whenBatchFailed(
        ctx,
        user,
        entries.filter((e) => e.salesforceId === null),
        error,
      );
      return;
    }
  }
  const targets: { entry: OutboxEntry; id: string }[] = [];
  for (const entry of entries) {
    const id = entry.salesforceId ?? found.get(entry.taskId);
    if (id === undefined) {
      await ctx.store.transaction(async (tx) => {
        await tx.completeOutbox(entry);
        const link = await tx.getLink(entry.taskId);
        if (link?.deleted_at != null || !(await tx.getTask(entry.taskId))) await tx.deleteLink(entry.taskId);
      });
      continue;
    }
    targets.push({ entry, id });
  }
  if (targets.length === 0) return;
  let results: RecordResult[];
  try {
    results = await ctx.salesforce.deleteRecords(targets.map((t) => t.id));
  } catch (error) {
    await whenBatchFailed(
      ctx,
      user,
      targets.map((t) => t.entry),
      error,
    );
    return;
  }
  await ctx.hooks.afterSalesforceWrite?.(
    'delete',
    targets.map((t) => t.id),
  );
  for (const [index, target] of targets.entries()) {
    const result = results[index];
    const failure = result && !result.success ? firstError(result) : undefined;
    if (result && (result.success || (failure && ALREADY_DELETED.has(failure.code)))) {
      await ctx.store.transaction(async (tx) => {
        await tx.deleteLink(target.entry.taskId);
        await tx.completeOutbox(target.entry);
      });
      acknowledged.push(target.entry.taskId);
      ctx.metrics.pushedRecords.inc({ op: 'delete', result: 'ok' });
      touched.push(target.id);
    } else {
      await handleFailure(
        ctx,
        user,
        target.entry,
        failure ?? { code: 'UNKNOWN_EXCEPTION', message: 'no result for record', fields: [] },
        target.id,
      );
    }
  }
}

/** Stamps SIA ids by Id, the batch's notice (naming the stamped Tasks) in the same call; true when it went. */
async function pushStamps(
  ctx: SyncContext,
  user: SiaUser,
  entries: OutboxEntry[],
  touched: string[],
  acknowledged: string[],
): Promise<boolean> {
  const targets = entries.filter((e): e is OutboxEntry & { salesforceId: string } => e.salesforceId !== null);
  for (const entry of entries) if (entry.salesforceId === null) await ctx.store.deleteOutbox(entry.id);
  if (targets.length === 0) return false;
  let results: RecordResult[];
  try {
    const sent = await ctx.salesforce.updateRecordsAndPublish(
      'Task',
      targets.map((e) => ({ Id: e.salesforceId, SIA_Task_Id__c: e.taskId })),
      {
        type: NOTICE_EVENT,
        records: noticeRecords(
          user,
          'pushed',
          targets.map((t) => t.salesforceId),
        ),
      },
    );
    results = sent.results;
    if (sent.publishError)
      ctx.logger.warn({ ...sent.publishError, owner: user.id }, 'could not publish SIA_Sync_Notice__e');
  } catch (error) {
    await whenBatchFailed(ctx, user, targets, error);
    return false;
  }
  await ctx.hooks.afterSalesforceWrite?.(
    'stamp',
    targets.map((t) => t.salesforceId),
  );
  for (const [index, entry] of targets.entries()) {
    const result = results[index];
    if (result?.success) {
      await ctx.store.transaction(async (tx) => {
        const link = await tx.getLink(entry.taskId);
        if (link) await tx.putLink({ ...link, needs_stamp: 0 });
        await tx.completeOutbox(entry);
      });
      acknowledged.push(entry.taskId);
      ctx.metrics.pushedRecords.inc({ op: 'stamp', result: 'ok' });
      touched.push(entry.salesforceId);
    } else {
      await handleFailure(
        ctx,
        user,
        entry,
        result ? firstError(result) : { code: 'UNKNOWN_EXCEPTION', message: 'no result', fields: [] },
        entry.salesforceId,
      );
    }
  }
  return true;
}

/** Sends everything due in the user's outbox (or only full batches: minBatch), up to 200 at a time. */
export async function pushOutbox(
  ctx: SyncContext,
  user: SiaUser,
  options: { maxBatches?: number; minBatch?: number } = {},
): Promise<number> {
  let sent = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch += 1) {
    const entries = await ctx.store.pendingOutbox(user.id, nowIso(ctx), BATCH_SIZE);
    // A partial batch waits (for more changes or the end of the coalescing window) when asked to.
    if (entries.length === 0 || entries.length < (options.minBatch ?? 1)) break;
    const touched: string[] = [];
    const acknowledged: string[] = [];
    let announced = 0;
    try {
      // Each write carries the batch's notice for what it and the writes before it touched.
      if (
        await pushStamps(
          ctx,
          user,
          entries.filter((e) => e.op === 'stamp'),
          touched,
          acknowledged,
        )
      )
        announced = touched.length;
      if (
        await pushUpserts(
          ctx,
          user,
          entries.filter((e) => e.op === 'upsert'),
          touched,
          touched.slice(announced),
          acknowledged,
        )
      )
        announced = touched.length;
      await pushDeletes(
        ctx,
        user,
        entries.filter((e) => e.op === 'delete'),
        touched,
        acknowledged,
      );
    } catch (error) {
      if (error instanceof SalesforceApiError) ctx.logger.warn({ err: error }, 'outbox push stopped');
      throw error;
    }
    sent += entries.length;
    // Salesforce acknowledged these: the failures their earlier attempts (and the owner's failed
    // calls) left open are resolved.
    if (acknowledged.length > 0)
      await retriesSucceeded(ctx, [`push:${user.id}`, ...acknowledged.map((id) => `push-task:${id}`)]);
    if (touched.length > 0) {
      await ctx.store.touchSync(user.id, 'outbound', nowIso(ctx));
      // Deletes announce themselves in a notice of their own.
      if (touched.length > announced) await publishNotice(ctx, user, 'pushed', touched.slice(announced));
    }
    if (entries.length < BATCH_SIZE) break;
  }
  return sent;
}
