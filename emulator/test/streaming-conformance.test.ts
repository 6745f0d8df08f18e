// Conformance through jsforce's unmodified streaming client against the whole emulator: change
// events for REST writes on /data/TaskChangeEvent, replay after reconnecting, platform events
// published over REST, and a token that expires while subscribed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from 'jsforce';
// The documented `jsforce/api/streaming` is a directory alias ES modules cannot import.
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { RunningEmulator } from '../src/index.ts';
import {
  delay,
  Inbox,
  settledWithin,
  within,
  type DeliveredEvent,
  type StreamingClient,
} from './streaming-harness.ts';
import { API_VERSION, connect, TestClock, withEmulator } from './helpers.ts';

const TASK_CHANGES = '/data/TaskChangeEvent';
const NOTICES = '/event/SIA_Sync_Notice__e';

interface Header {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  changedFields: string[];
}

function headerOf(event: DeliveredEvent): Header {
  return event.payload.ChangeEventHeader as Header;
}

function present<T>(value: T | undefined): T {
  assert.ok(value !== undefined);
  return value;
}

async function createTask(conn: Connection, fields: Record<string, unknown>): Promise<string> {
  const result = await conn.sobject('Task').create(fields);
  assert.equal(result.success, true);
  return result.id;
}

function streamingClient(
  conn: Connection,
  channel: string,
  replayFrom: number,
  onAuthFailure: (message: unknown) => void = () => undefined,
): StreamingClient {
  return conn.streaming.createClient([
    new StreamingExtension.Replay(channel, replayFrom),
    new StreamingExtension.AuthFailure(onAuthFailure),
  ]) as unknown as StreamingClient;
}

async function userId(conn: Connection): Promise<string> {
  return (await conn.identity()).user_id;
}

