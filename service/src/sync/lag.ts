// How far behind the sync is, for `GET /api/v1/sync/status` and the sia_sync_* gauges: what waits
// in the outbox, what was received from Salesforce and not yet applied, and where each change
// stream stands.
import type { Metrics } from '../metrics.ts';
import type { OutboxSummary } from '../store/store.ts';
import type { StreamStatus } from './change-stream.ts';

export interface SyncLag {
  /** This instance leads: it follows the channels and drains the outbox (a follower shows the store's view). */
  leader: boolean;
  /** The whole outbox (every user's), as the store holds it. */
  outbox: {
    queued: number;
    /** Queued and due now (the rest waits out a retry backoff). */
    due: number;
    oldestQueuedAt: string | null;
    oldestQueuedAgeMs: number | null;
  };
  /** Change events this instance received and has not applied yet (all channels). */
  inbound: {
    pendingEvents: number;
    oldestPendingAt: string | null;
    oldestPendingAgeMs: number | null;
  };
  /** One row per followed channel. */
  streaming: StreamStatus[];
}

function ageMs(at: string | null, now: Date): number | null {
  return at === null ? null : Math.max(0, now.getTime() - Date.parse(at));
}

/** The lag from the store's outbox summary and the streams' own status, at `now`. */
export function syncLag(leader: boolean, outbox: OutboxSummary, streams: StreamStatus[], now: Date): SyncLag {
  let oldestPendingAt: string | null = null;
  for (const stream of streams)
    if (
      stream.oldestPendingAt !== null &&
      (oldestPendingAt === null || stream.oldestPendingAt < oldestPendingAt)
    )
      oldestPendingAt = stream.oldestPendingAt;
  return {
    leader,
    outbox: {
      queued: outbox.queued,
      due: outbox.due,
      oldestQueuedAt: outbox.oldestQueuedAt,
      oldestQueuedAgeMs: ageMs(outbox.oldestQueuedAt, now),
    },
    inbound: {
      pendingEvents: streams.reduce((sum, s) => sum + s.pendingEvents, 0),
      oldestPendingAt,
      oldestPendingAgeMs: ageMs(oldestPendingAt, now),
    },
    streaming: streams,
  };
}

/** Sets the sia_sync_* lag gauges (before a scrape). */
export function recordLag(metrics: Metrics, lag: SyncLag): void {
  const gauges = metrics.lag;
  gauges.leader.set(lag.leader ? 1 : 0);
  gauges.outboxQueued.set(lag.outbox.queued);
  gauges.outboxDue.set(lag.outbox.due);
  gauges.outboxOldestAge.set((lag.outbox.oldestQueuedAgeMs ?? 0) / 1000);
  gauges.inboundOldestAge.set((lag.inbound.oldestPendingAgeMs ?? 0) / 1000);
  gauges.streamConnected.reset();
  gauges.streamLastEvent.reset();
  gauges.streamReplayId.reset();
  for (const stream of lag.streaming) {
    const labels = { channel: stream.channel };
    gauges.streamConnected.set(labels, stream.connected ? 1 : 0);
    if (stream.lastEventAt !== null)
      gauges.streamLastEvent.set(labels, Date.parse(stream.lastEventAt) / 1000);
    if (stream.lastReplayId !== null) gauges.streamReplayId.set(labels, stream.lastReplayId);
  }
}
