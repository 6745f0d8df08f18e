// The change stream against the emulator: a gap the replay cannot close (a stored replay id older
// than the retention, one the org no longer holds, or none at all when a delivery was lost) is
// reported only once the stream is subscribed again from the tip, so the repair sweep it starts
// cannot run before the stream follows the channel: a change committed from the moment of the
// report on arrives through the stream. A loss the stored replay id covers is replayed, no gap.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { SalesforceClient, type FayeClient } from '../salesforce/client.ts';
import { openDatabase, type OpenDatabase } from '../store/database.ts';
import { Store } from '../store/store.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  API_VERSION,
  latestReplayId,
  salesforceUser,
  startTestEmulator,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';
import {
  ChangeStream,
  checkpointName,
  parseChangeEvent,
  RETENTION_MS,
  type ChangeEventMessage,
} from './change-stream.ts';

const CHANNEL = '/data/TaskChangeEvent';
const HOUR = 3_600_000;

/** One streaming client the stream created: where it subscribed from, and whether that took. */
interface Subscription {
  replayId: number;
  state: 'pending' | 'subscribed' | 'refused';
}

/** The real client; it notes each streaming subscription the stream makes and how it went. */
class ObservedSalesforce extends SalesforceClient {
  readonly subscriptions: Subscription[] = [];
  /** Change events the streaming clients received, whether the stream took them or not. */
  received = 0;

  override createStreamingClient(channel: string, replayId: number, onAuthFailure: () => void): FayeClient {
    const client = super.createStreamingClient(channel, replayId, onAuthFailure);
    const subscribe = client.subscribe.bind(client);
    const noted: Subscription = { replayId, state: 'pending' };
    this.subscriptions.push(noted);
    // Faye calls the same method to resubscribe every channel at once after a new handshake.
    client.subscribe = ((name: string | string[], listener: (message: unknown) => void) => {
      const counted = (message: unknown): void => {
        this.received += 1;
        listener(message);
      };
      const subscription = (subscribe as (name: unknown, listener: unknown) => unknown)(
        name,
        Array.isArray(name) ? listener : counted,
      );
      if (Array.isArray(name)) return subscription;
      // Registered before the stream's own wait on the subscription, so noted before it goes on.
      (subscription as PromiseLike<void>).then(
        () => {
          noted.state = 'subscribed';
        },
        () => {
          noted.state = 'refused';
        },
      );
      return subscription;
    }) as FayeClient['subscribe'];
    return client;
  }
}

