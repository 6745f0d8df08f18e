// A Store for one run of Salesforce change events inside one transaction that reads the rows the
// run needs ahead, a few queries for the whole run, instead of a query per row per event: on
// PostgreSQL every query is a round trip, and applying one change used to take nine of them.
//
// What it read is kept for the transaction only and forgotten as soon as the transaction writes a
// row of the same kind: a task, link or outbox entry written is read again from the database the
// next time it is asked for, so every read still sees the transaction's own writes. Touches of a
// user's sync time (touchSync) are kept and written once per user and direction when the run ends.
import type { SiaTask, SiaUser } from '../sia/model.ts';
import { Store, type Link, type OutboxEntry, type QueuedChange, type SyncState } from './store.ts';

/**
 * Store methods that write none of the rows a ReadAheadStore keeps (tasks, links, the outbox, users,
 * sync state) and are not among the reads it answers from what it read: they pass through to the
 * database unchanged. Every other Store method is overridden below (store/read-ahead.test.ts holds
 * the two lists to the Store's methods).
 */
export const PASS_THROUGH_METHODS = [
  'transaction',
  'lockUser',
  'listUsers',
  'usedTaskIds',
  'lockTask',
  'unqueuedTasksSince',
  'listTasks',
  'tasksByIds',
  'lockTasks',
  'linksBySalesforceIds',
  'linksByTaskIds',
  'unstampedLinks',
  'listLinks',
  'pendingOutbox',
  'pendingOutboxOf',
  'outboxForTasks',
  'outboxOwners',
  'outboxDepth',
  'outboxSummary',
  'takeLeadershipEpoch',
  'fenceLeadership',
  'getCheckpoint',
  'setCheckpoint',
  'recordConflict',
  'listConflicts',
  'recordError',
  'noteRetriedFailure',
  'resolveRetriedFailures',
  'openFailureKeys',
  'listErrors',
] as const;

type Direction = 'inbound' | 'outbound';

export class ReadAheadStore extends Store {
  /** Keyed by task id; null: known to have none. */
  readonly #links = new Map<string, Link | null>();
  /** Keyed by the Salesforce id as asked for (links store ids as written). */
  readonly #linksBySalesforceId = new Map<string, Link | null>();
  readonly #tasks = new Map<string, SiaTask | null>();
  readonly #outbox = new Map<string, OutboxEntry | null>();
  readonly #users = new Map<string, SiaUser | null>();
  readonly #usersBySalesforceId = new Map<string, SiaUser | null>();
  readonly #syncStates = new Map<string, SyncState | null>();
  /** user id → direction → the time its last touch set, written when the run ends. */
  readonly #touches = new Map<string, Map<Direction, string>>();

  private constructor(tx: Store) {
    super(tx.db, { lockRows: tx.lockRows });
  }

  /**
   * Runs `work` inside `tx` (a transaction) on a ReadAheadStore that has read the links of these
   * Salesforce ids, their tasks (locked, on PostgreSQL, as getTask locks them) and their outbox
   * entries; the deferred touches are written before it returns.
   */
  static async run<T>(
    tx: Store,
    salesforceIds: readonly string[],
    work: (ahead: ReadAheadStore) => Promise<T>,
  ): Promise<T> {
    if (!tx.db.isTransaction) throw new Error('ReadAheadStore.run needs a transaction');
    const ahead = new ReadAheadStore(tx);
    await ahead.#readAhead([...new Set(salesforceIds)]);
    const result = await work(ahead);
    await ahead.#writeTouches();
    return result;
  }

