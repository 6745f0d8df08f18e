// The reconciliation sweep: getUpdated/getDeleted over the window since the last sweep (capped at
// Salesforce's 30 and 15 days), applied like change events. It runs on start, after event gaps and
// on a timer, so a lost event costs latency, never data.
import type { SyncContext } from './context.ts';
import { applyRemoteChange, deletedInSalesforce } from './inbound.ts';
import { recordChange, tasksByIds, type TaskRecord } from './records.ts';
import { soqlDateTime, soqlFields } from '../salesforce/soql.ts';
import { isSyncOn } from '../tasks/task-service.ts';
import { BulkApi, csvRecords } from '../salesforce/bulk.ts';
import { TASK_QUERY_FIELDS, taskValues, valuesHash } from './mapping.ts';
import { earliestGetDeletedStart, earliestGetUpdatedStart, importWindowStart } from './sync-windows.ts';
import { loopTurns } from './turns.ts';

export const SWEEP_CHECKPOINT = 'sweep:Task';

/**
 * Applies Task records as Salesforce holds them now (sweep, gap events); returns how many changed
 * SIA. With `onlyOwner` (a SIA user id) the records of every other owner are passed over.
 */
export async function applyCurrentTasks(
  ctx: SyncContext,
  records: TaskRecord[],
  onlyOwner?: string,
): Promise<number> {
  let applied = 0;
  const turn = loopTurns();
  // A linked record that still holds the values last synced (e.g. touched only by our own stamp)
  // changes nothing: it is known from one lookup per page instead of a transaction per record.
  const links = await ctx.store.linksBySalesforceIds(records.map((r) => r.Id));
  for (const record of records) {
    await turn();
    const link = links.get(record.Id);
    if (link !== undefined && link.deleted_at === null && link.synced_hash === valuesHash(taskValues(record)))
      continue;
    const change = recordChange(record);
    const owner =
      typeof record['OwnerId'] === 'string'
        ? await ctx.store.getUserBySalesforceId(record['OwnerId'])
        : undefined;
    if (onlyOwner !== undefined && owner?.id !== onlyOwner) continue;
    const state = owner ? await ctx.store.getSyncState(owner.id) : undefined;
    if (!isSyncOn(state)) continue;
    const result = await ctx.store.transaction((tx) =>
      applyRemoteChange(tx, ctx, change, { importUnknown: true }),
    );
    if (result === 'applied' || result === 'imported' || result === 'deleted') applied += 1;
  }
  return applied;
}

/**
 * Applies Tasks deleted in Salesforce (getDeleted, the deletions of a switch-on's gap); returns how
 * many SIA tasks went. With `onlyOwner` (a SIA user id) the tasks of every other owner are left.
 */
export async function applyDeletedTasks(
  ctx: SyncContext,
  deletions: { id: string; at: string }[],
  onlyOwner?: string,
): Promise<number> {
  let deleted = 0;
  const turn = loopTurns();
  for (const { id, at } of deletions) {
    await turn();
    if (onlyOwner !== undefined && (await ctx.store.getLinkBySalesforceId(id))?.owner_id !== onlyOwner)
      continue;
    const result = await ctx.store.transaction((tx) =>
      applyRemoteChange(tx, ctx, deletedInSalesforce(id, at), { importUnknown: false }),
    );
    if (result === 'deleted') deleted += 1;
  }
  return deleted;
}

/**
 * Many changed records (after an import's stamps, or a long outage) are read with one Bulk API 2.0
 * query job a page at a time, not 200 ids a query: the same records in a few calls.
 */
async function applyChangedSince(ctx: SyncContext, start: Date, onlyOwner?: string): Promise<number> {
  const options = ctx.firstSync;
  const bulk = new BulkApi(ctx.salesforce, { pollMs: options.pollMs, maxPollMs: options.maxPollMs });
  const created = await bulk.createQueryJob(
    `SELECT ${soqlFields(TASK_QUERY_FIELDS)} FROM Task WHERE SystemModstamp >= ${soqlDateTime(start.toISOString())}`,
  );
  const job = await bulk.waitForJob('query', created.id);
  if (job.state !== 'JobComplete')
    throw new Error(`sweep query job ${job.id} ended ${job.state}: ${job.errorMessage ?? ''}`);
  let applied = 0;
  let locator: string | null = null;
  do {
    const page = await bulk.queryResults(job.id, locator, options.pageSize);
    let slice: TaskRecord[] = [];
    for (const row of csvRecords(page.csv)) {
      slice.push(row as TaskRecord);
      if (slice.length < options.writeSlice) continue;
      applied += await applyCurrentTasks(ctx, slice, onlyOwner);
      slice = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (slice.length > 0) applied += await applyCurrentTasks(ctx, slice, onlyOwner);
    locator = page.locator;
  } while (locator !== null);
  return applied;
}

/**
 * Sweeps every user whose sync is on, or only `onlyOwner` (a SIA user id): then the changes of
 * other owners in the window are left to the next full sweep, so the sweep checkpoint stays put.
 */
export async function reconcile(
  ctx: SyncContext,
  onlyOwner?: string,
): Promise<{ updated: number; deleted: number }> {
  const users = (await ctx.store.listUsers()).filter((u) => onlyOwner === undefined || u.id === onlyOwner);
  const states = await Promise.all(users.map((u) => ctx.store.getSyncState(u.id)));
  const on = states.filter(isSyncOn);
  if (on.length === 0) return { updated: 0, deleted: 0 };
  const now = ctx.clock.now();
  const earliestEnable = on.map((s) => s.enabled_at).sort()[0] ?? now.toISOString();
  const stored = await ctx.store.getCheckpoint(SWEEP_CHECKPOINT);
  const from = stored ?? importWindowStart(earliestEnable);
  const start = new Date(Math.max(new Date(from).getTime() - 60_000, earliestGetUpdatedStart(now).getTime()));
  if (now.getTime() - start.getTime() < 60_000) return { updated: 0, deleted: 0 };
  const updated = await ctx.salesforce.getUpdated('Task', start, now);
  const applied =
    updated.ids.length >= ctx.firstSync.bulkThreshold
      ? await applyChangedSince(ctx, start, onlyOwner)
      : await applyCurrentTasks(ctx, await tasksByIds(ctx, updated.ids), onlyOwner);
  const deleteStart = new Date(Math.max(start.getTime(), earliestGetDeletedStart(now).getTime()));
  const deletedResult = await ctx.salesforce.getDeleted('Task', deleteStart, now);
  const deleted = await applyDeletedTasks(
    ctx,
    deletedResult.deletedRecords.map((r) => ({ id: r.id, at: new Date(r.deletedDate).toISOString() })),
    onlyOwner,
  );
  const covered = [updated.latestDateCovered, deletedResult.latestDateCovered]
    .filter(Boolean)
    .map((d) => new Date(d).toISOString())
    .sort()[0];
  if (onlyOwner === undefined)
    await ctx.store.setCheckpoint(SWEEP_CHECKPOINT, covered ?? now.toISOString(), now.toISOString());
  ctx.metrics.appliedEvents.inc({ kind: 'sweep' }, applied + deleted);
  return { updated: applied, deleted };
}
