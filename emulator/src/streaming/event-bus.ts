// The org's event bus: every channel's retained log with replay ids, plus live delivery.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../schema/types.ts';
import type { EventBus, RetainedEvent } from './types.ts';

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

  return {
    publish(channel, payload) {
      lastReplayId += 1;
      const event: RetainedEvent = {
        channel,
        replayId: lastReplayId,
        publishedAt: clock.now().getTime(),
        // EventUuid identifies a platform event message (replay ids can repeat after an org migration);
        // a publisher that already told the caller one (REST's OPERATION_ENQUEUED) passes it along.
        ...(channel.startsWith('/event/') ? { eventUuid: eventUuidOf(payload) } : {}),
        payload,
      };
      const log = retained(channel);
      log.push(event);
      logs.set(channel, log);
      for (const listener of [...listeners]) listener(event);
      return event;
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
    },
  };
}

function eventUuidOf(payload: Record<string, unknown>): string {
  return typeof payload.EventUuid === 'string' ? payload.EventUuid : randomUUID();
}
