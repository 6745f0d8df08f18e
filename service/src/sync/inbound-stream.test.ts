// The inbound stream against the emulator: a CometD delivery lost in transit (the server dequeued
// its events, the client never read them) is replayed at once from the stored replay id, a link
// records the change's commit time as its last sync, and a delivery larger than one transaction's
// slice lands completely. The sweep runs hourly here, so only the stream itself can repair a loss.
// With more events waiting than its bound, the stream pauses and resumes from the last applied
// replay id: memory stays bounded and every event is applied once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  API_TOKEN,
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
import { DELIVERY_SLICE, GAP_SWEEP } from './engine.ts';
import { checkpointName } from './change-stream.ts';

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

/** The value of one Prometheus sample (0 when the series is absent). */
async function metric(serviceUrl: string, sample: string): Promise<number> {
  const response = await fetch(`${serviceUrl}/metrics`, {
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

for (const factory of testDatabases) {
  describe(`inbound backlog bound on ${factory.name}`, () => {
    const BOUND = 40;
    const FLOOD = 3;
    const PER_CALL = 100;
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;
    /** While set, the service's next push waits here after Salesforce took it: the applier is held. */
    let hold: { entered: () => void; released: Promise<void> } | undefined;
    let release = (): void => undefined;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database, {
        config: { inboundBacklogMax: BOUND },
        hooks: {
          afterSalesforceWrite: async () => {
            const held = hold;
            if (held === undefined) return;
            hold = undefined;
            held.entered();
            await held.released;
          },
        },
      });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      release();
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('pauses the stream while the applier is held, then applies every event once', async () => {
      await world.enable('rep1');
      await world.settle('rep1');
      await world.caughtUp();
      const owner = repId(emulator, 'rep1');
      const pauses = `sia_sync_stream_pauses_total{channel="${TASK_CHANNEL}"}`;
      const backlog = `sia_sync_inbound_backlog{channel="${TASK_CHANNEL}"}`;
      const importedBefore = await metric(service.url, 'sia_sync_inbound_changes_total{kind="imported"}');
      assert.equal(await metric(service.url, pauses), 0);

      // The engine's serial queue is held inside a push, so no change event is applied meanwhile.
      const entered = new Promise<void>((resolve) => {
        const released = new Promise<void>((free) => {
          release = free;
        });
        hold = { entered: resolve, released };
      });
      await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Holds the applier',
        dueDate: '2026-12-01',
      });
      await entered;

      const created: string[] = [];
      for (let call = 0; call < FLOOD; call += 1) {
        const results = await world.sf.sobject('Task').create(
          Array.from({ length: PER_CALL }, (_, index) => ({
            OwnerId: owner,
            Subject: `Flooded ${String(call)}-${String(index).padStart(3, '0')}`,
            ActivityDate: '2026-12-04',
            Status: 'Not Started',
            Priority: 'Normal',
          })),
          { allOrNone: true },
        );
        for (const result of results) if (result.success) created.push(result.id);
      }
      assert.equal(created.length, FLOOD * PER_CALL);
      // Without the bound every flooded event would wait in memory; with it the stream stops taking them.
      await waitFor(
        'the stream paused, or every flooded event waiting',
        async () =>
          (await metric(service.url, pauses)) >= 1 || (await metric(service.url, backlog)) >= created.length,
      );
      const held = await metric(service.url, backlog);
      // The bound is checked once a delivery is whole (Faye has parsed it all by then): at most the
      // bound, the held push's own echo and the one delivery (one 100-record call) that crossed it.
      assert.ok(
        held <= BOUND + 1 + PER_CALL && held < created.length,
        `${String(held)} events held: the bound and the delivery that crossed it at most`,
      );
      assert.equal(await metric(service.url, pauses), 1, 'paused once while the applier is held');

      release();
      await world.caughtUp();
      await world.settle('rep1');
      await waitFor(
        'the backlog back to zero once everything is applied',
        async () => (await metric(service.url, backlog)) === 0,
      );
      const all: TaskJson[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { tasks: TaskJson[]; nextCursor: string | null } } = await world.api.call(
          'GET',
          `/api/v1/tasks?ownerId=rep1&view=all&limit=200${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        );
        all.push(...page.body.tasks);
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      const flooded = all.filter((t) => t.name.startsWith('Flooded '));
      assert.equal(flooded.length, created.length, 'every flooded task in SIA, none twice');
      assert.deepEqual(new Set(flooded.map((t) => t.salesforceTaskId)), new Set(created));
      assert.equal(
        (await metric(service.url, 'sia_sync_inbound_changes_total{kind="imported"}')) - importedBefore,
        created.length,
        'each event imported once',
      );
      assert.ok((await metric(service.url, pauses)) >= 1);
      // Applied by the stream itself: no gap was reported, so no sweep repaired anything.
      assert.ok(['', undefined].includes(await service.store.getCheckpoint(GAP_SWEEP)));
      assert.equal(await metric(service.url, 'sia_sync_inbound_changes_total{kind="sweep"}'), 0);
      assert.ok(Number(await service.store.getCheckpoint(checkpointName(TASK_CHANNEL))) > 0);
    });
  });
}
