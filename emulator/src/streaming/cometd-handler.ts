// Salesforce's Streaming API endpoint, `/cometd/<version>`: a Bayeux long-polling server with the
// replay extension, OAuth on every request and Salesforce's error strings. Hand-written rather
// than built on Faye's server because replay positions are per client and per channel here, and
// Faye's engine has no notion of them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';
import {
  BROWSER_COOKIE,
  ERRORS,
  LONG_POLLING,
  MAX_REQUEST_BYTES,
  META,
  SALESFORCE_CONNECT_TIMEOUT_MS,
  parseBayeuxBatch,
  replyTo,
  requestedReplayId,
  type BayeuxReply,
  type BayeuxRequest,
} from './bayeux-protocol.ts';
import { ClientSession } from './client-session.ts';
import type { EventBus, RetainedEvent, SessionInfo, SessionValidator } from './types.ts';

export interface CometdHandlerOptions {
  bus: EventBus;
  sessions: SessionValidator;
  /** Whether a subscription channel exists in the org (`/event/X__e`, `/data/TaskChangeEvent`, ...). */
  isKnownChannel: (channel: string) => boolean;
  clock: Clock;
  /** How long a /meta/connect waits for events before answering empty; Salesforce: 110 s. */
  connectHoldMs?: number;
  /**
   * A client that sends nothing for this long after a connect reply loses its session and gets
   * `403::Unknown client` (Salesforce expects the reconnect within 40 s). Clock time.
   */
  sessionTimeoutMs?: number;
  /**
   * Most bytes of events one /meta/connect reply carries (default MAX_DELIVERY_BYTES); what is
   * left is answered at the next connect, at once.
   */
  maxDeliveryBytes?: number;
  /**
   * What of an event reaches a subscriber (the user's permissions and field-level security decide,
   * at delivery); undefined skips it. Everything is delivered when absent.
   */
  deliverable?: (userId: string, event: RetainedEvent) => RetainedEvent | undefined;
}

export interface CometdHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Forgets every connected client, as when Salesforce's servers drop CometD sessions (Hyperforce
   * rebalancing): each gets `403::Unknown client` and must handshake and resubscribe. Returns how
   * many were dropped. For fault tests.
   */
  dropClients(): number;
  /**
   * Arms `count` lost deliveries: each of the next `count` replies that carry events is taken from
   * the client's queue and then thrown away with the connection reset, as when the client gives
   * up on a long /meta/connect (Faye aborts it after 1.2 × the advised timeout) after the server
   * dequeued its events. The events stay retained, so a resubscribe from an earlier replay id gets
   * them. Returns how many are armed. For fault tests.
   */
  discardDeliveries(count: number): number;
  /** How many clients have a /meta/connect waiting for events right now. For tests. */
  heldConnects(): number;
  /** Answers every waiting connect and stops delivering; the HTTP server is closed by its owner. */
  close(): Promise<void>;
}

/** Oldest API version whose Streaming API endpoint supports durable (replayable) subscriptions. */
const MIN_VERSION = 37;
const EXAMPLE_VERSION = '66.0';
const DEFAULT_SESSION_TIMEOUT_MS = 40_000;
/**
 * Salesforce delivers events to a CometD client in batches whose size "can vary", and tells
 * clients to buffer at least 10 MB for one (Platform Events Developer Guide, "Subscribe to Platform
 * Event Notifications with CometD"); it documents no upper bound. The emulator keeps each reply's
 * events within that 10 MB, so a backlog of 100,000 change events (a bulk job's) arrives in batches
 * a client following the guidance can hold, not in one reply of hundreds of megabytes.
 */
export const MAX_DELIVERY_BYTES = 10 * 1_048_576;

type Authentication = { user: SessionInfo; token: string } | { failure: string };

