// Bayeux 1.0 messages as Salesforce's CometD server exchanges them, and its error strings.
//
// Error texts: Streaming API Developer Guide, "Streaming API Error Codes" and "Handling Streaming
// API Errors" (401 on /meta/connect with advice reconnect=none; on /meta/handshake the reason is
// nested under ext.sfdc.failureReason next to `403::Handshake denied`).

/** One message of a request batch, after its shape has been checked. */
export interface BayeuxRequest {
  channel: string;
  id?: string;
  clientId?: string;
  subscription?: string;
  connectionType?: string;
  data?: unknown;
  advice?: { timeout?: number };
  ext?: Record<string, unknown>;
}

export type BayeuxReply = Record<string, unknown> & { channel: string };

export const META = {
  handshake: '/meta/handshake',
  connect: '/meta/connect',
  subscribe: '/meta/subscribe',
  unsubscribe: '/meta/unsubscribe',
  disconnect: '/meta/disconnect',
} as const;

export const LONG_POLLING = 'long-polling';

/** Salesforce's CometD server holds a /meta/connect for up to 110 seconds (Streaming API limits). */
export const SALESFORCE_CONNECT_TIMEOUT_MS = 110_000;

/** Requests over 32,768 bytes get `413 Maximum Request Size Exceeded`. */
export const MAX_REQUEST_BYTES = 32_768;

export const BROWSER_COOKIE = 'BAYEUX_BROWSER';

export const ERRORS = {
  handshakeDenied: '403::Handshake denied',
  requiresAuthentication: '401::Request requires authentication',
  authenticationInvalid: '401::Authentication invalid',
  unknownClient: '403::Unknown client',
  userMismatch: "400::Authenticated user id does not match the session's user id",
  versionMissing: (example: string) =>
    `400::API version in the URI is mandatory. URI format: '/cometd/${example}'`,
  versionUnsupported: (example: string) =>
    `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/${example}'`,
  invalidConnectionType: (type: string) => `400::Invalid connection type ${type}`,
  channelMissing: '400::Channel name not specified',
  channelNoSlash: "400::Channel subscriptions must start with a leading '/'",
  unknownChannel: (channel: string) =>
    `400::The channel you requested to subscribe to does not exist {${channel}}`,
  invalidReplayId: (replayId: number | string) =>
    `400::The replayId {${replayId}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
  noCookie: (clientId: string) =>
    `400::Client ${clientId} has established a session, but no ${BROWSER_COOKIE} cookie present`,
  // The closest documented refusal: clients cannot publish platform or change events over CometD.
  restrictedChannel: '403::Restricted channel',
} as const;

/** Reads a request body into messages; undefined when it is not a Bayeux message or batch. */
export function parseBayeuxBatch(body: unknown): BayeuxRequest[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return undefined;
  const messages: BayeuxRequest[] = [];
  for (const item of items) {
    const message = asBayeuxRequest(item);
    if (message === undefined) return undefined;
    messages.push(message);
  }
  return messages;
}

function asBayeuxRequest(item: unknown): BayeuxRequest | undefined {
  if (!isObject(item) || typeof item.channel !== 'string') return undefined;
  const message: BayeuxRequest = { channel: item.channel };
  // Faye numbers messages in base 36; other clients send numbers. Replies echo the id as sent.
  if (typeof item.id === 'string' || typeof item.id === 'number') message.id = String(item.id);
  if (typeof item.clientId === 'string') message.clientId = item.clientId;
  if (typeof item.subscription === 'string') message.subscription = item.subscription;
  if (typeof item.connectionType === 'string') message.connectionType = item.connectionType;
  if ('data' in item) message.data = item.data;
  if (isObject(item.advice) && typeof item.advice.timeout === 'number') {
    message.advice = { timeout: item.advice.timeout };
  }
  if (isObject(item.ext)) message.ext = item.ext;
  return message;
}

/**
 * The replay position a subscribe asks for: `ext.replay = { "<channel>": -1 | -2 | replayId }`.
 * Without one, Salesforce delivers new events only (-1). A value that is not a whole number comes
 * back as `invalid`, as the client sent it, for the error message.
 */
export function requestedReplayId(
  message: BayeuxRequest,
  channel: string,
): { replayId: number } | { invalid: string } {
  const replay = message.ext?.replay;
  if (!isObject(replay) || !(channel in replay)) return { replayId: -1 };
  const value = replay[channel];
  const replayId = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof replayId === 'number' && Number.isSafeInteger(replayId)
    ? { replayId }
    : { invalid: String(value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reply skeleton every meta response shares: channel, echoed id and clientId. */
export function replyTo(message: BayeuxRequest, fields: Record<string, unknown>): BayeuxReply {
  return {
    channel: message.channel,
    ...(message.id === undefined ? {} : { id: message.id }),
    ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
    ...fields,
  };
}
