// Drains a user's outbox to Salesforce: upserts by SIA_Task_Id__c in sObject Collections of up to
// 200 (allOrNone=false), deletes and SIA-id stamps in batches of 200. Each record's outcome is
// committed on its own: successes are never re-sent; a failure that cannot succeed on retry (access
// or validation) is recorded (locally and in SIA_Sync_Error__c) and dropped; every other failure (a
// 5xx, a timeout, a dropped connection, a lock, an expired session) keeps the change queued with its
// fields and retries it later with backoff. The batch's
// SIA_Sync_Notice__e rides in the upsert's composite call, so a batch of 200 costs one API call.
// Who writes is chosen per rep (write-identity.ts): the org identity, whose collection may carry
// many reps' changes, and per record the owner's own connection for what the org identity may not
// edit; a rep with neither is held.
import type { SiaUser } from '../sia/model.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import { SalesforceApiError, categorize, errorCodeOf } from '../salesforce/errors.ts';
import { retriesLater, retryLaterOrReport } from '../salesforce/retry-later-or-report.ts';
import { COLLECTION_SIZE } from '../salesforce/batches.ts';
import { soqlList } from '../salesforce/soql.ts';
import type { RecordResult } from '../salesforce/client.ts';
import type { OutboxEntry } from '../store/store.ts';
import { mappingFor, nowIso, type SyncContext } from './context.ts';
import { parseValues, upsertRecord, valuesHash, type TaskValues } from './mapping.ts';
import { noticeRecords, publishNotice, reportError } from './notices.ts';
import type { SyncedField } from '../sia/model.ts';
import { NOTICE_EVENT } from '../sia/shared.ts';
import { noteRetry, retriesSucceeded } from './retried-failures.ts';
import { HELD_CODE, NO_EDIT_ACCESS, heldReason } from './write-identity.ts';
import { coalesceDecision, dueChangesOf, type CoalescePolicy } from './coalesce.ts';

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
  const now = ctx.clock.now();
  const outcome = retryLaterOrReport(failure, entry.attempts, now, ctx.retryLater);
  const { category } = outcome;
  ctx.metrics.pushedRecords.inc({ op: entry.op, result: outcome.action === 'retry' ? 'retry' : 'failed' });
  if (outcome.action === 'retry') {
    // The change stays queued with its fields until Salesforce acknowledges them.
    await ctx.store.retryOutboxLater(
      entry.id,
      outcome.retryAt.toISOString(),
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
    await tx.lockTask(entry.taskId);
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
    // What failed is given up; a change queued for the task since the batch was read stays queued.
    await tx.completeOutbox(entry);
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

/** One queued change and the rep it belongs to. */
export interface Item {
  entry: OutboxEntry;
  user: SiaUser;
}

/** A Salesforce record the batch touched, and whose it is (each rep's notice names their own). */
interface Touched {
  user: SiaUser;
  id: string;
}

/** One pass over a batch with one identity. */
interface Pass {
  writer: SalesforceClient;
  /** The org identity writes: records it may not edit are set aside in `refused`, not failed. */
  org: boolean;
  touched: Touched[];
  refused: Item[];
  /** Changes Salesforce acknowledged (their earlier failures are resolved). */
  acknowledged: Item[];
}

/** The SIA_Sync_Notice__e records for ids grouped by rep (at least one per rep named). */
function noticesOf(pairs: { user: SiaUser; id: string | null | undefined }[]): Record<string, unknown>[] {
  const byUser = new Map<string, { user: SiaUser; ids: (string | null | undefined)[] }>();
  for (const { user, id } of pairs) {
    let group = byUser.get(user.id);
    if (group === undefined) {
      group = { user, ids: [] };
      byUser.set(user.id, group);
    }
    group.ids.push(id);
  }
  return [...byUser.values()].flatMap((g) => noticeRecords(g.user, 'pushed', g.ids));
}

/** True when the failure is the org identity's lack of edit access (the owner's connection may have it). */
function setAside(pass: Pass, item: Item, failure: Failure | undefined): boolean {
  if (!pass.org || failure === undefined || !NO_EDIT_ACCESS.has(failure.code)) return false;
  pass.refused.push(item);
  return true;
}

async function whenBatchFailed(ctx: SyncContext, pass: Pass, items: Item[], error: unknown): Promise<void> {
  const { code, message, fields } = errorCodeOf(error);
  const owners = new Map(items.map((i) => [i.user.id, i.user]));
  ctx.logger.warn(
    { code, message, owners: [...owners.keys()], records: items.length },
    'outbox batch failed',
  );
  // A rep's connection Salesforce ended meanwhile (its loss is recorded): the changes wait for the
  // rep to connect again, untouched.
  if (!pass.org && !(await ctx.identities.isConnected(items[0]?.user.id ?? ''))) return;
  const category = categorize(code, message);
  // One failure of the whole call is one problem to report per owner, not one per record.
  if (retriesLater({ code, message }))
    for (const user of owners.values()) {
      const count = items.filter((i) => i.user.id === user.id).length;
      await noteRetry(ctx, user, {
        key: `push:${user.id}`,
        category,
        code,
        message: `pushing ${String(count)} change(s) failed: ${message}`,
        direction: 'outbound',
        taskId: null,
        salesforceId: null,
      });
    }
  for (const item of items)
    await handleFailure(
      ctx,
      item.user,
      item.entry,
      { code, message, fields },
      item.entry.salesforceId,
      false,
    );
}

/** A record Salesforce acknowledged for a queued change, with the values it now holds. */
interface Upserted {
  item: Item;
  id: string;
  values: TaskValues;
}

/**
 * Links the records Salesforce acknowledged and settles their outbox entries in one transaction
 * for the batch: the tasks are locked in id order (see Store.lockTask: an API change of one waits,
 * or went first), then their links are written and their entries settled, a few statements each.
 * Should that transaction fail, each record is settled in a transaction of its own, so a row the
 * database refuses holds up only its own task: the others settle, and the first refusal is
 * returned for the caller to raise once it has counted them.
 */
async function settleUpserts(
  ctx: SyncContext,
  done: readonly Upserted[],
  now: string,
): Promise<{ settled: Upserted[]; refusal?: { error: unknown } }> {
  if (done.length === 0) return { settled: [] };
  try {
    await ctx.store.transaction(async (tx) => {
      const taskIds = done.map(({ item }) => item.entry.taskId);
      await tx.lockTasks(taskIds);
      const links = await tx.linksByTaskIds(taskIds);
      await tx.putLinks(
        done.map(({ item, id, values }) => ({
          task_id: item.entry.taskId,
          salesforce_id: id,
          owner_id: item.user.id,
          synced_values: JSON.stringify(values),
          synced_hash: valuesHash(values),
          synced_at: now,
          deleted_at: links.get(item.entry.taskId)?.deleted_at ?? null,
          needs_stamp: 0,
        })),
      );
      await tx.completeOutboxes(done.map(({ item }) => item.entry));
    });
    return { settled: [...done] };
  } catch (error) {
    if (done.length === 1) return { settled: [], refusal: { error } };
    ctx.logger.warn(
      { err: error, records: done.length },
      'settling a pushed batch failed: settling its records one by one',
    );
    const settled: Upserted[] = [];
    let refusal: { error: unknown } | undefined;
    for (const one of done) {
      const outcome = await settleUpserts(ctx, [one], now);
      settled.push(...outcome.settled);
      refusal ??= outcome.refusal;
    }
    return refusal === undefined ? { settled } : { settled, refusal };
  }
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
  pass: Pass,
  items: Item[],
  announce: Touched[],
): Promise<boolean> {
  const prepared: { item: Item; record: Record<string, unknown>; values: TaskValues }[] = [];
  const noticeIds: { user: SiaUser; id: string | null | undefined }[] = [...announce];
  const taskIds = items.map((item) => item.entry.taskId);
  const tasks = await ctx.store.tasksByIds(taskIds);
  const links = await ctx.store.linksByTaskIds(taskIds);
  for (const item of items) {
    const { entry, user } = item;
    const task = tasks.get(entry.taskId);
    if (!task) {
      // Deleted meanwhile: the upsert is moot, the delete queued over it (if any) stays.
      await ctx.store.completeOutbox(entry);
      continue;
    }
    const link = links.get(task.id);
    const current = link?.salesforce_id ? parseValues(link.synced_values) : undefined;
    const fields = Object.keys(entry.fields) as SyncedField[];
    const { record, values } = upsertRecord(task, mappingFor(ctx, user), {
      ownerSalesforceId: user.salesforceUserId,
      current,
      changed: fields.length === 0 ? 'all' : fields,
      exists: Boolean(link?.salesforce_id),
    });
    prepared.push({ item, record, values });
    for (const id of [link?.salesforce_id, values.WhoId, values.WhatId, current?.WhoId, current?.WhatId])
      noticeIds.push({ user, id });
  }
  if (prepared.length === 0) return false;
  let results: RecordResult[];
  try {
    const sent = await pass.writer.upsertTasksAndPublish(
      prepared.map((p) => p.record),
      { type: NOTICE_EVENT, records: noticesOf(noticeIds) },
    );
    results = sent.results;
    if (sent.publishError)
      ctx.logger.warn(
        { ...sent.publishError, owners: [...new Set(items.map((i) => i.user.id))] },
        'could not publish SIA_Sync_Notice__e',
      );
  } catch (error) {
    await whenBatchFailed(
      ctx,
      pass,
      prepared.map((p) => p.item),
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
      const again = await pass.writer.upsertTasks(
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
  const succeeded: Upserted[] = [];
  for (const [index, { item, values }] of prepared.entries()) {
    const result = results[index];
    if (result?.success && result.id !== null) {
      succeeded.push({ item, id: result.id, values });
    } else {
      const failure = result ? firstError(result) : undefined;
      if (setAside(pass, item, failure)) continue;
      await handleFailure(
        ctx,
        item.user,
        item.entry,
        failure ?? { code: 'UNKNOWN_EXCEPTION', message: 'no result for record', fields: [] },
        null,
      );
    }
  }
  const { settled, refusal } = await settleUpserts(ctx, succeeded, nowIso(ctx));
  for (const { item, id } of settled) {
    pass.acknowledged.push(item);
    ctx.metrics.pushedRecords.inc({ op: 'upsert', result: 'ok' });
    pass.touched.push({ user: item.user, id });
  }
  if (refusal !== undefined) throw refusal.error;
  return true;
}

async function pushDeletes(ctx: SyncContext, pass: Pass, items: Item[]): Promise<void> {
  const unknown = items.filter((i) => i.entry.salesforceId === null);
  const found = new Map<string, string>();
  if (unknown.length > 0) {
    // A task deleted before its create was confirmed: find the record by its SIA id, if it exists.
    try {
      const records = await pass.writer.query<{ Id: string; SIA_Task_Id__c: string }>(
        `SELECT Id, SIA_Task_Id__c FROM Task WHERE SIA_Task_Id__c IN ${soqlList(unknown.map((i) => i.entry.taskId))}`,
      );
      for (const record of records) found.set(record.SIA_Task_Id__c, record.Id);
    } catch (error) {
      await whenBatchFailed(ctx, pass, unknown, error);
      return;
    }
  }
  const targets: { item: Item; id: string }[] = [];
  for (const item of items) {
    const { entry } = item;
    const id = entry.salesforceId ?? found.get(entry.taskId);
    if (id === undefined) {
      await ctx.store.transaction(async (tx) => {
        await tx.lockTask(entry.taskId);
        await tx.completeOutbox(entry);
        const link = await tx.getLink(entry.taskId);
        if (link?.deleted_at != null || !(await tx.getTask(entry.taskId))) await tx.deleteLink(entry.taskId);
      });
      continue;
    }
    targets.push({ item, id });
  }
  if (targets.length === 0) return;
  let results: RecordResult[];
  try {
    results = await pass.writer.deleteRecords(targets.map((t) => t.id));
  } catch (error) {
    await whenBatchFailed(
      ctx,
      pass,
      targets.map((t) => t.item),
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
        await tx.lockTask(target.item.entry.taskId);
        await tx.deleteLink(target.item.entry.taskId);
        await tx.completeOutbox(target.item.entry);
      });
      pass.acknowledged.push(target.item);
      ctx.metrics.pushedRecords.inc({ op: 'delete', result: 'ok' });
      pass.touched.push({ user: target.item.user, id: target.id });
    } else {
      if (setAside(pass, target.item, failure)) continue;
      await handleFailure(
        ctx,
        target.item.user,
        target.item.entry,
        failure ?? { code: 'UNKNOWN_EXCEPTION', message: 'no result for record', fields: [] },
        target.id,
      );
    }
  }
}

/** Stamps SIA ids by Id, the batch's notice (naming the stamped Tasks) in the same call; true when it went. */
async function pushStamps(ctx: SyncContext, pass: Pass, items: Item[]): Promise<boolean> {
  const targets: { item: Item; id: string }[] = [];
  for (const item of items) {
    if (item.entry.salesforceId === null) await ctx.store.completeOutbox(item.entry);
    else targets.push({ item, id: item.entry.salesforceId });
  }
  if (targets.length === 0) return false;
  let results: RecordResult[];
  try {
    const sent = await pass.writer.updateRecordsAndPublish(
      'Task',
      targets.map((t) => ({ Id: t.id, SIA_Task_Id__c: t.item.entry.taskId })),
      { type: NOTICE_EVENT, records: noticesOf(targets.map((t) => ({ user: t.item.user, id: t.id }))) },
    );
    results = sent.results;
    if (sent.publishError) ctx.logger.warn({ ...sent.publishError }, 'could not publish SIA_Sync_Notice__e');
  } catch (error) {
    await whenBatchFailed(
      ctx,
      pass,
      targets.map((t) => t.item),
      error,
    );
    return false;
  }
  await ctx.hooks.afterSalesforceWrite?.(
    'stamp',
    targets.map((t) => t.id),
  );
  for (const [index, { item, id }] of targets.entries()) {
    const result = results[index];
    if (result?.success) {
      await ctx.store.transaction(async (tx) => {
        await tx.lockTask(item.entry.taskId);
        const link = await tx.getLink(item.entry.taskId);
        if (link) await tx.putLink({ ...link, needs_stamp: 0 });
        await tx.completeOutbox(item.entry);
      });
      pass.acknowledged.push(item);
      ctx.metrics.pushedRecords.inc({ op: 'stamp', result: 'ok' });
      pass.touched.push({ user: item.user, id });
    } else {
      const failure = result ? firstError(result) : undefined;
      if (setAside(pass, item, failure)) continue;
      await handleFailure(
        ctx,
        item.user,
        item.entry,
        failure ?? { code: 'UNKNOWN_EXCEPTION', message: 'no result', fields: [] },
        id,
      );
    }
  }
  return true;
}

/** Writes one batch with one identity; what the org identity may not edit comes back in `refused`. */
async function pushBatch(
  ctx: SyncContext,
  writer: SalesforceClient,
  items: Item[],
): Promise<{ touched: Touched[]; refused: Item[] }> {
  const pass: Pass = {
    writer,
    org: writer === ctx.identities.org,
    touched: [],
    refused: [],
    acknowledged: [],
  };
  let announced = 0;
  try {
    // Each write carries the batch's notice for what it and the writes before it touched.
    if (
      await pushStamps(
        ctx,
        pass,
        items.filter((i) => i.entry.op === 'stamp'),
      )
    )
      announced = pass.touched.length;
    if (
      await pushUpserts(
        ctx,
        pass,
        items.filter((i) => i.entry.op === 'upsert'),
        pass.touched.slice(announced),
      )
    )
      announced = pass.touched.length;
    await pushDeletes(
      ctx,
      pass,
      items.filter((i) => i.entry.op === 'delete'),
    );
  } catch (error) {
    if (error instanceof SalesforceApiError) ctx.logger.warn({ err: error }, 'outbox push stopped');
    throw error;
  }
  // Deletes announce themselves in a notice of their own, one per rep.
  const unannounced = new Map<string, { user: SiaUser; ids: string[] }>();
  for (const { user, id } of pass.touched.slice(announced)) {
    const group = unannounced.get(user.id) ?? { user, ids: [] };
    group.ids.push(id);
    unannounced.set(user.id, group);
  }
  for (const { user, ids } of unannounced.values()) await publishNotice(ctx, user, 'pushed', ids);
  // Salesforce acknowledged these: the failures their earlier attempts (and their owners' failed
  // calls) left open are resolved.
  if (pass.acknowledged.length > 0) {
    const owners = new Set(pass.acknowledged.map((i) => i.user.id));
    await retriesSucceeded(ctx, [
      ...[...owners].map((id) => `push:${id}`),
      ...pass.acknowledged.map((i) => `push-task:${i.entry.taskId}`),
    ]);
  }
  return { touched: pass.touched, refused: pass.refused };
}

/** What a drain did: entries sent, and the reps held for want of an identity that may write. */
export interface PushOutcome {
  sent: number;
  /** When a batch the coalescing policy held back may go (epoch ms), if one was held back. */
  wakeAt: number | undefined;
  /** Reps nothing may write for now (their changes stay queued). */
  held: SiaUser[];
  /** Reps whose records the org identity may not edit: the rest of theirs goes through their own connection. */
  diverted: SiaUser[];
}

/** The earlier of two optional times. */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Options of a drain: `coalesce` holds a partial batch back until the policy lets it go. */
export interface PushOptions {
  maxBatches?: number;
  /** The policy, and the moment (epoch ms) it decides as of: the clock's now, or a later alarm's time. */
  coalesce?: { policy: CoalescePolicy; asOf: number };
}

/**
 * Sends everything due in these reps' outboxes (or, with `coalesce`, what the coalescing policy
 * lets go: full collections, and a smaller batch once its oldest change has waited), up to 200 at
 * a time, through `writer`. Several reps share a batch only when `writer` is the org identity and it
 * may edit their records; whatever it may not edit goes again through the owner's own connection
 * (that rep's changes go that way from then on), and a rep with no connection is held.
 */
export async function pushOutbox(
  ctx: SyncContext,
  users: SiaUser | SiaUser[],
  options: PushOptions & { writer?: SalesforceClient } = {},
): Promise<PushOutcome> {
  const writer = options.writer ?? ctx.identities.org;
  const byId = new Map((Array.isArray(users) ? users : [users]).map((u) => [u.id, u]));
  const held: SiaUser[] = [];
  const diverted: SiaUser[] = [];
  let sent = 0;
  let wakeAt: number | undefined;
  const maxBatches = options.maxBatches ?? 50;
  for (let batch = 0; byId.size > 0; batch += 1) {
    if (batch === maxBatches) {
      // Enough for one turn of the serial queue: the rest goes in the next drain, after other work.
      wakeAt = ctx.clock.now().getTime();
      break;
    }
    const entries = await ctx.store.pendingOutboxOf([...byId.keys()], nowIso(ctx), COLLECTION_SIZE);
    if (entries.length === 0) break;
    if (options.coalesce !== undefined) {
      // A partial batch waits for more changes, or until its oldest has waited the window.
      const { policy, asOf } = options.coalesce;
      const now = Math.max(ctx.clock.now().getTime(), asOf);
      const decision = coalesceDecision(dueChangesOf(entries), now, policy);
      if (decision.action === 'wait') {
        wakeAt = decision.until;
        break;
      }
    }
    // Only the current leader writes: a stale one's batch is refused here, before it is sent.
    await ctx.fence();
    const items = entries.flatMap((entry) => {
      const user = byId.get(entry.ownerId);
      return user === undefined ? [] : [{ entry, user }];
    });
    const { touched, refused } = await pushBatch(ctx, writer, items);
    const refusedOwners = new Map(refused.map((i) => [i.user.id, i.user]));
    for (const user of refusedOwners.values()) {
      ctx.identities.refused(user.id);
      const own = await ctx.identities.ownClient(user);
      const mine = refused.filter((i) => i.user.id === user.id);
      if (own === undefined) {
        // Nothing may write them now: they stay queued, and this rep's outbox waits.
        byId.delete(user.id);
        held.push(user);
        continue;
      }
      ctx.logger.info(
        { owner: user.id, records: mine.length },
        "the org identity may not edit these records: sending them through the owner's connection",
      );
      const again = await pushBatch(ctx, own, mine);
      touched.push(...again.touched);
      // The rest of this rep's changes go through their own connection (one rep per collection).
      byId.delete(user.id);
      diverted.push(user);
    }
    sent += items.length;
    for (const user of new Set(touched.map((t) => t.user)))
      await ctx.store.touchSync(user.id, 'outbound', nowIso(ctx));
    if (entries.length < COLLECTION_SIZE) break;
  }
  return { sent, wakeAt, held, diverted };
}

/** Holds a rep's changes for want of an identity that may write them; recorded once per hold. */
async function hold(ctx: SyncContext, user: SiaUser): Promise<void> {
  const reason = heldReason(user);
  if (!(await ctx.identities.hold(user, reason))) return;
  ctx.logger.warn({ owner: user.id }, 'changes held: no identity may write them');
  await ctx.store.recordError({
    category: 'Authentication',
    code: HELD_CODE,
    message: reason,
    direction: 'outbound',
    taskId: null,
    salesforceId: null,
    ownerId: user.id,
    fields: [],
    recordedAt: nowIso(ctx),
  });
  await reportError(ctx, user, {
    category: 'Authentication',
    code: HELD_CODE,
    message: reason,
    taskId: null,
    salesforceId: null,
  });
}

/**
 * Drains these reps' outboxes, each through the identity that may write it: one shared series of
 * collections for the reps the org identity writes while it may edit every rep's records, a series
 * per rep otherwise; reps nothing may write are held. Returns how many entries went, and when a
 * batch the coalescing policy held back may go.
 */
export async function pushRouted(
  ctx: SyncContext,
  users: SiaUser[],
  options: PushOptions = {},
): Promise<{ sent: number; wakeAt: number | undefined }> {
  const shared: SiaUser[] = [];
  const alone: { user: SiaUser; writer: SalesforceClient }[] = [];
  for (const user of users) {
    const route = await ctx.identities.route(user);
    if (route.identity === 'none') await hold(ctx, user);
    else if (route.identity === 'org' && ctx.identities.sharesCollections()) shared.push(user);
    else alone.push({ user, writer: route.client });
  }
  const outcomes: PushOutcome[] = [];
  if (shared.length > 0) outcomes.push(await pushOutbox(ctx, shared, options));
  for (const { user, writer } of alone) outcomes.push(await pushOutbox(ctx, user, { ...options, writer }));
  let sent = 0;
  let wakeAt: number | undefined;
  for (const outcome of outcomes) {
    sent += outcome.sent;
    wakeAt = earlier(wakeAt, outcome.wakeAt);
    for (const user of outcome.held) await hold(ctx, user);
    for (const user of outcome.diverted) {
      const own = await ctx.identities.ownClient(user);
      if (own === undefined) await hold(ctx, user);
      else {
        const again = await pushOutbox(ctx, user, { ...options, writer: own });
        sent += again.sent;
        wakeAt = earlier(wakeAt, again.wakeAt);
      }
    }
  }
  return { sent, wakeAt };
}