  async #readAhead(salesforceIds: string[]): Promise<void> {
    const links = await super.linksBySalesforceIds(salesforceIds);
    for (const id of salesforceIds) this.#linksBySalesforceId.set(id, links.get(id) ?? null);
    for (const link of links.values()) this.#links.set(link.task_id, link);
    const taskIds = [...links.values()].map((link) => link.task_id);
    const tasks = await super.tasksByIds(taskIds);
    const outbox = await super.outboxForTasks(taskIds);
    for (const id of taskIds) {
      this.#tasks.set(id, tasks.get(id) ?? null);
      this.#outbox.set(id, outbox.get(id) ?? null);
    }
  }

  async #writeTouches(): Promise<void> {
    for (const [userId, directions] of this.#touches)
      for (const [direction, at] of directions) await super.touchSync(userId, direction, at);
    this.#touches.clear();
  }

  #forgetLinksOf(taskId: string): void {
    this.#links.delete(taskId);
    for (const [salesforceId, link] of this.#linksBySalesforceId)
      if (link?.task_id === taskId) this.#linksBySalesforceId.delete(salesforceId);
  }

  #forgetAllLinks(): void {
    this.#links.clear();
    this.#linksBySalesforceId.clear();
  }

  // --- reads, from what was read ahead or read once before

  override async getLink(taskId: string): Promise<Link | undefined> {
    const known = this.#links.get(taskId);
    if (known !== undefined) return known ?? undefined;
    const link = await super.getLink(taskId);
    this.#links.set(taskId, link ?? null);
    return link;
  }

  override async getLinkBySalesforceId(salesforceId: string): Promise<Link | undefined> {
    const known = this.#linksBySalesforceId.get(salesforceId);
    if (known !== undefined) return known ?? undefined;
    const link = await super.getLinkBySalesforceId(salesforceId);
    this.#linksBySalesforceId.set(salesforceId, link ?? null);
    if (link) this.#links.set(link.task_id, link);
    return link;
  }

  override async getTask(id: string): Promise<SiaTask | undefined> {
    const known = this.#tasks.get(id);
    if (known !== undefined) return known ?? undefined;
    const task = await super.getTask(id);
    this.#tasks.set(id, task ?? null);
    return task;
  }

  override async outboxFor(taskId: string): Promise<OutboxEntry | undefined> {
    const known = this.#outbox.get(taskId);
    if (known !== undefined) return known ?? undefined;
    const entry = await super.outboxFor(taskId);
    this.#outbox.set(taskId, entry ?? null);
    return entry;
  }

  override async getUser(id: string): Promise<SiaUser | undefined> {
    const known = this.#users.get(id);
    if (known !== undefined) return known ?? undefined;
    const user = await super.getUser(id);
    this.#users.set(id, user ?? null);
    return user;
  }

  override async getUserBySalesforceId(salesforceUserId: string): Promise<SiaUser | undefined> {
    const known = this.#usersBySalesforceId.get(salesforceUserId);
    if (known !== undefined) return known ?? undefined;
    const user = await super.getUserBySalesforceId(salesforceUserId);
    this.#usersBySalesforceId.set(salesforceUserId, user ?? null);
    return user;
  }

  override async getSyncState(userId: string): Promise<SyncState | undefined> {
    let state = this.#syncStates.get(userId);
    if (state === undefined) {
      state = (await super.getSyncState(userId)) ?? null;
      this.#syncStates.set(userId, state);
    }
    if (state === null) return undefined;
    const touched = this.#touches.get(userId);
    return {
      ...state,
      last_inbound_at: touched?.get('inbound') ?? state.last_inbound_at,
      last_outbound_at: touched?.get('outbound') ?? state.last_outbound_at,
    };
  }

  // --- writes: through to the database, forgetting what they may have changed

  override async touchSync(userId: string, direction: Direction, at: string): Promise<void> {
    const directions = this.#touches.get(userId) ?? new Map<Direction, string>();
    directions.set(direction, at);
    this.#touches.set(userId, directions);
    return Promise.resolve();
  }

  override async putSyncState(state: SyncState): Promise<void> {
    // It replaces the whole row, touched times included: the touches before it are settled.
    this.#touches.delete(state.user_id);
    this.#syncStates.delete(state.user_id);
    await super.putSyncState(state);
  }

  override async putUser(user: SiaUser): Promise<void> {
    this.#users.clear();
    this.#usersBySalesforceId.clear();
    await super.putUser(user);
  }

  override async insertTask(task: SiaTask): Promise<void> {
    this.#tasks.delete(task.id);
    await super.insertTask(task);
  }

  override async insertTasks(tasks: readonly SiaTask[]): Promise<void> {
    for (const task of tasks) this.#tasks.delete(task.id);
    await super.insertTasks(tasks);
  }

  override async updateTask(task: SiaTask): Promise<void> {
    this.#tasks.delete(task.id);
    await super.updateTask(task);
  }

  override async deleteTask(id: string): Promise<void> {
    this.#tasks.delete(id);
    await super.deleteTask(id);
  }

  override async putLink(link: Link): Promise<void> {
    this.#forgetLinksOf(link.task_id);
    if (link.salesforce_id !== null) this.#linksBySalesforceId.delete(link.salesforce_id);
    // A task's salesforceTaskId comes from its link.
    this.#tasks.delete(link.task_id);
    await super.putLink(link);
  }

  override async putLinks(links: readonly Link[]): Promise<void> {
    this.#forgetAllLinks();
    for (const link of links) this.#tasks.delete(link.task_id);
    await super.putLinks(links);
  }

  override async insertLinks(links: readonly Link[]): Promise<void> {
    this.#forgetAllLinks();
    this.#tasks.clear();
    await super.insertLinks(links);
  }

  override async markStamped(taskIds: string[]): Promise<number> {
    for (const taskId of taskIds) this.#forgetLinksOf(taskId);
    return super.markStamped(taskIds);
  }

  override async deleteLink(taskId: string): Promise<void> {
    this.#forgetLinksOf(taskId);
    this.#tasks.delete(taskId);
    await super.deleteLink(taskId);
  }

  override async enqueue(entry: QueuedChange): Promise<void> {
    this.#outbox.delete(entry.taskId);
    await super.enqueue(entry);
  }

  override async enqueueStamps(
    entries: readonly { taskId: string; ownerId: string; salesforceId: string; at: string }[],
  ): Promise<void> {
    for (const entry of entries) this.#outbox.delete(entry.taskId);
    await super.enqueueStamps(entries);
  }

  override async enqueueCreates(
    entries: readonly { taskId: string; ownerId: string; at: string }[],
  ): Promise<void> {
    for (const entry of entries) this.#outbox.delete(entry.taskId);
    await super.enqueueCreates(entries);
  }

  override async completeOutbox(sent: OutboxEntry): Promise<void> {
    this.#outbox.delete(sent.taskId);
    await super.completeOutbox(sent);
  }

  override async completeOutboxes(sent: readonly OutboxEntry[]): Promise<void> {
    for (const entry of sent) this.#outbox.delete(entry.taskId);
    await super.completeOutboxes(sent);
  }

  // The writes by outbox id or by owner do not name a task: everything read of the outbox goes.
  override async setOutboxFields(id: number, fields: Record<string, string>): Promise<void> {
    this.#outbox.clear();
    await super.setOutboxFields(id, fields);
  }

  override async deleteOutbox(id: number): Promise<void> {
    this.#outbox.clear();
    await super.deleteOutbox(id);
  }

  override async deleteOutboxForTask(taskId: string): Promise<void> {
    this.#outbox.delete(taskId);
    await super.deleteOutboxForTask(taskId);
  }

  override async outboxDueNow(ownerId: string, now: string): Promise<void> {
    this.#outbox.clear();
    await super.outboxDueNow(ownerId, now);
  }

  override async retryOutboxLater(id: number, nextAttemptAt: string, error: string): Promise<void> {
    this.#outbox.clear();
    await super.retryOutboxLater(id, nextAttemptAt, error);
  }
}
