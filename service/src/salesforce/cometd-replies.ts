// Big CometD replies, taken in a stretch at a time. Faye's Node HTTP transport (the one jsforce's
// streaming client uses) reads a reply whole, parses it with one JSON.parse and passes every message
// through the extensions and the subscribers in one synchronous pass. Salesforce fills a
// /meta/connect reply with up to 10 MB of events (Platform Events Developer Guide, "Subscribe to
// Platform Event Notifications with CometD": clients should buffer at least 10 MB), some 16,000
// change events after a bulk job: on the 2-core machine the parse alone took 30 to 90 ms and the
// hand-over about 80 ms more, stretches in which the SIA API answers nobody.
//
// A reply of SLICED_FROM_CHARS or more is instead split into its messages a stretch of characters at
// a time, parsed a group at a time and handed over SLICE_MESSAGES at a time, the event loop turning
// in between. Nothing is handed over before the whole reply parsed: a reply that does not parse gets
// Faye's own handling (its messages fail), never half of it. A transport's replies are handed over
// strictly in the order they arrived, small ones included; a small reply while none is in progress
// keeps Faye's own path, as it was.
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Replies this long (in characters) or longer are taken in slices; shorter ones at once. */
export const SLICED_FROM_CHARS = 256 * 1024;
/** Characters scanned for message boundaries between two turns of the event loop. */
const SCANNED_PER_TURN = 1_000_000;
/** Characters of messages parsed between two turns. */
const PARSED_PER_TURN = 128 * 1024;
/** Messages handed to Faye (extensions, then subscribers) between two turns. */
export const SLICE_MESSAGES = 250;

/** What JSON allows between tokens (RFC 8259): space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The parts of Faye's NodeHttp transport this touches (faye/src/transport/node_http.js). */
interface FayeTransport {
  _receive(replies: unknown): void;
  _handleError(messages: unknown, immediate?: boolean): void;
  _handleResponse(messages: unknown, response: IncomingMessage): void;
}

/**
 * Where a JSON text's top-level array ends each element: the offsets of its separating commas and
 * of its closing bracket. Undefined when the text is not one array (then JSON.parse decides).
 */
export async function arrayBoundaries(
  text: string,
  perTurn = SCANNED_PER_TURN,
): Promise<number[] | undefined> {
  const QUOTE = 34;
  const BACKSLASH = 92;
  const COMMA = 44;
  let at = 0;
  while (at < text.length && JSON_SPACE.has(text.charCodeAt(at))) at += 1;
  if (text.charCodeAt(at) !== 91) return undefined; // '['
  const boundaries: number[] = [];
  let depth = 1;
  let inString = false;
  let escaped = false;
  at += 1;
  while (at < text.length) {
    const stop = Math.min(text.length, at + perTurn);
    for (; at < stop; at += 1) {
      const c = text.charCodeAt(at);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === 123 || c === 91)
        depth += 1; // '{' '['
      else if (c === 125 || c === 93) {
        // '}' ']'
        depth -= 1;
        if (depth === 0) {
          boundaries.push(at);
          for (let rest = at + 1; rest < text.length; rest += 1)
            if (!JSON_SPACE.has(text.charCodeAt(rest))) return undefined;
          return boundaries;
        }
      } else if (c === COMMA && depth === 1) boundaries.push(at);
    }
    if (at < text.length) await nextTurn();
  }
  return undefined; // unterminated
}

/**
 * The messages of a JSON array, parsed a group of elements at a time between turns of the event
 * loop; undefined when the text is not a JSON array of values.
 */
