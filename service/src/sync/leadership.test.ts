// Scale-out: two service instances on one PostgreSQL database. One leads (holds the
// event subscriptions and drains the outbox); a task created through the follower's API is pushed
// by the leader, and when the leader stops the follower takes over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
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
