// Big CometD replies taken a slice at a time: the splitter agrees with JSON.parse on what parses and
// refuses what does not, and a real streaming client against the emulator gets a replayed backlog
// of change events whole and in order, handed over across many turns of the event loop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import {
  API_VERSION,
  salesforceUser,
  startTestEmulator,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';
import { closeStreamingClient, SalesforceClient } from './client.ts';
import { arrayBoundaries, parseArrayInSlices, SLICE_MESSAGES, SLICED_FROM_CHARS } from './cometd-replies.ts';

describe('a JSON array parsed a group of elements at a time', () => {
  const tricky = [
    { channel: '/data/TaskChangeEvent', data: { payload: { Subject: 'a, b], c} "quoted" \\ back' } } },
    { s: '\\"', t: '\\\\', u: 'ünïcödé ✓ 😀', nested: [[1, [2, { x: ']' }]], {}] },
    null,
    true,
    -1.5e3,
    'a string element, with a comma',
    [],
  ];

  it('agrees with JSON.parse on valid arrays, small and spanning many groups', async () => {
    for (const value of [[], [1], tricky, Array.from({ length: 3_000 }, (_, i) => ({ i, tricky }))]) {
      for (const text of [
        JSON.stringify(value),
        JSON.stringify(value, null, 2),
        ` \n${JSON.stringify(value)}\n `,
      ]) {
        assert.deepEqual(await parseArrayInSlices(text), JSON.parse(text));
      }
    }
    assert.deepEqual(await parseArrayInSlices('[ ]'), []);
  });

  it('finds the boundaries across turns, as in one go', async () => {
    const text = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i, tricky })));
    assert.deepEqual(await arrayBoundaries(text, 7), await arrayBoundaries(text));
    assert.equal((await arrayBoundaries(text))?.length, 500);
  });

  it('refuses what JSON.parse refuses or what is not one array', async () => {
    const long = JSON.stringify(Array.from({ length: 3_000 }, (_, i) => ({ i, tricky })));
    for (const text of [
      '',
      '{"successful":true}',
      '[1,]',
      '[,1]',
      '[1 2]',
      '[1]x',
      '\u00a0[1]', // whitespace JSON does not allow
      '[1]\u00a0',
      '[1',
      '["unterminated]',
      `${long.slice(0, -1)},]`, // a trailing comma after many groups
      long.slice(0, -1), // unterminated after many groups
    ]) {
      assert.equal(await parseArrayInSlices(text), undefined, text.slice(0, 40));
    }
  });
});

describe('a replayed backlog of change events through a real streaming client', () => {
  const clock = new ManualClock(new Date(), { realTimers: true });
  const EVENTS = 2_000;
  let emulator: Emulator;

  before(async () => {
    emulator = await startTestEmulator(clock);
  });

  after(async () => {
    await emulator.close();
  });

  it('hands every event over in order, a slice per turn of the event loop', async () => {
    const sf = await salesforceUser(emulator);
    const created = await sf
      .sobject('Task')
      .create(
        Array.from({ length: 200 }, (_, i) => ({ Subject: `Backlog ${String(i)}`, Status: 'Not Started' })),
      );
    const ids = created.map((result) => {
      assert.ok(result.success);
      return result.id;
    });
    // 2,000 updates: ten events for each Task, all retained for a replay.
    for (let round = 0; round < EVENTS / ids.length; round += 1) {
      const updated = await sf
        .sobject('Task')
        .update(
          ids.map((Id) => ({ Id, Description: `Round ${String(round)}, with some text to make it long` })),
        );
      assert.ok(updated.every((result) => result.success));
    }

    const salesforce = new SalesforceClient({
      loginUrl: emulator.url,
      apiVersion: API_VERSION,
      auth: { kind: 'client_credentials', clientId: emulator.clientId, clientSecret: emulator.clientSecret },
      logger: createLogger({ level: 'silent' }),
      clock,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await salesforce.connect();
    let turn = 0;
    let turning = true;
    const tick = (): void => {
      if (!turning) return;
      turn += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    const received: { replayId: number; subject: unknown; turn: number }[] = [];
    // From the oldest retained event (-2): the org replays the backlog in one reply of over 1 MB.
    const client = salesforce.createStreamingClient('/data/TaskChangeEvent', -2, () => undefined);
    try {
      await client.subscribe('/data/TaskChangeEvent', (message) => {
        // Faye hands a subscriber the message's data.
        const data = message as { event: { replayId: number }; payload: { Description?: unknown } };
        received.push({ replayId: data.event.replayId, subject: data.payload.Description, turn });
      });
      await waitFor('the backlog', () => Promise.resolve(received.length >= EVENTS + ids.length));
    } finally {
      turning = false;
      closeStreamingClient(client);
    }

    assert.equal(received.length, EVENTS + ids.length, 'the creates and every update, once');
    const replayIds = received.map((r) => r.replayId);
    assert.deepEqual(
      replayIds,
      [...replayIds].sort((a, b) => a - b),
      'in replay order',
    );
    assert.equal(new Set(replayIds).size, replayIds.length);
    assert.equal(
      received.at(-1)?.subject,
      `Round ${String(EVENTS / ids.length - 1)}, with some text to make it long`,
    );
    // Handed over SLICE_MESSAGES at a time, each slice in a turn of its own.
    const perTurn = new Map<number, number>();
    for (const { turn: at } of received) perTurn.set(at, (perTurn.get(at) ?? 0) + 1);
    assert.ok(
      Math.max(...perTurn.values()) <= SLICE_MESSAGES,
      `at most ${String(SLICE_MESSAGES)} events a turn: ${JSON.stringify([...perTurn.values()])}`,
    );
    assert.ok(perTurn.size >= received.length / SLICE_MESSAGES, `${String(perTurn.size)} turns`);
    assert.ok(SLICED_FROM_CHARS < EVENTS * 300, 'the reply is big enough to be sliced');
  });
});
