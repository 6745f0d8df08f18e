import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEventBus, DEFAULT_RETENTION_MS } from './event-bus.ts';
import { testClock, within } from '../../test/streaming-harness.ts';
import type { RetainedEvent } from './types.ts';

const NOTICE = '/event/SIA_Sync_Notice__e';
const TASKS = '/data/TaskChangeEvent';
const ALL = '/data/ChangeEvents';
const HOUR = 60 * 60 * 1000;

describe('event bus', () => {
  it('gives replay ids that increase on every channel and are never reused after clear', () => {
    const bus = createEventBus({ clock: testClock() });
    const a = bus.publish(NOTICE, { n: 1 });
    const b = bus.publish(TASKS, { n: 2 });
    const c = bus.publish(NOTICE, { n: 3 });
    assert.ok(a.replayId > 0, 'jsforce ignores a replay id of 0');
    assert.ok(b.replayId > a.replayId && c.replayId > b.replayId);
    bus.clear();
    assert.deepEqual(bus.all(), []);
    assert.ok(bus.publish(NOTICE, {}).replayId > c.replayId);
  });

  it('stamps publication time, and an EventUuid on platform events only', () => {
    const clock = testClock();
    const bus = createEventBus({ clock });
    const notice = bus.publish(NOTICE, { Kind__c: 'x' });
    const change = bus.publish(TASKS, { ChangeEventHeader: {} });
    assert.equal(notice.publishedAt, clock.now().getTime());
    assert.match(notice.eventUuid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(change.eventUuid, undefined);
    assert.notEqual(bus.publish(NOTICE, {}).eventUuid, notice.eventUuid);
  });

  it('keeps the EventUuid a publisher already handed out', () => {
    const bus = createEventBus({ clock: testClock() });
    const uuid = 'e981b488-81f3-4fcc-bd6f-f7033c9d7ac3';
    assert.equal(bus.publish(NOTICE, { EventUuid: uuid }).eventUuid, uuid);
  });

  it('answers since(): -2 all retained, -1 none, an id everything after it, per channel', () => {
    const bus = createEventBus({ clock: testClock() });
    const first = bus.publish(NOTICE, { n: 1 });
    bus.publish(TASKS, { n: 2 });
    const third = bus.publish(NOTICE, { n: 3 });
    const payloads = (events: RetainedEvent[]): unknown[] => events.map((event) => event.payload.n);
    assert.deepEqual(payloads(bus.since(NOTICE, -2)), [1, 3]);
    assert.deepEqual(bus.since(NOTICE, -1), []);
    assert.deepEqual(payloads(bus.since(NOTICE, first.replayId)), [3]);
    assert.deepEqual(bus.since(NOTICE, third.replayId), []);
    assert.deepEqual(bus.since('/event/Other__e', -2), []);
    assert.deepEqual(payloads(bus.all()), [1, 2, 3]);
  });

  it('drops events older than 72 hours from replay and the event log', () => {
    const clock = testClock();
    const bus = createEventBus({ clock });
    bus.publish(NOTICE, { n: 1 });
    clock.advance(70 * HOUR);
    bus.publish(NOTICE, { n: 2 });
    clock.advance(2 * HOUR);
    assert.deepEqual(
      bus.since(NOTICE, -2).map((event) => event.payload.n),
      [1, 2],
      'exactly 72 hours old is still retained',
    );
    clock.advance(1);
    assert.deepEqual(
      bus.since(NOTICE, -2).map((event) => event.payload.n),
      [2],
    );
    clock.advance(DEFAULT_RETENTION_MS);
    assert.deepEqual(bus.all(), []);
  });

  it('honours a shorter retention', () => {
    const clock = testClock();
    const bus = createEventBus({ clock, retentionMs: 1_000 });
    bus.publish(NOTICE, {});
    clock.advance(1_001);
    assert.deepEqual(bus.since(NOTICE, -2), []);
  });

  it('delivers each new event to live listeners until they unsubscribe', () => {
    const bus = createEventBus({ clock: testClock() });
    const seen: RetainedEvent[] = [];
    const stop = bus.onEvent((event) => seen.push(event));
    const published = bus.publish(TASKS, { n: 1 });
    stop();
    bus.publish(TASKS, { n: 2 });
    assert.deepEqual(seen, [published]);
  });

  it('publishes one event on several channels under a single replay id', () => {
    const bus = createEventBus({ clock: testClock() });
    const seen: RetainedEvent[] = [];
    bus.onEvent((event) => seen.push(event));
    const [single, all] = bus.publishOnChannels([TASKS, ALL], { n: 1 });
    assert.ok(single && all);
    assert.equal(single.replayId, all.replayId);
    assert.deepEqual(
      seen.map((event) => [event.channel, event.replayId]),
      [
        [TASKS, single.replayId],
        [ALL, single.replayId],
      ],
    );
    assert.ok(bus.publish(TASKS, {}).replayId > single.replayId);
  });

  it('drops the next N events on a channel from live delivery but retains them', () => {
    const bus = createEventBus({ clock: testClock() });
    const seen: unknown[] = [];
    bus.onEvent((event) => seen.push(event.payload.n));
    bus.dropDelivery(TASKS, 2);
    bus.publish(TASKS, { n: 1 });
    bus.publish(NOTICE, { n: 2 });
    bus.publish(TASKS, { n: 3 });
    bus.publish(TASKS, { n: 4 });
    assert.deepEqual(seen, [2, 4]);
    assert.deepEqual(
      bus.since(TASKS, -2).map((event) => event.payload.n),
      [1, 3, 4],
    );
    assert.deepEqual(bus.deliveryFaults(), []);
  });

  it('holds live delivery on a channel, in order, and releases what it holds when lifted', async () => {
    const bus = createEventBus({ clock: testClock() });
    const seen: unknown[] = [];
    let allFour: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => {
      allFour = resolve;
    });
    bus.onEvent((event) => {
      seen.push(event.payload.n);
      if (seen.length === 4) allFour();
    });
    bus.delayDelivery(TASKS, 80, 2);
    const published = Date.now();
    bus.publish(TASKS, { n: 1 });
    bus.publish(TASKS, { n: 2 });
    // Not delayed itself, but it waits behind the held events.
    bus.publish(TASKS, { n: 3 });
    bus.publish(NOTICE, { n: 4 });
    assert.deepEqual(seen, [4]);
    // The bus's own timers do not keep the process alive; the bound on a failure does.
    await within(delivered, 5_000, 'the held events');
    assert.ok(Date.now() - published >= 79, 'held for the delay');
    assert.deepEqual(seen, [4, 1, 2, 3]);

    bus.delayDelivery(TASKS, 10_000);
    bus.publish(TASKS, { n: 5 });
    assert.deepEqual(bus.deliveryFaults(), [{ channel: TASKS, action: 'delay', delayMs: 10_000 }]);
    bus.clearDeliveryFaults();
    assert.deepEqual(seen, [4, 1, 2, 3, 5]);
    bus.publish(TASKS, { n: 6 });
    assert.deepEqual(seen, [4, 1, 2, 3, 5, 6]);
  });

  it('exports and imports its retained log without reusing replay ids or keeping expired events', () => {
    const clock = testClock();
    const bus = createEventBus({ clock });
    bus.publish(NOTICE, { n: 1 });
    clock.advance(71 * HOUR);
    bus.publishOnChannels([TASKS, ALL], { n: 2 });
    const saved = JSON.parse(JSON.stringify(bus.exportRetained())) as ReturnType<typeof bus.exportRetained>;

    clock.advance(2 * HOUR);
    const restarted = createEventBus({ clock });
    restarted.importRetained(saved);
    assert.deepEqual(restarted.since(NOTICE, -2), [], 'older than 72 hours by now');
    assert.deepEqual(
      restarted.since(TASKS, -2).map((event) => event.payload.n),
      [2],
    );
    assert.equal(restarted.since(ALL, -2)[0]?.replayId, saved.lastReplayId);
    assert.ok(restarted.publish(NOTICE, {}).replayId > saved.lastReplayId);
  });
});
