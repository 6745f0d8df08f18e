// Tokens at rest: AES-256-GCM with the key id beside each sealed value, rotation by listing a new
// key first, and values bound to their row.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { TokenKeyError, parseTokenKeys } from '../token-keys.ts';
import { TokenVault } from './token-vault.ts';

const key = (): string => randomBytes(32).toString('base64');

describe('token vault', () => {
  it('seals with the first key and opens what it sealed, never showing the plain text', () => {
    const vault = new TokenVault(parseTokenKeys(`k1:${key()}`));
    const sealed = vault.seal('5Aep861-a-refresh-token', 'connection:rep1:refresh');
    assert.equal(sealed.keyId, 'k1');
    assert.ok(!sealed.sealed.includes('5Aep861'));
    assert.equal(vault.open(sealed, 'connection:rep1:refresh'), '5Aep861-a-refresh-token');
    // A fresh IV every time: the same token seals differently.
    assert.notEqual(vault.seal('same', 'c').sealed, vault.seal('same', 'c').sealed);
  });

  it('rotates: a new first key seals, the old one still opens, and a removed key is named', () => {
    const oldKey = `old:${key()}`;
    const before = new TokenVault(parseTokenKeys(oldKey));
    const sealed = before.seal('token', 'connection:rep1:access');
    const after = new TokenVault(parseTokenKeys(`new:${key()},${oldKey}`));
    assert.equal(after.open(sealed, 'connection:rep1:access'), 'token');
    assert.equal(after.stale(sealed), true);
    assert.equal(after.seal('token', 'x').keyId, 'new');
    const retired = new TokenVault(parseTokenKeys(`new:${key()}`));
    assert.throws(
      () => retired.open(sealed, 'connection:rep1:access'),
      /token key old is no longer configured/,
    );
  });

  it('refuses a value moved to another row, or altered', () => {
    const vault = new TokenVault(parseTokenKeys(`k1:${key()}`));
    const sealed = vault.seal('token', 'connection:rep1:refresh');
    assert.throws(() => vault.open(sealed, 'connection:rep2:refresh'), TokenKeyError);
    const raw = Buffer.from(sealed.sealed, 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    assert.throws(
      () => vault.open({ keyId: 'k1', sealed: raw.toString('base64url') }, 'connection:rep1:refresh'),
      /does not open/,
    );
  });

  it('names what is wrong with SIA_TOKEN_KEYS without echoing key material', () => {
    assert.throws(() => parseTokenKeys(''), /at least one key/);
    assert.throws(() => parseTokenKeys('no-colon'), /entry 1 must be <key id>:<base64 key>/);
    const short = randomBytes(16).toString('base64');
    assert.throws(
      () => parseTokenKeys(`k1:${short}`),
      (error: Error) => /key k1 must be 32 bytes/.test(error.message) && !error.message.includes(short),
    );
    assert.throws(() => parseTokenKeys(`k1:${key()},k1:${key()}`), /listed twice/);
  });
});
