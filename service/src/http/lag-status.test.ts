// The lag section of GET /api/v1/sync/status and the sia_sync_* lag gauges, against the emulator:
// a change waiting in the outbox and its age, change events received while the engine's queue is
// busy and not yet applied, and where each change stream stands.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import type { SyncLag } from '../sync/lag.ts';
import { TASK_CHANNEL } from '../sync/engine.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  API_TOKEN,
  admin,
  latestReplayId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';

/** Holds the engine's serial queue inside a push (after Salesforce accepted it) until released. */
class Gate {
  #armed: { entered: () => void; release: Promise<void> } | undefined;
  #open: () => void = () => undefined;

  /** Arms the gate for the next push; resolves once a push is held in it. */
  arm(): Promise<void> {
    return new Promise((entered) => {
      this.#armed = {
        entered,
        release: new Promise((resolve) => {
          this.#open = resolve;
        }),
      };
    });
  }

  release(): void {
    this.#open();
  }

  readonly hook = async (): Promise<void> => {
    const armed = this.#armed;
    if (armed === undefined) return;
    this.#armed = undefined;
    armed.entered();
    await armed.release;
  };
}

/** One gauge's value in the Prometheus text, by name and (optionally) its label set. */
function gauge(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

for (const factory of testDatabases) {
  describe(`sync lag in the status on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;
    // "Now" only moves when the test says (timers run on real time), so ages are exact.
    const clock = new ManualClock(new Date(), { realTimers: true });
    const gate = new Gate();
    let first: TaskJson;
    let firstSalesforceId: string;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database, {
        clock,
        hooks: { afterSalesforceWrite: gate.hook },
        // A change waits an hour for company: only the test's drains send it.
        config: { outboxCoalesceMs: 3_600_000 },
      });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
      await world.enable('rep1', 'SyncCompleteSkipped', 'UTC', clock.now());
      await world.settle('rep1');
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function lag(): Promise<SyncLag> {
      const status = await world.api.call<{ lag: SyncLag }>('GET', '/api/v1/sync/status?ownerId=rep1');
      assert.equal(status.status, 200);
      return status.body.lag;
    }

    async function metrics(): Promise<string> {
      const response = await fetch(`${service.url}/metrics`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      assert.equal(response.status, 200);
      return response.text();
    }

    it('shows a queued change and how long it has waited, and an empty outbox once it went', async () => {
      const followed = await waitFor('every channel followed', async () => {
        const now = await lag();
        return now.streaming.every((s) => s.connected) && now;
      });
      assert.equal(followed.leader, true);
      assert.deepEqual(
        followed.streaming.map((s) => s.channel),
        [TASK_CHANNEL, '/data/SIA_Sync_Setting__ChangeEvent', '/data/SIA_Sync_Error__ChangeEvent'],
      );
      assert.deepEqual(followed.outbox, { queued: 0, due: 0, oldestQueuedAt: null, oldestQueuedAgeMs: null });

      first = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Call Ada',
        dueDate: '2026-12-07',
      });
      const queuedAt = clock.now().getTime();
      clock.set(new Date(queuedAt + 5_000));
      assert.deepEqual((await lag()).outbox, {
        queued: 1,
        due: 1,
        oldestQueuedAt: new Date(queuedAt).toISOString(),
        oldestQueuedAgeMs: 5_000,
      });
      const text = await metrics();
      assert.equal(gauge(text, 'sia_sync_outbox_queued'), 1);
      assert.equal(gauge(text, 'sia_sync_outbox_due'), 1);
      assert.equal(gauge(text, 'sia_sync_outbox_oldest_age_seconds'), 5);
      assert.equal(gauge(text, 'sia_sync_leader'), 1);
      assert.equal(gauge(text, 'sia_sync_stream_connected', `{channel="${TASK_CHANNEL}"}`), 1);

      assert.equal(await service.engine.drainOutbox(), 1);
      firstSalesforceId = (await world.pushed(first.id)).Id;
      assert.deepEqual((await lag()).outbox, {
        queued: 0,
        due: 0,
        oldestQueuedAt: null,
        oldestQueuedAgeMs: null,
      });
    });

    it('counts change events received while the engine is busy until they are applied', async () => {
      await world.caughtUp();
      const second = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Call Grace',
        dueDate: '2026-12-08',
      });
      // The push of the second task holds the engine's queue; a Salesforce edit of the first
      // arrives meanwhile and waits for it.
      const held = gate.arm();
      const drained = service.engine.drainOutbox();
      await held;
      await world.sf.sobject('Task').update({ Id: firstSalesforceId, Description: 'edited while busy' });
      const waiting = await waitFor('the edit received and waiting', async () => {
        const now = await lag();
        return now.inbound.pendingEvents > 0 && now;
      });
      const receivedAt = clock.now().toISOString();
      assert.equal(waiting.inbound.oldestPendingAt, receivedAt);
      const task = waiting.streaming.find((s) => s.channel === TASK_CHANNEL);
      assert.ok(task);
      assert.equal(task.connected, true);
      assert.equal(task.pendingEvents, waiting.inbound.pendingEvents);
      assert.equal(task.lastReceivedAt, receivedAt);
      clock.set(new Date(Date.parse(receivedAt) + 2_000));
      assert.equal((await lag()).inbound.oldestPendingAgeMs, 2_000);
      const text = await metrics();
      // One count: the backpressure gauge per channel is the status's pendingEvents.
      const backlog = gauge(text, 'sia_sync_inbound_backlog', `{channel="${TASK_CHANNEL}"}`);
      assert.ok((backlog ?? 0) > 0);
      assert.equal(backlog, (await lag()).inbound.pendingEvents);
      assert.equal(gauge(text, 'sia_sync_inbound_oldest_pending_age_seconds'), 2);

      gate.release();
      assert.equal(await drained, 1);
      await world.pushed(second.id);
      await world.caughtUp();
      await waitFor(
        'the edit in SIA',
        async () => (await world.task(first.id))?.details === 'edited while busy',
      );
      const applied = await lag();
      assert.deepEqual(applied.inbound, {
        pendingEvents: 0,
        oldestPendingAt: null,
        oldestPendingAgeMs: null,
      });
      const stream = applied.streaming.find((s) => s.channel === TASK_CHANNEL);
      const newest = await latestReplayId(emulator, TASK_CHANNEL);
      const { events } = (await admin(emulator, 'GET', '/events')) as {
        events: {
          channel: string;
          replayId: number;
          payload: { ChangeEventHeader: { commitTimestamp: number } };
        }[];
      };
      const last = events.find((e) => e.channel === TASK_CHANNEL && e.replayId === newest);
      assert.ok(last);
      assert.deepEqual(stream, {
        channel: TASK_CHANNEL,
        connected: true,
        lastReplayId: newest,
        lastEventAt: new Date(last.payload.ChangeEventHeader.commitTimestamp).toISOString(),
        lastReceivedAt: stream?.lastReceivedAt,
        pendingEvents: 0,
        oldestPendingAt: null,
      });
      assert.equal(
        gauge(await metrics(), 'sia_sync_stream_last_replay_id', `{channel="${TASK_CHANNEL}"}`),
        newest,
      );
    });

    it('shows the streams not connected, at their stored replay ids, once the engine stopped', async () => {
      const stored = await service.store.getCheckpoint(`replay:${TASK_CHANNEL}`);
      await service.engine.stop();
      const stopped = await lag();
      assert.equal(stopped.leader, false);
      assert.ok(stopped.streaming.every((s) => !s.connected));
      assert.equal(stopped.streaming.find((s) => s.channel === TASK_CHANNEL)?.lastReplayId, Number(stored));
      const text = await metrics();
      assert.equal(gauge(text, 'sia_sync_stream_connected', `{channel="${TASK_CHANNEL}"}`), 0);
      assert.equal(gauge(text, 'sia_sync_leader'), 0);
    });
  });
}
