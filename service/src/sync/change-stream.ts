// Follows a change-data-capture channel over CometD (jsforce streaming with the Replay and
// AuthFailure extensions). Events are handed over a delivery at a time (the events of one
// /meta/connect response; the deliveries that arrived while the one before was being applied,
// together), in order, and the handler stores the last replay id in the same
// transaction as the effect, so a restart resumes exactly after the last applied event. An auth
// failure re-mints the token and resubscribes from the stored replay id; a reconnect that fails is
// tried again with backoff until it works, and the outage is reported.
//
// Lost deliveries: Faye gives up on a /meta/connect after 1.2 × the advised timeout; when the event
// loop was blocked that long, the response (whose events the server already dequeued) is thrown
// away and the client just connects again, so those events never arrive and no gap event tells.
// Every interruption of the connection (`transport:down`) is therefore treated as a possible loss:
// nothing more is taken from that client, and once the connection is back (`transport:up`) the
// stream resubscribes from the stored replay id, so the server replays whatever was lost at once.
//
// Backpressure: Salesforce's CometD has no acknowledgement (the replay id lives with the client),
// so the way to stop taking events is to stop connecting. Once more than `maxBacklog` events are
// received and not yet applied, the stream disconnects, lets what it holds be applied, and
// subscribes again from the stored replay id (the last applied event): the server replays the rest,
// so memory stays bounded while the service lags and nothing is lost or applied twice. A big reply
// is handed over in slices (salesforce/cometd-replies.ts), all of it parsed before the first: the
// stream disconnects once the reply that crossed the bound is taken whole, as dropping its tail
// would save no memory and only make the server send those events again.
//
// A gap the replay cannot close (no stored replay id, one older than the retention or one the server
// rejects) is reported only once the stream is subscribed again, from the tip: the repair sweep
// then covers everything up to a moment the stream already follows, so a change committed while
// the stream was resubscribing reaches one of the two.
import { z } from 'zod';
import type { Logger } from 'pino';
import { closeStreamingClient, type FayeClient, type SalesforceClient } from '../salesforce/client.ts';
import { repliesHandedOver } from '../salesforce/cometd-replies.ts';
import { backoffDelay, defaultRetryPolicy } from '../salesforce/retry.ts';
import type { Store } from '../store/store.ts';
import { loopTurns } from './turns.ts';

const changeEventHeader = z.object({
  entityName: z.string(),
  recordIds: z.array(z.string()),
  changeType: z.string(),
  changeOrigin: z.string().default(''),
  commitTimestamp: z.number(),
  commitUser: z.string().optional(),
  changedFields: z.array(z.string()).default([]),
  nulledFields: z.array(z.string()).default([]),
});

export interface ChangeEventMessage {
  event: { replayId: number };
  payload: { ChangeEventHeader: z.infer<typeof changeEventHeader> } & Record<string, unknown>;
}

/**
 * The change event a CometD message carries, or undefined when it is not one. Only the header is
 * validated and copied: the record's fields stay the objects Faye parsed (copying them would double
 * what a 10 MB delivery holds while it is applied); the payload gets the parsed header in place.
 */
export function parseChangeEvent(message: unknown): ChangeEventMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  const replayId = (event as { replayId?: unknown } | null | undefined)?.replayId;
  if (typeof replayId !== 'number' || typeof payload !== 'object' || payload === null) return undefined;
  const fields = payload as Record<string, unknown>;
  const header = changeEventHeader.safeParse(fields['ChangeEventHeader']);
  if (!header.success) return undefined;
  fields['ChangeEventHeader'] = header.data;
  return { event: { replayId }, payload: fields as ChangeEventMessage['payload'] };
}

const SUBSCRIBE_TIMEOUT_MS = 30_000;
/** Events of a delivery parsed between two turns of the event loop. */
const PARSED_PER_TURN = 1_000;

/** Default of ChangeStreamOptions.maxBacklog: events received and not yet applied before a pause. */
export const DEFAULT_INBOUND_BACKLOG = 5_000;

/** Salesforce keeps change events 72 hours; an older replay id cannot be resumed. */
export const RETENTION_MS = 72 * 3_600_000;

