// The typed query layer over the service database: every read and write the API and the sync
// engine make goes through here, on SQLite and PostgreSQL alike.
import type { Kysely, Selectable } from 'kysely';
import type { SiaTask, SiaUser, TaskPriority, TaskStatus, TaskType } from '../sia/model.ts';
import { idForms } from '../sia/shared.ts';
import type { Database, LinksTable, OutboxTable, SyncStateTable } from './schema.ts';

export type Link = Selectable<LinksTable>;
export type SyncState = Selectable<SyncStateTable>;

export interface OutboxEntry {
  id: number;
  taskId: string;
  ownerId: string;
  op: 'upsert' | 'delete' | 'stamp';
  /** SIA field → ISO time of the local change; empty for a create or delete. */
  fields: Record<string, string>;
  salesforceId: string | null;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

/** The outbox at a moment (Store.outboxSummary). */
export interface OutboxSummary {
  /** Entries queued (one per task). */
  queued: number;
  /** Entries due now (not waiting out a retry backoff). */
  due: number;
  /** When the oldest queued entry was queued, or null when the outbox is empty. */
  oldestQueuedAt: string | null;
  /** When the oldest due entry not sent before became due, or null when none is. */
  oldestNewDueAt: string | null;
  /** A due entry is a retry (a send of it failed before). */
  retryDue: boolean;
}

/** A change to queue for Salesforce (Store.enqueue). */
export interface QueuedChange {
  taskId: string;
  ownerId: string;
  op: OutboxEntry['op'];
  fields: Record<string, string>;
  salesforceId: string | null;
  at: string;
}

export interface ConflictRecord {
  id: number;
  taskId: string;
  ownerId: string;
  field: string;
  localValue: string | null;
  remoteValue: string | null;
  winner: 'sia' | 'salesforce';
  localAt: string | null;
  remoteAt: string | null;
  recordedAt: string;
}

export interface ErrorRecord {
  id: number;
  category: string;
  code: string;
  message: string;
  direction: 'inbound' | 'outbound';
  taskId: string | null;
  salesforceId: string | null;
  ownerId: string | null;
  fields: string[];
  recordedAt: string;
  /** How often it failed (1 for an error settled at once), and when first and last. */
  attempts: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A failure that is retried, not settled: noted on every failed attempt until a retry succeeds. */
export interface RetriedFailure {
  /** What is being retried, e.g. `push:<owner>` or `push-task:<task id>`. */
  key: string;
  category: string;
  code: string;
  message: string;
  direction: 'inbound' | 'outbound';
  taskId: string | null;
  salesforceId: string | null;
  ownerId: string | null;
}

type TaskRow = Selectable<Database['tasks']>;

function toErrorRecord(row: Selectable<Database['errors']>): ErrorRecord {
  return {
    id: row.id,
    category: row.category,
    code: row.code,
    message: row.message,
    direction: row.direction as ErrorRecord['direction'],
    taskId: row.task_id,
    salesforceId: row.salesforce_id,
    ownerId: row.owner_id,
    fields: row.fields === null ? [] : (JSON.parse(row.fields) as string[]),
    recordedAt: row.recorded_at,
    attempts: row.attempts,
    firstSeenAt: row.first_seen_at ?? row.recorded_at,
    lastSeenAt: row.last_seen_at ?? row.recorded_at,
  };
}

function toTask(row: TaskRow, link: { salesforce_id: string | null } | undefined): SiaTask {
  return {
    id: row.id,
    ownerId: row.owner_id,
    type: row.type as TaskType,
    name: row.name,
    dueDate: row.due_date,
    priority: row.priority as TaskPriority,
    salesforcePriority: row.salesforce_priority,
    details: row.details,
    status: row.status as TaskStatus,
    personSalesforceId: row.person_salesforce_id,
    personEmail: row.person_email,
    relatedToId: row.related_to_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    salesforceTaskId: link?.salesforce_id ?? null,
  };
}

function taskRow(task: SiaTask): TaskRow {
  return {
    id: task.id,
    owner_id: task.ownerId,
    type: task.type,
    name: task.name,
    due_date: task.dueDate,
    priority: task.priority,
    salesforce_priority: task.salesforcePriority,
    details: task.details,
    status: task.status,
    person_salesforce_id: task.personSalesforceId,
    person_email: task.personEmail,
    related_to_id: task.relatedToId,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}

function toOutbox(row: Selectable<OutboxTable>): OutboxEntry {
  return {
    id: row.id,
    taskId: row.task_id,
    ownerId: row.owner_id,
    op: row.op as OutboxEntry['op'],
    fields: JSON.parse(row.fields) as Record<string, string>,
    salesforceId: row.salesforce_id,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

/** Rows per multi-row statement: within SQLite's and PostgreSQL's bound-parameter limits at 14 columns. */
export const ROWS_PER_STATEMENT = 250;

function* chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * What becomes of a task's outbox entry once `sent` (read earlier) was sent: `gone` when it is no
 * longer that entry (settled or replaced meanwhile), `sent` when nothing changed since the read, or
 * the update that keeps only what was queued since (a later edit of a field, a delete).
 */
function afterSend(
  current: OutboxEntry | undefined,
  sent: OutboxEntry,
): 'gone' | 'sent' | { op: OutboxEntry['op']; fields: string; attempts: number } {
  if (!current || current.id !== sent.id) return 'gone';
  const remaining = Object.fromEntries(
    Object.entries(current.fields).filter(([field, at]) => sent.fields[field] !== at),
  );
  if (current.op === sent.op && Object.keys(remaining).length === 0) return 'sent';
  return {
    op: current.op === 'delete' ? 'delete' : 'upsert',
    fields: JSON.stringify(remaining),
    attempts: 0,
  };
}

export interface TaskPage {
  tasks: SiaTask[];
  nextCursor: string | null;
}

/** How often Store.transaction runs a transaction again that PostgreSQL aborted as retriable. */
export const TRANSACTION_RETRIES = 3;

/**
 * PostgreSQL's SQLSTATEs of a transaction aborted only for how it interleaved with others, which
 * succeeds when run again: serialization_failure and deadlock_detected.
 * https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html
 */
const RETRIABLE_SQLSTATES = new Set(['40001', '40P01']);

function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && RETRIABLE_SQLSTATES.has(error.code);
}

/** A write refused because this instance's leadership epoch is no longer the current one. */
export class StaleLeaderError extends Error {
  constructor(mine: number, current: number | undefined) {
    super(`leadership epoch ${String(mine)} is stale (current: ${String(current ?? 'none')}): not leading`);
    this.name = 'StaleLeaderError';
  }
}

export class Store {
  readonly db: Kysely<Database>;
  /** PostgreSQL: read-then-write paths lock the task row (SELECT … FOR UPDATE); SQLite serialises writers anyway. */
  readonly lockRows: boolean;

  constructor(db: Kysely<Database>, options: { lockRows?: boolean } = {}) {
    this.db = db;
    this.lockRows = options.lockRows ?? false;
  }

  /**
   * Runs `work` in one database transaction; the Store it receives writes inside it. A transaction
   * PostgreSQL aborted as a deadlock victim or a serialization failure is run again from the start,
   * up to TRANSACTION_RETRIES times: `work` must therefore only touch the database (and state it
   * sets up afresh on every run); counters and other effects belong after the commit. Inside a
   * transaction `work` runs in it, and the outermost transaction is the one retried.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    for (let retries = 0; ; retries += 1) {
      try {
        return await this.db
          .transaction()
          .execute((trx) => work(new Store(trx, { lockRows: this.lockRows })));
      } catch (error) {
        if (retries >= TRANSACTION_RETRIES || !isRetriable(error)) throw error;
      }
    }
  }

  // users
  async putUser(user: SiaUser): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        salesforce_user_id: user.salesforceUserId,
        time_zone: user.timeZone,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          email: user.email,
          salesforce_user_id: user.salesforceUserId,
          time_zone: user.timeZone,
          updated_at: user.updatedAt,
        }),
      )
      .execute();
  }

  async getUser(id: string): Promise<SiaUser | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.#toUser(row);
  }

  /** The user with this Salesforce user id, stored in either its 15- or its 18-character form. */
  async getUserBySalesforceId(salesforceUserId: string): Promise<SiaUser | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('salesforce_user_id', 'in', idForms(salesforceUserId))
      .executeTakeFirst();
    return row && this.#toUser(row);
  }

  /**
   * PostgreSQL, inside a transaction: locks the user's row until the commit, `share` for a task
   * write that reads the user's sync state, `update` for storing a switch-on of task sync. The two
   * modes conflict, so a task written while sync is being switched on either commits first (and the
   * switch-on, reading after it, queues the task) or reads the switch-on once it committed (and
   * queues the task itself). SQLite runs one transaction at a time, so there is nothing to lock.
   */
  async lockUser(id: string, mode: 'share' | 'update'): Promise<void> {
    if (!this.lockRows || !this.db.isTransaction) return;
    const query = this.db.selectFrom('users').select('id').where('id', '=', id);
    await (mode === 'share' ? query.forShare() : query.forUpdate()).execute();
  }

  async listUsers(): Promise<SiaUser[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('id').execute();
    return rows.map((row) => this.#toUser(row));
  }

  #toUser(row: Selectable<Database['users']>): SiaUser {
    return {
      id: row.id,
      email: row.email,
      salesforceUserId: row.salesforce_user_id,
      timeZone: row.time_zone,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  // tasks
  async insertTask(task: SiaTask): Promise<void> {
    await this.db.insertInto('tasks').values(taskRow(task)).execute();
  }

  /** Inserts many new tasks with a few multi-row statements (the first-sync import). */
  async insertTasks(tasks: readonly SiaTask[]): Promise<void> {
    for (const part of chunks(tasks)) await this.db.insertInto('tasks').values(part.map(taskRow)).execute();
  }

  /** Which of these ids a task or a link already uses. */
  async usedTaskIds(ids: readonly string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (const part of chunks(ids, 500)) {
      const tasks = await this.db.selectFrom('tasks').select('id').where('id', 'in', part).execute();
      const links = await this.db
        .selectFrom('links')
        .select('task_id')
        .where('task_id', 'in', part)
        .execute();
      for (const row of tasks) used.add(row.id);
      for (const row of links) used.add(row.task_id);
    }
    return used;
  }

  async updateTask(task: SiaTask): Promise<void> {
    const { id, ...rest } = taskRow(task);
    await this.db.updateTable('tasks').set(rest).where('id', '=', id).execute();
  }

  async deleteTask(id: string): Promise<void> {
    await this.db.deleteFrom('tasks').where('id', '=', id).execute();
  }

  async getTask(id: string): Promise<SiaTask | undefined> {
    let query = this.db
      .selectFrom('tasks')
      .leftJoin('links', 'links.task_id', 'tasks.id')
      .selectAll('tasks')
      .select('links.salesforce_id')
      .where('tasks.id', '=', id);
    // Inside a transaction the caller is about to write the task from what it read: lock the row,
    // so a concurrent API change and an applied Salesforce change cannot overwrite each other.
    if (this.lockRows && this.db.isTransaction) query = query.forUpdate('tasks');
    const row = await query.executeTakeFirst();
    return row && toTask(row, row);
  }

  /**
   * These tasks by id (a few queries for a delivery of change events). Inside a PostgreSQL
   * transaction their rows are locked as getTask locks one, all in id order, so two transactions
   * locking several tasks this way never wait on each other in a cycle.
   */
  async tasksByIds(ids: readonly string[]): Promise<Map<string, SiaTask>> {
    const found = new Map<string, SiaTask>();
    for (const part of chunks([...new Set(ids)].sort(), 500)) {
      let query = this.db
        .selectFrom('tasks')
        .leftJoin('links', 'links.task_id', 'tasks.id')
        .selectAll('tasks')
        .select('links.salesforce_id')
        .where('tasks.id', 'in', part)
        .orderBy('tasks.id');
      if (this.lockRows && this.db.isTransaction) query = query.forUpdate('tasks');
      for (const row of await query.execute()) found.set(row.id, toTask(row, row));
    }
    return found;
  }

  /**
   * PostgreSQL, inside a transaction: locks the task row (SELECT … FOR UPDATE) until the commit,
   * waiting for whoever holds it. Every transaction that writes a task's rows (its outbox entry,
   * its link) takes this lock first, as getTask does for the API and for applied Salesforce changes:
   * all of them take their locks in the same order, so none waits in a cycle (a deadlock), and each
   * reads the task's outbox entry and link only after the one before it committed. A task already
   * deleted has no row to lock; its rows are written by the sync engine alone, one change at a time.
   */
  async lockTask(id: string): Promise<void> {
    if (!this.lockRows || !this.db.isTransaction) return;
    await this.db.selectFrom('tasks').select('id').where('id', '=', id).forUpdate().execute();
  }

  /** lockTask for many tasks, in id order (see tasksByIds): a statement per 500. */
  async lockTasks(ids: readonly string[]): Promise<void> {
    if (!this.lockRows || !this.db.isTransaction) return;
    for (const part of chunks([...new Set(ids)].sort(), 500))
      await this.db
        .selectFrom('tasks')
        .select('id')
        .where('id', 'in', part)
        .orderBy('id')
        .forUpdate()
        .execute();
  }

  /**
   * Ids of an owner's tasks created at or after `since` that are neither linked to a Salesforce Task
   * nor queued, oldest first: the tasks a switch-on of task sync at `since` has to queue, because
   * they were created before the service stored that switch-on.
   */
  async unqueuedTasksSince(ownerId: string, since: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .leftJoin('links', 'links.task_id', 'tasks.id')
      .leftJoin('outbox', 'outbox.task_id', 'tasks.id')
      .select('tasks.id')
      .where('tasks.owner_id', '=', ownerId)
      .where('tasks.created_at', '>=', since)
      .where('outbox.id', 'is', null)
      .where((eb) =>
        eb.or([
          eb('links.task_id', 'is', null),
          eb('links.salesforce_id', 'is', null),
          eb('links.deleted_at', 'is not', null),
        ]),
      )
      .orderBy('tasks.created_at')
      .orderBy('tasks.id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Tasks of an owner ordered by due date then id; `cursor` is the last `dueDate|id` seen. */
  async listTasks(options: {
    ownerId: string;
    statuses?: TaskStatus[];
    dueFrom?: string;
    dueTo?: string;
    cursor?: { dueDate: string; id: string };
    limit: number;
  }): Promise<TaskPage> {
    let query = this.db
      .selectFrom('tasks')
      .leftJoin('links', 'links.task_id', 'tasks.id')
      .selectAll('tasks')
      .select('links.salesforce_id')
      .where('tasks.owner_id', '=', options.ownerId);
    if (options.statuses) query = query.where('tasks.status', 'in', options.statuses);
    if (options.dueFrom !== undefined) query = query.where('tasks.due_date', '>=', options.dueFrom);
    if (options.dueTo !== undefined) query = query.where('tasks.due_date', '<=', options.dueTo);
    const cursor = options.cursor;
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('tasks.due_date', '>', cursor.dueDate),
          eb.and([eb('tasks.due_date', '=', cursor.dueDate), eb('tasks.id', '>', cursor.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('tasks.due_date')
      .orderBy('tasks.id')
      .limit(options.limit + 1)
      .execute();
    const page = rows.slice(0, options.limit).map((row) => toTask(row, row));
    const last = page.at(-1);
    return {
      tasks: page,
      nextCursor: rows.length > options.limit && last ? `${last.dueDate}|${last.id}` : null,
    };
  }

  // links
  async getLink(taskId: string): Promise<Link | undefined> {
    return this.db.selectFrom('links').selectAll().where('task_id', '=', taskId).executeTakeFirst();
  }

  async getLinkBySalesforceId(salesforceId: string): Promise<Link | undefined> {
    return this.db
      .selectFrom('links')
      .selectAll()
      .where('salesforce_id', '=', salesforceId)
      .executeTakeFirst();
  }

  async putLink(link: Link): Promise<void> {
    const rest: Partial<Link> = { ...link };
    delete rest.task_id;
    await this.db
      .insertInto('links')
      .values(link)
      .onConflict((oc) => oc.column('task_id').doUpdateSet(rest))
      .execute();
  }

  /**
   * Writes many links whole (insert, or replace every column of the task's link) in a few
   * multi-row statements: the links of a pushed batch.
   */
  async putLinks(links: readonly Link[]): Promise<void> {
    for (const part of chunks(links)) {
      await this.db
        .insertInto('links')
        .values(part)
        .onConflict((oc) =>
          oc.column('task_id').doUpdateSet((eb) => ({
            salesforce_id: eb.ref('excluded.salesforce_id'),
            owner_id: eb.ref('excluded.owner_id'),
            synced_hash: eb.ref('excluded.synced_hash'),
            synced_values: eb.ref('excluded.synced_values'),
            synced_at: eb.ref('excluded.synced_at'),
            deleted_at: eb.ref('excluded.deleted_at'),
            needs_stamp: eb.ref('excluded.needs_stamp'),
          })),
        )
        .execute();
    }
  }

  /** The links of these tasks, by task id. */
  async linksByTaskIds(taskIds: readonly string[]): Promise<Map<string, Link>> {
    const found = new Map<string, Link>();
    for (const part of chunks(taskIds, 500)) {
      const rows = await this.db.selectFrom('links').selectAll().where('task_id', 'in', part).execute();
      for (const row of rows) found.set(row.task_id, row);
    }
    return found;
  }

  /** The links of these Salesforce ids, by Salesforce id (a few queries for a page of records). */
  async linksBySalesforceIds(salesforceIds: readonly string[]): Promise<Map<string, Link>> {
    const found = new Map<string, Link>();
    for (const part of chunks(salesforceIds, 500)) {
      const rows = await this.db.selectFrom('links').selectAll().where('salesforce_id', 'in', part).execute();
      for (const row of rows) if (row.salesforce_id !== null) found.set(row.salesforce_id, row);
    }
    return found;
  }

  /** Inserts many new links with a few multi-row statements (the first-sync import). */
  async insertLinks(links: readonly Link[]): Promise<void> {
    for (const part of chunks(links)) await this.db.insertInto('links').values(part).execute();
  }

  /**
   * A page of an owner's links still waiting for their SIA id stamp with no outbox entry (the
   * import's bulk stamp covers them), in task id order after `afterTaskId`.
   */
  async unstampedLinks(
    ownerId: string,
    afterTaskId: string,
    limit: number,
  ): Promise<{ task_id: string; salesforce_id: string }[]> {
    const rows = await this.db
      .selectFrom('links')
      .select(['links.task_id', 'links.salesforce_id'])
      .where('links.owner_id', '=', ownerId)
      .where('links.needs_stamp', '=', 1)
      .where('links.salesforce_id', 'is not', null)
      .where('links.task_id', '>', afterTaskId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('outbox').select('outbox.id').whereRef('outbox.task_id', '=', 'links.task_id'),
          ),
        ),
      )
      .orderBy('links.task_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ task_id: row.task_id, salesforce_id: row.salesforce_id ?? '' }));
  }

  /** Marks these links stamped (their SIA id is on the Salesforce Task); returns how many changed. */
  async markStamped(taskIds: string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    const result = await this.db
      .updateTable('links')
      .set({ needs_stamp: 0 })
      .where('task_id', 'in', taskIds)
      .where('needs_stamp', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteLink(taskId: string): Promise<void> {
    await this.db.deleteFrom('links').where('task_id', '=', taskId).execute();
  }

  async listLinks(ownerId: string): Promise<Link[]> {
    return this.db.selectFrom('links').selectAll().where('owner_id', '=', ownerId).execute();
  }

  // outbox
  /**
   * Queues a change for Salesforce; one pending entry per task, so later changes merge into it
   * (a delete replaces whatever was pending).
   */
  async enqueue(entry: QueuedChange): Promise<void> {
    await this.transaction((tx) => tx.#enqueue(entry));
  }

  async #enqueue(entry: QueuedChange): Promise<void> {
    // The task row first, then the entry (see lockTask): a push settling this task meanwhile either
    // committed before this reads the entry or reads it after this commits.
    await this.lockTask(entry.taskId);
    const pending = await this.#lockedOutboxRow(entry.taskId);
    if (!pending) {
      await this.db
        .insertInto('outbox')
        .values({
          task_id: entry.taskId,
          owner_id: entry.ownerId,
          op: entry.op,
          fields: JSON.stringify(entry.fields),
          salesforce_id: entry.salesforceId,
          created_at: entry.at,
          attempts: 0,
          next_attempt_at: entry.at,
          last_error: null,
        })
        .execute();
      return;
    }
    const current = toOutbox(pending);
    const op =
      entry.op === 'delete'
        ? 'delete'
        : current.op === 'delete'
          ? 'delete'
          : entry.op === 'upsert' || current.op === 'upsert'
            ? 'upsert'
            : 'stamp';
    const fields = op === 'delete' ? {} : { ...current.fields, ...entry.fields };
    await this.db
      .updateTable('outbox')
      .set({
        op,
        fields: JSON.stringify(fields),
        salesforce_id: entry.salesforceId ?? current.salesforceId,
        next_attempt_at: entry.at < current.nextAttemptAt ? entry.at : current.nextAttemptAt,
      })
      .where('id', '=', current.id)
      .execute();
  }

  /** Queues SIA id stamps of tasks that have no pending entry (new imports), a few statements in all. */
  async enqueueStamps(
    entries: readonly { taskId: string; ownerId: string; salesforceId: string; at: string }[],
  ): Promise<void> {
    for (const part of chunks(entries))
      await this.db
        .insertInto('outbox')
        .values(
          part.map((entry) => ({
            task_id: entry.taskId,
            owner_id: entry.ownerId,
            op: 'stamp',
            fields: '{}',
            salesforce_id: entry.salesforceId,
            created_at: entry.at,
            attempts: 0,
            next_attempt_at: entry.at,
            last_error: null,
          })),
        )
        .execute();
  }

  /**
   * Queues the creates of tasks that have no pending entry (see unqueuedTasksSince), a few
   * statements in all; a task that got an entry meanwhile keeps it (one entry per task). The task
   * rows are not locked: a task with no entry and no link has no push to settle, and the switch-on
   * that calls this holds its user's row, which a task update asks for while holding its task row.
   */
  async enqueueCreates(entries: readonly { taskId: string; ownerId: string; at: string }[]): Promise<void> {
    for (const part of chunks(entries))
      await this.db
        .insertInto('outbox')
        .values(
          part.map((entry) => ({
            task_id: entry.taskId,
            owner_id: entry.ownerId,
            op: 'upsert',
            fields: '{}',
            salesforce_id: null,
            created_at: entry.at,
            attempts: 0,
            next_attempt_at: entry.at,
            last_error: null,
          })),
        )
        .onConflict((oc) => oc.column('task_id').doNothing())
        .execute();
  }

  async pendingOutbox(ownerId: string, now: string, limit: number): Promise<OutboxEntry[]> {
    return this.pendingOutboxOf([ownerId], now, limit);
  }

  /** What is due in these owners' outboxes, oldest first (one collection may carry several owners). */
  async pendingOutboxOf(ownerIds: string[], now: string, limit: number): Promise<OutboxEntry[]> {
    if (ownerIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('owner_id', 'in', ownerIds)
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toOutbox);
  }

  /** The task's outbox row, locked until the commit inside a PostgreSQL transaction. */
  async #lockedOutboxRow(taskId: string): Promise<Selectable<OutboxTable> | undefined> {
    let query = this.db.selectFrom('outbox').selectAll().where('task_id', '=', taskId);
    if (this.lockRows && this.db.isTransaction) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  async outboxFor(taskId: string): Promise<OutboxEntry | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row && toOutbox(row);
  }

  /** The outbox entries of these tasks, by task id (unlocked, as outboxFor reads one). */
  async outboxForTasks(taskIds: readonly string[]): Promise<Map<string, OutboxEntry>> {
    const found = new Map<string, OutboxEntry>();
    for (const part of chunks(taskIds, 500)) {
      const rows = await this.db.selectFrom('outbox').selectAll().where('task_id', 'in', part).execute();
      for (const row of rows) found.set(row.task_id, toOutbox(row));
    }
    return found;
  }

  async outboxOwners(): Promise<string[]> {
    const rows = await this.db.selectFrom('outbox').select('owner_id').distinct().execute();
    return rows.map((row) => row.owner_id);
  }

  async outboxDepth(ownerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The whole outbox at `now`, in one aggregate query: how much is queued and due, the oldest
   * entry, and what the coalescing policy needs (when the oldest due change not sent before became
   * due, and whether a retry is due).
   */
  async outboxSummary(now: string): Promise<OutboxSummary> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => {
        const due = eb('next_attempt_at', '<=', now);
        return [
          eb.fn.countAll<number | string>().as('queued'),
          eb.fn.sum<number | string | null>(eb.case().when(due).then(1).else(0).end()).as('due'),
          eb.fn.min<string | null>('created_at').as('oldest_queued_at'),
          eb.fn
            .min<string | null>(
              eb
                .case()
                .when(eb.and([due, eb('attempts', '=', 0)]))
                .then(eb.ref('next_attempt_at'))
                .end(),
            )
            .as('oldest_new_due_at'),
          eb.fn
            .max<number | string | null>(
              eb
                .case()
                .when(eb.and([due, eb('attempts', '>', 0)]))
                .then(1)
                .else(0)
                .end(),
            )
            .as('retry_due'),
        ];
      })
      .executeTakeFirstOrThrow();
    return {
      queued: Number(row.queued),
      due: Number(row.due ?? 0),
      oldestQueuedAt: row.oldest_queued_at ?? null,
      oldestNewDueAt: row.oldest_new_due_at ?? null,
      retryDue: Number(row.retry_due ?? 0) > 0,
    };
  }

  /**
   * Removes an entry once sent (or given up on), unless it changed meanwhile: then only what was
   * sent goes, and whatever was queued for the task since (a later edit of a field, a delete) stays.
   * Locks the task row, then the entry (see lockTask), and decides on the entry as committed.
   */
  async completeOutbox(sent: OutboxEntry): Promise<void> {
    await this.transaction((tx) => tx.#completeOutbox(sent));
  }

  async #completeOutbox(sent: OutboxEntry): Promise<void> {
    await this.lockTask(sent.taskId);
    const row = await this.#lockedOutboxRow(sent.taskId);
    const next = afterSend(row && toOutbox(row), sent);
    if (next === 'gone') return;
    if (next === 'sent') {
      await this.db.deleteFrom('outbox').where('id', '=', sent.id).execute();
      return;
    }
    await this.db.updateTable('outbox').set(next).where('id', '=', sent.id).execute();
  }

  /**
   * completeOutbox for a batch, in one transaction of a few statements: the tasks are locked in id
   * order, then their entries, and the entries sent unchanged are deleted with one statement.
   */
  async completeOutboxes(sent: readonly OutboxEntry[]): Promise<void> {
    await this.transaction(async (tx) => {
      const taskIds = sent.map((entry) => entry.taskId);
      await tx.lockTasks(taskIds);
      const current = new Map<string, OutboxEntry>();
      for (const part of chunks(taskIds, 500)) {
        let query = tx.db.selectFrom('outbox').selectAll().where('task_id', 'in', part).orderBy('task_id');
        if (tx.lockRows) query = query.forUpdate();
        for (const row of await query.execute()) current.set(row.task_id, toOutbox(row));
      }
      const done: number[] = [];
      for (const entry of sent) {
        const next = afterSend(current.get(entry.taskId), entry);
        if (next === 'sent') done.push(entry.id);
        else if (next !== 'gone')
          await tx.db.updateTable('outbox').set(next).where('id', '=', entry.id).execute();
      }
      for (const part of chunks(done, 500))
        await tx.db.deleteFrom('outbox').where('id', 'in', part).execute();
    });
  }

  async setOutboxFields(id: number, fields: Record<string, string>): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ fields: JSON.stringify(fields) })
      .where('id', '=', id)
      .execute();
  }

  async deleteOutbox(id: number): Promise<void> {
    await this.db.deleteFrom('outbox').where('id', '=', id).execute();
  }

  async deleteOutboxForTask(taskId: string): Promise<void> {
    await this.db.deleteFrom('outbox').where('task_id', '=', taskId).execute();
  }

  /** Makes an owner's queued changes due now (e.g. held ones, once the rep connects again). */
  async outboxDueNow(ownerId: string, now: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: now })
      .where('owner_id', '=', ownerId)
      .where('next_attempt_at', '>', now)
      .execute();
  }

  async retryOutboxLater(id: number, nextAttemptAt: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, last_error: error }))
      .where('id', '=', id)
      .execute();
  }

