// Task-sync settings come from SIA_Sync_Setting__c in Salesforce (the org row and one row per
// user, read by salesforce/settings-rows.ts and merged field by field by the shared settings model,
// siaSyncSettingsData). Applying them tells the engine which users switched sync on (and when) or off.
import type { SiaUser } from '../sia/model.ts';
import { isTaskSyncOn, mergeSettings, type TaskSyncMode } from '../sia/shared.ts';
import { isSyncOn } from '../tasks/task-service.ts';
import { userSettingsRow, type SettingsRows } from '../salesforce/settings-rows.ts';
import type { Store } from '../store/store.ts';
import type { SyncContext, UserSettings } from './context.ts';
import { loopTurns } from './turns.ts';

/** Effective task-sync settings of one user. */
export function effectiveSettings(
  snapshot: SettingsRows,
  user: SiaUser,
): UserSettings & { budgetPercent: number } {
  const merged = mergeSettings(snapshot.org, userSettingsRow(snapshot, user));
  const mode: TaskSyncMode = merged.taskSyncMode.value;
  const enabledAt = merged.taskSyncEnabledAt.value;
  return {
    mode,
    enabledAt: enabledAt === null ? null : new Date(enabledAt).toISOString(),
    subjectTemplate: merged.taskSubjectTemplate.value,
    budgetPercent: merged.apiBudgetPercent.value,
  };
}

export type Transition =
  | {
      kind: 'switched-on';
      user: SiaUser;
      enabledAt: string;
      previouslyOffSince: string | null;
      /** SIA tasks created since enabledAt, before the service stored the switch-on, now queued. */
      queued: number;
    }
  | { kind: 'switched-off'; user: SiaUser }
  | { kind: 'unchanged'; user: SiaUser };

/** Stores each user's effective mode and says who switched on or off since the last reading. */
export async function applySettings(ctx: SyncContext, snapshot: SettingsRows): Promise<Transition[]> {
  const transitions: Transition[] = [];
  const now = ctx.clock.now().toISOString();
  const turn = loopTurns();
  for (const user of await ctx.store.listUsers()) {
    await turn();
    const next = effectiveSettings(snapshot, user);
    ctx.settings.set(user.id, next);
    ctx.salesforce.setBudgetPercent(next.budgetPercent);
    const state = await ctx.store.getSyncState(user.id);
    const wasOn = isSyncOn(state);
    const isOn = isTaskSyncOn(next.mode, next.enabledAt);
    if (isOn && next.enabledAt !== null && (!wasOn || state.enabled_at !== next.enabledAt)) {
      transitions.push(
        await storeSwitchOn(ctx.store, user, { mode: next.mode, enabledAt: next.enabledAt, now }),
      );
    } else if (!isOn && wasOn) {
      await ctx.store.putSyncState({ ...state, mode: 'DoNotSync', disabled_at: now, updated_at: now });
      transitions.push({ kind: 'switched-off', user });
    } else {
      if (state && isOn && state.mode !== next.mode)
        await ctx.store.putSyncState({ ...state, mode: next.mode, updated_at: now });
      transitions.push({ kind: 'unchanged', user });
    }
  }
  return transitions;
}

/**
 * Stores a user's switch-on at `enabledAt` and, in the same transaction, queues their SIA tasks
 * created since then that nothing queued: a rep may create tasks after switching on in Salesforce
 * and before the service hears of it, and those are pushed like any task created after the switch.
 * The user's row is locked for update first, so a task written meanwhile is either seen here or
 * sees the switch-on (Store.lockUser).
 */
export async function storeSwitchOn(
  store: Store,
  user: SiaUser,
  switchOn: { mode: TaskSyncMode; enabledAt: string; now: string },
): Promise<Extract<Transition, { kind: 'switched-on' }>> {
  const { mode, enabledAt, now } = switchOn;
  return store.transaction(async (tx) => {
    await tx.lockUser(user.id, 'update');
    const state = await tx.getSyncState(user.id);
    await tx.putSyncState({
      user_id: user.id,
      mode,
      enabled_at: enabledAt,
      disabled_at: state?.disabled_at ?? null,
      imported_for: state?.imported_for ?? null,
      last_inbound_at: state?.last_inbound_at ?? null,
      last_outbound_at: state?.last_outbound_at ?? null,
      updated_at: now,
    });
    const taskIds = await tx.unqueuedTasksSince(user.id, enabledAt);
    await tx.enqueueCreates(taskIds.map((taskId) => ({ taskId, ownerId: user.id, at: now })));
    return {
      kind: 'switched-on',
      user,
      enabledAt,
      previouslyOffSince: isSyncOn(state) ? null : (state?.disabled_at ?? null),
      queued: taskIds.length,
    };
  });
}
