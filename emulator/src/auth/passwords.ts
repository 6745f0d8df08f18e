// Users' login passwords, as the login page checks them: salted scrypt hashes, never the password.
// An admin sets one over the REST API (`POST /sobjects/User/{id}/password`, "Set Password" in the
// REST API Developer Guide: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_user_password.htm),
// checked against the default password policy (at least 8 characters, letters and numbers).
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** The password every seeded user gets unless its seed names one (documented for the local demo). */
export const DEFAULT_USER_PASSWORD = 'sia-emulator-1';

const KEY_LENGTH = 32;

// A low scrypt cost: every emulator start hashes each seeded user's password, and this is a local
// test org, not a place where stolen hashes matter.
function hash(password: string, salt: Buffer): Buffer {
  return scryptSync(password, salt, KEY_LENGTH, { N: 1024 });
}

/** Why the default password policy refuses a new password, in Salesforce's words; undefined when fine. */
export function passwordPolicyProblem(password: string): string | undefined {
  if (password.length < 8) return 'Your password must be at least 8 characters long.';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password))
    return 'Your password must include letters and numbers.';
  return undefined;
}

export type PasswordsSnapshot = Record<string, string>;

export class UserPasswords {
  /** userId → `salt:hash`, both base64. */
  private readonly hashes = new Map<string, string>();
  /** Seeded passwords not hashed yet: hashing waits until a login or a save needs it. */
  private readonly seeded = new Map<string, string>();
  private changeListener: (() => void) | undefined;

  constructor(snapshot?: PasswordsSnapshot) {
    for (const [userId, stored] of Object.entries(snapshot ?? {})) this.hashes.set(userId, stored);
  }

  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  has(userId: string): boolean {
    return this.hashes.has(userId) || this.seeded.has(userId);
  }

  /** A seeded user's starting password (kept unless one is already stored for the user). */
  seed(userId: string, password: string): void {
    if (!this.has(userId)) this.seeded.set(userId, password);
  }

  set(userId: string, password: string): void {
    this.store(userId, password);
    this.changeListener?.();
  }

  private store(userId: string, password: string): void {
    this.seeded.delete(userId);
    const salt = randomBytes(16);
    this.hashes.set(userId, `${salt.toString('base64')}:${hash(password, salt).toString('base64')}`);
  }

  private hashSeeded(): void {
    for (const [userId, password] of [...this.seeded]) this.store(userId, password);
  }

  matches(userId: string, password: string): boolean {
    const seeded = this.seeded.get(userId);
    if (seeded !== undefined) this.store(userId, seeded);
    const stored = this.hashes.get(userId);
    if (stored === undefined) return false;
    const [salt, expected] = stored.split(':');
    if (salt === undefined || expected === undefined) return false;
    const actual = hash(password, Buffer.from(salt, 'base64'));
    const wanted = Buffer.from(expected, 'base64');
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  }

  snapshot(): PasswordsSnapshot {
    this.hashSeeded();
    return Object.fromEntries(this.hashes);
  }
}
