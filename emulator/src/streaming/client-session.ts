// One CometD client between handshake and disconnect: its subscriptions with their replay
// positions, the events queued for it, and the /meta/connect it may have waiting.
import { createHash, randomBytes } from 'node:crypto';
import type { BayeuxReply } from './bayeux-protocol.ts';
import type { RetainedEvent } from './types.ts';

export interface ClientSessionInit {
  userId: string;
  browserId: string;
  now: number;
  /** What of an event this client's user may receive; undefined skips it. */
  deliverable?: (userId: string, event: RetainedEvent) => RetainedEvent | undefined;
}

/** A /meta/connect held open until an event arrives, the hold ends, or the server closes. */
interface HeldConnect {
  release(): void;
}

export class ClientSession {
  /** 27 base-36 characters, like Salesforce's client ids (`1q1ib66fvm7kli1gfoauu95i78g`). */
  readonly clientId = newClientId();
  readonly userId: string;
  /** Value of the BAYEUX_BROWSER cookie set at handshake; later requests must send it back. */
  readonly browserId: string;
  /** Channel → replay id of the last event queued for this client on it. */
  readonly subscriptions = new Map<string, number>();
  /** Milliseconds (clock time) of the last request or connect reply; idle sessions are dropped. */
  lastSeen: number;
  /** The first /meta/connect is answered at once; later ones are held (long polling). */
  connected = false;
  /** Set by /meta/disconnect, so a connect still waiting is answered normally. */
  disconnected = false;
  /** Event messages waiting for a connect, with the size each adds to a reply's JSON. */
  private queue: { message: BayeuxReply; bytes: number }[] = [];
  private held: HeldConnect | undefined;
  private readonly deliverable: ClientSessionInit['deliverable'];

  constructor({ userId, browserId, now, deliverable }: ClientSessionInit) {
    this.userId = userId;
    this.browserId = browserId;
    this.lastSeen = now;
    this.deliverable = deliverable;
  }

  get hasQueued(): boolean {
    return this.queue.length > 0;
  }

  get isHolding(): boolean {
    return this.held !== undefined;
  }

  /** Queues events of a subscribed channel that are newer than what the client already has. */
  enqueue(events: RetainedEvent[]): void {
    for (const event of events) {
      const cursor = this.subscriptions.get(event.channel);
      if (cursor === undefined || event.replayId <= cursor) continue;
      // An event the user may not receive is passed over: the cursor moves on all the same.
      this.subscriptions.set(event.channel, event.replayId);
      const delivered = this.deliverable === undefined ? event : this.deliverable(this.userId, event);
      if (delivered !== undefined) {
        const message = eventMessage(delivered);
        this.queue.push({ message, bytes: Buffer.byteLength(JSON.stringify(message)) + 1 });
      }
    }
    if (this.queue.length > 0) this.releaseHeld();
  }

  /**
   * The oldest queued messages whose JSON fits in `maxBytes` (always at least one); the rest wait
   * for the next connect, which is answered at once because something is queued.
   */
  takeQueued(maxBytes = Number.POSITIVE_INFINITY): BayeuxReply[] {
    let size = 0;
    let count = 0;
    for (const { bytes } of this.queue) {
      if (count > 0 && size + bytes > maxBytes) break;
      size += bytes;
      count += 1;
    }
    const taken = this.queue.slice(0, count).map((entry) => entry.message);
    this.queue = count === this.queue.length ? [] : this.queue.slice(count);
    return taken;
  }

  dropChannel(channel: string): void {
    this.subscriptions.delete(channel);
    this.queue = this.queue.filter((entry) => entry.message.channel !== channel);
  }

  /** Remembers a waiting connect; a previous one still waiting is released first. */
  hold(release: () => void): void {
    this.releaseHeld();
    this.held = { release };
  }

  /** Ends the hold (the connect then replies with whatever is queued). */
  releaseHeld(): void {
    const held = this.held;
    this.held = undefined;
    held?.release();
  }

  /** Forgets the hold without answering it (the waiting connect answered by itself). */
  clearHeld(release: () => void): void {
    if (this.held?.release === release) this.held = undefined;
  }
}

/** An event as Salesforce delivers it: `{ channel, data: { schema, payload, event: { replayId } } }`. */
function eventMessage(event: RetainedEvent): BayeuxReply {
  return {
    channel: event.channel,
    data: {
      schema: schemaId(event),
      payload: event.payload,
      event: {
        ...(event.eventUuid === undefined ? {} : { EventUuid: event.eventUuid }),
        replayId: event.replayId,
      },
    },
  };
}

/**
 * Salesforce sends the id of the event's Avro schema (22 URL-safe base64 characters, e.g.
 * `I8b-dYxvxs5wOtCBr4qsew`). Here it is derived from the event type, so it is stable per type.
 */
function schemaId(event: RetainedEvent): string {
  const header = event.payload.ChangeEventHeader;
  const entity =
    typeof header === 'object' && header !== null && 'entityName' in header ? header.entityName : undefined;
  const type = typeof entity === 'string' ? `${entity}ChangeEvent` : event.channel;
  return createHash('sha256').update(type).digest('base64url').slice(0, 22);
}

function newClientId(): string {
  let id = '';
  for (const byte of randomBytes(27)) id += (byte % 36).toString(36);
  return id;
}
