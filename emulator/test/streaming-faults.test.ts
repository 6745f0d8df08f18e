// Streaming faults and durability through jsforce's unmodified streaming client and the admin API:
// CDC gap and overflow events, delayed and dropped live delivery, dropped CometD clients, one
// replay id per change event on both channels, retained events across a --data restart, and the
// Sforce-Call-Options client in the request log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Connection } from 'jsforce';
// The documented `jsforce/api/streaming` is a directory alias ES modules cannot import.
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { RunningEmulator } from '../src/index.ts';
import {
  delay,
  Inbox,
  settledWithin,
  type DeliveredEvent,
  type StreamingClient,
} from './streaming-harness.ts';
import { admin, connect, withEmulator } from './helpers.ts';

const TASK_CHANGES = '/data/TaskChangeEvent';
const ALL_CHANGES = '/data/ChangeEvents';

interface Header {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitUser: string;
  changedFields: string[];
}

function headerOf(event: DeliveredEvent | undefined): Header {
  assert.ok(event !== undefined);
  return event.payload.ChangeEventHeader as Header;
}

function streamingClient(conn: Connection, channel: string, replayFrom: number): StreamingClient {
  return conn.streaming.createClient([
    new StreamingExtension.Replay(channel, replayFrom),
  ]) as unknown as StreamingClient;
}

async function createTask(conn: Connection, subject: string): Promise<string> {
  const result = await conn.sobject('Task').create({ Subject: subject });
  assert.equal(result.success, true);
  return result.id;
}

async function withStreaming(
  options: Parameters<typeof withEmulator>[0],
  run: (emulator: RunningEmulator, open: (client: StreamingClient) => StreamingClient) => Promise<void>,
): Promise<void> {
  await withEmulator({ connectHoldMs: 10_000, ...options }, async (emulator) => {
    const clients: StreamingClient[] = [];
    try {
      await run(emulator, (client) => {
        clients.push(client);
        return client;
      });
    } finally {
      await Promise.all(clients.map((client) => settledWithin(client.disconnect(), 1_000)));
    }
  });
}

