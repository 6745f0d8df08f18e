// The reconciliation sweep: getUpdated/getDeleted over the window since the last sweep (capped at
// Salesforce's 30 and 15 days), applied like change events. It runs on start, after event gaps and
// on a timer, so a lost event costs latency, never data.
import type { SyncContext } from './context.ts';
import { applyRemoteChange } from './inbound.ts';
import { recordChange, tasksByIds, type TaskRecord } from './records.ts';
import { isSyncOn } from '../sia/task-service.ts';

const DAY_MS = 86_400_000;
export const SWEEP_CHECKPOINT = 'sweep:Task';

/** Applies Task records as Salesforce holds them now (sweep, gap events); returns how many changed SIA. */
export async function applyCurrentTasks(ctx: SyncContext, records: TaskRecord[]): Promise<number> {
  let applied = 0;
  for (const record of records) {
    const change = recordChange(record);
    const owner =
      typeof record['OwnerId'] === 'string'
        ? await ctx.store.getUserBySalesforceId(record['OwnerId'])
        : undefined;
    const state = owner ? await ctx.store.getSyncState(owner.id) : undefined;
    if (!isSyncOn(state)) continue;
    const importSince = new Date(new Date(state.enabled_at).getTime() - DAY_MS).toISOString();
    const result = await ctx.store.transaction((tx) =>
      applyRemoteChange(tx, ctx, change, { importUnknown: true, importSince }),
    );
    if (result !== 'echo' && result !== 'ignored') applied += 1;
  }
  return applied;
}

export async function reconcile(ctx: SyncContext): Promise<{ updated: number; deleted: number }> {
  const users = await ctx.store.listUsers();
  const states = await Promise.all(users.map((u) => ctx.store.getSyncState(u.id)));
  const on = states.filter(isSyncOn);
  if (on.length === 0) return { updated: 0, deleted: 0 };
  const now = ctx.clock.now();
  const earliestEnable = on.map((s) => s.enabled_at).sort()[0] ?? now.toISOString();
  const stored = await ctx.store.getCheckpoint(SWEEP_CHECKPOINT);
  const from = stored ?? new Date(new Date(earliestEnable).getTime() - DAY_MS).toISOString();
  const start = new Date(Math.max(new Date(from).getTime() - 60_000, now.getTime() - 30 * DAY_MS + 60_000));
  if (now.getTime() - start.getTime() < 60_000) return { updated: 0, deleted: 0 };
  const updated = await ctx.salesforce.getUpdated('Task', start, now);
  const applied = await applyCurrentTasks(ctx, await tasksByIds(ctx, updated.ids));
  const deleteStart = new Date(Math.max(start.getTime(), now.getTime() - 15 * DAY_MS + 60_000));
  const deletedResult = await ctx.salesforce.getDeleted('Task', deleteStart, now);
  let deleted = 0;
  for (const record of deletedResult.deletedRecords) {
    const change = {
      salesforceId: record.id,
      kind: 'delete' as const,
      record: {},
      changedFields: undefined,
      nulledFields: [],
      at: new Date(record.deletedDate).toISOString(),
      ours: false,
    };
    const result = await ctx.store.transaction((tx) =>
      applyRemoteChange(tx, ctx, change, { importUnknown: false }),
    );
    if (result === 'deleted') deleted += 1;
  }
  const covered = [updated.latestDateCovered, deletedResult.latestDateCovered]
    .filter(Boolean)
    .map((d) => new Date(d).toISOString())
    .sort()[0];
  await ctx.store.setCheckpoint(SWEEP_CHECKPOINT, covered ?? now.toISOString(), now.toISOString());
  ctx.metrics.appliedEvents.inc({ kind: 'sweep' }, applied + deleted);
  return { updated: applied, deleted };
}