interface RequestContext {
  auth: Authentication;
  /** BAYEUX_BROWSER cookie the request carried. */
  browserCookie: string | undefined;
  /** Number of messages in the request. */
  batchSize: number;
  /** Set by a handshake that had to mint a browser id. */
  newBrowserId?: string;
  /** The client closed the connection before the reply (a held connect it gave up on). */
  hungUp: boolean;
  /** Ends the hold of this request's connect early, so it stops waiting for nobody. */
  onHangUp?: () => void;
}

export function createCometdHandler(options: CometdHandlerOptions): CometdHandler {
  const { bus, sessions, isKnownChannel, clock } = options;
  const holdMs = options.connectHoldMs ?? SALESFORCE_CONNECT_TIMEOUT_MS;
  const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  const maxDeliveryBytes = options.maxDeliveryBytes ?? MAX_DELIVERY_BYTES;
  const clients = new Map<string, ClientSession>();
  const connectAdvice = { interval: 0, timeout: holdMs, reconnect: 'retry' };
  let closed = false;
  let discards = 0;

  const stopDelivery = bus.onEvent((event) => {
    for (const client of clients.values()) client.enqueue([event]);
  });

  const now = (): number => clock.now().getTime();

  function dropIdleClients(): void {
    for (const [clientId, client] of clients) {
      if (!client.isHolding && now() - client.lastSeen > sessionTimeoutMs) clients.delete(clientId);
    }
  }

  function dropClient(client: ClientSession): void {
    clients.delete(client.clientId);
    client.releaseHeld();
  }

  function handshake(message: BayeuxRequest, context: RequestContext): BayeuxReply {
    if ('failure' in context.auth) {
      return replyTo(message, {
        successful: false,
        error: ERRORS.handshakeDenied,
        ext: { sfdc: { failureReason: context.auth.failure } },
        advice: { reconnect: 'none' },
      });
    }
    let browserId = context.browserCookie ?? context.newBrowserId;
    if (browserId === undefined) {
      browserId = randomBytes(16).toString('hex');
      context.newBrowserId = browserId;
    }
    const client = new ClientSession({
      userId: context.auth.user.userId,
      browserId,
      now: now(),
      ...(options.deliverable === undefined ? {} : { deliverable: options.deliverable }),
    });
    clients.set(client.clientId, client);
    return replyTo(message, {
      successful: true,
      clientId: client.clientId,
      version: '1.0',
      minimumVersion: '1.0',
      supportedConnectionTypes: [LONG_POLLING],
      advice: connectAdvice,
      ext: { replay: true, 'payload.format': true },
    });
  }

  /** The session a message belongs to, or the reply refusing it. */
  function clientOf(message: BayeuxRequest, context: RequestContext): ClientSession | BayeuxReply {
    const client = message.clientId === undefined ? undefined : clients.get(message.clientId);
    if ('failure' in context.auth) {
      if (client !== undefined) dropClient(client);
      return authenticationFailure(message, context.auth.failure);
    }
    if (client === undefined) return unknownClient(message);
    if (context.browserCookie !== client.browserId) {
      return replyTo(message, { successful: false, error: ERRORS.noCookie(client.clientId) });
    }
    if (context.auth.user.userId !== client.userId) {
      return replyTo(message, { successful: false, error: ERRORS.userMismatch });
    }
    client.lastSeen = now();
    return client;
  }

  async function connect(message: BayeuxRequest, client: ClientSession, context: RequestContext) {
    if (message.connectionType !== LONG_POLLING) {
      return [
        replyTo(message, {
          successful: false,
          error: ERRORS.invalidConnectionType(message.connectionType ?? ''),
        }),
      ];
    }
    // A connect that shares its batch is answered at once, so the messages after it are not held
    // up; Faye also asks for that explicitly (advice.timeout 0).
    const answerNow =
      !client.connected || client.hasQueued || context.batchSize > 1 || message.advice?.timeout === 0;
    client.connected = true;
    if (!answerNow) {
      await holdConnect(client, context);
      // The client hung up while waiting: keep its events queued for its next connect.
      if (context.hungUp) return [];
      if (!closed && !client.disconnected) {
        // Forgotten while waiting (dropClients): the client must start over.
        if (clients.get(client.clientId) !== client) return [unknownClient(message)];
        // Salesforce re-validates the token while a client is connected.
        if ('token' in context.auth && sessions.validate(context.auth.token) === undefined) {
          dropClient(client);
          return [authenticationFailure(message, ERRORS.authenticationInvalid)];
        }
      }
    }
    client.lastSeen = now();
    return [
      ...client.takeQueued(maxDeliveryBytes),
      replyTo(message, { successful: true, advice: connectAdvice }),
    ];
  }

  /** Waits until an event is queued for the client, the hold time passes, or it is released. */
  function holdConnect(client: ClientSession, context: RequestContext): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        client.clearHeld(release);
        resolve();
      };
      const timer = setTimeout(release, holdMs);
      client.hold(release);
      context.onHangUp = release;
    });
  }

  function subscribe(message: BayeuxRequest, client: ClientSession): BayeuxReply {
    const channel = message.subscription;
    const refuse = (error: string): BayeuxReply =>
      replyTo(message, {
        successful: false,
        error,
        ...(channel === undefined ? {} : { subscription: channel }),
      });
    if (channel === undefined || channel === '') return refuse(ERRORS.channelMissing);
    if (!channel.startsWith('/')) return refuse(ERRORS.channelNoSlash);
    if (!isKnownChannel(channel)) return refuse(ERRORS.unknownChannel(channel));

    const requested = requestedReplayId(message, channel);
    if ('invalid' in requested) return refuse(ERRORS.invalidReplayId(requested.invalid));
    const { replayId } = requested;
    const retained = bus.since(channel, -2);
    const newest = retained.at(-1)?.replayId;
    let cursor: number;
    if (replayId === -1) {
      cursor = newest ?? 0;
    } else if (replayId === -2) {
      cursor = 0;
    } else {
      // A stored id must still be in the retention window: an event that was purged (or never
      // existed) cannot be resumed from.
      const oldest = retained[0]?.replayId;
      if (oldest === undefined || newest === undefined || replayId < oldest || replayId > newest) {
        return refuse(ERRORS.invalidReplayId(replayId));
      }
      cursor = replayId;
    }
    client.dropChannel(channel);
    client.subscriptions.set(channel, cursor);
    client.enqueue(retained);
    return replyTo(message, { successful: true, subscription: channel });
  }

  function unsubscribe(message: BayeuxRequest, client: ClientSession): BayeuxReply {
    const channel = message.subscription;
    if (channel === undefined || channel === '') {
      return replyTo(message, { successful: false, error: ERRORS.channelMissing });
    }
    client.dropChannel(channel);
    return replyTo(message, { successful: true, subscription: channel });
  }

  function disconnect(message: BayeuxRequest): BayeuxReply {
    const client = message.clientId === undefined ? undefined : clients.get(message.clientId);
    if (client === undefined) return replyTo(message, { successful: false, error: ERRORS.unknownClient });
    client.disconnected = true;
    dropClient(client);
    return replyTo(message, { successful: true });
  }

  async function dispatch(message: BayeuxRequest, context: RequestContext): Promise<BayeuxReply[]> {
    if (message.channel === META.handshake) return [handshake(message, context)];
    if (message.channel === META.disconnect) return [disconnect(message)];
    const client = clientOf(message, context);
    if (!(client instanceof ClientSession)) return [client];
    switch (message.channel) {
      case META.connect:
        return connect(message, client, context);
      case META.subscribe:
        return [subscribe(message, client)];
      case META.unsubscribe:
        return [unsubscribe(message, client)];
      default:
        return [replyTo(message, { successful: false, error: ERRORS.restrictedChannel })];
    }
  }

  return {
    async handle(req, res) {
      const messages = await readMessages(req, res, closed);
      if (messages === undefined) return;
      const versionError = checkVersion(req.url ?? '');
      if (versionError !== undefined) {
        sendJson(
          res,
          messages.map((message) => replyTo(message, { successful: false, error: versionError })),
        );
        return;
      }

      dropIdleClients();
      const context: RequestContext = {
        auth: authenticate(req.headers.authorization, sessions),
        browserCookie: cookieValue(req.headers.cookie, BROWSER_COOKIE),
        batchSize: messages.length,
        hungUp: false,
      };
      res.on('close', () => {
        if (res.writableFinished) return;
        context.hungUp = true;
        context.onHangUp?.();
      });
      const replies: BayeuxReply[] = [];
      // In order: a batch may hold a handshake followed by messages that use its client id.
      for (const message of messages) replies.push(...(await dispatch(message, context)));
      if (discards > 0 && replies.some((reply) => !reply.channel.startsWith('/meta/'))) {
        discards -= 1;
        res.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      if (context.newBrowserId !== undefined) {
        headers['Set-Cookie'] = `${BROWSER_COOKIE}=${context.newBrowserId}; Path=/; HttpOnly`;
      }
      sendJson(res, replies, headers);
    },

    dropClients() {
      const dropped = [...clients.values()];
      for (const client of dropped) dropClient(client);
      return dropped.length;
    },

    discardDeliveries(count) {
      discards = count;
      return discards;
    },

    heldConnects() {
      return [...clients.values()].filter((client) => client.isHolding).length;
    },

    close() {
      closed = true;
      stopDelivery();
      for (const client of [...clients.values()]) dropClient(client);
      return Promise.resolve();
    },
  };
}

