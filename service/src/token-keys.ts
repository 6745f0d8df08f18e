// The keys that seal Salesforce tokens at rest, as SIA_TOKEN_KEYS lists them: parsed here, at
// the bottom of the service, so the configuration can check them before anything starts.

export interface TokenKeyring {
  /** The key id that seals new values. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;

export class TokenKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenKeyError';
  }
}

/**
 * Parses `id:base64key[,id:base64key…]` (each key 32 bytes); the first entry seals. Throws
 * TokenKeyError naming the entry that is wrong, never echoing key material.
 */
export function parseTokenKeys(value: string): TokenKeyring {
  const keys = new Map<string, Buffer>();
  let current: string | undefined;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new TokenKeyError('needs at least one key id:base64 key');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id))
      throw new TokenKeyError(
        `entry ${index + 1} must be <key id>:<base64 key> (key id: letters, digits, _ . -; at most 32)`,
      );
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32)
      throw new TokenKeyError(`key ${id} must be 32 bytes of base64 (openssl rand -base64 32)`);
    if (keys.has(id)) throw new TokenKeyError(`key id ${id} is listed twice`);
    keys.set(id, key);
    current ??= id;
  }
  return { current: current ?? '', keys };
}
