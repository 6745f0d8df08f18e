// SIA-side task operations: each change and its outbox entry commit in one transaction, so a
// change is either pushed to Salesforce later or never happened.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Link, Store, SyncState } from '../store/store.ts';
import { NotFoundError } from '../sia/errors.ts';
import { isTaskSyncOn, skippedTaskOutcome, type TaskSyncMode } from '../sia/shared.ts';
import {
  SYNCED_FIELDS,
  type SiaTask,
  type SiaUser,
  type SyncedField,
  type TaskPriority,
  type TaskStatus,
  type TaskType,
} from '../sia/model.ts';

export interface NewTask {
  ownerId: string;
  type: TaskType;
  name: string;
  dueDate: string;
  priority?: TaskPriority | undefined;
  details?: string | null | undefined;
  person?: { salesforceId?: string | undefined; email?: string | undefined } | undefined;
  relatedToId?: string | null | undefined;
}

export interface TaskPatch {
  name?: string | undefined;
  dueDate?: string | undefined;
  priority?: TaskPriority | undefined;
  details?: string | null | undefined;
  status?: TaskStatus | undefined;
}

export interface UserInput {
  email: string;
  salesforceUserId: string;
  timeZone: string;
}

/** The stored sync state of a user, read by the shared rule "task sync is on for this user". */
export function isSyncOn(
  state: SyncState | undefined,
): state is SyncState & { mode: TaskSyncMode; enabled_at: string } {
  return state !== undefined && isTaskSyncOn(state.mode, state.enabled_at);
}

/**
 * Whether a task's changes go to Salesforce: only while sync is on, and only for tasks linked to
 * Salesforce or created at or after the moment sync was switched on (older SIA tasks stay local:
 * switching on imports from Salesforce, it does not push the past).
 */
export function shouldPush(
  task: Pick<SiaTask, 'createdAt'>,
  link: Link | undefined,
  state: SyncState | undefined,
): boolean {
  if (!isSyncOn(state)) return false;
  if (link !== undefined && link.deleted_at === null && link.salesforce_id !== null) return true;
  return task.createdAt >= state.enabled_at;
}

export class TaskService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #onOutbox: (ownerId: string) => void;
  readonly #onUser: (userId: string) => void;

  constructor(deps: {
    store: Store;
    clock: Clock;
    onOutbox?: (ownerId: string) => void;
    onUser?: (userId: string) => void;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#onOutbox = deps.onOutbox ?? (() => undefined);
    this.#onUser = deps.onUser ?? (() => undefined);
  }

  async putUser(id: string, input: UserInput): Promise<SiaUser> {
    const now = this.#clock.now().toISOString();
    const existing = await this.#store.getUser(id);
    const user: SiaUser = { id, ...input, createdAt: existing?.createdAt ?? now, updatedAt: now };
    await this.#store.putUser(user);
    this.#onUser(id);
    return user;
  }

  async createTask(input: NewTask): Promise<SiaTask> {
    const now = this.#clock.now().toISOString();
    const task: SiaTask = {
      id: randomUUID(),
      ownerId: input.ownerId,
      type: input.type,
      name: input.name,
      dueDate: input.dueDate,
      priority: input.priority ?? 'normal',
      salesforcePriority: null,
      details: input.details ?? null,
      status: 'open',
      personSalesforceId: input.person?.salesforceId ?? null,
      personEmail: input.person?.email ?? null,
      relatedToId: input.relatedToId ?? null,
      createdAt: now,
      updatedAt: now,
      salesforceTaskId: null,
    };
    const pushed = await this.#store.transaction(async (tx) => {
      // The owner's row first: a switch-on being stored meanwhile is read below once it committed,
      // or reads this task once this commits (Store.lockUser), so the task is queued either way.
      await tx.lockUser(input.ownerId, 'share');
      if (!(await tx.getUser(input.ownerId))) throw new NotFoundError('User', input.ownerId, 'ownerId');
      await tx.insertTask(task);
      const state = await tx.getSyncState(task.ownerId);
      if (!shouldPush(task, undefined, state)) return false;
      await tx.enqueue({
        taskId: task.id,
        ownerId: task.ownerId,
        op: 'upsert',
        fields: {},
        salesforceId: null,
        at: now,
      });
      return true;
    });
    if (pushed) this.#onOutbox(task.ownerId);
    return task;
  }

  async getTask(id: string): Promise<SiaTask> {
    const task = await this.#store.getTask(id);
    if (!task) throw new NotFoundError('Task', id);
    return task;
  }

  async updateTask(id: string, patch: TaskPatch): Promise<SiaTask> {
    const now = this.#clock.now().toISOString();
    const result = await this.#store.transaction(async (tx) => {
      const current = await tx.getTask(id);
      if (!current) throw new NotFoundError('Task', id);
      const next: SiaTask = { ...current };
      if (patch.name !== undefined) next.name = patch.name;
      if (patch.dueDate !== undefined) next.dueDate = patch.dueDate;
      if (patch.details !== undefined) next.details = patch.details;
      if (patch.status !== undefined) next.status = patch.status;
      if (patch.priority !== undefined && patch.priority !== current.priority) {
        next.priority = patch.priority;
        next.salesforcePriority = null;
      }
      const changed = SYNCED_FIELDS.filter((field: SyncedField) => next[field] !== current[field]);
      if (changed.length === 0) return { task: current, pushed: false };
      next.updatedAt = now;
      await tx.updateTask(next);
      await tx.lockUser(current.ownerId, 'share');
      const [link, state] = await Promise.all([tx.getLink(id), tx.getSyncState(current.ownerId)]);
      if (!shouldPush(current, link, state)) return { task: next, pushed: false };
      if (next.status === 'skipped' && isSyncOn(state) && skippedTaskOutcome(state.mode) === 'deleted') {
        await tx.enqueue({
          taskId: id,
          ownerId: next.ownerId,
          op: 'delete',
          fields: {},
          salesforceId: link?.salesforce_id ?? null,
          at: now,
        });
      } else {
        const fields = Object.fromEntries(changed.map((field) => [field, now]));
        await tx.enqueue({
          taskId: id,
          ownerId: next.ownerId,
          op: 'upsert',
          fields,
          salesforceId: link?.salesforce_id ?? null,
          at: now,
        });
      }
      return { task: next, pushed: true };
    });
    if (result.pushed) this.#onOutbox(result.task.ownerId);
    return result.task;
  }

  async deleteTask(id: string): Promise<void> {
    const now = this.#clock.now().toISOString();
    const owner = await this.#store.transaction(async (tx) => {
      const current = await tx.getTask(id);
      if (!current) throw new NotFoundError('Task', id);
      await tx.deleteTask(id);
      await tx.lockUser(current.ownerId, 'share');
      const [link, state] = await Promise.all([tx.getLink(id), tx.getSyncState(current.ownerId)]);
      const pending = await tx.outboxFor(id);
      if (link?.salesforce_id != null) {
        // Keep the link as a tombstone until Salesforce confirms, so late events for it are ignored.
        await tx.putLink({ ...link, deleted_at: now });
      }
      if (shouldPush(current, link, state) || pending !== undefined) {
        await tx.enqueue({
          taskId: id,
          ownerId: current.ownerId,
          op: 'delete',
          fields: {},
          salesforceId: link?.salesforce_id ?? null,
          at: now,
        });
        return current.ownerId;
      }
      if (link) await tx.deleteLink(id);
      return undefined;
    });
    if (owner !== undefined) this.#onOutbox(owner);
  }
}
