// The CometD endpoint driven by jsforce's unmodified streaming client.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildChangeEventPayload } from './change-event.ts';
import { DEFAULT_RETENTION_MS } from './event-bus.ts';
import { Inbox, startStreamingServer, within, type StreamingServer } from '../../test/streaming-harness.ts';

const NOTICE = '/event/SIA_Sync_Notice__e';
const TASK_CHANGES = '/data/TaskChangeEvent';

describe('CometD endpoint with the jsforce streaming client', () => {
  let server: StreamingServer;

  beforeEach(async () => {
    server = await startStreamingServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('delivers a platform event published after the subscription, with its replay id and EventUuid', async () => {
    const inbox = new Inbox();
    await server.client({ channel: NOTICE, replayFrom: -1 }).subscribe(NOTICE, inbox.push);
    const published = server.bus.publish(NOTICE, {
      CreatedDate: '2026-11-28T09:00:00.000Z',
      Kind__c: 'sync',
    });

    const event = (await inbox.waitFor(1)).at(0);
    assert.ok(event);
    assert.deepEqual(event.payload, { CreatedDate: '2026-11-28T09:00:00.000Z', Kind__c: 'sync' });
    assert.equal(event.event.replayId, published.replayId);
    assert.equal(event.event.EventUuid, published.eventUuid);
    assert.match(event.schema ?? '', /^[\w-]{22}$/);
  });

  it('delivers a change event in the shape buildChangeEventPayload makes', async () => {
    const inbox = new Inbox();
    await server.client({ channel: TASK_CHANGES, replayFrom: -1 }).subscribe(TASK_CHANGES, inbox.push);
    const payload = buildChangeEventPayload({
      entityName: 'Task',
      changeType: 'UPDATE',
      recordIds: ['00T000000000001AAA'],
      values: { Status: 'Completed', LastModifiedDate: '2026-11-28T09:00:00.000Z', Subject: 'unchanged' },
      changedFields: ['Status', 'LastModifiedDate'],
      nulledFields: ['Description'],
      commitUser: '005000000000001AAA',
      commitTimestamp: Date.parse('2026-11-28T09:00:00Z'),
      changeOrigin: 'com/salesforce/api/rest/66.0;client=SiaSync',
      transactionKey: '0001a2b3-0000-0000-0000-000000000001',
      sequenceNumber: 1,
    });
    server.bus.publish(TASK_CHANGES, payload);

    const event = (await inbox.waitFor(1)).at(0);
    assert.ok(event);
    assert.deepEqual(event.payload, payload);
    assert.equal(event.event.EventUuid, undefined);
    const header = event.payload.ChangeEventHeader as Record<string, unknown>;
    assert.equal(header.changeOrigin, 'com/salesforce/api/rest/66.0;client=SiaSync');
    assert.deepEqual(Object.keys(event.payload).sort(), [
      'ChangeEventHeader',
      'Description',
      'LastModifiedDate',
      'Status',
    ]);
  });

  it('replays from a stored id after reconnecting: nothing lost, nothing twice', async () => {
    const first = new Inbox();
    const firstClient = server.client({ channel: NOTICE, replayFrom: -1 });
    await firstClient.subscribe(NOTICE, first.push);
    server.bus.publish(NOTICE, { Seq__c: 1 });
    server.bus.publish(NOTICE, { Seq__c: 2 });
    const seen = await first.waitFor(2);
    const storedReplayId = seen.at(-1)?.event.replayId ?? -1;
    firstClient.disconnect();

    // Published while nobody listens.
    server.bus.publish(NOTICE, { Seq__c: 3 });
    server.bus.publish(NOTICE, { Seq__c: 4 });

    const second = new Inbox();
    await server.client({ channel: NOTICE, replayFrom: storedReplayId }).subscribe(NOTICE, second.push);
    server.bus.publish(NOTICE, { Seq__c: 5 });
    await second.waitFor(3);
    // Delivery is in order: anything sent twice would come before this last event.
    server.bus.publish(NOTICE, { Seq__c: 6 });
    await second.waitFor(4);
    assert.deepEqual(
      second.events.map((event) => event.payload.Seq__c),
      [3, 4, 5, 6],
    );
  });

  it('resumes after the server forgets the client: Faye handshakes again and Replay picks up after the last event', async () => {
    const inbox = new Inbox();
    await server.client({ channel: NOTICE, replayFrom: -1 }).subscribe(NOTICE, inbox.push);
    server.bus.publish(NOTICE, { Seq__c: 1 });
    await inbox.waitFor(1);

    assert.equal(server.handler.dropClients(), 1);
    server.bus.publish(NOTICE, { Seq__c: 2 });
    server.bus.publish(NOTICE, { Seq__c: 3 });
    await inbox.waitFor(3);
    server.bus.publish(NOTICE, { Seq__c: 4 });
    await inbox.waitFor(4);
    // Delivery is in order: anything sent twice would come before this last event.
    server.bus.publish(NOTICE, { Seq__c: 5 });
    await inbox.waitFor(5);
    assert.deepEqual(
      inbox.events.map((event) => event.payload.Seq__c),
      [1, 2, 3, 4, 5],
    );
  });

  it('replays every retained event with -2 and only new ones with -1', async () => {
    server.bus.publish(NOTICE, { Seq__c: 1 });
    server.bus.publish('/data/ChangeEvents', { other: true });
    server.bus.publish(NOTICE, { Seq__c: 2 });

    const all = new Inbox();
    const fresh = new Inbox();
    await server.client({ channel: NOTICE, replayFrom: -2 }).subscribe(NOTICE, all.push);
    await server.client({ channel: NOTICE, replayFrom: -1 }).subscribe(NOTICE, fresh.push);
    server.bus.publish(NOTICE, { Seq__c: 3 });

    await all.waitFor(3);
    await fresh.waitFor(1);
    // Delivery is in order: anything more would come before this last event.
    server.bus.publish(NOTICE, { Seq__c: 4 });
    await all.waitFor(4);
    await fresh.waitFor(2);
    assert.deepEqual(
      all.events.map((event) => event.payload.Seq__c),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      fresh.events.map((event) => event.payload.Seq__c),
      [3, 4],
    );
  });

  it('drops events after 72 hours: -2 no longer sees them and their replay id is refused', async () => {
    const expired = server.bus.publish(NOTICE, { Seq__c: 1 });
    server.clock.advance(DEFAULT_RETENTION_MS - 1_000);
    server.bus.publish(NOTICE, { Seq__c: 2 });
    server.clock.advance(2_000);

    const all = new Inbox();
    await server.client({ channel: NOTICE, replayFrom: -2 }).subscribe(NOTICE, all.push);
    await all.waitFor(1);
    // Delivery is in order: an expired event delivered late would come before this one.
    server.bus.publish(NOTICE, { Seq__c: 3 });
    await all.waitFor(2);
    assert.deepEqual(
      all.events.map((event) => event.payload.Seq__c),
      [2, 3],
    );

    const refused = server.client({ channel: NOTICE, replayFrom: expired.replayId }).subscribe(NOTICE, () => {
      assert.fail('a refused subscription delivers nothing');
    });
    await assert.rejects(Promise.resolve(refused), (error: { message?: string }) => {
      // Faye's error grammar has no braces or commas, so the whole Bayeux error string arrives as the message.
      assert.equal(
        error.message,
        `400::The replayId {${expired.replayId}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
      );
      return true;
    });
  });

  it('tells the AuthFailure extension when the token expires while connected', async () => {
    const failures: Record<string, unknown>[] = [];
    let authFailed: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => {
      authFailed = resolve;
    });
    const inbox = new Inbox();
    const client = server.client({
      channel: NOTICE,
      replayFrom: -1,
      onAuthFailure: (message) => {
        failures.push(message as Record<string, unknown>);
        authFailed();
      },
    });
    await client.subscribe(NOTICE, inbox.push);
    server.tokens.delete('token-1');
    // The event ends the held connect; the token is checked again before anything is delivered.
    server.bus.publish(NOTICE, { Seq__c: 1 });

    await within(failed, 3_000, 'AuthFailure');
    const failure = failures.at(0);
    assert.ok(failure);
    assert.equal(failure.channel, '/meta/connect');
    assert.equal(failure.error, '401::Authentication invalid');
    assert.deepEqual(failure.advice, { reconnect: 'none', interval: 0 });
    assert.equal(inbox.events.length, 0);
  });

  it('denies the handshake of an unknown token with the reason AuthFailure reads', async () => {
    let denial: Record<string, unknown> | undefined;
    let authFailed: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => {
      authFailed = resolve;
    });
    const client = server.client({
      channel: NOTICE,
      token: 'not-a-token',
      onAuthFailure: (message) => {
        denial = message as Record<string, unknown>;
        authFailed();
      },
    });
    void client.subscribe(NOTICE, () => undefined);

    await within(failed, 3_000, 'AuthFailure');
    assert.ok(denial);
    assert.equal(denial.channel, '/meta/handshake');
    assert.equal(denial.error, '403::Handshake denied');
    assert.deepEqual(denial.ext, { sfdc: { failureReason: '401::Authentication invalid' } });
  });

  it('refuses a channel the org does not have', async () => {
    const refused = server
      .client({ channel: '/event/Nope__e', replayFrom: -1 })
      .subscribe('/event/Nope__e', () => {
        assert.fail('a refused subscription delivers nothing');
      });
    await assert.rejects(Promise.resolve(refused), (error: { message?: string }) => {
      assert.equal(
        error.message,
        '400::The channel you requested to subscribe to does not exist {/event/Nope__e}',
      );
      return true;
    });
  });

  it('stops delivering after the subscription is cancelled', async () => {
    const inbox = new Inbox();
    const client = server.client({ channel: NOTICE, replayFrom: -1 });
    const subscription = client.subscribe(NOTICE, inbox.push);
    await subscription;
    server.bus.publish(NOTICE, { Seq__c: 1 });
    await inbox.waitFor(1);

    subscription.cancel();
    // The same client follows another channel: its subscribe is answered after the unsubscribe
    // sent before it, and its events come in order with anything still sent on the first channel.
    const marks = new Inbox();
    await client.subscribe(TASK_CHANGES, marks.push);
    server.bus.publish(NOTICE, { Seq__c: 2 });
    server.bus.publish(TASK_CHANGES, { Seq__c: 'mark' });
    await marks.waitFor(1);
    assert.deepEqual(
      inbox.events.map((event) => event.payload.Seq__c),
      [1],
    );
  });
});
