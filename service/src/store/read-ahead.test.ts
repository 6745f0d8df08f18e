import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import type { SiaTask } from '../sia/model.ts';
import { openDatabase, type OpenDatabase } from './database.ts';
import { PASS_THROUGH_METHODS, ReadAheadStore } from './read-ahead.ts';
import { Store, type Link } from './store.ts';

const at = (minute: number): string => new Date(Date.UTC(2026, 11, 6, 9, minute)).toISOString();

function task(id: string, overrides: Partial<SiaTask> = {}): SiaTask {
  return {
    id,
    ownerId: 'u1',
    type: 'call',
    name: `Task ${id}`,
    dueDate: '2026-12-10',
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

function link(taskId: string, salesforceId: string, overrides: Partial<Link> = {}): Link {
  return {
    task_id: taskId,
    salesforce_id: salesforceId,
    owner_id: 'u1',
    synced_hash: 'h0',
    synced_values: null,
    synced_at: at(0),
    deleted_at: null,
    needs_stamp: 0,
    ...overrides,
  };
}

describe('ReadAheadStore', () => {
  it('overrides every Store method that reads or writes the rows it keeps, and only those', () => {
    const methods = Object.getOwnPropertyNames(Store.prototype).filter((name) => name !== 'constructor');
    const overridden = Object.getOwnPropertyNames(ReadAheadStore.prototype).filter(
      (name) => name !== 'constructor',
    );
    const passThrough: readonly string[] = PASS_THROUGH_METHODS;
    const unclassified = methods.filter((name) => !overridden.includes(name) && !passThrough.includes(name));
    assert.deepEqual(unclassified, [], 'a new Store method must be overridden or listed as passing through');
    assert.deepEqual(
      overridden.filter((name) => passThrough.includes(name)),
      [],
      'a method is either overridden or passes through',
    );
    assert.deepEqual(
      passThrough.filter((name) => !methods.includes(name)),
      [],
      'every listed method exists',
    );
  });
});

for (const factory of testDatabases) {
  describe(`ReadAheadStore on ${factory.name}`, () => {
    let database: TestDatabase;
    let open: OpenDatabase;
    let store: Store;

    before(async () => {
      database = factory.create();
      open = await openDatabase(database.config);
      store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
      await store.putUser({
        id: 'u1',
        email: 'rep@example.com',
        salesforceUserId: '005000000000001AAA',
        timeZone: 'Europe/Berlin',
        createdAt: at(0),
        updatedAt: at(0),
      });
    });

    beforeEach(async () => {
      await sql`delete from outbox`.execute(open.db);
      await sql`delete from links`.execute(open.db);
      await sql`delete from tasks`.execute(open.db);
      await store.putSyncState({
        user_id: 'u1',
        mode: 'SyncCompleteSkipped',
        enabled_at: at(0),
        disabled_at: null,
        imported_for: at(0),
        last_inbound_at: null,
        last_outbound_at: null,
        updated_at: at(0),
      });
      await store.insertTask(task('t1'));
      await store.putLink(link('t1', '00T000000000001AAA'));
      await store.enqueue({
        taskId: 't1',
        ownerId: 'u1',
        op: 'upsert',
        fields: { details: at(1) },
        salesforceId: '00T000000000001AAA',
        at: at(1),
      });
    });

    after(async () => {
      await open.close();
      await database.dispose();
    });

    it('reads the links, tasks and outbox entries of the run ahead, once', async () => {
      await store.transaction((tx) =>
        ReadAheadStore.run(tx, ['00T000000000001AAA', '00T000000000002AAA'], async (ahead) => {
          // Rows changed behind its back (raw SQL in the same transaction) are not read again.
          await sql`update links set synced_hash = 'behind' where task_id = 't1'`.execute(tx.db);
          await sql`update tasks set name = 'behind' where id = 't1'`.execute(tx.db);
          await sql`delete from outbox where task_id = 't1'`.execute(tx.db);
          assert.equal((await ahead.getLinkBySalesforceId('00T000000000001AAA'))?.synced_hash, 'h0');
          assert.equal((await ahead.getLink('t1'))?.synced_hash, 'h0');
          assert.equal(await ahead.getLinkBySalesforceId('00T000000000002AAA'), undefined);
          const read = await ahead.getTask('t1');
          assert.equal(read?.name, 'Task t1');
          assert.equal(read.salesforceTaskId, '00T000000000001AAA');
          assert.deepEqual((await ahead.outboxFor('t1'))?.fields, { details: at(1) });
        }),
      );
    });

    it('reads again whatever it wrote, so the transaction sees its own writes', async () => {
      await store.transaction((tx) =>
        ReadAheadStore.run(tx, ['00T000000000001AAA'], async (ahead) => {
          await ahead.putLink(link('t1', '00T000000000001AAA', { synced_hash: 'h1' }));
          assert.equal((await ahead.getLinkBySalesforceId('00T000000000001AAA'))?.synced_hash, 'h1');
          assert.equal((await ahead.getLink('t1'))?.synced_hash, 'h1');

          await ahead.updateTask(task('t1', { name: 'Renamed' }));
          assert.equal((await ahead.getTask('t1'))?.name, 'Renamed');

          const pending = await ahead.outboxFor('t1');
          assert.ok(pending);
          await ahead.setOutboxFields(pending.id, { name: at(2) });
          assert.deepEqual((await ahead.outboxFor('t1'))?.fields, { name: at(2) });
          await ahead.deleteOutbox(pending.id);
          assert.equal(await ahead.outboxFor('t1'), undefined);
          await ahead.enqueue({
            taskId: 't1',
            ownerId: 'u1',
            op: 'delete',
            fields: {},
            salesforceId: '00T000000000001AAA',
            at: at(3),
          });
          assert.equal((await ahead.outboxFor('t1'))?.op, 'delete');

          await ahead.deleteLink('t1');
          assert.equal(await ahead.getLinkBySalesforceId('00T000000000001AAA'), undefined);
          assert.equal(await ahead.getLink('t1'), undefined);
          await ahead.deleteTask('t1');
          assert.equal(await ahead.getTask('t1'), undefined);
        }),
      );
      assert.equal(await store.getTask('t1'), undefined);
    });

    it('writes the touches of a user once, when the run ends, and a later whole state wins', async () => {
      await store.transaction((tx) =>
        ReadAheadStore.run(tx, [], async (ahead) => {
          await ahead.touchSync('u1', 'inbound', at(10));
          await ahead.touchSync('u1', 'inbound', at(11));
          assert.equal((await ahead.getSyncState('u1'))?.last_inbound_at, at(11), 'seen inside the run');
          const { rows } = await sql<{
            last_inbound_at: string | null;
          }>`select last_inbound_at from sync_state where user_id = 'u1'`.execute(tx.db);
          assert.equal(rows[0]?.last_inbound_at, null, 'not written yet');
        }),
      );
      assert.equal((await store.getSyncState('u1'))?.last_inbound_at, at(11));

      await store.transaction((tx) =>
        ReadAheadStore.run(tx, [], async (ahead) => {
          await ahead.touchSync('u1', 'inbound', at(20));
          const state = await ahead.getSyncState('u1');
          assert.ok(state);
          await ahead.putSyncState({ ...state, mode: 'Off', last_inbound_at: at(21) });
        }),
      );
      const state = await store.getSyncState('u1');
      assert.equal(state?.mode, 'Off');
      assert.equal(state.last_inbound_at, at(21));
    });

    it('runs only inside a transaction', async () => {
      await assert.rejects(
        ReadAheadStore.run(store, [], () => Promise.resolve()),
        /needs a transaction/,
      );
    });
  });
}
