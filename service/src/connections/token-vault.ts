// Encrypts the Salesforce tokens the service keeps (refresh and access tokens, PKCE verifiers) at
// rest with AES-256-GCM. Each sealed value names the key that sealed it, so keys can rotate: the
// first key of SIA_TOKEN_KEYS seals, every listed key opens, and a value opened with an older key
// is sealed again with the current one. The row a value belongs to is bound in as additional
// authenticated data, so a sealed token copied onto another user's row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface TokenKeyring {
  /** The key id that seals new values. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface SealedValue {
  keyId: string;
  /** base64url of iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. */
  sealed: string;
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

export class TokenVault {
  readonly #keyring: TokenKeyring;

  constructor(keyring: TokenKeyring) {
    this.#keyring = keyring;
  }

  get currentKeyId(): string {
    return this.#keyring.current;
  }

  /** Seals `plain` for the row named by `context` (e.g. `connection:rep1:refresh`). */
  seal(plain: string, context: string): SealedValue {
    const key = this.#keyring.keys.get(this.#keyring.current);
    if (key === undefined) throw new TokenKeyError('the current token key is missing');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return {
      keyId: this.#keyring.current,
      sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'),
    };
  }

  /** Opens a sealed value; throws TokenKeyError when its key is gone or it was tampered with. */
  open(value: SealedValue, context: string): string {
    const key = this.#keyring.keys.get(value.keyId);
    if (key === undefined)
      throw new TokenKeyError(`token key ${value.keyId} is no longer configured (SIA_TOKEN_KEYS)`);
    const raw = Buffer.from(value.sealed, 'base64url');
    if (raw.length < 28) throw new TokenKeyError('a sealed token is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenKeyError('a sealed token does not open: wrong key or altered ciphertext');
    }
  }

  /** Whether a value was sealed with an older key and should be sealed again. */
  stale(value: SealedValue): boolean {
    return value.keyId !== this.#keyring.current;
  }
}