for (const factory of testDatabases) {
  describe(`change stream gaps on ${factory.name}`, () => {
    const clock = new ManualClock(new Date(), { realTimers: true });
    const logger = createLogger({ level: process.env['SIA_TEST_LOG'] ?? 'silent' });
    let emulator: Emulator;
    let database: TestDatabase;
    let open: OpenDatabase;
    let store: Store;
    let sf: Connection;
    let salesforce: ObservedSalesforce;
    let stream: ChangeStream | undefined;
    let task: string;

    before(async () => {
      emulator = await startTestEmulator(clock);
      database = factory.create();
      open = await openDatabase(database.config);
      store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
      const created = await (await salesforceUser(emulator)).sobject('Task').create({
        Subject: 'Followed',
        ActivityDate: '2026-12-01',
        Status: 'Not Started',
        Priority: 'Normal',
      });
      assert.ok(created.success);
      task = created.id;
    });

    beforeEach(async () => {
      await open.db.deleteFrom('checkpoints').execute();
      sf = await salesforceUser(emulator);
    });

    afterEach(async () => {
      await stream?.stop();
      stream = undefined;
      await admin(emulator, 'DELETE', '/streaming/faults');
    });

    after(async () => {
      await open.close();
      await emulator.close();
      await database.dispose();
    });

    /**
     * Starts a stream that checkpoints each delivery as the engine does. At a gap report it notes
     * how the stream's newest subscription stands and edits the Task at once, as a rep might while
     * the repair sweep starts; resolves with that edit's subject.
     */
    async function follow(
      options: { beforeApply?: (messages: ChangeEventMessage[]) => Promise<void>; maxBacklog?: number } = {},
    ): Promise<{
      gaps: { reason: string; subscription: Subscription | undefined }[];
      applied: ChangeEventMessage[];
      editAtGap: Promise<string>;
    }> {
      // Signed in now, after any travel in time, so the stream starts with a live session.
      sf = await salesforceUser(emulator);
      salesforce = new ObservedSalesforce({
        loginUrl: emulator.url,
        apiVersion: API_VERSION,
        auth: {
          kind: 'client_credentials',
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
        },
        logger,
        clock,
        metrics: createMetrics({ defaultMetrics: false }),
      });
      await salesforce.connect();
      const gaps: { reason: string; subscription: Subscription | undefined }[] = [];
      const applied: ChangeEventMessage[] = [];
      let edited: (subject: string) => void = () => undefined;
      const editAtGap = new Promise<string>((resolve) => {
        edited = resolve;
      });
      stream = new ChangeStream({
        channel: CHANNEL,
        salesforce,
        store,
        logger,
        now: () => clock.now(),
        onEvents: async (messages) => {
          await options.beforeApply?.(messages);
          applied.push(...messages);
          const last = messages.at(-1);
          if (last)
            await store.setCheckpoint(
              checkpointName(CHANNEL),
              String(last.event.replayId),
              clock.now().toISOString(),
            );
        },
        ...(options.maxBacklog === undefined ? {} : { maxBacklog: options.maxBacklog }),
        onGap: (reason) => {
          const newest = salesforce.subscriptions.at(-1);
          gaps.push({ reason, subscription: newest ? { ...newest } : undefined });
          if (gaps.length > 1) return;
          const subject = `Edited at the gap report: ${reason}`;
          void sf
            .sobject('Task')
            .update({ Id: task, Subject: subject })
            .then(() => {
              edited(subject);
            });
        },
      });
      await stream.start();
      return { gaps, applied, editAtGap };
    }

    /** Edits the Task in Salesforce; the replay id of its change event. */
    async function edit(subject: string): Promise<number> {
      await sf.sobject('Task').update({ Id: task, Subject: subject });
      return latestReplayId(emulator, CHANNEL);
    }

    function subjects(applied: ChangeEventMessage[]): unknown[] {
      return applied
        .map((m) => (m.payload as Record<string, unknown>)['Subject'])
        .filter((s) => s !== undefined);
    }

    async function arrives(applied: ChangeEventMessage[], subject: string): Promise<void> {
      await waitFor(`"${subject}" through the stream`, () =>
        Promise.resolve(subjects(applied).includes(subject)),
      );
    }

    it('reports a stored replay id older than the retention once resubscribed from the tip', async () => {
      const replayId = await edit('Applied before the service stopped');
      await store.setCheckpoint(checkpointName(CHANNEL), String(replayId), clock.now().toISOString());
      clock.set(new Date(clock.now().getTime() + RETENTION_MS + HOUR));

      const { gaps, applied, editAtGap } = await follow();

      assert.deepEqual(gaps, [
        {
          reason: 'stored replay id is older than the 72-hour retention',
          subscription: { replayId: -1, state: 'subscribed' },
        },
      ]);
      await arrives(applied, await editAtGap);
    });

    it('reports a replay id the org no longer holds once resubscribed from the tip', async () => {
      // Stored recently as far as the service knows, but the org has purged the event since.
      const replayId = await edit('Applied, then purged by the org');
      clock.set(new Date(clock.now().getTime() + RETENTION_MS + HOUR));
      await store.setCheckpoint(checkpointName(CHANNEL), String(replayId), clock.now().toISOString());

      const { gaps, applied, editAtGap } = await follow();

      assert.deepEqual(
        salesforce.subscriptions.map((s) => s.replayId),
        [replayId, -1],
      );
      assert.equal(salesforce.subscriptions[0]?.state, 'refused');
      assert.deepEqual(gaps, [
        { reason: 'replay id rejected', subscription: { replayId: -1, state: 'subscribed' } },
      ]);
      await arrives(applied, await editAtGap);
    });

    it('reports a lost first delivery once resubscribed, as there is no replay id to resume from', async () => {
      const { gaps, applied, editAtGap } = await follow();
      assert.deepEqual(gaps, [], 'a first start from the tip misses nothing');

      assert.deepEqual(await admin(emulator, 'POST', '/streaming/discard-deliveries', { count: 1 }), {
        armed: 1,
      });
      await edit('Lost in transit');
      await waitFor('a gap report', () => Promise.resolve(gaps.length > 0));
      const subject = await editAtGap;

      assert.deepEqual(gaps, [
        {
          reason: 'no stored replay id to resume from',
          subscription: { replayId: -1, state: 'subscribed' },
        },
      ]);
      assert.equal(salesforce.subscriptions.length, 2, 'the stream subscribed again');
      await arrives(applied, subject);
      assert.ok(!subjects(applied).includes('Lost in transit'), 'the lost delivery is not replayed');
    });

    it('replays a lost delivery from the stored replay id and reports no gap', async () => {
      const replayId = await edit('Applied before the loss');
      await store.setCheckpoint(checkpointName(CHANNEL), String(replayId), clock.now().toISOString());
      const { gaps, applied } = await follow();

      assert.deepEqual(await admin(emulator, 'POST', '/streaming/discard-deliveries', { count: 1 }), {
        armed: 1,
      });
      await edit('Replayed after the loss');
      await arrives(applied, 'Replayed after the loss');

      assert.equal(salesforce.subscriptions.length, 2, 'the stream subscribed again');
      assert.deepEqual(
        salesforce.subscriptions.map((s) => s.replayId),
        [replayId, replayId],
      );
      assert.deepEqual(gaps, []);
    });

    it('applies together the deliveries that arrived while one was being applied, in order', async () => {
      const handed: ChangeEventMessage[][] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const { applied } = await follow({
        beforeApply: async (messages) => {
          handed.push(messages);
          if (handed.length === 1) await held;
        },
      });
      await edit('First');
      await waitFor('the first delivery handed over', () => Promise.resolve(handed.length === 1));
      // Each edit is a delivery of its own; both wait while the first is held.
      await edit('Second');
      await waitFor('the second delivery received', () =>
        Promise.resolve(stream?.status().pendingEvents === 2),
      );
      await edit('Third');
      await waitFor('the third delivery received', () =>
        Promise.resolve(stream?.status().pendingEvents === 3),
      );
      release();
      await arrives(applied, 'Third');

      assert.deepEqual(
        handed.map((messages) => subjects(messages)),
        [['First'], ['Second', 'Third']],
      );
      assert.equal(stream?.status().pendingEvents, 0);
      const checkpoint = await store.getCheckpoint(checkpointName(CHANNEL));
      assert.equal(checkpoint, String(handed[1]?.at(-1)?.event.replayId));
    });

    it('takes the rest of a big reply that crossed the backlog bound, and applies each event once', async () => {
      const from = await edit('Before the backlog');
      await store.setCheckpoint(checkpointName(CHANNEL), String(from), clock.now().toISOString());
      // 1,200 change events retained after the checkpoint: resubscribing replays them in one reply
      // big enough to be handed over in slices.
      const ids: string[] = [];
      for (const result of await sf
        .sobject('Task')
        .create(
          Array.from({ length: 200 }, (_, i) => ({ Subject: `Backlog ${String(i)}`, Status: 'Not Started' })),
        )) {
        assert.ok(result.success);
        ids.push(result.id);
      }
      for (let round = 0; round < 5; round += 1)
        await sf.sobject('Task').update(ids.map((Id) => ({ Id, Description: `Round ${String(round)}` })));
      const tip = await latestReplayId(emulator, CHANNEL);
      const events = tip - from;
      assert.ok(events >= 1_200);

      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let handed = 0;
      const { applied } = await follow({
        maxBacklog: 100,
        beforeApply: async () => {
          handed += 1;
          if (handed === 1) await held;
        },
      });
      try {
        // The first slice crosses the bound while the first apply is held: the stream pauses once it
        // has taken the rest of the reply.
        await waitFor('the whole reply taken', () =>
          Promise.resolve(stream?.status().pendingEvents === events),
        );
      } finally {
        release();
      }
      await waitFor('every event applied', () => Promise.resolve(applied.at(-1)?.event.replayId === tip));
      const replayIds = applied.map((m) => m.event.replayId);
      assert.equal(replayIds.length, events, 'each event applied once');
      assert.deepEqual(
        replayIds,
        [...replayIds].sort((a, b) => a - b),
      );
      assert.equal(salesforce.received, events, 'and received once: nothing sent again');
      assert.deepEqual(
        salesforce.subscriptions.map((s) => s.replayId),
        [from, tip],
        'paused, then subscribed again after the last event taken',
      );
    });
  });
}

