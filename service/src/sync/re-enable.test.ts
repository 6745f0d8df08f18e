// Deletes after a gap: sync on, off for 30 days, back on. Deletions made in
// Salesforce 20 and 14 days before switching back on both reach SIA: the 14-day one through the
// 15-day getDeleted window, the 20-day one by checking the linked ids. One clock drives both the
// emulator and the service, so the gap is real time for both. Each jump in time outlives the
// service's session, so before each deletion the test waits until the service follows the Task
// channel again, and then until it has handled the deletion's change event.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  latestReplayId,
  repId,
  salesforceUser,
  setTaskSync,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

const DAY = 86_400_000;
const TASK_CHANNEL = '/data/TaskChangeEvent';

for (const factory of testDatabases) {
  describe(`re-enable after a gap on ${factory.name}`, () => {
    const realNow = Date.now();
    const clock = new ManualClock(new Date(realNow - 30 * DAY), { realTimers: true });
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
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    /** Waits until the service has handled every Task change event published up to now. */
    async function handled(): Promise<void> {
      const newest = await latestReplayId(emulator, TASK_CHANNEL);
      await waitFor('the Task change events handled', async () => {
        const stored = await service.store.getCheckpoint(`replay:${TASK_CHANNEL}`);
        return Number(stored ?? -1) >= newest;
      });
      await service.engine.idle();
    }

    /**
     * After a jump in time the service signs in again and resubscribes; an event published before
     * that is lost to it (its gap sweep covers it). An admin edits a Task no SIA user owns until the
     * service applies one of those edits: from then on it follows the channel live.
     */
    async function following(): Promise<void> {
      const sf = await salesforceUser(emulator);
      const marker = await sf
        .sobject('Task')
        .create({ Subject: 'marker', Status: 'Not Started', Priority: 'Normal' });
      assert.ok(marker.success);
      let first: number | undefined;
      await waitFor('the service following the Task channel', async () => {
        const stored = Number((await service.store.getCheckpoint(`replay:${TASK_CHANNEL}`)) ?? -1);
        if (first !== undefined && stored >= first) return true;
        await sf.sobject('Task').update({ Id: marker.id, Subject: `marker at ${String(Date.now())}` });
        first ??= await latestReplayId(emulator, TASK_CHANNEL);
        return false;
      });
      await service.engine.idle();
    }

    it('applies Salesforce deletions from 14 and 20 days ago when sync comes back on', async () => {
      const owner = await world.enable('rep1', 'SyncCompleteSkipped', 'UTC', clock.now());
      const rep = await salesforceUser(emulator, 'rep1@sia-emulator.example');
      const ids: string[] = [];
      for (const subject of ['deleted 20 days ago', 'deleted 14 days ago', 'kept']) {
        const result = await rep.sobject('Task').create({
          Subject: subject,
          OwnerId: owner,
          ActivityDate: '2026-12-01',
          Status: 'Not Started',
          Priority: 'Normal',
        });
        assert.ok(result.success);
        ids.push(result.id);
      }
      const linked = await waitFor('three linked SIA tasks', async () => {
        const res = await world.api.call<{
          tasks: { id: string; name: string; salesforceTaskId: string | null }[];
        }>('GET', '/api/v1/tasks?ownerId=rep1&view=all');
        return res.body.tasks.filter((t) => t.salesforceTaskId !== null).length === 3
          ? res.body.tasks
          : undefined;
      });
      await world.settle('rep1');
      await setTaskSync(rep, owner, 'DoNotSync', null);
      await world.waitForMode('rep1', 'DoNotSync');

      clock.set(new Date(realNow - 20 * DAY));
      await following();
      await (
        await salesforceUser(emulator, 'rep1@sia-emulator.example')
      )
        .sobject('Task')
        .destroy(ids[0] ?? '');
      await handled();
      clock.set(new Date(realNow - 14 * DAY));
      await following();
      await (
        await salesforceUser(emulator, 'rep1@sia-emulator.example')
      )
        .sobject('Task')
        .destroy(ids[1] ?? '');
      await handled();
      const whileOff = await world.api.call<{ tasks: unknown[] }>(
        'GET',
        '/api/v1/tasks?ownerId=rep1&view=all',
      );
      assert.equal(whileOff.body.tasks.length, 3, 'nothing applied while sync was off');
      clock.set(new Date(realNow));

      await setTaskSync(
        await salesforceUser(emulator, 'rep1@sia-emulator.example'),
        repId(emulator, 'rep1'),
        'SyncCompleteSkipped',
        clock.now(),
      );
      const remaining = await waitFor('the gap deletions applied', async () => {
        const res = await world.api.call<{ tasks: { name: string }[] }>(
          'GET',
          '/api/v1/tasks?ownerId=rep1&view=all',
        );
        return res.body.tasks.length === 1 ? res.body.tasks : undefined;
      });
      assert.deepEqual(
        remaining.map((t) => t.name),
        ['kept'],
      );
      assert.equal(linked.length, 3);
    });
  });
}
