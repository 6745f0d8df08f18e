// Applies one Salesforce-side change to the SIA store (from a change event, the reconciliation
// sweep or the first-sync import), as the inbound rule in inbound-decision.ts decides: ignore,
// import, echo, unchanged, stale, conflict or apply. Conflicting edits are merged field by field
// (the later write wins and the conflict is recorded) and a delete beats an edit.
import { randomUUID } from 'node:crypto';
import { EMAIL_TASK_ID_PREFIX, type SiaTask, type SiaUser, type SyncedField } from '../sia/model.ts';
import { salesforceTypeToSia } from '../sia/shared.ts';
import { isSyncOn } from '../tasks/task-service.ts';
import type { Link, Store } from '../store/store.ts';
import { mappingFor, nowIso, type SyncContext } from './context.ts';
import { importsUnknownTask, valuesVerdict } from './inbound-decision.ts';
import {
  SIA_FIELD_FOR,
  TASK_SYNC_FIELDS,
  desiredValues,
  parseValues,
  siaChanges,
  taskValues,
  valuesHash,
  type TaskSyncField,
  type TaskValues,
} from './mapping.ts';

export interface RemoteChange {
  salesforceId: string;
  kind: 'upsert' | 'delete';
  /** Field values: the whole record, or only the changed fields of an UPDATE event. */
  record: Record<string, unknown>;
  /** Salesforce fields that changed (UPDATE events); undefined when `record` is complete. */
  changedFields: string[] | undefined;
  nulledFields: string[];
  /** Commit time of the change in Salesforce (ISO). */
  at: string;
  /** Our client made the change (its event's changeOrigin names it: isOurChange). */
  ours: boolean;
  /**
   * The record as Salesforce holds it now, read for an event older than the link's last sync (e.g.
   * delivered late): a field our later push overwrote is a conflict SIA won, not a change to apply.
   */
  current?: Record<string, unknown>;
}

/** The change a task deleted in Salesforce at `at` makes (getDeleted, a gap's vanished record, the switch-on gap). */
export function deletedInSalesforce(salesforceId: string, at: string): RemoteChange {
  return {
    salesforceId,
    kind: 'delete',
    record: {},
    changedFields: undefined,
    nulledFields: [],
    at,
    ours: false,
  };
}

export type ApplyResult = 'applied' | 'echo' | 'unchanged' | 'ignored' | 'deleted' | 'imported';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stringField(record: Record<string, unknown>, field: string): string | null {
  const value = record[field];
  return typeof value === 'string' && value !== '' ? value : null;
}

async function userFor(
  tx: Store,
  ctx: SyncContext,
  link: Link | undefined,
  change: RemoteChange,
): Promise<SiaUser | undefined> {
  if (link) return tx.getUser(link.owner_id);
  const owner = stringField(change.record, 'OwnerId');
  if (owner === null) return undefined;
  return tx.getUserBySalesforceId(owner);
}

function remoteValues(base: TaskValues, change: RemoteChange): TaskValues {
  if (change.changedFields === undefined) return taskValues(change.record);
  const next = { ...base };
  const partial = taskValues(change.record);
  for (const field of change.changedFields) {
    if ((TASK_SYNC_FIELDS as readonly string[]).includes(field))
      next[field as TaskSyncField] = partial[field as TaskSyncField];
  }
  for (const field of change.nulledFields) {
    if ((TASK_SYNC_FIELDS as readonly string[]).includes(field)) next[field as TaskSyncField] = null;
  }
  return next;
}

/**
 * When a link was last in step with Salesforce: the commit time of the change just applied (never
 * earlier than what the link already holds). Local time would make every later event of the record
 * look stale once the service lags behind the stream, and stale events are re-read from Salesforce.
 */
export function syncedAtFor(change: Pick<RemoteChange, 'at'>, link?: Pick<Link, 'synced_at'>): string {
  const previous = link?.synced_at ?? null;
  return previous !== null && previous > change.at ? previous : change.at;
}

async function putSynced(
  tx: Store,
  link: Omit<Link, 'synced_hash' | 'synced_values' | 'synced_at'>,
  values: TaskValues,
  at: string,
): Promise<void> {
  await tx.putLink({
    ...link,
    synced_values: JSON.stringify(values),
    synced_hash: valuesHash(values),
    synced_at: at,
  });
}

