// Switching task sync on: the 24-hour import window, SIA ids stamped on imported tasks without
// echoing them back, no push of SIA tasks created before the switch, and a push of those created
// after it even when the service hears of the switch later. Against the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { ManualClock } from '../clock.ts';
import {
  admin,
  connectRep,
  repId,
  requestLog,
  salesforceUser,
  setTaskSync,
  SiaApi,
  startTestEmulator,
  startTestService,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';

const HOUR = 3_600_000;

for (const factory of testDatabases) {
  describe(`first sync on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let sf: Connection;
    let api: SiaApi;

    // The service's clock says when SIA tasks are created. Salesforce keeps the switch-on time to the
    // second, so the test places it on a whole second, with the "before" task earlier and the
    // "after" task later than it, as they are a second or more apart in real use.
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000 + 300), { realTimers: true });

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database, { clock });
      sf = await salesforceUser(emulator);
      api = new SiaApi(service.url);
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function siaTasks(ownerId: string): Promise<TaskJson[]> {
      const res = await api.call<{ tasks: TaskJson[] }>(
        'GET',
        `/api/v1/tasks?ownerId=${ownerId}&view=all&limit=200`,
      );
      assert.equal(res.status, 200);
      return res.body.tasks;
    }

    it('imports tasks changed 23 h before switching on, not 25 h, stamps them once and never pushes older SIA tasks', async () => {
      const owner = repId(emulator, 'rep1');
      assert.equal(
        (
          await api.call('PUT', '/api/v1/users/rep1', {
            email: 'rep1@example.com',
            salesforceUserId: owner,
            timeZone: 'Europe/Berlin',
          })
        ).status,
        200,
      );
      // The org identity may not edit rep1's tasks: the stamps go through rep1's own connection.
      assert.equal((await connectRep(api, 'rep1', { username: 'rep1@sia-emulator.example' })).status, 200);
      const before = await api.call<TaskJson>('POST', '/api/v1/tasks', {
        ownerId: 'rep1',
        type: 'call',
        name: 'Made before switching on',
        dueDate: '2026-12-01',
      });
      assert.equal(before.status, 201);

      // The switch-on instant: the next whole second after the task above was made.
      const t0 = new Date(Math.floor(clock.now().getTime() / 1000) * 1000 + 1000);
      const ago = (hours: number) => new Date(t0.getTime() - hours * HOUR).toISOString();
      await admin(emulator, 'POST', '/records', {
        records: [
          {
            type: 'Task',
            fields: {
              Subject: 'Inside: 23 h',
              OwnerId: owner,
              ActivityDate: '2026-12-02',
              Status: 'Not Started',
              Priority: 'High',
            },
            createdDate: ago(23),
          },
          {
            type: 'Task',
            fields: {
              Subject: 'Inside: closed, 2 h',
              OwnerId: owner,
              ActivityDate: '2026-11-20',
              Status: 'Completed',
              Priority: 'Low',
            },
            createdDate: ago(30),
            lastModifiedDate: ago(2),
          },
          {
            type: 'Task',
            fields: {
              Subject: 'Outside: 25 h',
              OwnerId: owner,
              ActivityDate: '2026-12-03',
              Status: 'Not Started',
              Priority: 'Normal',
            },
            createdDate: ago(25),
          },
          {
            type: 'Task',
            fields: {
              Subject: 'Someone else',
              OwnerId: repId(emulator, 'rep2'),
              ActivityDate: '2026-12-03',
              Status: 'Not Started',
              Priority: 'Normal',
            },
            createdDate: ago(1),
          },
        ],
      });
      await admin(emulator, 'DELETE', '/requests');
      await setTaskSync(
        await salesforceUser(emulator, 'rep1@sia-emulator.example'),
        owner,
        'SyncCompleteSkipped',
        t0,
      );

      const imported = await waitFor('the import', async () => {
        const tasks = await siaTasks('rep1');
        return tasks.length === 3 ? tasks : undefined;
      });
      const byName = new Map(imported.map((t) => [t.name, t]));
      assert.deepEqual([...byName.keys()].sort(), [
        'Inside: 23 h',
        'Inside: closed, 2 h',
        'Made before switching on',
      ]);
      assert.equal(byName.get('Inside: 23 h')?.priority, 'high');
      assert.equal(byName.get('Inside: 23 h')?.dueDate, '2026-12-02');
      assert.equal(byName.get('Inside: closed, 2 h')?.status, 'completed');

      // Every imported task carries its SIA id in Salesforce.
      const stamped = await waitFor('the SIA id stamps', async () => {
        const rows = await sf.query<{ Subject: string; SIA_Task_Id__c: string | null }>(
          `SELECT Subject, SIA_Task_Id__c FROM Task WHERE OwnerId = '${owner}'`,
        );
        return rows.records.filter((r) => r.SIA_Task_Id__c !== null).length === 2 ? rows.records : undefined;
      });
      for (const row of stamped.filter((r) => r.Subject.startsWith('Inside')))
        assert.equal(row.SIA_Task_Id__c, byName.get(row.Subject)?.id);
      assert.equal(stamped.find((r) => r.Subject === 'Outside: 25 h')?.SIA_Task_Id__c, null);

      // The task made before T0 is never pushed, even when edited after T0.
      assert.equal(
        (await api.call('PATCH', `/api/v1/tasks/${before.body.id}`, { name: 'Edited after switching on' }))
          .status,
        200,
      );
      clock.set(new Date(t0.getTime() + 1000));
      const after = await api.call<TaskJson>('POST', '/api/v1/tasks', {
        ownerId: 'rep1',
        type: 'email',
        name: 'Made after switching on',
        dueDate: '2026-12-05',
        details: 'send the deck',
      });
      const pushed = await waitFor('the new task in Salesforce', async () => {
        const rows = await sf.query<{
          Subject: string;
          ActivityDate: string;
          Description: string;
          TaskSubtype: string;
          SIA_Activity_Type__c: string;
          OwnerId: string;
        }>(
          `SELECT Subject, ActivityDate, Description, TaskSubtype, SIA_Activity_Type__c, OwnerId FROM Task WHERE SIA_Task_Id__c = '${after.body.id}'`,
        );
        return rows.records[0];
      });
      assert.deepEqual(
        { ...pushed, attributes: undefined },
        {
          attributes: undefined,
          Subject: 'Made after switching on',
          ActivityDate: '2026-12-05',
          Description: 'send the deck',
          TaskSubtype: 'Email',
          SIA_Activity_Type__c: 'Email',
          OwnerId: owner,
        },
      );
      await service.engine.idle();
      const older = await sf.query(
        `SELECT Id FROM Task WHERE SIA_Task_Id__c = '${before.body.id}' OR Subject = 'Edited after switching on'`,
      );
      assert.equal(older.totalSize, 0, 'a task created before switching on reached Salesforce');
      assert.equal(
        (await siaTasks('rep1')).find((t) => t.id === after.body.id)?.salesforceTaskId !== null,
        true,
      );

      // Imported tasks were stamped by Id (one collection update), never upserted back: one composite
      // call for the stamps (with their notice), one for the new task's upsert (with its notice).
      const writes = (await requestLog(emulator)).filter(
        (r) => r.method !== 'GET' && r.path.includes('/composite'),
      );
      assert.deepEqual(
        writes.map((r) => `${r.method} ${r.path}`),
        ['POST /services/data/v66.0/composite', 'POST /services/data/v66.0/composite'],
        'the stamps, then the new task; nothing else written',
      );
    });

    it('pushes a task the rep made after switching on but before the service stored the switch', async () => {
      const owner = repId(emulator, 'rep3');
      assert.equal(
        (
          await api.call('PUT', '/api/v1/users/rep3', {
            email: 'rep3@example.com',
            salesforceUserId: owner,
            timeZone: 'UTC',
          })
        ).status,
        200,
      );
      assert.equal((await connectRep(api, 'rep3', { username: 'rep3@sia-emulator.example' })).status, 200);
      // The rep switches on at t1 in Salesforce; the service has not heard of it when the rep makes
      // one task just before t1 (stays local) and one just after (must reach Salesforce).
      const t1 = new Date(Math.floor(clock.now().getTime() / 1000) * 1000 + 2000);
      clock.set(new Date(t1.getTime() - 500));
      const older = await api.call<TaskJson>('POST', '/api/v1/tasks', {
        ownerId: 'rep3',
        type: 'call',
        name: 'Made before rep3 switched on',
        dueDate: '2026-12-07',
      });
      assert.equal(older.status, 201);
      clock.set(new Date(t1.getTime() + 500));
      const made = await api.call<TaskJson>('POST', '/api/v1/tasks', {
        ownerId: 'rep3',
        type: 'call',
        name: 'Made after rep3 switched on, before the service knew',
        dueDate: '2026-12-07',
      });
      assert.equal(made.status, 201);
      await service.engine.idle();
      assert.equal(await service.store.outboxDepth('rep3'), 0, 'nothing queued while sync is off');

      await setTaskSync(
        await salesforceUser(emulator, 'rep3@sia-emulator.example'),
        owner,
        'SyncCompleteSkipped',
        t1,
      );

      const pushed = await waitFor('the task made after the switch in Salesforce', async () => {
        const rows = await sf.query<{ Subject: string; OwnerId: string }>(
          `SELECT Subject, OwnerId FROM Task WHERE SIA_Task_Id__c = '${made.body.id}'`,
        );
        return rows.records[0];
      });
      assert.equal(pushed.Subject, 'Made after rep3 switched on, before the service knew');
      assert.equal(pushed.OwnerId, owner);
      await waitFor('an empty outbox', async () => {
        await service.engine.idle();
        return (await service.store.outboxDepth('rep3')) === 0;
      });
      const linked = await siaTasks('rep3');
      assert.notEqual(linked.find((t) => t.id === made.body.id)?.salesforceTaskId ?? null, null);
      assert.equal(linked.find((t) => t.id === older.body.id)?.salesforceTaskId, null);
      const stray = await sf.query(`SELECT Id FROM Task WHERE SIA_Task_Id__c = '${older.body.id}'`);
      assert.equal(stray.totalSize, 0, 'a task created before switching on reached Salesforce');
    });
  });
}
