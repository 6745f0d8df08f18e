// The inbound stream against the emulator: a CometD delivery lost in transit (the server dequeued
// its events, the client never read them) is replayed at once from the stored replay id, a link
// records the change's commit time as its last sync, and a delivery larger than one transaction's
// slice lands completely. The sweep runs hourly here, so only the stream itself can repair a loss.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  repId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';
import { DELIVERY_SLICE } from './engine.ts';

const TASK_CHANNEL = '/data/TaskChangeEvent';

for (const factory of testDatabases) {
  describe(`inbound change stream on ${factory.name}`, () => {
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
      await admin(emulator, 'DELETE', '/streaming/faults').catch(() => undefined);
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('replays a delivery lost in transit from the stored replay id, without a sweep', async () => {
      await world.enable('rep1');
      const task = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Before the lost delivery',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep1');

      const armed = (await admin(emulator, 'POST', '/streaming/discard-deliveries', { count: 1 })) as {
        armed: number;
      };
      assert.deepEqual(armed, { armed: 1 });
      await world.sf.sobject('Task').update({ Id: record.Id, Subject: 'Edited, first delivery lost' });
      const repaired = await waitFor(
        'the lost edit in SIA',
        async () => {
          const now = await world.task(task.id);
          return now?.name === 'Edited, first delivery lost' ? now : undefined;
        },
        30_000,
      );
      assert.equal(repaired.salesforceTaskId, record.Id);

      // The stream goes on after the resubscribe: the next edit arrives once, nothing doubled.
      await world.sf.sobject('Task').update({ Id: record.Id, Priority: 'High' });
      await waitFor('the next edit in SIA', async () => (await world.task(task.id))?.priority === 'high');
      await world.settle('rep1');
      const tasks = await world.api.call<{ tasks: TaskJson[] }>('GET', '/api/v1/tasks?ownerId=rep1&view=all');
      assert.deepEqual(
        tasks.body.tasks.map((t) => t.id),
        [task.id],
      );
      const conflicts = await world.api.call<{ conflicts: unknown[] }>(
        'GET',
        '/api/v1/conflicts?ownerId=rep1',
      );
      assert.deepEqual(conflicts.body.conflicts, []);
    });

    it("records the change's commit time as the link's last sync, not the time it was applied", async () => {
      await world.enable('rep2');
      const task = await world.createTask({
        ownerId: 'rep2',
        type: 'call',
        name: 'Commit time',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep2');

      // The event is held a while, as when the service lags behind the stream.
      await admin(emulator, 'POST', '/streaming/delay', { channel: TASK_CHANNEL, delayMs: 1_500, count: 1 });
      await world.sf.sobject('Task').update({ Id: record.Id, Subject: 'Edited while lagging' });
      await waitFor(
        'the late edit in SIA',
        async () => (await world.task(task.id))?.name === 'Edited while lagging',
      );
      const { events } = (await admin(emulator, 'GET', '/events')) as {
        events: {
          channel: string;
          replayId: number;
          payload: { ChangeEventHeader: { recordIds: string[]; commitTimestamp: number } };
        }[];
      };
      const edit = events
        .filter(
          (e) => e.channel === TASK_CHANNEL && e.payload.ChangeEventHeader.recordIds.includes(record.Id),
        )
        .at(-1);
      assert.ok(edit, 'the edit published a change event');
      const link = await service.store.getLink(task.id);
      assert.equal(
        link?.synced_at,
        new Date(edit.payload.ChangeEventHeader.commitTimestamp).toISOString(),
        'the commit time of the change event',
      );
    });

    it('imports every record of a delivery larger than one transaction slice, once', async () => {
      await world.enable('rep3');
      await service.engine.idle();
      const owner = repId(emulator, 'rep3');
      const count = DELIVERY_SLICE + 30;
      const created = await world.sf.sobject('Task').create(
        Array.from({ length: count }, (_, index) => ({
          OwnerId: owner,
          Subject: `Bulk created ${String(index).padStart(3, '0')}`,
          ActivityDate: '2026-12-03',
          Status: 'Not Started',
          Priority: 'Normal',
        })),
        { allOrNone: true },
      );
      assert.equal(created.filter((r) => r.success).length, count);
      const tasks = await waitFor(
        'every created task in SIA',
        async () => {
          const res = await world.api.call<{ tasks: TaskJson[] }>(
            'GET',
            '/api/v1/tasks?ownerId=rep3&view=all&limit=200',
          );
          return res.body.tasks.length >= count ? res.body.tasks : undefined;
        },
        30_000,
      );
      await world.settle('rep3');
      const ids = new Set(created.map((r) => (r.success ? r.id : '')));
      assert.equal(tasks.length, count, 'no record imported twice');
      assert.deepEqual(new Set(tasks.map((t) => t.salesforceTaskId)), ids);
    });
  });
}
