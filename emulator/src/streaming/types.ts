// Contract between the parts of the emulator that produce events (REST writes, platform event
// publish) and the CometD transport that delivers them with replay.

/** One retained event on one channel, as CometD delivers it: `{ event: { replayId }, payload }`. */
export interface RetainedEvent {
  /** `/event/SIA_Sync_Notice__e`, `/data/TaskChangeEvent`, `/data/ChangeEvents`, ... */
  channel: string;
  /** Increases per channel; a subscriber resumes after the last id it saw. */
  replayId: number;
  /** Epoch millis of publication; events older than the 72-hour retention are dropped. */
  publishedAt: number;
  /** Present on platform events (EventUuid) */
  eventUuid?: string;
  payload: Record<string, unknown>;
}

export interface EventPublisher {
  /** Appends an event to a channel's retained log and delivers it to live subscribers. */
  publish(channel: string, payload: Record<string, unknown>): RetainedEvent;
  /**
   * Publishes one event on several channels under a single replay id (a change event is one event
   * on the event bus, delivered on its entity channel and on /data/ChangeEvents).
   */
  publishOnChannels(channels: string[], payload: Record<string, unknown>): RetainedEvent[];
}

/** What the CometD endpoint needs from the OAuth part: who a bearer token belongs to. */
export interface SessionInfo {
  userId: string;
  orgId: string;
  username: string;
}

export interface SessionValidator {
  /** The session of a valid, unexpired access token; undefined when expired, revoked or unknown. */
  validate(accessToken: string): SessionInfo | undefined;
}

/** The retained-event log with live delivery (implemented in streaming/event-bus.ts). */
export interface EventBus extends EventPublisher {
  /** Retained events of a channel after `replayId` (-2: all retained; -1: none), oldest first. */
  since(channel: string, replayId: number): RetainedEvent[];
  /** Live delivery of every new event on any channel; returns an unsubscribe function. */
  onEvent(listener: (event: RetainedEvent) => void): () => void;
  /** Every retained event (the admin API's event log). */
  all(): RetainedEvent[];
  /** Forgets the retained events (and lifts delivery faults); replay ids are never reused. */
  clear(): void;
  /**
   * Holds live delivery of the next `count` events on a channel (every event when undefined) for
   * `delayMs` of wall-clock time; 0 lifts it. Events stay in replay-id order per channel.
   */
  delayDelivery(channel: string, delayMs: number, count?: number): void;
  /** Skips live delivery of the next `count` events on a channel; they are still retained. */
  dropDelivery(channel: string, count: number): void;
  deliveryFaults(): DeliveryFault[];
  /** Lifts every delivery fault; events being held are delivered now. */
  clearDeliveryFaults(): void;
  /** The retained log, for `--data` persistence. */
  exportRetained(): RetainedLog;
  /** Restores a persisted log (events past the retention window are dropped). */
  importRetained(log: RetainedLog): void;
}

export interface RetainedLog {
  /** Highest replay id handed out, so a restarted bus never reuses one. */
  lastReplayId: number;
  events: RetainedEvent[];
}

export type DeliveryFault =
  | { channel: string; action: 'delay'; delayMs: number; remaining?: number }
  | { channel: string; action: 'drop'; remaining: number };

/** Input for one change-data-capture event (one record of one transaction). */
export interface ChangeEventInput {
  entityName: string;
  changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
  recordIds: string[];
  /** Field values to carry in the payload: all non-null fields on CREATE, the changed ones on UPDATE. */
  values: Record<string, unknown>;
  changedFields: string[];
  nulledFields: string[];
  commitUser: string;
  commitTimestamp: number;
  /** `com/salesforce/api/rest/<version>;client=<Sforce-Call-Options client>` or '' */
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  /** System change number of the transaction; defaults to one derived from commitTimestamp. */
  commitNumber?: number;
}