/** Runs a test body with streaming clients that are always disconnected before the emulator closes. */
async function withStreaming(
  options: Parameters<typeof withEmulator>[0],
  run: (emulator: RunningEmulator, open: (client: StreamingClient) => StreamingClient) => Promise<void>,
): Promise<void> {
  // Faye abandons any request after 1.2 × the advised connect hold; a long hold keeps a slow
  // machine from turning that into retries (disconnecting ends the hold anyway).
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

describe('streaming through jsforce against the emulator', () => {
  it('delivers change events for a REST create and update, with the Sforce-Call-Options client in changeOrigin', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator, 'SiaSync');
      const inbox = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, inbox.push);

      const taskId = await createTask(conn, { Subject: 'Call Ada', Priority: 'High' });
      await conn.sobject('Task').update({ Id: taskId, Status: 'Completed' });
      const events = await inbox.waitFor(2);
      const create = present(events[0]);
      const update = present(events[1]);

      const createHeader = headerOf(create);
      assert.equal(createHeader.entityName, 'Task');
      assert.equal(createHeader.changeType, 'CREATE');
      assert.deepEqual(createHeader.recordIds, [taskId]);
      assert.equal(createHeader.changeOrigin, `com/salesforce/api/rest/${API_VERSION};client=SiaSync`);
      assert.equal(createHeader.commitUser, await userId(conn));
      assert.equal(createHeader.sequenceNumber, 1);
      assert.deepEqual(createHeader.changedFields, []);
      assert.equal(create.payload.Subject, 'Call Ada');
      assert.equal(create.payload.Status, 'Not Started', 'defaulted fields are part of the new record');
      assert.equal(create.payload.Id, undefined, 'the record id travels in recordIds');

      const updateHeader = headerOf(update);
      assert.equal(updateHeader.changeType, 'UPDATE');
      assert.deepEqual(updateHeader.recordIds, [taskId]);
      assert.notEqual(updateHeader.transactionKey, createHeader.transactionKey);
      assert.ok(updateHeader.changedFields.includes('Status'));
      assert.ok(updateHeader.changedFields.includes('LastModifiedDate'));
      assert.equal(update.payload.Status, 'Completed');
      const bodyFields = Object.keys(update.payload).filter((name) => name !== 'ChangeEventHeader');
      assert.deepEqual(
        bodyFields.filter((name) => !updateHeader.changedFields.includes(name)),
        [],
        'an update carries only changed fields',
      );
      assert.equal(update.payload.Subject, undefined);
      assert.ok(update.event.replayId > create.event.replayId);
    });
  });

  it('leaves changeOrigin without a client when the request names none', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const inbox = new Inbox();
      await open(streamingClient(conn, TASK_CHANGES, -1)).subscribe(TASK_CHANGES, inbox.push);
      await createTask(conn, { Subject: 'No client' });
      const event = present((await inbox.waitFor(1))[0]);
      assert.equal(headerOf(event).changeOrigin, `com/salesforce/api/rest/${API_VERSION}`);
    });
  });

  it('replays from a stored replay id after reconnecting: nothing lost, nothing twice', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator, 'SiaSync');
      const first = new Inbox();
      const firstClient = open(streamingClient(conn, TASK_CHANGES, -1));
      await firstClient.subscribe(TASK_CHANGES, first.push);
      const a = await createTask(conn, { Subject: 'Task A' });
      const storedReplayId = present((await first.waitFor(1))[0]).event.replayId;
      await settledWithin(firstClient.disconnect(), 1_000);

      // Written while the subscriber is away.
      const b = await createTask(conn, { Subject: 'Task B' });
      await conn.sobject('Task').update({ Id: a, Subject: 'Task A, renamed' });

      const resumed = new Inbox();
      const again = await connect(emulator, 'SiaSync');
      await open(streamingClient(again, TASK_CHANGES, storedReplayId)).subscribe(TASK_CHANGES, resumed.push);
      await again.sobject('Task').update({ Id: b, Status: 'Completed' });
      await resumed.waitFor(3);
      await delay(100);

      assert.deepEqual(
        resumed.events.map((event) => {
          const header = headerOf(event);
          return [header.changeType, header.recordIds[0]];
        }),
        [
          ['CREATE', b],
          ['UPDATE', a],
          ['UPDATE', b],
        ],
      );
      const replayIds = resumed.events.map((event) => event.event.replayId);
      assert.ok(replayIds.every((id, index) => id > (replayIds[index - 1] ?? storedReplayId)));
    });
  });

  it('replays every retained change on /data/ChangeEvents with -2', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const taskId = await createTask(conn, { Subject: 'Before anyone listened' });
      await conn.sobject('Task').destroy(taskId);
      const inbox = new Inbox();
      await open(streamingClient(conn, '/data/ChangeEvents', -2)).subscribe('/data/ChangeEvents', inbox.push);
      const events = await inbox.waitFor(2);
      assert.deepEqual(
        events.map((event) => headerOf(event).changeType),
        ['CREATE', 'DELETE'],
      );
      assert.deepEqual(
        Object.keys(present(events[1]).payload),
        ['ChangeEventHeader'],
        'a delete carries no fields',
      );
    });
  });

  it('delivers a platform event published over REST with the EventUuid the publish call returned', async () => {
    await withStreaming({}, async (emulator, open) => {
      const conn = await connect(emulator);
      const inbox = new Inbox();
      await open(streamingClient(conn, NOTICES, -1)).subscribe(NOTICES, inbox.push);
      const result = await conn.requestPost<{ errors: { statusCode: string; message: string }[] }>(
        `/services/data/v${API_VERSION}/sobjects/SIA_Sync_Notice__e`,
        { Kind__c: 'sync-error' },
      );
      const enqueued = present(result.errors[0]);
      assert.equal(enqueued.statusCode, 'OPERATION_ENQUEUED');
      const event = present((await inbox.waitFor(1))[0]);
      assert.equal(event.event.EventUuid, enqueued.message);
      assert.equal(event.payload.Kind__c, 'sync-error');
    });
  });

  it('calls the AuthFailure extension once the access token has expired', async () => {
    const clock = new TestClock();
    await withStreaming({ clock, tokenTtlSeconds: 60 }, async (emulator, open) => {
      const conn = await connect(emulator);
      let authFailed: (message: unknown) => void = () => undefined;
      const failure = new Promise<unknown>((resolve) => {
        authFailed = resolve;
      });
      await open(
        streamingClient(conn, TASK_CHANGES, -1, (message) => {
          authFailed(message);
        }),
      ).subscribe(TASK_CHANGES, () => undefined);
      clock.advance(61_000);
      // A write (its REST client refreshes the token) ends the held connect, which re-checks the token.
      await createTask(conn, { Subject: 'After expiry' });
      const message = (await within(failure, 3_000, 'AuthFailure')) as Record<string, unknown>;
      assert.equal(message.error, '401::Authentication invalid');
      assert.deepEqual(message.advice, { reconnect: 'none', interval: 0 });
    });
  });
});
