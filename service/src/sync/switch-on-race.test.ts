// A task written while the service stores its owner's switch-on of task sync is queued exactly
// once, whichever transaction commits first: the switch-on queues the task it sees, the task write
// queues itself when it sees the switch-on, and on PostgreSQL the user row lock makes the second
// wait for the first (SQLite runs one transaction at a time).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { waitFor } from '../../test/harness.ts';
import { ManualClock } from '../clock.ts';
import { openDatabase, type OpenDatabase } from '../store/database.ts';
import { Store } from '../store/store.ts';
import { TaskService } from '../tasks/task-service.ts';
import type { SiaUser } from '../sia/model.ts';
import { storeSwitchOn } from './settings.ts';

const T0 = '2026-12-06T09:00:00.000Z';

/**
 * A Store whose outermost transactions, once their work is done, wait for `release` before they
 * commit, and report their PostgreSQL backend first: a transaction held open at its end.
 */
class HeldStore extends Store {
  readonly held: Promise<number | undefined>;
  readonly #reportHeld: (backend: number | undefined) => void;
  readonly #release: Promise<void>;

  constructor(store: Store, release: Promise<void>) {
    super(store.db, { lockRows: store.lockRows });
    let report: (backend: number | undefined) => void = () => undefined;
    this.held = new Promise((resolve) => {
      report = resolve;
    });
    this.#reportHeld = report;
    this.#release = release;
  }

  override async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return super.transaction(async (tx) => {
      const result = await work(tx);
      this.#reportHeld(
        tx.lockRows
          ? (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx.db)).rows[0]?.pid
          : undefined,
      );
      await this.#release;
      return result;
    });
  }
}

for (const factory of testDatabases) {
  describe(`a task written while task sync is switched on, on ${factory.name}`, () => {
    let database: TestDatabase;
    let open: OpenDatabase;
    let store: Store;
    let users = 0;

    before(async () => {
      database = factory.create();
      open = await openDatabase(database.config);
      store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
    });

    after(async () => {
      await open.close();
      await database.dispose();
    });

    async function newUser(): Promise<SiaUser> {
      users += 1;
      const user: SiaUser = {
        id: `rep${String(users)}`,
        email: `rep${String(users)}@example.com`,
        salesforceUserId: `00500000000000${String(users).padStart(2, '0')}AAA`,
        timeZone: 'UTC',
        createdAt: T0,
        updatedAt: T0,
      };
      await store.putUser(user);
      return user;
    }

    /** PostgreSQL: resolves once another backend waits for a lock `backend` holds. */
    async function blockedBy(backend: number | undefined): Promise<void> {
      if (backend === undefined) return;
      await waitFor(`a transaction waiting for backend ${String(backend)}`, async () => {
        const { rows } = await sql<{ pid: number }>`
          select pid from pg_stat_activity where ${backend}::int = any(pg_blocking_pids(pid))`.execute(
          open.db,
        );
        return rows.length > 0;
      });
    }

    function release(): { done: Promise<void>; fire: () => void } {
      let fire: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        fire = resolve;
      });
      return { done, fire };
    }

    const switchOn = (user: SiaUser, on: Store = store) =>
      storeSwitchOn(on, user, {
        mode: 'SyncCompleteSkipped',
        enabledAt: T0,
        now: '2026-12-06T09:00:05.000Z',
      });

    it('queues a task whose create commits while the switch-on waits', async () => {
      const user = await newUser();
      const gate = release();
      const held = new HeldStore(store, gate.done);
      const tasks = new TaskService({ store: held, clock: new ManualClock('2026-12-06T09:00:01.000Z') });
      const create = tasks.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'Call',
        dueDate: '2026-12-07',
      });
      const backend = await held.held;
      // The create read sync as off and holds its commit; the switch-on begins meanwhile.
      const switched = switchOn(user);
      try {
        await blockedBy(backend);
      } finally {
        gate.fire();
      }
      const [task, transition] = await Promise.all([create, switched]);
      assert.equal(transition.queued, 1, 'the switch-on queued the task it found');
      const entry = await store.outboxFor(task.id);
      assert.equal(entry?.op, 'upsert');
      assert.deepEqual(entry.fields, {});
      assert.equal(await store.outboxDepth(user.id), 1);
    });

    it('queues a task created while the switch-on commits, once, by the create', async () => {
      const user = await newUser();
      const gate = release();
      const held = new HeldStore(store, gate.done);
      const switched = switchOn(user, held);
      const backend = await held.held;
      // The switch-on found no task and holds its commit; the rep creates one meanwhile.
      const tasks = new TaskService({ store, clock: new ManualClock('2026-12-06T09:00:01.000Z') });
      const create = tasks.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'Call',
        dueDate: '2026-12-07',
      });
      try {
        await blockedBy(backend);
      } finally {
        gate.fire();
      }
      const [transition, task] = await Promise.all([switched, create]);
      assert.equal(transition.queued, 0);
      assert.equal((await store.outboxFor(task.id))?.op, 'upsert', 'the create saw the switch-on and queued');
      assert.equal(await store.outboxDepth(user.id), 1);
    });

    it('queues a task edited while the switch-on waits, once', async () => {
      const user = await newUser();
      const tasks = new TaskService({ store, clock: new ManualClock('2026-12-06T09:00:01.000Z') });
      const task = await tasks.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'Call',
        dueDate: '2026-12-07',
      });
      const gate = release();
      const held = new HeldStore(store, gate.done);
      const editor = new TaskService({ store: held, clock: new ManualClock('2026-12-06T09:00:02.000Z') });
      const edit = editor.updateTask(task.id, { name: 'Call back' });
      const backend = await held.held;
      const switched = switchOn(user);
      try {
        await blockedBy(backend);
      } finally {
        gate.fire();
      }
      const [, transition] = await Promise.all([edit, switched]);
      assert.equal(transition.queued, 1);
      assert.equal(await store.outboxDepth(user.id), 1);
      // A later edit merges into the queued create: still one entry.
      await tasks.updateTask(task.id, { details: 'about the pilot' });
      assert.equal(await store.outboxDepth(user.id), 1);
      assert.deepEqual(Object.keys((await store.outboxFor(task.id))?.fields ?? {}), ['details']);
    });

    it('leaves tasks created before the switch-on, linked or already queued ones alone', async () => {
      const user = await newUser();
      const earlier = new TaskService({ store, clock: new ManualClock('2026-12-06T08:59:59.000Z') });
      const older = await earlier.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'Old',
        dueDate: '2026-12-07',
      });
      const tasks = new TaskService({ store, clock: new ManualClock(T0) });
      const atT0 = await tasks.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'At T0',
        dueDate: '2026-12-07',
      });
      const linked = await tasks.createTask({
        ownerId: user.id,
        type: 'call',
        name: 'Linked',
        dueDate: '2026-12-07',
      });
      await store.putLink({
        task_id: linked.id,
        salesforce_id: '00T000000000001AAA',
        owner_id: user.id,
        synced_hash: null,
        synced_values: null,
        synced_at: T0,
        deleted_at: null,
        needs_stamp: 0,
      });
      assert.deepEqual(await store.unqueuedTasksSince(user.id, T0), [atT0.id]);
      const transition = await switchOn(user);
      assert.equal(transition.queued, 1);
      assert.equal(await store.outboxFor(older.id), undefined);
      assert.equal(await store.outboxFor(linked.id), undefined);
      assert.ok(await store.outboxFor(atT0.id));
      // Stored again (the same reading twice): nothing more to queue.
      assert.equal((await switchOn(user)).queued, 0);
      assert.equal(await store.outboxDepth(user.id), 1);
    });
  });
}