describe('a change event read from a CometD message', () => {
  const header = {
    entityName: 'Task',
    recordIds: ['00T000000000001AAA'],
    changeType: 'UPDATE',
    commitTimestamp: 1_796_000_000_000,
    changedFields: ['Status'],
  };

  it('validates the header, fills its defaults and keeps the record fields as received', () => {
    const fields = { Status: 'Completed', Description: { nested: true } };
    const message = { event: { replayId: 7 }, payload: { ChangeEventHeader: header, ...fields } };
    const parsed = parseChangeEvent(message);
    assert.ok(parsed);
    assert.equal(parsed.event.replayId, 7);
    assert.deepEqual(parsed.payload.ChangeEventHeader, {
      ...header,
      changeOrigin: '',
      nulledFields: [],
    });
    assert.equal(parsed.payload['Description'], fields.Description, 'not copied');
  });

  it('is undefined for what is not a change event', () => {
    for (const message of [
      null,
      'text',
      { payload: { ChangeEventHeader: header } },
      { event: { replayId: '7' }, payload: { ChangeEventHeader: header } },
      { event: { replayId: 7 }, payload: null },
      { event: { replayId: 7 }, payload: { ChangeEventHeader: { ...header, recordIds: 'x' } } },
      { event: { replayId: 7 }, payload: { Status: 'Completed' } },
    ])
      assert.equal(parseChangeEvent(message), undefined, JSON.stringify(message));
  });
});
