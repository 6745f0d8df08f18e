// Switching a user's task sync on at T0: apply Salesforce deletions from the gap when
// sync was on before (15-day getDeleted window, plus a check of every linked id for older ones),
// then import the user's tasks created or updated in the 24 hours before T0 and queue their SIA id
// stamps. SIA tasks created before T0 are never pushed (TaskService.shouldPush).
import type { SiaUser } from '../sia/model.ts';
import type { SyncContext } from './context.ts';
import { importWindow } from './import.ts';
import { tasksByIds } from './records.ts';
import { SWEEP_CHECKPOINT, applyDeletedTasks } from './reconcile.ts';
import { earliestGetDeletedStart, importWindowStart } from './sync-windows.ts';

/** Salesforce ids of the user's linked tasks that were deleted in Salesforce. */
async function deletedLinkedIds(
  ctx: SyncContext,
  user: SiaUser,
  offSince: string | null,
): Promise<Map<string, string>> {
  const links = (await ctx.store.listLinks(user.id)).filter(
    (l) => l.salesforce_id !== null && l.deleted_at === null,
  );
  const linked = new Set(links.map((l) => l.salesforce_id ?? ''));
  const deleted = new Map<string, string>();
  if (linked.size === 0) return deleted;
  const now = ctx.clock.now();
  const windowStart = new Date(
    Math.max(
      earliestGetDeletedStart(now).getTime(),
      offSince === null ? 0 : new Date(offSince).getTime() - 60_000,
    ),
  );
  let coveredFrom = windowStart;
  if (windowStart < now) {
    const result = await ctx.salesforce.getDeleted('Task', windowStart, now);
    for (const record of result.deletedRecords)
      if (linked.has(record.id)) deleted.set(record.id, new Date(record.deletedDate).toISOString());
    if (result.earliestDateAvailable)
      coveredFrom = new Date(
        Math.max(windowStart.getTime(), new Date(result.earliestDateAvailable).getTime()),
      );
  }
  // Deletions older than what getDeleted still covers: ask for every linked id; a missing one is gone.
  const gapStart = offSince === null ? undefined : new Date(offSince);
  if (gapStart === undefined || gapStart < coveredFrom) {
    const alive = new Set((await tasksByIds(ctx, [...linked])).map((r) => r.Id));
    for (const id of linked) if (!alive.has(id) && !deleted.has(id)) deleted.set(id, now.toISOString());
  }
  return deleted;
}

export async function activateUser(
  ctx: SyncContext,
  user: SiaUser,
  enabledAt: string,
  offSince: string | null,
): Promise<{ imported: number; deleted: number }> {
  const state = await ctx.store.getSyncState(user.id);
  if (state?.imported_for === enabledAt) return { imported: 0, deleted: 0 };
  const gone = await deletedLinkedIds(ctx, user, offSince);
  const deleted = await applyDeletedTasks(
    ctx,
    [...gone].map(([id, at]) => ({ id, at })),
  );
  const progress = await importWindow(ctx, ctx.firstSync, user, enabledAt, importWindowStart(enabledAt));
  const imported = progress.imported;
  const now = ctx.clock.now().toISOString();
  // The sweep starts where the import read Salesforce: with no sweep before it, the first one would
  // otherwise read the whole import window again.
  if ((await ctx.store.getCheckpoint(SWEEP_CHECKPOINT)) === undefined)
    await ctx.store.setCheckpoint(SWEEP_CHECKPOINT, progress.startedAt, now);
  const latest = await ctx.store.getSyncState(user.id);
  if (latest) await ctx.store.putSyncState({ ...latest, imported_for: enabledAt, updated_at: now });
  ctx.logger.info({ user: user.id, enabledAt, imported, deleted }, 'task sync switched on');
  return { imported, deleted };
}
