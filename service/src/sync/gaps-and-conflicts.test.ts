// Gaps and conflicts against the emulator's streaming faults: a lost change event followed by a gap
// (GAP_UPDATE) or overflow (GAP_OVERFLOW) event is recovered by the reconciliation sweep, and a
// conflict whose Salesforce event arrives late is won by the later SIA write and recorded. The
// follow-up sweep of a gap is stored, so a restart in between still runs it. A gap on the settings
// channel reads the settings rows again: the sweep reads Tasks only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { RETENTION_MS } from './change-stream.ts';
import { GAP_SWEEP, SETTINGS_CHANNEL } from './engine.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  latestReplayId,
  nextMillisecond,
  repId,
  salesforceUser,
  setTaskSync,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';
import { SteppingClock } from '../../test/stepping-clock.ts';

const TASK_CHANNEL = '/data/TaskChangeEvent';

/** The replay id of the latest Task change event the emulator retained. */
async function streamingFaults(emulator: Emulator): Promise<unknown[]> {
  const body = (await admin(emulator, 'GET', '/streaming/faults')) as { faults: unknown[] };
  return body.faults;
}

/** Time left in the minute for the steps between moving the clock and the edit the sweep must find. */
const MINUTE_LEFT_MS = 10_000;

for (const factory of testDatabases) {
  describe(`event gaps and late conflicts on ${factory.name}`, () => {
    // One clock for the org and the service, so both see the same minute end.
    const clock = new SteppingClock();
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator(clock);
      database = factory.create();
      service = await startTestService(emulator, database, { clock });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await admin(emulator, 'DELETE', '/streaming/faults').catch(() => undefined);
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function allTasks(ownerId: string): Promise<TaskJson[]> {
      const res = await world.api.call<{ tasks: TaskJson[] }>(
        'GET',
        `/api/v1/tasks?ownerId=${ownerId}&view=all`,
      );
      assert.equal(res.status, 200);
      return res.body.tasks;
    }

    for (const gap of ['GAP_UPDATE', 'GAP_OVERFLOW'] as const) {
      it(`recovers a dropped Salesforce edit through the sweep after a ${gap} event`, async () => {
        const owner = gap === 'GAP_UPDATE' ? 'rep1' : 'rep2';
        await world.enable(owner);
        const task = await world.createTask({
          ownerId: owner,
          type: 'call',
          name: `Before the ${gap}`,
          dueDate: '2026-12-01',
        });
        const record = await world.pushed(task.id);
        await world.settle(owner);
        // No echo of the push still on its way: the drop takes the edit's event.
        await world.caughtUp();

        // The edit's change event is never delivered live: without a sweep SIA would never see it.
        // An overflow names no record: the edit is found once its minute is over.
        if (gap === 'GAP_OVERFLOW') clock.toMinuteEnd(MINUTE_LEFT_MS);
        await admin(emulator, 'POST', '/streaming/drop', { channel: TASK_CHANNEL, count: 1 });
        await world.sf.sobject('Task').update({
          Id: record.Id,
          Subject: `Edited in Salesforce, event lost (${gap})`,
          ActivityDate: '2026-12-05',
        });
        // The fault used up means the emulator discarded the event: nothing is on its way.
        await waitFor('the drop fault used up', async () => (await streamingFaults(emulator)).length === 0);
        await service.engine.idle();
        assert.equal((await world.task(task.id))?.name, `Before the ${gap}`, 'the event was lost');

        await admin(
          emulator,
          'POST',
          '/streaming/gap-events',
          gap === 'GAP_OVERFLOW'
            ? { entityName: 'Task', changeType: gap }
            : { entityName: 'Task', changeType: gap, recordIds: [record.Id] },
        );
        const recovered = await waitFor(
          'the lost edit in SIA',
          async () => {
            const now = await world.task(task.id);
            return now?.name === `Edited in Salesforce, event lost (${gap})` ? now : undefined;
          },
          // An overflow names no record: the sweep finds the edit once its minute is covered.
          90_000,
        );
        assert.equal(recovered.dueDate, '2026-12-05');
        assert.equal(recovered.salesforceTaskId, record.Id);
        await world.settle(owner);

        // No duplicate on either side and nothing written back over the edit.
        const tasks = await allTasks(owner);
        assert.deepEqual(
          tasks.map((t) => t.id),
          [task.id],
          'one SIA task, not an import of the same record',
        );
        const remote = await world.salesforceTasks(`OwnerId = '${record.OwnerId}'`);
        assert.deepEqual(
          remote.map((r) => [r.Id, r.SIA_Task_Id__c, r.Subject, r.ActivityDate]),
          [[record.Id, task.id, `Edited in Salesforce, event lost (${gap})`, '2026-12-05']],
        );

        // Later changes still flow both ways after the gap.
        await world.patch(task.id, { details: 'after the gap' });
        await waitFor('the SIA edit in Salesforce', async () => {
          const [row] = await world.salesforceTasks(`Id = '${record.Id}'`);
          return row?.Description === 'after the gap';
        });
        await world.sf.sobject('Task').update({ Id: record.Id, Priority: 'High' });
        await waitFor(
          'the next Salesforce edit in SIA',
          async () => (await world.task(task.id))?.priority === 'high',
        );
        const conflicts = await world.api.call<{ conflicts: unknown[] }>(
          'GET',
          `/api/v1/conflicts?ownerId=${owner}`,
        );
        assert.deepEqual(conflicts.body.conflicts, [], 'no conflict: only Salesforce changed the fields');
      });
    }

    it('resumes the follow-up sweep of an overflow after a restart', async () => {
      await world.enable('rep3');
      const task = await world.createTask({
        ownerId: 'rep3',
        type: 'call',
        name: 'Before the restart',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep3');
      await world.caughtUp();
      clock.toMinuteEnd(MINUTE_LEFT_MS);
      await admin(emulator, 'POST', '/streaming/drop', { channel: TASK_CHANNEL, count: 1 });
      await world.sf.sobject('Task').update({ Id: record.Id, Subject: 'Edited, event lost, then a restart' });
      await waitFor('the drop fault used up', async () => (await streamingFaults(emulator)).length === 0);
      await admin(emulator, 'POST', '/streaming/gap-events', {
        entityName: 'Task',
        changeType: 'GAP_OVERFLOW',
      });
      // The follow-up sweep (once this minute is covered) is stored before anything else happens.
      await waitFor('the stored follow-up sweep', async () => {
        const due = await service.store.getCheckpoint(GAP_SWEEP);
        return due !== undefined && due !== '';
      });
      // The service goes away before the follow-up runs; its timer goes with it.
      await service.close();
      service = await startTestService(emulator, database, { clock });
      world = new SyncWorld(emulator, service, world.sf);
      await waitFor(
        'the lost edit in SIA after the restart',
        async () => (await world.task(task.id))?.name === 'Edited, event lost, then a restart',
        90_000,
      );
      await waitFor('the follow-up done', async () => (await service.store.getCheckpoint(GAP_SWEEP)) === '');
    });

    it('lets the later SIA write win a conflict whose Salesforce event arrives late, and records it', async () => {
      await world.enable('rep3');
      const task = await world.createTask({
        ownerId: 'rep3',
        type: 'call',
        name: 'Late conflict',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep3');

      // Salesforce changes the name first, but its event is held; SIA changes the same name later.
      await admin(emulator, 'POST', '/streaming/delay', { channel: TASK_CHANNEL, delayMs: 2_500, count: 1 });
      await world.sf.sobject('Task').update({ Id: record.Id, Subject: 'Salesforce name (earlier)' });
      const lateEvent = await latestReplayId(emulator, TASK_CHANNEL);
      await nextMillisecond();
      await world.patch(task.id, { name: 'SIA name (later)' });
      await waitFor('the SIA name pushed', async () => {
        const [row] = await world.salesforceTasks(`Id = '${record.Id}'`);
        return row?.Subject === 'SIA name (later)';
      });
      const checkpoint = 'replay:/data/TaskChangeEvent';
      await waitFor(
        'the late event applied',
        async () => Number((await service.store.getCheckpoint(checkpoint)) ?? -1) >= lateEvent,
        15_000,
      );
      await waitFor(
        'both sides agree on the SIA name',
        async () => {
          await world.settle('rep3');
          const local = await world.task(task.id);
          const [remote] = await world.salesforceTasks(`Id = '${record.Id}'`);
          return local?.name === 'SIA name (later)' && remote?.Subject === 'SIA name (later)';
        },
        15_000,
      );
      // Nothing flips afterwards: every event so far (the late one, the push's echo) is applied.
      await world.caughtUp();
      await world.settle('rep3');
      assert.equal((await world.task(task.id))?.name, 'SIA name (later)');
      const [remote] = await world.salesforceTasks(`Id = '${record.Id}'`);
      assert.equal(remote?.Subject, 'SIA name (later)');

      const conflicts = await world.api.call<{
        conflicts: { taskId: string; field: string; winner: string }[];
      }>('GET', '/api/v1/conflicts?ownerId=rep3');
      assert.deepEqual(
        conflicts.body.conflicts.map((c) => [c.taskId, c.field, c.winner]),
        [[task.id, 'name', 'sia']],
      );
    });
  });

  describe(`a gap on the settings channel on ${factory.name}`, () => {
    // One clock for the org and the service, so days can pass for both.
    const clock = new ManualClock(new Date(), { realTimers: true });
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator(clock);
      database = factory.create();
      service = await startTestService(emulator, database, { clock });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await admin(emulator, 'DELETE', '/streaming/faults').catch(() => undefined);
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('reads the settings rows again when a settings change event is lost for good', async () => {
      await world.enable('rep1');
      const status = async (): Promise<string> =>
        (await world.api.call<{ mode: string }>('GET', '/api/v1/sync/status?ownerId=rep1')).body.mode;

      // The rep switches sync off; the change event is never delivered live.
      await admin(emulator, 'POST', '/streaming/drop', { channel: SETTINGS_CHANNEL, count: 1 });
      await setTaskSync(
        await salesforceUser(emulator, 'rep1@sia-emulator.example'),
        repId(emulator, 'rep1'),
        'DoNotSync',
        null,
      );
      await waitFor('the drop fault used up', async () => (await streamingFaults(emulator)).length === 0);
      await service.engine.idle();
      assert.equal(await status(), 'SyncCompleteSkipped', 'the event was lost');

      // Three days on, the org no longer holds the event and the service's session has expired:
      // the streams sign in again and resubscribe from the tip, a gap no replay can close.
      clock.set(new Date(clock.now().getTime() + RETENTION_MS + 3_600_000));
      await world.waitForMode('rep1', 'DoNotSync');
    });
  });
}