  // leadership epoch (fencing)
  /** Takes the next leadership epoch (the caller has just become leader); returns it. */
  async takeLeadershipEpoch(name: string, at: string): Promise<number> {
    return this.transaction(async (tx) => {
      const row = await tx.db
        .selectFrom('leadership')
        .select('epoch')
        .where('name', '=', name)
        .executeTakeFirst();
      const epoch = (row?.epoch ?? 0) + 1;
      await tx.db
        .insertInto('leadership')
        .values({ name, epoch, acquired_at: at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ epoch, acquired_at: at }))
        .execute();
      return epoch;
    });
  }

  /**
   * Refuses (throws StaleLeaderError) unless `epoch` is still the current leadership epoch: a
   * leader that lost its lock and was replaced must not send another batch.
   */
  async fenceLeadership(name: string, epoch: number): Promise<void> {
    const row = await this.db
      .selectFrom('leadership')
      .select('epoch')
      .where('name', '=', name)
      .executeTakeFirst();
    if (row?.epoch !== epoch) throw new StaleLeaderError(epoch, row?.epoch);
  }

  // checkpoints (replay ids and sweep cursors)
  async getCheckpoint(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('checkpoints')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  async setCheckpoint(name: string, value: string, at: string): Promise<void> {
    await this.db
      .insertInto('checkpoints')
      .values({ name, value, updated_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
      .execute();
  }

  // sync state per user
  async getSyncState(userId: string): Promise<SyncState | undefined> {
    return this.db.selectFrom('sync_state').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  async putSyncState(state: SyncState): Promise<void> {
    const rest: Partial<SyncState> = { ...state };
    delete rest.user_id;
    await this.db
      .insertInto('sync_state')
      .values(state)
      .onConflict((oc) => oc.column('user_id').doUpdateSet(rest))
      .execute();
  }

  async touchSync(userId: string, direction: 'inbound' | 'outbound', at: string): Promise<void> {
    await this.db
      .updateTable('sync_state')
      .set(direction === 'inbound' ? { last_inbound_at: at } : { last_outbound_at: at })
      .where('user_id', '=', userId)
      .execute();
  }

  // conflicts and errors
  async recordConflict(conflict: Omit<ConflictRecord, 'id'>): Promise<void> {
    await this.db
      .insertInto('conflicts')
      .values({
        task_id: conflict.taskId,
        owner_id: conflict.ownerId,
        field: conflict.field,
        local_value: conflict.localValue,
        remote_value: conflict.remoteValue,
        winner: conflict.winner,
        local_at: conflict.localAt,
        remote_at: conflict.remoteAt,
        recorded_at: conflict.recordedAt,
      })
      .execute();
  }

  async listConflicts(ownerId: string | undefined, limit: number): Promise<ConflictRecord[]> {
    let query = this.db.selectFrom('conflicts').selectAll();
    if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => ({
      id: row.id,
      taskId: row.task_id,
      ownerId: row.owner_id,
      field: row.field,
      localValue: row.local_value,
      remoteValue: row.remote_value,
      winner: row.winner as ConflictRecord['winner'],
      localAt: row.local_at,
      remoteAt: row.remote_at,
      recordedAt: row.recorded_at,
    }));
  }

  async recordError(
    error: Omit<ErrorRecord, 'id' | 'attempts' | 'firstSeenAt' | 'lastSeenAt'>,
  ): Promise<void> {
    await this.db
      .insertInto('errors')
      .values({
        category: error.category,
        code: error.code,
        message: error.message,
        direction: error.direction,
        task_id: error.taskId,
        salesforce_id: error.salesforceId,
        owner_id: error.ownerId,
        fields: JSON.stringify(error.fields),
        recorded_at: error.recordedAt,
        attempts: 1,
        first_seen_at: error.recordedAt,
        last_seen_at: error.recordedAt,
        reported_at: error.recordedAt,
      })
      .execute();
  }

  /**
   * Notes one more failed attempt of a retried failure (its open row, or a new one) and reports it
   * once it has failed `afterAttempts` times or for `afterMs`. Returns the row as it now stands and
   * whether this attempt is the one that reported it.
   */
  async noteRetriedFailure(
    failure: RetriedFailure,
    now: string,
    bounds: { afterAttempts: number; afterMs: number },
  ): Promise<{ attempts: number; firstSeenAt: string; reportedNow: boolean }> {
    return this.transaction(async (tx) => {
      const open = await tx.db
        .selectFrom('errors')
        .select(['id', 'attempts', 'first_seen_at', 'reported_at'])
        .where('failure_key', '=', failure.key)
        .where('resolved_at', 'is', null)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const attempts = (open?.attempts ?? 0) + 1;
      const firstSeenAt = open?.first_seen_at ?? now;
      const due =
        attempts >= bounds.afterAttempts || Date.parse(now) - Date.parse(firstSeenAt) >= bounds.afterMs;
      const reportedNow = due && (open?.reported_at ?? null) === null;
      const reportedAt = open?.reported_at ?? (due ? now : null);
      const values = {
        category: failure.category,
        code: failure.code,
        message: failure.message,
        direction: failure.direction,
        task_id: failure.taskId,
        salesforce_id: failure.salesforceId,
        owner_id: failure.ownerId,
        recorded_at: now,
        attempts,
        last_seen_at: now,
        reported_at: reportedAt,
      };
      if (open === undefined)
        await tx.db
          .insertInto('errors')
          .values({ ...values, fields: '[]', failure_key: failure.key, first_seen_at: firstSeenAt })
          .execute();
      else await tx.db.updateTable('errors').set(values).where('id', '=', open.id).execute();
      return { attempts, firstSeenAt, reportedNow };
    });
  }

  /**
   * Resolves the open retried failures under these keys (their retry succeeded); returns those that
   * had been reported, so what admins saw can be closed too.
   */
  async resolveRetriedFailures(keys: readonly string[], now: string): Promise<ErrorRecord[]> {
    if (keys.length === 0) return [];
    const resolved: ErrorRecord[] = [];
    for (const part of chunks(keys)) {
      const rows = await this.db
        .selectFrom('errors')
        .selectAll()
        .where('failure_key', 'in', part)
        .where('resolved_at', 'is', null)
        .execute();
      if (rows.length === 0) continue;
      await this.db
        .updateTable('errors')
        .set({ resolved_at: now })
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute();
      resolved.push(...rows.filter((row) => row.reported_at !== null).map(toErrorRecord));
    }
    return resolved;
  }

  /** Keys of the retried failures not resolved yet. */
  async openFailureKeys(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('errors')
      .select('failure_key')
      .distinct()
      .where('failure_key', 'is not', null)
      .where('resolved_at', 'is', null)
      .execute();
    return rows.flatMap((row) => (row.failure_key === null ? [] : [row.failure_key]));
  }

  /** Reported errors nobody resolved yet, newest first (a retried failure shows once it failed long enough). */
  async listErrors(ownerId: string | undefined, limit: number): Promise<ErrorRecord[]> {
    let query = this.db
      .selectFrom('errors')
      .selectAll()
      .where('reported_at', 'is not', null)
      .where('resolved_at', 'is', null);
    if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toErrorRecord);
  }
}