describe('streaming faults through the admin API and jsforce', () => {
  it('delivers gap events (header only) and an overflow event to a jsforce subscriber on both channels', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const taskChanges = new Inbox();
      const allChanges = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, taskChanges.push);
      await open(streamingClient(conn, ALL_CHANGES, -1)).subscribe(ALL_CHANGES, allChanges.push);
      const a = await createTask(conn, 'Archived A');
      const b = await createTask(conn, 'Archived B');
      await taskChanges.waitFor(2);

      const kinds = ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE'];
      for (const changeType of kinds) {
        const published = await admin(emulator, 'POST', 'streaming/gap-events', {
          entityName: 'Task',
          changeType,
          recordIds: [a, b],
        });
        assert.equal(published.status, 201, JSON.stringify(published.body));
      }
      const overflow = await admin(emulator, 'POST', 'streaming/gap-events', {
        entityName: 'Task',
        changeType: 'GAP_OVERFLOW',
      });
      assert.equal(overflow.status, 201);

      const gaps = (await taskChanges.waitFor(7)).slice(2);
      assert.deepEqual(
        gaps.map((event) => headerOf(event).changeType),
        [...kinds, 'GAP_OVERFLOW'],
      );
      for (const event of gaps.slice(0, 4)) {
        const header = headerOf(event);
        assert.equal(header.entityName, 'Task');
        assert.deepEqual(header.recordIds, [a, b]);
        assert.equal(header.changeOrigin, '');
        assert.equal(header.sequenceNumber, 1);
        assert.deepEqual(header.changedFields, []);
        assert.match(header.commitUser, /^005\w{15}$/);
        assert.deepEqual(
          Object.keys(event.payload),
          ['ChangeEventHeader'],
          'a gap event carries no field values',
        );
      }
      const overflowHeader = headerOf(gaps[4]);
      assert.equal(overflowHeader.entityName, 'Task');
      assert.deepEqual(overflowHeader.recordIds, ['000000000000000AAA'], 'only the empty record id');
      assert.deepEqual(Object.keys(gaps[4]?.payload ?? {}), ['ChangeEventHeader']);

      // The same events, under the same replay ids, on /data/ChangeEvents.
      const all = await allChanges.waitFor(7);
      assert.deepEqual(
        all.map((event) => event.event.replayId),
        taskChanges.events.map((event) => event.event.replayId),
      );
    });
  });

  it('refuses gap events for an entity not selected for CDC or without record ids, and needs the secret', async () => {
    await withEmulator({}, async (emulator) => {
      const notSelected = await admin(emulator, 'POST', 'streaming/gap-events', {
        entityName: 'Opportunity',
        changeType: 'GAP_UPDATE',
        recordIds: ['006000000000001AAA'],
      });
      assert.equal(notSelected.status, 400);
      const noIds = await admin(emulator, 'POST', 'streaming/gap-events', {
        entityName: 'Task',
        changeType: 'GAP_UPDATE',
      });
      assert.equal(noIds.status, 400);
      const badType = await admin(emulator, 'POST', 'streaming/gap-events', {
        entityName: 'Task',
        changeType: 'UPDATE',
        recordIds: ['00T000000000001AAA'],
      });
      assert.equal(badType.status, 400);
      const unguarded = await fetch(`${emulator.url}/__emulator/streaming/drop-clients`, { method: 'POST' });
      assert.equal(unguarded.status, 401);
      const unknownChannel = await admin(emulator, 'POST', 'streaming/drop', {
        channel: '/data/Nope',
        count: 1,
      });
      assert.equal(unknownChannel.status, 400);
    });
  });

  it('holds delivery on a channel for the given time, keeping the events in order', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const inbox = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, inbox.push);
      const set = await admin(emulator, 'POST', 'streaming/delay', { channel: TASK_CHANGES, delayMs: 600 });
      assert.equal(set.status, 201);
      assert.deepEqual((await admin(emulator, 'GET', 'streaming/faults')).body, {
        faults: [{ channel: TASK_CHANGES, action: 'delay', delayMs: 600 }],
      });

      const started = Date.now();
      const ids = [
        await createTask(conn, 'One'),
        await createTask(conn, 'Two'),
        await createTask(conn, 'Three'),
      ];
      const retained = (await admin(emulator, 'GET', 'events')).body as { events: { channel: string }[] };
      assert.equal(
        retained.events.filter((event) => event.channel === TASK_CHANGES).length,
        3,
        'retained at once, only the delivery waits',
      );
      await delay(300);
      assert.equal(inbox.events.length, 0, 'nothing delivered while held');
      const events = await inbox.waitFor(3, 5_000);
      assert.ok(Date.now() - started >= 600);
      assert.deepEqual(
        events.map((event) => headerOf(event).recordIds[0]),
        ids,
      );
      const replayIds = events.map((event) => event.event.replayId);
      assert.deepEqual(
        replayIds,
        [...replayIds].sort((x, y) => x - y),
      );

      // Lifted: delivery is immediate again.
      assert.equal((await admin(emulator, 'DELETE', 'streaming/faults')).status, 204);
      const quick = Date.now();
      await createTask(conn, 'Four');
      await inbox.waitFor(4);
      assert.ok(Date.now() - quick < 500);
    });
  });

  it('drops the next N events live; they stay replayable by id', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const live = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, live.push);
      await createTask(conn, 'Before');
      const before = (await live.waitFor(1))[0]?.event.replayId ?? -1;

      const set = await admin(emulator, 'POST', 'streaming/drop', { channel: TASK_CHANGES, count: 2 });
      assert.equal(set.status, 201);
      const lost = [await createTask(conn, 'Lost 1'), await createTask(conn, 'Lost 2')];
      const after = await createTask(conn, 'After');
      await live.waitFor(2);
      await delay(200);
      assert.deepEqual(
        live.events.map((event) => headerOf(event).recordIds[0]).slice(1),
        [after],
        'the dropped events never reached the live subscriber',
      );
      assert.deepEqual((await admin(emulator, 'GET', 'streaming/faults')).body, { faults: [] });

      const replayed = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, before)).subscribe(TASK_CHANGES, replayed.push);
      const again = await replayed.waitFor(3);
      assert.deepEqual(
        again.map((event) => headerOf(event).recordIds[0]),
        [...lost, after],
      );
    });
  });

  it('loses the next delivery in transit (dequeued, connection reset); a replay from an earlier id gets it', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const live = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, live.push);
      await createTask(conn, 'Before');
      const before = (await live.waitFor(1))[0]?.event.replayId ?? -1;

      const armed = await admin(emulator, 'POST', 'streaming/discard-deliveries', { count: 1 });
      assert.deepEqual([armed.status, armed.body], [201, { armed: 1 }]);
      const lost = await createTask(conn, 'Lost in transit');
      const after = await createTask(conn, 'After');
      // Faye retries the failed connect on its own and gets what came after: the lost event is gone.
      await live.waitFor(2, 15_000);
      await delay(200);
      assert.deepEqual(
        live.events.map((event) => headerOf(event).recordIds[0]).slice(1),
        [after],
        'the lost delivery never reached the client',
      );

      const replayed = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, before)).subscribe(TASK_CHANGES, replayed.push);
      const again = await replayed.waitFor(2);
      assert.deepEqual(
        again.map((event) => headerOf(event).recordIds[0]),
        [lost, after],
      );
      const refused = await admin(emulator, 'POST', 'streaming/discard-deliveries', { count: -1 });
      assert.equal(refused.status, 400);
    });
  });

  it('drops CometD clients; jsforce handshakes again and resumes without loss', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const inbox = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, inbox.push);
      const first = await createTask(conn, 'First');
      await inbox.waitFor(1);

      const dropped = await admin(emulator, 'POST', 'streaming/drop-clients');
      assert.deepEqual(dropped.body, { dropped: 1 });
      const written = [await createTask(conn, 'Second'), await createTask(conn, 'Third')];
      await inbox.waitFor(3, 10_000);
      await delay(200);
      assert.deepEqual(
        inbox.events.map((event) => headerOf(event).recordIds[0]),
        [first, ...written],
        'nothing lost, nothing twice',
      );
      const requests = (await admin(emulator, 'GET', 'requests')).body as { requests: { path: string }[] };
      assert.ok(
        requests.requests.filter((r) => r.path.endsWith('/handshake') || r.path.match(/^\/cometd\/[\d.]+$/))
          .length > 1,
      );
    });
  });
});

