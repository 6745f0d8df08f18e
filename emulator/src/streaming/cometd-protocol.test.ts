// The CometD endpoint at the Bayeux message level: what a client that is not Faye would see.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startStreamingServer, until, type StreamingServer } from '../../test/streaming-harness.ts';

const NOTICE = '/event/SIA_Sync_Notice__e';
const TASKS = '/data/TaskChangeEvent';
// Long enough that a connect answered "at once" is never mistaken for one whose hold ended.
const HOLD_MS = 10_000;

type Reply = Record<string, unknown>;

/** A minimal Bayeux client over fetch that keeps the BAYEUX_BROWSER cookie like a browser would. */
class RawClient {
  cookie: string | undefined;
  clientId = '';
  private nextId = 0;
  private readonly url: string;
  private readonly token: string | null;

  constructor(baseUrl: string, token: string | null = 'token-1') {
    this.url = `${baseUrl}/cometd/66.0`;
    this.token = token;
  }

  async send(
    messages: Reply | Reply[],
    options: { url?: string; withCookie?: boolean; authorization?: string; signal?: AbortSignal } = {},
  ): Promise<{ status: number; replies: Reply[]; setCookie: string | null }> {
    const batch = (Array.isArray(messages) ? messages : [messages]).map((message) => ({
      id: String((this.nextId += 1)),
      ...message,
    }));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const authorization = options.authorization ?? (this.token === null ? undefined : `OAuth ${this.token}`);
    if (authorization !== undefined) headers.Authorization = authorization;
    if (this.cookie !== undefined && options.withCookie !== false) headers.Cookie = this.cookie;
    const response = await fetch(options.url ?? this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(batch),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie !== null) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    return { status: response.status, replies: response.ok ? (JSON.parse(text) as Reply[]) : [], setCookie };
  }

  async handshake(): Promise<Reply> {
    const { replies } = await this.send({
      channel: '/meta/handshake',
      version: '1.0',
      supportedConnectionTypes: ['long-polling'],
    });
    const reply = only(replies);
    this.clientId = String(reply.clientId);
    return reply;
  }

  connect(extra: Reply = {}): Promise<{ replies: Reply[] }> {
    return this.send({
      channel: '/meta/connect',
      clientId: this.clientId,
      connectionType: 'long-polling',
      ...extra,
    });
  }

  async subscribe(channel: string, replay?: number | string): Promise<Reply> {
    const ext = replay === undefined ? {} : { ext: { replay: { [channel]: replay } } };
    return only(
      (
        await this.send({
          channel: '/meta/subscribe',
          clientId: this.clientId,
          subscription: channel,
          ...ext,
        })
      ).replies,
    );
  }
}

function only(replies: Reply[]): Reply {
  assert.equal(replies.length, 1, JSON.stringify(replies));
  const [reply] = replies;
  assert.ok(reply);
  return reply;
}

function eventsIn(replies: Reply[]): unknown[] {
  return replies
    .filter((reply) => !String(reply.channel).startsWith('/meta/'))
    .map((reply) => (reply.data as { payload: { n: unknown } }).payload.n);
}

