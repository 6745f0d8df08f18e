// lightning/empApi over the Streaming API: one shared CometD connection per page, subscribe with
// a replay id (-1 new events, -2 all retained, or an event's replay id), unsubscribe, onError.
import { CometdClient, type BayeuxMessage, type MessageListener } from './cometd-client.ts';
import { session } from './session.ts';

export interface EmpSubscription {
  id: string;
  channel: string;
  replayId: number;
}

const errorListeners = new Set<(error: unknown) => void>();
const client = new CometdClient(`/cometd/${session.apiVersion}`, (error) => {
  for (const listener of errorListeners) listener(error);
});
const listeners = new Map<string, MessageListener>();
let nextSubscriptionId = 0;
let debug = false;

export function subscribe(
  channel: string,
  replayId: number,
  onMessageCallback: (message: { channel: string; data: unknown }) => void,
): Promise<EmpSubscription> {
  const id = String(++nextSubscriptionId);
  const listener = (message: BayeuxMessage): void => {
    if (debug) console.debug('empApi', message);
    onMessageCallback({ channel: message.channel, data: message.data });
  };
  listeners.set(id, listener);
  return client.subscribe(channel, replayId, listener).then(
    () => ({ id, channel, replayId }),
    (error: unknown) => {
      listeners.delete(id);
      for (const errorListener of errorListeners) errorListener(error);
      throw error;
    },
  );
}

export async function unsubscribe(
  subscription: EmpSubscription,
  callback?: (response: unknown) => void,
): Promise<unknown> {
  const listener = listeners.get(subscription.id);
  listeners.delete(subscription.id);
  if (listener !== undefined) await client.unsubscribe(subscription.channel, listener);
  const response = { successful: true, subscription: subscription.channel };
  callback?.(response);
  return response;
}

export function onError(callback: (error: unknown) => void): void {
  errorListeners.add(callback);
}

export function setDebugFlag(flag: boolean): Promise<unknown> {
  debug = flag;
  return Promise.resolve(flag);
}

/** The Streaming API serves desktop browsers: this page is one. */
export function isEmpEnabled(): Promise<boolean> {
  return Promise.resolve(typeof fetch === 'function');
}