/** Deletes the SIA task of a Salesforce delete; a pending SIA edit loses (delete beats edit). */
async function applyDelete(
  tx: Store,
  ctx: SyncContext,
  link: Link,
  change: RemoteChange,
): Promise<ApplyResult> {
  if (link.deleted_at !== null) {
    await tx.deleteLink(link.task_id);
    await tx.deleteOutboxForTask(link.task_id);
    return 'echo';
  }
  const task = await tx.getTask(link.task_id);
  const pending = await tx.outboxFor(link.task_id);
  const now = nowIso(ctx);
  if (task && pending && pending.op === 'upsert' && Object.keys(pending.fields).length > 0) {
    const localAt = Object.values(pending.fields).sort().at(-1) ?? null;
    await tx.recordConflict({
      taskId: task.id,
      ownerId: task.ownerId,
      field: '*delete',
      localValue: JSON.stringify(pending.fields),
      remoteValue: 'deleted',
      winner: 'salesforce',
      localAt,
      remoteAt: change.at,
      recordedAt: now,
    });
  }
  await tx.deleteOutboxForTask(link.task_id);
  if (task) await tx.deleteTask(task.id);
  await tx.deleteLink(link.task_id);
  if (task) await tx.touchSync(task.ownerId, 'inbound', now);
  return 'deleted';
}

/** The SIA task a Salesforce task becomes when it is imported (id chosen by the caller). */
export function importedTask(
  ctx: SyncContext,
  user: SiaUser,
  change: Pick<RemoteChange, 'salesforceId' | 'record'>,
  id: string,
  now: string,
): { task: SiaTask; values: TaskValues } {
  const record = change.record;
  const values = taskValues(record);
  const changes = siaChanges([...TASK_SYNC_FIELDS], values, undefined, mappingFor(ctx, user));
  const task: SiaTask = {
    id,
    ownerId: user.id,
    type: salesforceTypeToSia({
      SIA_Activity_Type__c: stringField(record, 'SIA_Activity_Type__c'),
      TaskSubtype: stringField(record, 'TaskSubtype'),
      Type: stringField(record, 'Type'),
    }),
    name: changes.name ?? values.Subject ?? '(no subject)',
    dueDate: changes.dueDate ?? (stringField(record, 'CreatedDate') ?? now).slice(0, 10),
    priority: changes.priority ?? 'normal',
    salesforcePriority: changes.salesforcePriority ?? null,
    details: changes.details ?? null,
    status: changes.status ?? 'open',
    personSalesforceId: changes.personSalesforceId ?? null,
    personEmail: null,
    relatedToId: changes.relatedToId ?? null,
    createdAt: now,
    updatedAt: now,
    salesforceTaskId: change.salesforceId,
  };
  return { task, values };
}

/** The SIA id a Salesforce task already carries, when it is a UUID (a stamp from an earlier sync). */
export function stampedTaskId(record: Record<string, unknown>): string | null {
  const stamped = stringField(record, 'SIA_Task_Id__c');
  return stamped !== null && UUID.test(stamped) ? stamped : null;
}

/** A Salesforce task the SIA side does not have yet: imported, linked and queued for its SIA id stamp. */
async function importTask(
  tx: Store,
  ctx: SyncContext,
  user: SiaUser,
  change: RemoteChange,
): Promise<ApplyResult> {
  const record = change.record;
  const stamped = stringField(record, 'SIA_Task_Id__c');
  const id =
    stamped !== null && UUID.test(stamped) && !(await tx.getTask(stamped)) && !(await tx.getLink(stamped))
      ? stamped
      : randomUUID();
  const now = nowIso(ctx);
  const { task, values } = importedTask(ctx, user, change, id, now);
  await tx.insertTask(task);
  const needsStamp = stamped !== id;
  await putSynced(
    tx,
    {
      task_id: id,
      salesforce_id: change.salesforceId,
      owner_id: user.id,
      deleted_at: null,
      needs_stamp: needsStamp ? 1 : 0,
    },
    values,
    syncedAtFor(change),
  );
  if (needsStamp) {
    await tx.enqueue({
      taskId: id,
      ownerId: user.id,
      op: 'stamp',
      fields: {},
      salesforceId: change.salesforceId,
      at: now,
    });
  }
  await tx.touchSync(user.id, 'inbound', now);
  return 'imported';
}

export interface ApplyOptions {
  /** Import Salesforce tasks the SIA side has never seen (CREATE events, sweep, first-sync import). */
  importUnknown: boolean;
}

/**
 * True for a logged email's Task (SIA_Task_Id__c `sia-email:…`, written by email logging): email
 * activity, never a reminder task, so it is neither imported nor stamped with a SIA task id.
 */
export function isEmailActivity(record: Record<string, unknown>): boolean {
  const stamped = record['SIA_Task_Id__c'];
  return typeof stamped === 'string' && stamped.startsWith(EMAIL_TASK_ID_PREFIX);
}