export interface ChangeStreamOptions {
  channel: string;
  salesforce: SalesforceClient;
  store: Store;
  logger: Logger;
  now: () => Date;
  /**
   * Applies one delivery's events, or those of the deliveries that waited meanwhile, and checkpoints
   * the last one; called strictly in order.
   */
  onEvents: (messages: ChangeEventMessage[]) => Promise<void>;
  /**
   * Called when events may have been missed: a stale, rejected or missing checkpoint (once the stream
   * is subscribed again, from the tip), a failed reconnect, or a delivery that could not be applied.
   */
  onGap: (reason: string) => void;
  /** A reconnect failed (it is tried again with backoff until it works): the stream is down. */
  onOutage?: (error: unknown, attempts: number) => void;
  /** A reconnect after an outage worked. */
  onRecovered?: () => void;
  /** First delay and cap of the backoff between reconnect attempts (default 1 s and 60 s). */
  reconnectBackoff?: { baseDelayMs: number; maxDelayMs: number };
  /**
   * Events received and not yet applied beyond which the stream pauses: it stops connecting until
   * they are applied, then resumes from the stored replay id (default DEFAULT_INBOUND_BACKLOG).
   */
  maxBacklog?: number;
  /** The stream paused with this many events received and not yet applied. */
  onPause?: (backlog: number) => void;
  /** Events received and not yet applied, after each delivery is handed over or applied. */
  onBacklog?: (backlog: number) => void;
}

/** Where a stream stands, for the lag status: connected or not, the last event, what waits. */
export interface StreamStatus {
  channel: string;
  /** Subscribed and not interrupted (a resubscribe or a reconnect in progress is not connected). */
  connected: boolean;
  /** Replay id of the last event applied (or the stored one the stream resumed from). */
  lastReplayId: number | null;
  /** Commit time (in Salesforce) of the last event applied since this stream started. */
  lastEventAt: string | null;
  /** When this instance last received an event on the channel. */
  lastReceivedAt: string | null;
  /** Events received and not yet applied: the count maxBacklog bounds (sia_sync_inbound_backlog). */
  pendingEvents: number;
  /** When the oldest of them was received. */
  oldestPendingAt: string | null;
}

export function checkpointName(channel: string): string {
  return `replay:${channel}`;
}

