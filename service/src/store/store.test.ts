import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { waitFor } from '../../test/harness.ts';
import type { SiaTask } from '../sia/model.ts';
import { openDatabase, type OpenDatabase } from './database.ts';
import { Store, TRANSACTION_RETRIES, type OutboxEntry } from './store.ts';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 28, 12, minute)).toISOString();

function task(id: string, dueDate: string, overrides: Partial<SiaTask> = {}): SiaTask {
  return {
    id,
    ownerId: 'u1',
    type: 'call',
    name: `Task ${id}`,
    dueDate,
    priority: 'normal',
    salesforcePriority: null,
    details: null,
    status: 'open',
    personSalesforceId: null,
    personEmail: null,
    relatedToId: null,
    createdAt: at(0),
    updatedAt: at(0),
    salesforceTaskId: null,
    ...overrides,
  };
}

/** A promise and the function that resolves it: one step of an interleaving. */
function signal(): { done: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { done, fire };
}

/** This transaction's PostgreSQL backend. */
async function backendPid(tx: Store): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx.db);
  const pid = rows[0]?.pid;
  assert.ok(pid !== undefined);
  return pid;
}

/** Resolves once some other backend waits for a lock that backend `pid` holds. */
async function waitUntilBlockedBy(store: Store, pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))
    `.execute(store.db);
    if ((rows[0]?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`nobody waited for backend ${String(pid)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const factory of testDatabases) {
  describe(`store on ${factory.name}`, () => {
    let database: TestDatabase;
    let open: OpenDatabase;
    let store: Store;

    before(async () => {
      database = factory.create();
      open = await openDatabase(database.config);
      store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
      await store.putUser({
        id: 'u1',
        email: 'a@example.com',
        salesforceUserId: '005000000000001AAA',
        timeZone: 'Europe/Berlin',
        createdAt: at(0),
        updatedAt: at(0),
      });
    });

    after(async () => {
      await open.close();
      await database.dispose();
    });

    it('migrates idempotently (a second open finds the schema current)', async () => {
      const again = await openDatabase(database.config);
      await again.close();
    });

    it('upserts users and finds them by Salesforce user id', async () => {
      await store.putUser({
        id: 'u1',
        email: 'b@example.com',
        salesforceUserId: '005000000000001AAA',
        timeZone: 'America/Los_Angeles',
        createdAt: at(5),
        updatedAt: at(5),
      });
      const user = await store.getUserBySalesforceId('005000000000001AAA');
      assert.ok(user);
      assert.equal(user.email, 'b@example.com');
      assert.equal(user.timeZone, 'America/Los_Angeles');
      assert.equal(user.createdAt, at(0), 'created_at survives an update');
    });

    it('pages tasks by due date then id with a cursor', async () => {
      for (const [id, due] of [
        ['t3', '2026-11-30'],
        ['t1', '2026-11-28'],
        ['t2', '2026-11-28'],
        ['t4', '2026-12-01'],
      ] as const) {
        await store.insertTask(task(id, due));
      }
      const first = await store.listTasks({ ownerId: 'u1', limit: 3 });
      assert.deepEqual(
        first.tasks.map((t) => t.id),
        ['t1', 't2', 't3'],
      );
      assert.equal(first.nextCursor, '2026-11-30|t3');
      const second = await store.listTasks({
        ownerId: 'u1',
        limit: 3,
        cursor: { dueDate: '2026-11-30', id: 't3' },
      });
      assert.deepEqual(
        second.tasks.map((t) => t.id),
        ['t4'],
      );
      assert.equal(second.nextCursor, null);
      const window = await store.listTasks({
        ownerId: 'u1',
        limit: 10,
        dueFrom: '2026-11-28',
        dueTo: '2026-11-29',
        statuses: ['open'],
      });
      assert.deepEqual(
        window.tasks.map((t) => t.id),
        ['t1', 't2'],
      );
    });

    it('merges outbox changes per task and keeps fields changed while a batch was in flight', async () => {
      await store.enqueue({
        taskId: 't1',
        ownerId: 'u1',
        op: 'upsert',
        fields: { name: at(1) },
        salesforceId: null,
        at: at(1),
      });
      await store.enqueue({
        taskId: 't1',
        ownerId: 'u1',
        op: 'upsert',
        fields: { dueDate: at(2) },
        salesforceId: null,
        at: at(2),
      });
      const [sent] = await store.pendingOutbox('u1', at(3), 10);
      assert.ok(sent);
      assert.deepEqual(sent.fields, { name: at(1), dueDate: at(2) });
      await store.enqueue({
        taskId: 't1',
        ownerId: 'u1',
        op: 'upsert',
        fields: { name: at(4) },
        salesforceId: null,
        at: at(4),
      });
      await store.completeOutbox(sent);
      assert.deepEqual(
        (await store.outboxFor('t1'))?.fields,
        { name: at(4) },
        'the newer name is still pending',
      );
      await store.enqueue({
        taskId: 't1',
        ownerId: 'u1',
        op: 'delete',
        fields: {},
        salesforceId: '00T000000000001AAA',
        at: at(5),
      });
      const pending = await store.outboxFor('t1');
      assert.equal(pending?.op, 'delete');
      assert.equal(await store.outboxDepth('u1'), 1);
      assert.ok(pending);
      await store.completeOutbox(pending);
      assert.equal(await store.outboxDepth('u1'), 0);
    });

    it('settles a pushed batch at once: sent entries go, later edits and replaced entries stay', async () => {
      const queue = (taskId: string, fields: Record<string, string>, minute: number) =>
        store.enqueue({ taskId, ownerId: 'u1', op: 'upsert', fields, salesforceId: null, at: at(minute) });
      for (const id of ['b1', 'b2', 'b3']) await store.insertTask(task(id, '2026-12-01'));
      await queue('b1', { name: at(1) }, 1);
      await queue('b2', { name: at(1) }, 1);
      await queue('b3', { name: at(1) }, 1);
      const sent = (await store.pendingOutbox('u1', at(2), 10)).filter((e) => e.taskId.startsWith('b'));
      assert.equal(sent.length, 3);
      await queue('b2', { details: at(3) }, 3); // edited while the batch was in flight
      const b3 = sent.find((e) => e.taskId === 'b3');
      assert.ok(b3);
      await store.completeOutbox(b3);
      await queue('b3', { name: at(4) }, 4); // a new entry, not the one sent
      await store.completeOutboxes(sent);
      assert.equal(await store.outboxFor('b1'), undefined, 'sent unchanged: gone');
      assert.deepEqual((await store.outboxFor('b2'))?.fields, { details: at(3) }, 'the later edit stays');
      assert.deepEqual((await store.outboxFor('b3'))?.fields, { name: at(4) }, 'the new entry stays');
      for (const id of ['b2', 'b3']) {
        const entry = await store.outboxFor(id);
        assert.ok(entry);
        await store.completeOutbox(entry);
      }
    });

    it('writes links whole, many at a time, and reads them by task id', async () => {
      const link = (taskId: string, salesforceId: string, hash: string) => ({
        task_id: taskId,
        salesforce_id: salesforceId,
        owner_id: 'u1',
        synced_hash: hash,
        synced_values: '{}',
        synced_at: at(1),
        deleted_at: null,
        needs_stamp: 1,
      });
      await store.putLink(link('l1', '00T00000000000LAAA', 'old'));
      await store.putLinks([
        { ...link('l1', '00T00000000000LAAA', 'new'), needs_stamp: 0 },
        link('l2', '00T00000000000MAAA', 'first'),
      ]);
      const links = await store.linksByTaskIds(['l1', 'l2', 'l3']);
      assert.deepEqual([...links.keys()].sort(), ['l1', 'l2']);
      assert.equal(links.get('l1')?.synced_hash, 'new');
      assert.equal(links.get('l1')?.needs_stamp, 0, 'every column is replaced');
      assert.equal(links.get('l2')?.salesforce_id, '00T00000000000MAAA');
      await assert.rejects(
        store.putLinks([link('l3', '00T00000000000LAAA', 'taken')]),
        'a Salesforce id links one task only',
      );
      await store.deleteLink('l1');
      await store.deleteLink('l2');
    });

    it('sums the outbox up: queued, due, the oldest entry, the oldest new due change, a due retry', async () => {
      const empty = await store.outboxSummary(at(10));
      assert.deepEqual(empty, {
        queued: 0,
        due: 0,
        oldestQueuedAt: null,
        oldestNewDueAt: null,
        retryDue: false,
      });
      for (const [taskId, minute] of [
        ['s1', 12],
        ['s2', 11],
        ['s3', 14],
      ] as const)
        await store.enqueue({
          taskId,
          ownerId: 'u1',
          op: 'upsert',
          fields: { name: at(minute) },
          salesforceId: null,
          at: at(minute),
        });
      // s2 (queued first) failed and waits for its retry at minute 20.
      const s2 = await store.outboxFor('s2');
      assert.ok(s2);
      await store.retryOutboxLater(s2.id, at(20), 'SERVER_UNAVAILABLE: try again');
      assert.deepEqual(await store.outboxSummary(at(13)), {
        queued: 3,
        due: 1,
        oldestQueuedAt: at(11),
        oldestNewDueAt: at(12),
        retryDue: false,
      });
      assert.deepEqual(await store.outboxSummary(at(20)), {
        queued: 3,
        due: 3,
        oldestQueuedAt: at(11),
        oldestNewDueAt: at(12),
        retryDue: true,
      });
      for (const taskId of ['s1', 's2', 's3']) await store.deleteOutboxForTask(taskId);
      assert.equal((await store.outboxSummary(at(20))).queued, 0);
    });

    it('rolls a transaction back as a whole', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.setCheckpoint('/data/TaskChangeEvent', '42', at(6));
          await tx.insertTask(task('t1', '2026-11-28'));
        }),
      );
      assert.equal(await store.getCheckpoint('/data/TaskChangeEvent'), undefined);
      await store.transaction(async (tx) => {
        await tx.setCheckpoint('/data/TaskChangeEvent', '43', at(7));
        await tx.putLink({
          task_id: 't1',
          salesforce_id: '00T000000000002AAA',
          owner_id: 'u1',
          synced_hash: 'h',
          synced_values: '{}',
          synced_at: at(7),
          deleted_at: null,
          needs_stamp: 0,
        });
      });
      assert.equal(await store.getCheckpoint('/data/TaskChangeEvent'), '43');
      assert.equal((await store.getTask('t1'))?.salesforceTaskId, '00T000000000002AAA');
      assert.equal((await store.getLinkBySalesforceId('00T000000000002AAA'))?.task_id, 't1');
    });

    it('records conflicts and errors newest first', async () => {
      await store.recordConflict({
        taskId: 't1',
        ownerId: 'u1',
        field: 'name',
        localValue: 'a',
        remoteValue: 'b',
        winner: 'salesforce',
        localAt: at(1),
        remoteAt: at(2),
        recordedAt: at(3),
      });
      await store.recordError({
        category: 'Access & Validation',
        code: 'REQUIRED_FIELD_MISSING',
        message: 'Subject',
        direction: 'outbound',
        taskId: 't1',
        salesforceId: null,
        ownerId: 'u1',
        fields: ['Subject'],
        recordedAt: at(4),
      });
      await store.recordError({
        category: 'Other',
        code: 'UNKNOWN_EXCEPTION',
        message: 'x',
        direction: 'inbound',
        taskId: null,
        salesforceId: null,
        ownerId: 'u1',
        fields: [],
        recordedAt: at(5),
      });
      const [conflict] = await store.listConflicts('u1', 10);
      assert.equal(conflict?.winner, 'salesforce');
      const errors = await store.listErrors('u1', 10);
      assert.deepEqual(
        errors.map((e) => e.code),
        ['UNKNOWN_EXCEPTION', 'REQUIRED_FIELD_MISSING'],
      );
      assert.deepEqual(errors[1]?.fields, ['Subject']);
    });

    it('makes a second read-then-write wait for the first one, so neither overwrites the other', async () => {
      await store.insertTask(task('lock1', '2026-12-01'));
      const order: string[] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstRead: (backend: number | undefined) => void = () => undefined;
      const readByFirst = new Promise<number | undefined>((resolve) => {
        firstRead = resolve;
      });
      const first = store.transaction(async (tx) => {
        const current = await tx.getTask('lock1');
        order.push('first read');
        firstRead(
          open.dialect === 'postgres'
            ? (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx.db)).rows[0]?.pid
            : undefined,
        );
        await held;
        assert.ok(current);
        await tx.updateTask({ ...current, name: 'written by the first' });
        order.push('first wrote');
      });
      const firstBackend = await readByFirst;
      const second = store.transaction(async (tx) => {
        const current = await tx.getTask('lock1');
        order.push(`second read: ${current?.name ?? ''}`);
      });
      try {
        if (firstBackend !== undefined) {
          // PostgreSQL: the second transaction's read waits for the first one's row lock.
          await waitFor('the second read blocked by the first transaction', async () => {
            const blocked = await sql<{ pid: number }>`
              select pid from pg_stat_activity where ${firstBackend} = any(pg_blocking_pids(pid))`.execute(
              open.db,
            );
            return blocked.rows.length > 0;
          });
        }
        // SQLite has one connection: the second transaction cannot begin before the first ends.
        order.push('released');
      } finally {
        release();
      }
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first read', 'released', 'first wrote', 'second read: written by the first']);
    });

    // Two connections interleaved on PostgreSQL (SQLite runs one transaction at a time).
    const concurrent = { skip: factory.name === 'sqlite' ? 'SQLite serialises transactions' : false };

    it(
      'keeps a delete queued while a push of the same task settles (the settle waits for it)',
      concurrent,
      async () => {
        await store.insertTask(task('race1', '2026-12-01'));
        await store.enqueue({
          taskId: 'race1',
          ownerId: 'u1',
          op: 'upsert',
          fields: { name: at(1) },
          salesforceId: null,
          at: at(1),
        });
        const sent = await store.outboxFor('race1');
        assert.ok(sent);
        // The rep deletes the task while Salesforce acknowledges the push of its new name.
        const queued = signal();
        const commit = signal();
        let apiPid = 0;
        const api = store.transaction(async (tx) => {
          apiPid = await backendPid(tx);
          await tx.getTask('race1');
          await tx.deleteTask('race1');
          await tx.enqueue({
            taskId: 'race1',
            ownerId: 'u1',
            op: 'delete',
            fields: {},
            salesforceId: null,
            at: at(2),
          });
          queued.fire();
          await commit.done;
        });
        await queued.done;
        const settle = store.completeOutbox(sent);
        await waitUntilBlockedBy(store, apiPid);
        commit.fire();
        await Promise.all([api, settle]);
        const pending = await store.outboxFor('race1');
        assert.equal(pending?.op, 'delete', 'the delete queued during the settle is still queued');
      },
    );

    it(
      'settles a push and queues a change of the same task at once without a deadlock',
      concurrent,
      async () => {
        // A skipped task whose delete (never created in Salesforce) is settled, its task locked after
        // the outbox entry, while the rep edits the task: the API locks the task, then the entry.
        await store.insertTask(task('race2', '2026-12-01', { status: 'skipped' }));
        await store.enqueue({
          taskId: 'race2',
          ownerId: 'u1',
          op: 'delete',
          fields: {},
          salesforceId: null,
          at: at(1),
        });
        const sent: OutboxEntry | undefined = await store.outboxFor('race2');
        assert.ok(sent);
        const locked = signal();
        const edit = signal();
        let apiPid = 0;
        const runs = { api: 0, settle: 0 };
        const api = store.transaction(async (tx) => {
          runs.api += 1;
          apiPid = await backendPid(tx);
          const current = await tx.getTask('race2');
          assert.ok(current);
          locked.fire();
          await edit.done;
          await tx.updateTask({ ...current, details: 'edited while its delete settled', updatedAt: at(2) });
          await tx.enqueue({
            taskId: 'race2',
            ownerId: 'u1',
            op: 'delete',
            fields: {},
            salesforceId: null,
            at: at(2),
          });
        });
        await locked.done;
        const settle = store.transaction(async (tx) => {
          runs.settle += 1;
          await tx.completeOutbox(sent);
          assert.ok(await tx.getTask('race2'));
        });
        await waitUntilBlockedBy(store, apiPid);
        edit.fire();
        await Promise.all([api, settle]);
        assert.deepEqual(runs, { api: 1, settle: 1 }, 'neither transaction was a deadlock victim');
        assert.equal((await store.getTask('race2'))?.details, 'edited while its delete settled');
      },
    );

    it('runs a deadlock victim again', concurrent, async () => {
      await store.setCheckpoint('deadlock:a', '0', at(1));
      await store.setCheckpoint('deadlock:b', '0', at(1));
      const firstLocked = signal();
      const secondLocked = signal();
      const runs = { first: 0, second: 0 };
      // Each locks one row, then wants the other's: PostgreSQL aborts one of them (40P01).
      const first = store.transaction(async (tx) => {
        runs.first += 1;
        await tx.setCheckpoint('deadlock:a', 'first', at(2));
        firstLocked.fire();
        await secondLocked.done;
        await tx.setCheckpoint('deadlock:b', 'first', at(2));
      });
      await firstLocked.done;
      const second = store.transaction(async (tx) => {
        runs.second += 1;
        await tx.setCheckpoint('deadlock:b', 'second', at(3));
        if (runs.second === 1) {
          secondLocked.fire();
          await waitUntilBlockedBy(store, await backendPid(tx));
        }
        await tx.setCheckpoint('deadlock:a', 'second', at(3));
      });
      await Promise.all([first, second]);
      assert.equal(runs.first + runs.second, 3, 'one of them ran twice');
      const a = await store.getCheckpoint('deadlock:a');
      assert.ok(a === 'first' || a === 'second');
      assert.equal(
        await store.getCheckpoint('deadlock:b'),
        a,
        'the one run again wrote both after the other',
      );
    });

    it('gives a transaction up after TRANSACTION_RETRIES more runs', concurrent, async () => {
      let runs = 0;
      await assert.rejects(
        store.transaction(async (tx) => {
          runs += 1;
          await sql`do $$ begin raise exception 'always the victim' using errcode = '40P01'; end $$`.execute(
            tx.db,
          );
        }),
        { code: '40P01' },
      );
      assert.equal(runs, 1 + TRANSACTION_RETRIES);
    });

    it('does not run a transaction again for an error other than a deadlock or serialization failure', async () => {
      let runs = 0;
      await assert.rejects(
        store.transaction(async (tx) => {
          runs += 1;
          await tx.insertTask(task('dup1', '2026-12-01'));
          await tx.insertTask(task('dup1', '2026-12-01'));
        }),
      );
      assert.equal(runs, 1);
      assert.equal(await store.getTask('dup1'), undefined);
    });
  });
}
