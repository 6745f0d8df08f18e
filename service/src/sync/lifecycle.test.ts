// Service lifecycle against the emulator: changes made in Salesforce while the service is down
// arrive after a restart (replay from the stored checkpoint, then the sweep), shutdown lets the
// in-flight batch finish, and the API budget slows the service down and shows in the status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  armedFaults,
  repId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

// Pushes go out as one composite call: the Task collection upsert and the batch's SIA_Sync_Notice__e.
const UPSERT_PATH = '/services/data/v66.0/composite';

for (const factory of testDatabases) {
  describe(`service lifecycle on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('picks up Salesforce changes made while it was down', async () => {
      const owner = await world.enable('rep1');
      const task = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Before the restart',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep1');
      await service.close();

      const rep = await salesforceUser(emulator, 'rep1@sia-emulator.example');
      await rep.sobject('Task').update({ Id: record.Id, Subject: 'Edited while the service was down' });
      const created = await rep.sobject('Task').create({
        Subject: 'Created while the service was down',
        OwnerId: owner,
        ActivityDate: '2026-12-03',
        Status: 'Not Started',
        Priority: 'Normal',
      });
      assert.ok(created.success);

      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, world.sf);
      await waitFor(
        'the edit made while down',
        async () => (await world.task(task.id))?.name === 'Edited while the service was down',
      );
      await waitFor('the task created while down', async () => {
        const res = await world.api.call<{ tasks: { name: string }[] }>(
          'GET',
          '/api/v1/tasks?ownerId=rep1&view=all',
        );
        return res.body.tasks.some((t) => t.name === 'Created while the service was down');
      });
      await world.settle('rep1');
      const res = await world.api.call<{ tasks: { name: string }[] }>(
        'GET',
        '/api/v1/tasks?ownerId=rep1&view=all',
      );
      assert.equal(
        res.body.tasks.filter((t) => t.name === 'Created while the service was down').length,
        1,
        'imported once',
      );
    });

    it('lets the in-flight batch finish on shutdown', async () => {
      await world.enable('rep2');
      await world.settle('rep2');
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'delay',
        delayMs: 1_500,
        times: 1,
      });
      const task = await world.createTask({
        ownerId: 'rep2',
        type: 'call',
        name: 'In flight at shutdown',
        dueDate: '2026-12-01',
      });
      // The push leaves when the coalescing window closes; the delay fault holds it from its arrival.
      await waitFor(
        'the push held by the delay fault',
        async () => (await armedFaults(emulator)).length === 0,
      );
      await service.close();
      assert.equal(
        (await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`)).length,
        1,
        'the batch reached Salesforce',
      );
      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, world.sf);
      assert.equal(
        await service.store.outboxDepth('rep2'),
        0,
        'and its outcome was committed before the database closed',
      );
      assert.notEqual((await world.task(task.id))?.salesforceTaskId, null);
    });

    it('reports API usage against the budget and keeps working, slower, past it', async () => {
      await world.enable('rep3');
      const org = await world.sf.query<{ Id: string }>(
        "SELECT Id FROM SIA_Sync_Setting__c WHERE Scope_Key__c = 'ORG'",
      );
      if (org.records[0])
        await world.sf
          .sobject('SIA_Sync_Setting__c')
          .update({ Id: org.records[0].Id, Api_Budget_Percent__c: 10 });
      else
        await world.sf
          .sobject('SIA_Sync_Setting__c')
          .create({ Scope_Key__c: 'ORG', Api_Budget_Percent__c: 10 });
      await admin(emulator, 'PUT', '/limits', { max: 1000, used: 500 });
      await waitFor('the budget setting', async () => {
        const status = await world.api.call<{
          apiUsage: { used: number; limit: number; budgetPercent: number } | null;
        }>('GET', '/api/v1/sync/status?ownerId=rep3');
        return status.body.apiUsage?.budgetPercent === 10 && status.body.apiUsage.limit === 1000
          ? status.body.apiUsage
          : undefined;
      });
      const task = await world.createTask({
        ownerId: 'rep3',
        type: 'call',
        name: 'Over budget',
        dueDate: '2026-12-01',
      });
      await world.pushed(task.id);
      const status = await world.api.call<{ apiUsage: { used: number; limit: number } }>(
        'GET',
        '/api/v1/sync/status?ownerId=rep3',
      );
      assert.ok(status.body.apiUsage.used >= 500);
      assert.equal(repId(emulator, 'rep3').startsWith('005'), true);
    });

    it('recorded no sync error along the way', async () => {
      const errors = await world.api.call<{ errors: { code: string; message: string }[] }>(
        'GET',
        '/api/v1/errors',
      );
      assert.deepEqual(
        errors.body.errors.map((e) => `${e.code}: ${e.message}`),
        [],
      );
    });
  });
}