export class ChangeStream {
  readonly #options: ChangeStreamOptions;
  #client: FayeClient | undefined;
  /** The backlog bound was crossed: the stream pauses once the reply being handed over is whole. */
  #pausing = false;
  #subscription: { cancel(): void } | undefined;
  /** Settles once every delivery handed over so far is applied. */
  #queue: Promise<void> = Promise.resolve();
  /**
   * Deliveries handed over and not yet taken up, oldest first: those that arrived while one was
   * being applied are applied together, so under load the engine writes more events a transaction.
   */
  #waiting: { events: unknown[]; count: number }[] = [];
  /** A loop is applying `#waiting` (the tail of `#queue`). */
  #applying = false;
  /** Events of the delivery being received: those Faye hands over in one pass (a reply, or a slice of a big one). */
  #pending: unknown[] = [];
  /** Events received and not yet applied (in #pending or waiting in #queue). */
  #backlog = 0;
  /** When the first event of `#pending` arrived. */
  #pendingSince: Date | undefined;
  /** When each delivery handed over and not yet applied arrived, oldest first. */
  readonly #waitingSince: Date[] = [];
  #connected = false;
  #lastEventAt: Date | undefined;
  #lastReceivedAt: Date | undefined;
  /**
   * Replay id of the last event handed over and applied: a replayed event at or before it (a
   * resubscribe overlapping what was applied) is skipped. Replay ids are opaque and not contiguous,
   * so only their order is used, never a computed successor.
   */
  #lastApplied: number | undefined;
  #stopped = false;
  #reconnecting: Promise<void> | undefined;
  /** Failed reconnects in a row, and the timer of the next attempt. */
  #failedReconnects = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #onStop: () => void = () => undefined;
  /** Settles when stop() is called, so no wait on a closed client outlives the stream. */
  #stopSignal: Promise<'stopped'> = new Promise((resolve) => {
    this.#onStop = () => {
      resolve('stopped');
    };
  });

  constructor(options: ChangeStreamOptions) {
    this.#options = options;
  }

  get channel(): string {
    return this.#options.channel;
  }

  status(): StreamStatus {
    const oldest = this.#waitingSince[0] ?? this.#pendingSince;
    return {
      channel: this.#options.channel,
      connected: this.#connected,
      lastReplayId: this.#lastApplied ?? null,
      lastEventAt: this.#lastEventAt?.toISOString() ?? null,
      lastReceivedAt: this.#lastReceivedAt?.toISOString() ?? null,
      pendingEvents: this.#backlog,
      oldestPendingAt: oldest?.toISOString() ?? null,
    };
  }

  /**
   * Where to resume: the stored replay id, or the tip (-1) with the reason events may be missing,
   * which the caller reports once subscribed. Without a stored id a first start has nothing to miss,
   * but a resubscribe after an interruption does: the lost delivery cannot be replayed.
   */
  async #startingPoint(resuming: boolean): Promise<{ replayId: number; gap: string | undefined }> {
    const name = checkpointName(this.#options.channel);
    const row = await this.#options.store.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return { replayId: -1, gap: resuming ? 'no stored replay id to resume from' : undefined };
    if (this.#options.now().getTime() - new Date(row.updated_at).getTime() > RETENTION_MS) {
      this.#lastApplied = undefined;
      return { replayId: -1, gap: 'stored replay id is older than the 72-hour retention' };
    }
    this.#lastApplied = Number(row.value);
    return { replayId: Number(row.value), gap: undefined };
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const { replayId, gap } = await this.#startingPoint(false);
    await this.#subscribe(replayId, gap);
  }

  /** Subscribes from `replayId`; `gap`, if any, is reported once the subscription is in place. */
  async #subscribe(replayId: number, gap?: string): Promise<void> {
    if (this.#stopped) return;
    const { channel, salesforce, logger } = this.#options;
    const client = salesforce.createStreamingClient(channel, replayId, () => {
      void this.#reconnect('authentication failure');
    });
    this.#client = client;
    let interrupted = false;
    const subscription = client.subscribe(channel, (message: unknown) => {
      if (this.#client !== client || interrupted) return; // replayed after the resubscribe
      this.#lastReceivedAt = this.#options.now();
      if (this.#pending.length === 0) {
        this.#pendingSince = this.#lastReceivedAt;
        // Faye hands over a reply's events, or a slice of a big one, in one synchronous pass: this
        // runs after the last.
        setImmediate(() => {
          this.#flush();
          if (
            this.#client === client &&
            this.#backlog > (this.#options.maxBacklog ?? DEFAULT_INBOUND_BACKLOG)
          )
            this.#pause();
        });
      }
      this.#pending.push(message);
      this.#backlog += 1;
    });
    client.on?.('transport:down', () => {
      if (this.#client !== client) return;
      interrupted = true;
      this.#connected = false;
      this.#flush();
      logger.warn({ channel }, 'streaming connection interrupted; a delivery may be lost');
    });
    client.on?.('transport:up', () => {
      if (this.#client !== client || !interrupted) return;
      void this.#reconnect('connection interrupted', { reauthenticate: false });
    });
    this.#subscription = subscription;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`subscribing to ${channel} timed out`));
      }, SUBSCRIBE_TIMEOUT_MS);
    });
    try {
      const subscribed = Promise.resolve(subscription).then(() => 'subscribed' as const);
      subscribed.catch(() => undefined); // a late failure after stop or timeout is not an unhandled rejection
      if ((await Promise.race([subscribed, this.#stopSignal, timeout])) === 'stopped') return;
    } catch (error) {
      if (this.#isStopped()) return;
      if (replayId === -1) throw error;
      // e.g. "The replayId you provided was invalid": resume from the tip and sweep the gap.
      logger.warn(
        { err: error, channel, replayId },
        'resubscribe with replay id failed; resuming from the tip',
      );
      this.#disconnect();
      this.#lastApplied = undefined;
      await this.#subscribe(-1, 'replay id rejected');
      return;
    } finally {
      clearTimeout(timer);
    }
    logger.info({ channel, replayId }, 'subscribed');
    this.#connected = this.#client === client && !interrupted;
    if (gap !== undefined) this.#options.onGap(gap);
  }

  /** Hands the delivery received so far to the serial queue. */
  #flush(): void {
    if (this.#pending.length === 0) return;
    const delivery = this.#pending;
    const count = delivery.length; // #handle empties the array once it has parsed it
    const since = this.#pendingSince ?? this.#options.now();
    this.#pending = [];
    this.#pendingSince = undefined;
    this.#waitingSince.push(since);
    this.#waiting.push({ events: delivery, count });
    if (!this.#applying) {
      this.#applying = true;
      this.#queue = this.#queue.then(() => this.#applyWaiting());
    }
    this.#options.onBacklog?.(this.#backlog);
  }

  /** Applies the waiting deliveries, all that have arrived at a time, in the order handed over. */
  async #applyWaiting(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const taken = this.#waiting.splice(0);
        const events = taken.length === 1 ? (taken[0]?.events ?? []) : taken.flatMap((d) => d.events);
        for (const delivery of taken) if (delivery.events !== events) delivery.events.length = 0;
        try {
          await this.#handle(events);
        } finally {
          this.#backlog -= taken.reduce((sum, delivery) => sum + delivery.count, 0);
          this.#waitingSince.splice(0, taken.length);
          this.#options.onBacklog?.(this.#backlog);
        }
      }
    } finally {
      // Nothing awaited since the loop found #waiting empty: a delivery handed over from now on
      // starts a loop of its own.
      this.#applying = false;
    }
  }

  /**
   * Too many events wait to be applied: stop connecting (the client is closed once the reply it is
   * handing over is whole; a reply that arrives after that is dropped with it and replayed), and once
   * what was received is applied, subscribe again from the stored replay id. A reconnect already
   * under way does the same.
   */
  #pause(): void {
    if (this.#reconnecting !== undefined || this.#stopped || this.#pausing) return;
    const backlog = this.#backlog;
    this.#options.logger.warn(
      { channel: this.#options.channel, backlog },
      'inbound backlog over its bound: pausing the change stream until it is applied',
    );
    this.#options.onPause?.(backlog);
    const client = this.#client;
    this.#pausing = true;
    // The rest of a big reply is parsed already: take it before disconnecting (which would drop it).
    void repliesHandedOver(client).then(() => {
      this.#pausing = false;
      if (this.#client === client) void this.#reconnect('inbound backlog', { reauthenticate: false });
    });
  }

  async #handle(delivery: unknown[]): Promise<void> {
    if (this.#stopped) return;
    const messages: ChangeEventMessage[] = [];
    // A 10 MB delivery is some 17,000 events: parsing them is a stretch the SIA API would wait on.
    const turn = loopTurns(PARSED_PER_TURN);
    for (const message of delivery) {
      await turn();
      const parsed = parseChangeEvent(message);
      if (parsed === undefined) {
        this.#options.logger.warn({ channel: this.#options.channel }, 'ignoring a malformed change event');
        continue;
      }
      const last = messages.at(-1)?.event.replayId ?? this.#lastApplied;
      if (last !== undefined && parsed.event.replayId <= last) continue;
      messages.push(parsed);
    }
    // What is applied is `messages`: the received array (and what was skipped) can go meanwhile.
    delivery.length = 0;
    if (messages.length === 0) return;
    try {
      await this.#options.onEvents(messages);
      const last = messages.at(-1);
      this.#lastApplied = last?.event.replayId;
      if (last !== undefined) this.#lastEventAt = new Date(last.payload.ChangeEventHeader.commitTimestamp);
    } catch (error) {
      // Not checkpointed: the sweep (or a replay after restart) brings the changes back.
      this.#options.logger.error(
        { err: error, replayIds: [messages[0]?.event.replayId, messages.at(-1)?.event.replayId] },
        'change events failed',
      );
      this.#options.onGap('change event failed');
    }
  }

  async #reconnect(reason: string, options = { reauthenticate: true }): Promise<void> {
    if (this.#stopped) return;
    this.#reconnecting ??= (async () => {
      this.#options.logger.warn({ channel: this.#options.channel, reason }, 'streaming reconnect');
      this.#flush();
      this.#disconnect();
      try {
        if (options.reauthenticate) await this.#options.salesforce.reauthenticate();
        await this.#queue;
        const { replayId, gap } = await this.#startingPoint(true);
        await this.#subscribe(replayId, gap);
        if (this.#failedReconnects > 0) this.#options.onRecovered?.();
        this.#failedReconnects = 0;
      } catch (error) {
        if (this.#stopped) return;
        // Tried again with backoff until it works; meanwhile the sweep covers what the stream misses.
        this.#failedReconnects += 1;
        const backoff = this.#options.reconnectBackoff ?? { baseDelayMs: 1_000, maxDelayMs: 60_000 };
        const delay = backoffDelay({ ...defaultRetryPolicy, ...backoff }, this.#failedReconnects);
        this.#options.logger.error(
          { err: error, attempts: this.#failedReconnects, retryInMs: delay },
          'streaming reconnect failed',
        );
        this.#options.onGap('streaming reconnect failed');
        this.#options.onOutage?.(error, this.#failedReconnects);
        this.#reconnectTimer = setTimeout(() => {
          this.#reconnectTimer = undefined;
          void this.#reconnect('retrying a failed reconnect');
        }, delay);
      }
    })().finally(() => {
      this.#reconnecting = undefined;
    });
    return this.#reconnecting;
  }

  #disconnect(): void {
    this.#connected = false;
    this.#subscription?.cancel();
    this.#subscription = undefined;
    if (this.#client) closeStreamingClient(this.#client);
    this.#client = undefined;
  }

  /** Stops taking events and waits for the one being applied. */
  /** A method, not a field read, because stop() may flip the flag while a subscribe is awaited. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#onStop();
    this.#disconnect();
    await this.#reconnecting;
    await this.#queue;
  }
}