export async function parseArrayInSlices(text: string): Promise<unknown[] | undefined> {
  const boundaries = await arrayBoundaries(text);
  if (boundaries === undefined) return undefined;
  const parsed: unknown[] = [];
  let from = text.indexOf('[') + 1;
  let index = 0;
  while (index < boundaries.length) {
    // The elements from `from` up to a boundary PARSED_PER_TURN characters on (at least one).
    let end = index;
    while (end + 1 < boundaries.length && (boundaries[end] ?? 0) - from < PARSED_PER_TURN) end += 1;
    const to = boundaries[end] ?? text.length;
    let group: unknown;
    try {
      group = JSON.parse(`[${text.slice(from, to)}]`);
    } catch {
      return undefined;
    }
    if (!Array.isArray(group)) return undefined;
    // One value per element; only `[]` has an element that is empty.
    const empty = boundaries.length === 1 && text.slice(from, to).trim() === '';
    if (group.length !== (empty ? 0 : end - index + 1)) return undefined;
    for (const message of group) parsed.push(message);
    from = to + 1;
    index = end + 1;
    if (index < boundaries.length) await nextTurn();
  }
  return parsed;
}

/** Faye's own handling of a reply's text, as faye/src/transport/node_http.js has it. */
function receiveAtOnce(transport: FayeTransport, messages: unknown, body: string): void {
  let replies: unknown;
  try {
    replies = JSON.parse(body);
  } catch {
    replies = undefined;
  }
  if (replies) transport._receive(replies);
  else transport._handleError(messages);
}

async function receiveInSlices(transport: FayeTransport, messages: unknown, body: string): Promise<void> {
  const replies = await parseArrayInSlices(body);
  if (replies === undefined || replies.length === 0) {
    receiveAtOnce(transport, messages, body);
    return;
  }
  for (let at = 0; at < replies.length; at += SLICE_MESSAGES) {
    if (at > 0) await nextTurn();
    transport._receive(replies.slice(at, at + SLICE_MESSAGES));
  }
}

/** Per transport: the replies not yet handed over settle this, in order. */
const inProgress = new WeakMap<FayeTransport, Promise<void>>();

function handleResponse(this: FayeTransport, messages: unknown, response: IncomingMessage): void {
  // Decoded as it arrives, as Faye does: decoding 10 MB at the end took 30 ms and more in one go.
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    body += chunk;
  });
  response.on('end', () => {
    const before = inProgress.get(this);
    if (before === undefined && body.length < SLICED_FROM_CHARS) {
      receiveAtOnce(this, messages, body);
      return;
    }
    const done: Promise<void> = (before ?? Promise.resolve())
      .then(async () => {
        if (body.length < SLICED_FROM_CHARS) receiveAtOnce(this, messages, body);
        else await receiveInSlices(this, messages, body);
      })
      .catch((error: unknown) => {
        // What Faye's own handler would have thrown from the response's 'end' event.
        process.nextTick(() => {
          throw error;
        });
      })
      .finally(() => {
        if (inProgress.get(this) === done) inProgress.delete(this);
      });
    inProgress.set(this, done);
  });
}

/**
 * Settles once the replies a streaming client's transport has received so far are handed over
 * (at once when there are none in progress).
 */
export function repliesHandedOver(client: unknown): Promise<void> {
  const transport = (client as { _dispatcher?: { _transport?: FayeTransport } } | undefined)?._dispatcher
    ?._transport;
  return (transport === undefined ? undefined : inProgress.get(transport)) ?? Promise.resolve();
}

let installed = false;

/**
 * Makes the Faye transport jsforce's streaming clients use take big replies in slices. Idempotent;
 * affects every Faye client of the process (the service's are all Salesforce streaming clients).
 */
export function sliceBigCometdReplies(): void {
  if (installed) return;
  // The faye that jsforce itself loads.
  const fromJsforce = createRequire(createRequire(import.meta.url).resolve('jsforce'));
  const NodeHttp = fromJsforce('faye/src/transport/node_http.js') as { prototype: FayeTransport };
  if (
    typeof NodeHttp.prototype._handleResponse !== 'function' ||
    typeof NodeHttp.prototype._receive !== 'function'
  )
    throw new Error("faye's NodeHttp transport is not the one this was written for");
  NodeHttp.prototype._handleResponse = handleResponse;
  installed = true;
}
