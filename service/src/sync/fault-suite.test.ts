// The fault suite: a steady stream of changes both ways (SIA creates and renames, Salesforce edits)
// while the emulator fails the service's pushes (500, 503, a dropped connection, an answer past the
// request timeout, UNABLE_TO_LOCK_ROW, REQUEST_LIMIT_EXCEEDED, a revoked token) and its change
// events (a dropped event recovered by a GAP_UPDATE, a delayed event). At the end both sides hold
// the same tasks with the same field values, no SIA_Task_Id__c twice, no change lost. `npm test`
// runs it small; `npm run test:faults` (SIA_FAULT_SUITE_ROUNDS, default 60 there) runs it full size (at most 200 tasks: the list is read in one page).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';

const ROUNDS = Number(process.env['SIA_FAULT_SUITE_ROUNDS'] ?? 10);
const PUSH_PATH = '/services/data/v66.0/composite';
const TASK_CHANNEL = '/data/TaskChangeEvent';

interface Fault {
  name: string;
  arm: (emulator: Emulator) => Promise<unknown>;
}

const push = (body: Record<string, unknown>) => (emulator: Emulator) =>
  admin(emulator, 'POST', '/faults', { method: 'POST', path: PUSH_PATH, times: 1, ...body });

const FAULTS: Fault[] = [
  {
    name: '500 UNKNOWN_EXCEPTION',
    arm: push({ action: 'status', status: 500, errorCode: 'UNKNOWN_EXCEPTION' }),
  },
  { name: '503 SERVER_UNAVAILABLE', arm: push({ action: 'status', status: 503 }) },
  { name: 'dropped connection', arm: push({ action: 'drop' }) },
  { name: 'answer past the request timeout', arm: push({ action: 'delay', delayMs: 2_500 }) },
  {
    name: 'UNABLE_TO_LOCK_ROW',
    arm: push({ action: 'status', status: 400, errorCode: 'UNABLE_TO_LOCK_ROW' }),
  },
  {
    name: 'REQUEST_LIMIT_EXCEEDED',
    arm: push({ action: 'status', status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED' }),
  },
  { name: 'revoked token', arm: push({ action: 'revoke-token' }) },
  {
    name: 'delayed change event',
    arm: (emulator) =>
      admin(emulator, 'POST', '/streaming/delay', { channel: TASK_CHANNEL, delayMs: 300, count: 1 }),
  },
];

for (const factory of testDatabases) {
  describe(`fault suite on ${factory.name} (${String(ROUNDS)} rounds)`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database, { requestTimeoutMs: 1_500 });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await admin(emulator, 'DELETE', '/streaming/faults').catch(() => undefined);
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('ends with both sides identical, no duplicate and no lost change', async () => {
      const owner = 'rep1';
      await world.enable(owner);
      await world.settle(owner);
      const injected = new Map<string, number>();
      const count = (name: string): void => {
        injected.set(name, (injected.get(name) ?? 0) + 1);
      };
      const tasks: TaskJson[] = [];
      let siaEdits = 0;
      let salesforceEdits = 0;
      const lastDescription = new Map<string, string>();
      for (let round = 0; round < ROUNDS; round += 1) {
        const fault = FAULTS[round % FAULTS.length];
        assert.ok(fault);
        await fault.arm(emulator);
        count(fault.name);
        tasks.push(
          await world.createTask({
            ownerId: owner,
            type: round % 2 === 0 ? 'call' : 'email',
            name: `Round ${String(round)}`,
            dueDate: '2026-12-01',
          }),
        );
        const earlier = tasks[Math.floor(round / 2)];
        assert.ok(earlier);
        await world.patch(earlier.id, { name: `Renamed in SIA in round ${String(round)}` });
        siaEdits += 1;
        // A Salesforce edit of a task that reached Salesforce; every third one loses its live event
        // and comes back through a GAP_UPDATE naming the record.
        const target = tasks[Math.floor(round / 3)];
        assert.ok(target);
        const linked = (await world.pushed(target.id)).Id;
        lastDescription.set(target.id, `Salesforce round ${String(round)}`);
        {
          const lose = round % 3 === 2;
          if (lose) {
            await admin(emulator, 'POST', '/streaming/drop', { channel: TASK_CHANNEL, count: 1 });
            count('dropped change event');
          }
          await world.sf
            .sobject('Task')
            .update({ Id: linked, Description: `Salesforce round ${String(round)}` });
          salesforceEdits += 1;
          if (lose) {
            await waitFor('the drop used up', async () => {
              const body = (await admin(emulator, 'GET', '/streaming/faults')) as { faults: unknown[] };
              return body.faults.length === 0;
            });
            await admin(emulator, 'POST', '/streaming/gap-events', {
              entityName: 'Task',
              changeType: 'GAP_UPDATE',
              recordIds: [linked],
            });
            count('GAP_UPDATE');
          }
        }
      }

      // The faults stop (those still armed are lifted); everything queued must get through.
      await admin(emulator, 'DELETE', '/faults');
      await admin(emulator, 'DELETE', '/streaming/faults');
      let differences: string[] = [];
      await waitFor(
        'both sides identical',
        async () => {
          await world.settle(owner);
          const listed = await world.api.call<{ tasks: TaskJson[] }>(
            'GET',
            `/api/v1/tasks?ownerId=${owner}&view=all&limit=200`,
          );
          const remote = await world.salesforceTasks(
            `OwnerId = '${(await world.pushed(tasks[0]?.id ?? '')).OwnerId}'`,
          );
          const bySiaId = new Map(remote.map((r) => [r.SIA_Task_Id__c, r]));
          if (bySiaId.size !== remote.length) throw new Error('a duplicate SIA_Task_Id__c in Salesforce');
          differences = [];
          if (remote.length !== listed.body.tasks.length)
            differences.push(
              `${String(remote.length)} in Salesforce, ${String(listed.body.tasks.length)} in SIA`,
            );
          for (const t of listed.body.tasks) {
            const r = bySiaId.get(t.id);
            const sia = [t.salesforceTaskId, t.name, t.dueDate, t.details ?? null];
            const sf = [r?.Id, r?.Subject, r?.ActivityDate, r?.Description ?? null];
            if (JSON.stringify(sia) !== JSON.stringify(sf))
              differences.push(`${t.id}: SIA ${JSON.stringify(sia)} Salesforce ${JSON.stringify(sf)}`);
          }
          return differences.length === 0;
        },
        60_000,
      ).catch((error: unknown) => {
        throw new Error(`the sides differ:\n${differences.join('\n')}`, { cause: error });
      });
      // No change lost: every task's last edit is what both sides hold.
      for (const [index, task] of tasks.entries()) {
        const now = await world.task(task.id);
        assert.ok(now, `task ${task.id} still in SIA`);
        const renamed = [...Array(ROUNDS).keys()].filter((round) => Math.floor(round / 2) === index);
        const last = renamed.at(-1);
        assert.equal(now.name, last === undefined ? task.name : `Renamed in SIA in round ${String(last)}`);
        assert.equal(now.details, lastDescription.get(task.id) ?? null, 'the last Salesforce edit');
      }
      const summary = [...injected].map(([name, n]) => `${name} ×${String(n)}`).join(', ');
      process.stdout.write(
        `fault suite on ${factory.name}: injected ${summary}; checked ${String(tasks.length)} tasks, ` +
          `${String(siaEdits)} SIA edits and ${String(salesforceEdits)} Salesforce edits: both sides identical, ` +
          `no duplicate SIA_Task_Id__c, no lost change\n`,
      );
    });
  });
}
