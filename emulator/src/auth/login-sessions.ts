// Browser sessions of the login pages (the `sid` cookie after "Log In") and the authorize requests
// waiting on the approval page. Both live in memory: a restarted emulator asks people to log in again.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';

const LOGIN_TTL_MS = 2 * 60 * 60 * 1000;
const PENDING_TTL_MS = 15 * 60 * 1000;

export interface LoginSession {
  userId: string;
  /** Guards the approval form against cross-site posts. */
  csrf: string;
  createdAt: number;
}

/** An authorize request the user has still to allow or deny. */
export interface PendingAuthorization {
  userId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge?: string;
  createdAt: number;
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export class LoginSessions {
  private readonly sessions = new Map<string, LoginSession>();
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  start(userId: string): string {
    this.sweep();
    const sid = token(32);
    this.sessions.set(sid, { userId, csrf: token(16), createdAt: this.now() });
    return sid;
  }

  get(sid: string | undefined): LoginSession | undefined {
    if (sid === undefined) return undefined;
    const session = this.sessions.get(sid);
    if (session === undefined) return undefined;
    if (this.now() - session.createdAt > LOGIN_TTL_MS) {
      this.sessions.delete(sid);
      return undefined;
    }
    return session;
  }

  end(sid: string | undefined): void {
    if (sid !== undefined) this.sessions.delete(sid);
  }

  /** Ends every login session of a user (deactivated, or their password reset). */
  endAllOf(userId: string): void {
    for (const [sid, session] of this.sessions) if (session.userId === userId) this.sessions.delete(sid);
  }

  hold(request: Omit<PendingAuthorization, 'createdAt'>): string {
    const source = token(24);
    this.pending.set(source, { ...request, createdAt: this.now() });
    return source;
  }

  /** The pending request, still waiting and of this user; it is taken (an answer is given once). */
  take(source: string, userId: string): PendingAuthorization | undefined {
    const request = this.pending.get(source);
    if (request?.userId !== userId) return undefined;
    this.pending.delete(source);
    return this.now() - request.createdAt > PENDING_TTL_MS ? undefined : request;
  }

  peek(source: string, userId: string): PendingAuthorization | undefined {
    const request = this.pending.get(source);
    if (request?.userId !== userId || this.now() - request.createdAt > PENDING_TTL_MS) return undefined;
    return request;
  }

  private sweep(): void {
    const now = this.now();
    for (const [sid, session] of this.sessions)
      if (now - session.createdAt > LOGIN_TTL_MS) this.sessions.delete(sid);
    for (const [source, request] of this.pending)
      if (now - request.createdAt > PENDING_TTL_MS) this.pending.delete(source);
  }
}

/** A fresh random token for forms (the login form's double-submit cookie). */
export function formToken(): string {
  return token(16);
}
