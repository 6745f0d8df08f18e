// The org's event bus: every channel's retained log with replay ids, plus live delivery.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../schema/types.ts';
import type { DeliveryFault, EventBus, RetainedEvent } from './types.ts';

/** Platform events and change events are stored for 72 hours (Pub/Sub API guide, "Event Message Durability"). */
export const DEFAULT_RETENTION_MS = 72 * 60 * 60 * 1000;

export interface EventBusOptions {
  clock: Clock;
  retentionMs?: number;
}

export function createEventBus({ clock, retentionMs = DEFAULT_RETENTION_MS }: EventBusOptions): EventBus {
  const logs = new Map<string, RetainedEvent[]>();
  const listeners = new Set<(event: RetainedEvent) => void>();
  // One counter for the whole org: ids increase on every channel but are not contiguous on any one,
  // as on Salesforce ("the event following the event with ID 999 can have an ID of 1,025"), so a
  // client that computes ids instead of storing them fails here too. Never reset, so `clear()`
  // does not reuse ids.
  let lastReplayId = 0;
  // Streaming faults (admin API): per channel, live delivery held back for a while or skipped.
  // Either way the event is retained at once, so a replay finds it.
  const delays = new Map<string, { delayMs: number; remaining: number | undefined }>();
  const drops = new Map<string, number>();
  // Per channel, events waiting for their delivery time, oldest first: a later event (even one
  // published after the delay was lifted) waits behind them, so delivery stays in replay-id order.
  const held = new Map<string, { event: RetainedEvent; dueAt: number }[]>();
  const timers = new Set<NodeJS.Timeout>();

  function deliver(event: RetainedEvent): void {
    for (const listener of [...listeners]) listener(event);
  }

  function flushHeld(channel: string): void {
    const queue = held.get(channel);
    if (queue === undefined) return;
    const now = Date.now();
    while (queue.length > 0 && (queue[0]?.dueAt ?? 0) <= now) {
      const next = queue.shift();
      if (next !== undefined) deliver(next.event);
    }
    if (queue.length === 0) {
      held.delete(channel);
      return;
    }
    schedule(channel, (queue[0]?.dueAt ?? now) - now);
  }

  function schedule(channel: string, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      flushHeld(channel);
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  /** Live delivery of a just-retained event, subject to the channel's faults. */
  function deliverLive(event: RetainedEvent): void {
    const toDrop = drops.get(event.channel) ?? 0;
    if (toDrop > 0) {
      if (toDrop === 1) drops.delete(event.channel);
      else drops.set(event.channel, toDrop - 1);
      return;
    }
    const delay = delays.get(event.channel);
    let delayMs = 0;
    if (delay !== undefined) {
      delayMs = delay.delayMs;
      if (delay.remaining !== undefined) {
        delay.remaining -= 1;
        if (delay.remaining <= 0) delays.delete(event.channel);
      }
    }
    const queue = held.get(event.channel);
    if (delayMs === 0 && queue === undefined) {
      deliver(event);
      return;
    }
    // Wall-clock time (not the org clock): a delay is how long a subscriber really waits.
    const dueAt = Math.max(Date.now() + delayMs, queue?.at(-1)?.dueAt ?? 0);
    if (queue === undefined) {
      held.set(event.channel, [{ event, dueAt }]);
      schedule(event.channel, dueAt - Date.now());
    } else {
      queue.push({ event, dueAt });
    }
  }

  function retain(channel: string, replayId: number, publishedAt: number, payload: Record<string, unknown>) {
    const event: RetainedEvent = {
      channel,
      replayId,
      publishedAt,
      // EventUuid identifies a platform event message (replay ids can repeat after an org migration);
      // a publisher that already told the caller one (REST's OPERATION_ENQUEUED) passes it along.
      ...(channel.startsWith('/event/') ? { eventUuid: eventUuidOf(payload) } : {}),
      payload,
    };
    const log = retained(channel);
    log.push(event);
    logs.set(channel, log);
    return event;
  }

  function retained(channel: string): RetainedEvent[] {
    const log = logs.get(channel);
    if (log === undefined) return [];
    const cutoff = clock.now().getTime() - retentionMs;
    const firstKept = log.findIndex((event) => event.publishedAt >= cutoff);
    if (firstKept === -1) {
      logs.delete(channel);
      return [];
    }
    if (firstKept > 0) log.splice(0, firstKept);
    return log;
  }

  const bus: EventBus = {
    publish(channel, payload) {
      lastReplayId += 1;
      const event = retain(channel, lastReplayId, clock.now().getTime(), payload);
      deliverLive(event);
      return event;
    },

    publishOnChannels(channels, payload) {
      // One event, one replay id, seen through several channels (a change event on its entity
      // channel and on /data/ChangeEvents).
      lastReplayId += 1;
      const publishedAt = clock.now().getTime();
      const events = channels.map((channel) => retain(channel, lastReplayId, publishedAt, payload));
      for (const event of events) deliverLive(event);
      return events;
    },

    since(channel, replayId) {
      if (replayId === -1) return [];
      const log = retained(channel);
      return replayId === -2 ? [...log] : log.filter((event) => event.replayId > replayId);
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    all() {
      return [...logs.keys()].flatMap((channel) => retained(channel)).sort((a, b) => a.replayId - b.replayId);
    },

    clear() {
      logs.clear();
      bus.clearDeliveryFaults();
    },

    delayDelivery(channel, delayMs, count) {
      if (delayMs <= 0) delays.delete(channel);
      else delays.set(channel, { delayMs, remaining: count });
    },

    dropDelivery(channel, count) {
      if (count <= 0) drops.delete(channel);
      else drops.set(channel, (drops.get(channel) ?? 0) + count);
    },

    deliveryFaults() {
      const faults: DeliveryFault[] = [];
      for (const [channel, { delayMs, remaining }] of delays) {
        faults.push({ channel, action: 'delay', delayMs, ...(remaining === undefined ? {} : { remaining }) });
      }
      for (const [channel, remaining] of drops) faults.push({ channel, action: 'drop', remaining });
      return faults;
    },

    clearDeliveryFaults() {
      delays.clear();
      drops.clear();
      // Events already held are delivered now rather than lost.
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const waiting = [...held.values()].flat().sort((a, b) => a.event.replayId - b.event.replayId);
      held.clear();
      for (const { event } of waiting) deliver(event);
    },

    exportRetained() {
      return { lastReplayId, events: bus.all() };
    },

    importRetained({ lastReplayId: last, events }) {
      lastReplayId = Math.max(lastReplayId, last);
      for (const event of [...events].sort((a, b) => a.replayId - b.replayId)) {
        const log = logs.get(event.channel) ?? [];
        log.push({ ...event });
        logs.set(event.channel, log);
        lastReplayId = Math.max(lastReplayId, event.replayId);
      }
      // Drops whatever fell out of the retention window while the emulator was down.
      for (const channel of [...logs.keys()]) retained(channel);
    },
  };
  return bus;
}

function eventUuidOf(payload: Record<string, unknown>): string {
  return typeof payload.EventUuid === 'string' ? payload.EventUuid : randomUUID();
}