/** Salesforce forgets idle or rebalanced clients; the advice makes the client handshake again. */
function unknownClient(message: BayeuxRequest): BayeuxReply {
  return replyTo(message, {
    successful: false,
    error: ERRORS.unknownClient,
    advice: { reconnect: 'handshake', interval: 0 },
  });
}

function authenticationFailure(message: BayeuxRequest, failure: string): BayeuxReply {
  return replyTo(message, { successful: false, error: failure, advice: { reconnect: 'none', interval: 0 } });
}

/** jsforce sends `Authorization: OAuth <token>`; `Bearer` is accepted as the REST API does. */
function authenticate(header: string | undefined, sessions: SessionValidator): Authentication {
  const token = /^(?:OAuth|Bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (token === undefined) return { failure: ERRORS.requiresAuthentication };
  const user = sessions.validate(token);
  return user === undefined ? { failure: ERRORS.authenticationInvalid } : { user, token };
}

/**
 * The CometD JavaScript and Java clients append the message type to the URL by default
 * (`/cometd/66.0/handshake`, `/cometd/66.0/connect`); the version is the segment after /cometd/.
 */
const COMETD_PATH =
  /^\/cometd(?:\/([^/]*))?(?:\/(?:meta\/)?(?:handshake|connect|subscribe|unsubscribe|disconnect))?\/?$/;

function checkVersion(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const version = COMETD_PATH.exec(path)?.[1] ?? '';
  if (version === '') return ERRORS.versionMissing(EXAMPLE_VERSION);
  if (!/^\d+\.0$/.test(version) || Number(version) < MIN_VERSION)
    return ERRORS.versionUnsupported(EXAMPLE_VERSION);
  return undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The request's Bayeux messages, or undefined once an HTTP-level refusal has been sent. */
async function readMessages(
  req: IncomingMessage,
  res: ServerResponse,
  closed: boolean,
): Promise<BayeuxRequest[] | undefined> {
  if (closed) {
    sendText(res, 503, 'Service Unavailable');
    return undefined;
  }
  // Only long polling over POST: Salesforce refuses WebSocket and callback polling.
  if (req.method !== 'POST') {
    sendText(res, 400, 'Bad Request');
    return undefined;
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) {
    sendText(res, 413, 'Maximum Request Size Exceeded');
    return undefined;
  }
  const messages = parseBayeuxBatch(parseJson(body));
  if (messages === undefined) sendText(res, 400, 'Bad Request');
  return messages;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, replies: BayeuxReply[], headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(replies));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8' });
  res.end(text);
}
