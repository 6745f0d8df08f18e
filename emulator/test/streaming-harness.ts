// Test support: the CometD handler behind a bare node:http server, driven by jsforce's own
// streaming client (Faye with the Replay and AuthFailure extensions), as integrations use it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
// jsforce documents `jsforce/api/streaming`; that path is a directory alias that ES modules cannot
// import, so the same module is loaded by its file name.
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { Clock } from '../src/schema/types.ts';
import { createCometdHandler, type CometdHandler } from '../src/streaming/cometd-handler.ts';
import { createEventBus } from '../src/streaming/event-bus.ts';
import type { EventBus, SessionInfo } from '../src/streaming/types.ts';

/** The part of Faye's client that jsforce returns and these tests use. */
export interface StreamingClient {
  subscribe(channel: string, onMessage: (message: DeliveredEvent) => void): FayeSubscription;
  /** Resolves once the server acknowledged; undefined when the client was not connected. */
  disconnect(): PromiseLike<unknown> | undefined;
}

export interface FayeSubscription extends PromiseLike<unknown> {
  cancel(): void;
}

/** What a subscriber's callback receives: the `data` of the delivered Bayeux message. */
export interface DeliveredEvent {
  schema?: string;
  payload: Record<string, unknown>;
  event: { replayId: number; EventUuid?: string };
}

export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(start = Date.parse('2026-11-28T09:00:00Z')): TestClock {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

export const USER: SessionInfo = {
  userId: '005000000000001AAA',
  orgId: '00D000000000001EAA',
  username: 'sync@sia.test',
};
export const KNOWN_CHANNELS = new Set([
  '/event/SIA_Sync_Notice__e',
  '/data/TaskChangeEvent',
  '/data/ChangeEvents',
]);

export interface StreamingServer {
  url: string;
  bus: EventBus;
  clock: TestClock;
  handler: CometdHandler;
  /** Valid access tokens; delete one to expire it. */
  tokens: Map<string, SessionInfo>;
  connection(token?: string): Connection;
  /** A jsforce streaming client with Replay (when replayFrom is given) and AuthFailure extensions. */
  client(options: {
    channel: string;
    replayFrom?: number;
    token?: string;
    onAuthFailure?: (message: unknown) => void;
  }): StreamingClient;
  close(): Promise<void>;
}

export async function startStreamingServer(
  options: { connectHoldMs?: number; maxDeliveryBytes?: number } = {},
): Promise<StreamingServer> {
  const clock = testClock();
  const bus = createEventBus({ clock });
  const tokens = new Map<string, SessionInfo>([['token-1', USER]]);
  const handler = createCometdHandler({
    bus,
    clock,
    sessions: { validate: (token) => tokens.get(token) },
    isKnownChannel: (channel) => KNOWN_CHANNELS.has(channel),
    // Faye gives up on any request after 1.2 × the advised hold; a long hold keeps a slow machine
    // from turning into retries. Nothing here waits for a hold to run out.
    connectHoldMs: options.connectHoldMs ?? 10_000,
    ...(options.maxDeliveryBytes === undefined ? {} : { maxDeliveryBytes: options.maxDeliveryBytes }),
  });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/cometd/') === true) {
      void handler.handle(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: StreamingClient[] = [];

  const connection = (token = 'token-1'): Connection =>
    new Connection({ instanceUrl: url, accessToken: token, version: '66.0' });

  return {
    url,
    bus,
    clock,
    handler,
    tokens,
    connection,
    client({ channel, replayFrom, token, onAuthFailure }) {
      const extensions: unknown[] = [new StreamingExtension.AuthFailure(onAuthFailure ?? (() => undefined))];
      if (replayFrom !== undefined) extensions.push(new StreamingExtension.Replay(channel, replayFrom));
      const client = connection(token).streaming.createClient(extensions) as unknown as StreamingClient;
      clients.push(client);
      return client;
    },
    async close() {
      // A disconnect still in flight when the server goes away makes Faye retry it every few seconds.
      // A refused disconnect (the session was already dropped) is fine.
      await Promise.all(clients.map((client) => settledWithin(client.disconnect(), 1_000)));
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** Collects delivered events and waits, within a bound, for a number of them. */
export class Inbox {
  readonly events: DeliveredEvent[] = [];
  private waiters: (() => void)[] = [];

  readonly push = (event: DeliveredEvent): void => {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  };

  async waitFor(count: number, timeoutMs = 3_000): Promise<DeliveredEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`expected ${count} events, got ${this.events.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events.slice(0, count);
  }
}

/** Waits until a promise settles either way, or at most `ms`. */
export async function settledWithin(promise: PromiseLike<unknown> | undefined, ms: number): Promise<void> {
  if (promise === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.resolve(promise).catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** The promise's value, or a rejection naming `what` if it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: nothing within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition` holds, checked every few milliseconds; `ms` bounds only a failure. */
export async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