/** Applies one change inside the caller's transaction. */
export async function applyRemoteChange(
  tx: Store,
  ctx: SyncContext,
  change: RemoteChange,
  options: ApplyOptions,
): Promise<ApplyResult> {
  if (isEmailActivity(change.record)) return 'ignored';
  let link = await tx.getLinkBySalesforceId(change.salesforceId);
  const stampedId = stringField(change.record, 'SIA_Task_Id__c');
  if (!link && stampedId !== null) {
    const byTask = await tx.getLink(stampedId);
    if (byTask && byTask.salesforce_id === null) link = byTask;
  }
  if (change.kind === 'delete') {
    if (!link) return 'ignored';
    // While sync is off nothing flows; deletions from the gap are applied when it comes back on.
    if (!isSyncOn(await tx.getSyncState(link.owner_id))) return 'ignored';
    return applyDelete(tx, ctx, link, change);
  }

  const user = await userFor(tx, ctx, link, change);
  const state = user ? await tx.getSyncState(user.id) : undefined;
  if (!user || !isSyncOn(state)) return 'ignored';
  const mapping = mappingFor(ctx, user);
  const now = nowIso(ctx);

  if (!link) {
    if (stampedId !== null) {
      const local = await tx.getTask(stampedId);
      if (local && local.ownerId === user.id) {
        // Our own create, seen before the push committed its link: link it, nothing to apply.
        if (change.changedFields !== undefined) return 'echo';
        const values = taskValues(change.record);
        await putSynced(
          tx,
          {
            task_id: local.id,
            salesforce_id: change.salesforceId,
            owner_id: user.id,
            deleted_at: null,
            needs_stamp: 0,
          },
          values,
          syncedAtFor(change),
        );
        return 'echo';
      }
    }
    const lastModified = stringField(change.record, 'LastModifiedDate') ?? change.at;
    const unknown = { changedFields: change.changedFields, lastModified };
    if (!importsUnknownTask(unknown, options.importUnknown, state.enabled_at)) return 'ignored';
    return importTask(tx, ctx, user, change);
  }

  if (link.deleted_at !== null) return 'ignored'; // deleted in SIA, the delete is on its way: delete beats edit
  const task = await tx.getTask(link.task_id);
  if (!task) return 'ignored';
  const synced = parseValues(link.synced_values) ?? desiredValues(task, mapping, undefined);
  const remote = remoteValues(synced, change);
  const values = valuesVerdict(change.ours, link, synced, remote);
  if (values.verdict !== 'changed') return values.verdict;
  let changed = values.fields;

  if (change.current !== undefined) {
    // The event predates our last sync: where Salesforce now holds what we pushed, our later
    // write already replaced this earlier Salesforce change, so SIA wins and the conflict is recorded.
    const current = taskValues(change.current);
    const overwritten = changed.filter((f) => current[f] === synced[f] && current[f] !== remote[f]);
    for (const sfField of overwritten) {
      const field: SyncedField = SIA_FIELD_FOR[sfField];
      await tx.recordConflict({
        taskId: task.id,
        ownerId: task.ownerId,
        field,
        localValue: task[field],
        remoteValue: remote[sfField],
        winner: 'sia',
        localAt: link.synced_at,
        remoteAt: change.at,
        recordedAt: now,
      });
      remote[sfField] = synced[sfField];
    }
    changed = changed.filter((f) => !overwritten.includes(f));
    if (changed.length === 0) return 'applied';
  }

  let updates = siaChanges(changed, remote, task, mapping);
  const pending = await tx.outboxFor(task.id);
  if (pending && pending.op === 'upsert') {
    const remoteWon = new Set<string>();
    const localWon = new Set<string>();
    for (const sfField of changed) {
      const field: SyncedField = SIA_FIELD_FOR[sfField];
      const localAt = pending.fields[field];
      if (localAt === undefined) continue;
      const remoteWins = change.at > localAt;
      await tx.recordConflict({
        taskId: task.id,
        ownerId: task.ownerId,
        field,
        localValue: task[field],
        remoteValue: remote[sfField],
        winner: remoteWins ? 'salesforce' : 'sia',
        localAt,
        remoteAt: change.at,
        recordedAt: now,
      });
      (remoteWins ? remoteWon : localWon).add(field);
      if (!remoteWins && field === 'priority') localWon.add('salesforcePriority');
    }
    const pendingFields = Object.fromEntries(
      Object.entries(pending.fields).filter(([field]) => !remoteWon.has(field)),
    );
    if (Object.keys(pendingFields).length === 0) await tx.deleteOutbox(pending.id);
    else await tx.setOutboxFields(pending.id, pendingFields);
    updates = Object.fromEntries(Object.entries(updates).filter(([field]) => !localWon.has(field)));
  }
  const next: SiaTask = { ...task, ...updates };
  const touched = (Object.keys(updates) as (keyof SiaTask)[]).some((key) => next[key] !== task[key]);
  if (touched) {
    next.updatedAt = now;
    await tx.updateTask(next);
  }
  await putSynced(tx, link, remote, syncedAtFor(change, link));
  await tx.touchSync(task.ownerId, 'inbound', now);
  return 'applied';
}