describe('change events share one replay id across channels', () => {
  it('gives a REST change the same replay id on /data/TaskChangeEvent and /data/ChangeEvents', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const single = new Inbox();
      const all = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, single.push);
      await open(streamingClient(conn, ALL_CHANGES, -1)).subscribe(ALL_CHANGES, all.push);
      const id = await createTask(conn, 'Shared');
      await conn.sobject('Task').update({ Id: id, Status: 'Completed' });
      const [singleEvents, allEvents] = await Promise.all([single.waitFor(2), all.waitFor(2)]);
      assert.deepEqual(
        singleEvents.map((event) => event.event.replayId),
        allEvents.map((event) => event.event.replayId),
      );
      assert.deepEqual(singleEvents[0]?.payload, allEvents[0]?.payload);
    });
  });
});

describe('retained events across a --data restart', () => {
  it('accepts a replay id stored before the restart and delivers only what came after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-emulator-events-'));
    const dataFile = join(dir, 'org.json');
    try {
      let stored = -1;
      let firstId = '';
      let secondId = '';
      await withStreaming({ dataFile }, async (emulator, open) => {
        const conn = await connect(emulator);
        const inbox = new Inbox();
        await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, inbox.push);
        firstId = await createTask(conn, 'Seen before the restart');
        stored = (await inbox.waitFor(1))[0]?.event.replayId ?? -1;
      });
      await withStreaming({ dataFile }, async (emulator) => {
        // Written while no subscriber listened, just before the emulator stopped.
        const conn = await connect(emulator);
        secondId = await createTask(conn, 'Written before the restart');
      });
      await withStreaming({ dataFile }, async (emulator, open) => {
        const conn = await connect(emulator);
        const resumed = new Inbox();
        await open(streamingClient(conn, TASK_CHANGES, stored)).subscribe(TASK_CHANGES, resumed.push);
        const thirdId = await createTask(conn, 'After the restart');
        await resumed.waitFor(2);
        await delay(200);
        assert.deepEqual(
          resumed.events.map((event) => headerOf(event).recordIds[0]),
          [secondId, thirdId],
        );
        assert.ok((resumed.events[1]?.event.replayId ?? 0) > (resumed.events[0]?.event.replayId ?? 0));
        const everything = new Inbox();
        await open(streamingClient(conn, ALL_CHANGES, -2)).subscribe(ALL_CHANGES, everything.push);
        await everything.waitFor(3);
        assert.equal(headerOf(everything.events[0]).recordIds[0], firstId);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('request log', () => {
  it('records the Sforce-Call-Options client of each request', async () => {
    await withEmulator({}, async (emulator) => {
      const service = await connect(emulator, 'SIASync');
      const rep = await connect(emulator);
      await service.query('SELECT Id FROM Task');
      await rep.query('SELECT Id FROM Task');
      const log = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { method: string; path: string; status: number; counted: boolean; client: string | null }[];
      };
      const queries = log.requests.filter((r) => r.path.endsWith('/query'));
      assert.deepEqual(
        queries.map((r) => [r.method, r.status, r.counted, r.client]),
        [
          ['GET', 200, true, 'SIASync'],
          ['GET', 200, true, null],
        ],
      );
    });
  });
});