describe('CometD endpoint, Bayeux messages', () => {
  let server: StreamingServer;

  beforeEach(async () => {
    server = await startStreamingServer({ connectHoldMs: HOLD_MS });
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers a handshake like Salesforce: long polling only, replay extension, advice and a browser cookie', async () => {
    const client = new RawClient(server.url);
    const reply = await client.handshake();
    assert.equal(reply.successful, true);
    assert.equal(reply.channel, '/meta/handshake');
    assert.equal(reply.id, '1');
    assert.equal(reply.version, '1.0');
    assert.match(String(reply.clientId), /^[0-9a-z]{27}$/);
    assert.deepEqual(reply.supportedConnectionTypes, ['long-polling']);
    assert.deepEqual(reply.ext, { replay: true, 'payload.format': true });
    assert.deepEqual(reply.advice, { interval: 0, timeout: HOLD_MS, reconnect: 'retry' });
    assert.match(client.cookie ?? '', /^BAYEUX_BROWSER=\w+$/);
  });

  it('accepts a Bearer token as well as OAuth', async () => {
    const client = new RawClient(server.url, null);
    const { replies } = await client.send(
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
      { authorization: 'Bearer token-1' },
    );
    assert.equal(only(replies).successful, true);
  });

  it('denies a handshake without a token, giving the reason under ext.sfdc', async () => {
    const reply = await new RawClient(server.url, null).handshake();
    assert.deepEqual(reply, {
      channel: '/meta/handshake',
      id: '1',
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Request requires authentication' } },
      advice: { reconnect: 'none' },
    });
  });

  it('handles a batch in order, delivering retained events with the connect reply', async () => {
    server.bus.publish(NOTICE, { n: 1 });
    server.bus.publish(TASKS, { n: 2 });
    const client = new RawClient(server.url);
    await client.handshake();
    const { replies } = await client.send([
      {
        channel: '/meta/subscribe',
        clientId: client.clientId,
        subscription: NOTICE,
        ext: { replay: { [NOTICE]: -2 } },
      },
      {
        channel: '/meta/subscribe',
        clientId: client.clientId,
        subscription: TASKS,
        ext: { replay: { [TASKS]: -2 } },
      },
      { channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling' },
    ]);
    assert.deepEqual(
      replies.map((reply) => [reply.channel, reply.id, reply.successful]),
      [
        ['/meta/subscribe', '2', true],
        ['/meta/subscribe', '3', true],
        [NOTICE, undefined, undefined],
        [TASKS, undefined, undefined],
        ['/meta/connect', '4', true],
      ],
    );
    assert.deepEqual(eventsIn(replies), [1, 2]);
  });

  it('splits a backlog bigger than one reply over connects answered at once, in order', async () => {
    // Salesforce: batch sizes "can vary", clients should buffer at least 10 MB; the emulator keeps
    // each reply's events within its maxDeliveryBytes (10 MB by default), here a few kilobytes.
    const small = await startStreamingServer({ maxDeliveryBytes: 4_096 });
    try {
      for (let n = 1; n <= 60; n += 1) small.bus.publish(TASKS, { n, padding: 'x'.repeat(200) });
      const client = new RawClient(small.url);
      await client.handshake();
      await client.subscribe(TASKS, -2);
      const received: unknown[] = [];
      let replies = 0;
      while (received.length < 60) {
        const reply = await client.connect();
        const events = eventsIn(reply.replies);
        assert.ok(events.length > 0, 'a connect with events queued is answered at once, with some');
        const eventBytes = reply.replies
          .filter((r) => !String(r.channel).startsWith('/meta/'))
          .reduce((sum, r) => sum + JSON.stringify(r).length + 1, 0);
        assert.ok(eventBytes <= 4_096, `${String(eventBytes)} bytes of events in one reply`);
        received.push(...events);
        replies += 1;
      }
      assert.deepEqual(
        received,
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      assert.ok(replies >= 4, `${String(replies)} replies for about 16 KB of events`);
    } finally {
      await small.close();
    }
  });

  it('sends one event bigger than the reply bound on its own rather than never', async () => {
    const small = await startStreamingServer({ maxDeliveryBytes: 100 });
    try {
      small.bus.publish(TASKS, { n: 1, padding: 'x'.repeat(500) });
      small.bus.publish(TASKS, { n: 2, padding: 'x'.repeat(500) });
      const client = new RawClient(small.url);
      await client.handshake();
      await client.subscribe(TASKS, -2);
      assert.deepEqual(eventsIn((await client.connect()).replies), [1]);
      assert.deepEqual(eventsIn((await client.connect()).replies), [2]);
    } finally {
      await small.close();
    }
  });

  it('holds a connect until an event arrives, and answers empty when the hold ends', async () => {
    const shortHold = 150;
    const quick = await startStreamingServer({ connectHoldMs: shortHold });
    try {
      const client = new RawClient(quick.url);
      await client.handshake();
      await client.subscribe(NOTICE, -1);
      await client.connect(); // the first connect is answered at once

      const started = Date.now();
      const empty = await client.connect();
      assert.ok(Date.now() - started >= shortHold - 10, 'the connect was held');
      assert.deepEqual(eventsIn(empty.replies), []);
      assert.equal(only(empty.replies).successful, true);

      const held = client.connect();
      await until(() => quick.handler.heldConnects() === 1, 'the connect held');
      quick.bus.publish(NOTICE, { n: 7 });
      assert.deepEqual(eventsIn((await held).replies), [7]);
    } finally {
      await quick.close();
    }
  });

  it('does not hold a connect that shares its batch with other messages', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    await client.connect();
    const started = Date.now();
    const { replies } = await client.send([
      { channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling' },
      { channel: '/meta/subscribe', clientId: client.clientId, subscription: NOTICE },
    ]);
    assert.ok(Date.now() - started < HOLD_MS / 2, 'answered without waiting');
    assert.deepEqual(
      replies.map((reply) => [reply.channel, reply.successful]),
      [
        ['/meta/connect', true],
        ['/meta/subscribe', true],
      ],
    );
  });

  it('tells a waiting client the server forgot it, and answers a waiting connect normally on disconnect', async () => {
    const forgotten = new RawClient(server.url);
    await forgotten.handshake();
    await forgotten.connect();
    const leaving = new RawClient(server.url);
    await leaving.handshake();
    await leaving.connect();

    const heldForgotten = forgotten.connect();
    const heldLeaving = leaving.connect();
    await until(() => server.handler.heldConnects() === 2, 'both connects held');
    const { replies } = await leaving.send({ channel: '/meta/disconnect', clientId: leaving.clientId });
    assert.equal(only(replies).successful, true);
    assert.equal(only((await heldLeaving).replies).successful, true);

    assert.equal(server.handler.dropClients(), 1);
    const reply = only((await heldForgotten).replies);
    assert.equal(reply.error, '403::Unknown client');
    assert.deepEqual(reply.advice, { reconnect: 'handshake', interval: 0 });
  });

  it('keeps events for the next connect when the client hangs up on a waiting one', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    await client.subscribe(NOTICE, -1);
    await client.connect();
    const abandoned = new AbortController();
    const held = client.send(
      { channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling' },
      { signal: abandoned.signal },
    );
    await until(() => server.handler.heldConnects() === 1, 'the connect held');
    abandoned.abort();
    await assert.rejects(held, { name: 'AbortError' });
    await until(() => server.handler.heldConnects() === 0, 'the hang-up noticed');
    server.bus.publish(NOTICE, { n: 1 });
    assert.deepEqual(eventsIn((await client.connect()).replies), [1]);
  });

  it('stops delivering a channel after /meta/unsubscribe', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    await client.subscribe(NOTICE, -1);
    await client.subscribe(TASKS, -1);
    server.bus.publish(NOTICE, { n: 1 });
    const { replies } = await client.send({
      channel: '/meta/unsubscribe',
      clientId: client.clientId,
      subscription: NOTICE,
    });
    assert.deepEqual(only(replies), {
      channel: '/meta/unsubscribe',
      id: '4',
      clientId: client.clientId,
      successful: true,
      subscription: NOTICE,
    });
    server.bus.publish(NOTICE, { n: 2 });
    server.bus.publish(TASKS, { n: 3 });
    assert.deepEqual(eventsIn((await client.connect()).replies), [3]);
  });

  it('refuses a replay id that is not a number, and one newer than anything published', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    const published = server.bus.publish(NOTICE, { n: 1 });
    assert.equal(
      (await client.subscribe(NOTICE, 'latest')).error,
      '400::The replayId {latest} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
    );
    assert.equal((await client.subscribe(NOTICE, published.replayId + 5)).successful, false);
    assert.equal((await client.subscribe(NOTICE, String(published.replayId))).successful, true);
  });

  it('subscribes to new events only when no replay extension is sent', async () => {
    server.bus.publish(NOTICE, { n: 1 });
    const client = new RawClient(server.url);
    await client.handshake();
    assert.equal((await client.subscribe(NOTICE)).successful, true);
    server.bus.publish(NOTICE, { n: 2 });
    assert.deepEqual(eventsIn((await client.connect()).replies), [2]);
  });

  it("rejects channel names Salesforce rejects, with Salesforce's messages", async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    assert.equal(
      (await client.subscribe('event/SIA_Sync_Notice__e')).error,
      "400::Channel subscriptions must start with a leading '/'",
    );
    assert.equal((await client.subscribe('')).error, '400::Channel name not specified');
    assert.equal(
      (await client.subscribe('/data/LeadChangeEvent')).error,
      '400::The channel you requested to subscribe to does not exist {/data/LeadChangeEvent}',
    );
    const { replies } = await client.send({ channel: NOTICE, clientId: client.clientId, data: { n: 1 } });
    assert.equal(only(replies).error, '403::Restricted channel');
    assert.deepEqual(server.bus.all(), []);
  });

  it('asks an unknown client to handshake again', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    client.clientId = 'nosuchclient';
    assert.deepEqual(only((await client.connect()).replies), {
      channel: '/meta/connect',
      id: '2',
      clientId: 'nosuchclient',
      successful: false,
      error: '403::Unknown client',
      advice: { reconnect: 'handshake', interval: 0 },
    });
  });

  it('forgets a client that stays away longer than 40 seconds', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    await client.connect();
    server.clock.advance(40_001);
    assert.equal(only((await client.connect()).replies).error, '403::Unknown client');
  });

  it('requires the BAYEUX_BROWSER cookie set at handshake', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    const { replies } = await client.send(
      { channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling' },
      { withCookie: false },
    );
    assert.equal(
      only(replies).error,
      `400::Client ${client.clientId} has established a session, but no BAYEUX_BROWSER cookie present`,
    );
  });

  it("refuses another user's token on an existing session", async () => {
    server.tokens.set('token-2', {
      userId: '005000000000002AAA',
      orgId: '00D000000000001EAA',
      username: 'b@sia.test',
    });
    const client = new RawClient(server.url);
    await client.handshake();
    const { replies } = await client.send(
      { channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling' },
      { authorization: 'OAuth token-2' },
    );
    assert.equal(only(replies).error, "400::Authenticated user id does not match the session's user id");
  });

  it('fails a connect with an expired token with advice reconnect none, and drops the session', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    server.tokens.delete('token-1');
    const reply = only((await client.connect()).replies);
    assert.equal(reply.error, '401::Authentication invalid');
    assert.deepEqual(reply.advice, { reconnect: 'none', interval: 0 });
    server.tokens.set('token-1', {
      userId: '005000000000001AAA',
      orgId: '00D000000000001EAA',
      username: 'sync@sia.test',
    });
    assert.equal(only((await client.connect()).replies).error, '403::Unknown client');
  });

  it('refuses connection types other than long polling', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    const { replies } = await client.connect({ connectionType: 'websocket' });
    assert.equal(only(replies).error, '400::Invalid connection type websocket');
  });

  it('checks the API version in the path', async () => {
    const client = new RawClient(server.url);
    const handshake = {
      channel: '/meta/handshake',
      version: '1.0',
      supportedConnectionTypes: ['long-polling'],
    };
    const missing = await client.send(handshake, { url: `${server.url}/cometd/` });
    assert.equal(
      only(missing.replies).error,
      "400::API version in the URI is mandatory. URI format: '/cometd/66.0'",
    );
    const old = await client.send(handshake, { url: `${server.url}/cometd/36.0` });
    assert.equal(
      only(old.replies).error,
      "400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/66.0'",
    );
  });

  it('accepts the message type appended to the URL, as CometD clients send it', async () => {
    const client = new RawClient(server.url);
    const { replies } = await client.send(
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
      { url: `${server.url}/cometd/66.0/handshake` },
    );
    assert.equal(only(replies).successful, true);
  });

  it('answers HTTP errors for what is not a Bayeux request', async () => {
    const endpoint = `${server.url}/cometd/66.0`;
    const headers = { Authorization: 'OAuth token-1', 'Content-Type': 'application/json' };
    assert.equal((await fetch(endpoint, { headers })).status, 400);
    assert.equal((await fetch(endpoint, { method: 'POST', headers, body: '{"channel":' })).status, 400);
    assert.equal((await fetch(endpoint, { method: 'POST', headers, body: '[{"id":"1"}]' })).status, 400);
    const oversized = JSON.stringify([{ channel: '/meta/handshake', padding: 'x'.repeat(33_000) }]);
    const response = await fetch(endpoint, { method: 'POST', headers, body: oversized });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), 'Maximum Request Size Exceeded');
  });

  it('answers a waiting connect when the handler closes', async () => {
    const client = new RawClient(server.url);
    await client.handshake();
    await client.connect();
    const held = client.connect();
    await until(() => server.handler.heldConnects() === 1, 'the connect held');
    void server.handler.close();
    const started = Date.now();
    assert.equal(only((await held).replies).successful, true);
    assert.ok(Date.now() - started < HOLD_MS / 2);
  });
});
