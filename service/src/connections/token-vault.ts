// Encrypts the Salesforce tokens the service keeps (refresh and access tokens, PKCE verifiers) at
// rest with AES-256-GCM. Each sealed value names the key that sealed it, so keys can rotate: the
// first key of SIA_TOKEN_KEYS seals, every listed key opens, and a value opened with an older key
// is sealed again with the current one. The row a value belongs to is bound in as additional
// authenticated data, so a sealed token copied onto another user's row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TokenKeyError, type TokenKeyring } from '../token-keys.ts';

export interface SealedValue {
  keyId: string;
  /** base64url of iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. */
  sealed: string;
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
