// Scale-out: two service instances on one PostgreSQL database. One leads (holds the
// event subscriptions and drains the outbox); a task created through the follower's API is pushed
// by the leader, and when the leader stops the follower takes over. A leader whose lock connection
// is cut stops at once, and the leadership epoch fences anything it would still send.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { RunningService } from '../app.ts';
import { StaleLeaderError } from '../store/store.ts';
import { POSTGRES_URL, testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

const postgres = testDatabases.find((factory) => factory.name === 'postgres');

describe('two instances on one PostgreSQL database', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let first: RunningService;
  let second: RunningService;

  before(async () => {
    assert.ok(postgres);
    emulator = await startTestEmulator();
    database = postgres.create();
    first = await startTestService(emulator, database, { leadershipPollMs: 200 });
    second = await startTestService(emulator, database, { leadershipPollMs: 200 });
  });

  after(async () => {
    await second.close();
    await first.close();
    await emulator.close();
    await database.dispose();
  });

  it('lets exactly one instance lead, and the other take over when it stops', async () => {
    assert.equal(first.engine.isLeader, true);
    assert.equal(second.engine.isLeader, false);
    const sf = await salesforceUser(emulator);
    const viaLeader = new SyncWorld(emulator, first, sf);
    const viaFollower = new SyncWorld(emulator, second, sf);
    await viaLeader.enable('rep1');

    const one = await viaFollower.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: 'Created on the follower',
      dueDate: '2026-12-01',
    });
    await viaLeader.pushed(one.id);

    await first.close();
    await waitFor('the follower taking over', () => Promise.resolve(second.engine.isLeader));
    const two = await viaFollower.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: 'After the takeover',
      dueDate: '2026-12-01',
    });
    await viaFollower.pushed(two.id);
    // The new leader follows change events too.
    const [record] = await viaFollower.salesforceTasks(`SIA_Task_Id__c = '${two.id}'`);
    assert.ok(record);
    await sf.sobject('Task').update({ Id: record.Id, Description: 'edited in Salesforce' });
    await waitFor(
      'the edit through the new leader',
      async () => (await viaFollower.task(two.id))?.details === 'edited in Salesforce',
    );
  });
});

describe('a leader whose lock connection is cut', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let first: RunningService;
  let second: RunningService;

  before(async () => {
    assert.ok(postgres);
    emulator = await startTestEmulator();
    database = postgres.create();
    first = await startTestService(emulator, database, { leadershipPollMs: 100 });
    second = await startTestService(emulator, database, { leadershipPollMs: 100 });
  });

  after(async () => {
    await second.close();
    await first.close();
    await emulator.close();
    await database.dispose();
  });

  it('stops writing at once, and its stale batch is refused before it is sent', async () => {
    const sf = await salesforceUser(emulator);
    const viaFirst = new SyncWorld(emulator, first, sf);
    const viaSecond = new SyncWorld(emulator, second, sf);
    await viaFirst.enable('rep2');
    await viaFirst.settle('rep2');
    const pid = first.engine.leadershipBackendPid;
    assert.ok(pid !== undefined, 'the leader holds its lock on a connection of its own');

    // An operator (or a network fault) ends the leader's lock connection.
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await waitFor('the old leader stepping down', () => Promise.resolve(!first.engine.isLeader));
    await waitFor('the follower taking over', () => Promise.resolve(second.engine.isLeader));

    const tasks = [];
    for (let i = 0; i < 6; i += 1)
      tasks.push(
        await (i % 2 === 0 ? viaFirst : viaSecond).createTask({
          ownerId: 'rep2',
          type: 'call',
          name: `After the cut ${String(i)}`,
          dueDate: '2026-12-01',
        }),
      );
    // The old leader, told to drain anyway, is refused by the store before anything is sent.
    await assert.rejects(first.engine.drainOutbox(), StaleLeaderError);
    await viaSecond.settle('rep2');
    for (const task of tasks) {
      const records = await viaSecond.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`);
      assert.equal(records.length, 1, `one record for ${task.name}`);
    }
    assert.equal(first.engine.isLeader, false, 'the old leader did not come back while the other leads');
  });
});
