// Access and refresh tokens the emulator has issued. Access tokens expire after a configurable time
// and can be revoked (fault injection, /services/oauth2/revoke, a blocked app); the CometD endpoint
// validates through the same store. Refresh tokens are kept by their SHA-256 only (what a `--data`
// file holds), with what their app's refresh token policy needs: when each was issued and last used.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';
import type { SessionInfo, SessionValidator } from '../streaming/types.ts';

interface Session extends SessionInfo {
  expiresAt: number;
  clientId: string;
  issuedAt: number;
  scopes: string[];
  /** Hash of the refresh token this access token came from, so revoking that ends it too. */
  refreshHash?: string;
}

/** One refresh token's grant: whose it is, for which app and scopes, when issued and last used. */
export interface RefreshGrant extends SessionInfo {
  clientId: string;
  scopes: string[];
  issuedAt: number;
  lastUsedAt: number;
  /** The app's "immediately expire" policy at issue time: the token never works. */
  expiredAtIssue?: boolean;
}

export interface SessionsSnapshot {
  /** SHA-256 (base64url) of each live refresh token → its grant. */
  refreshTokens: Record<string, RefreshGrant>;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class SessionStore implements SessionValidator {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private changeListener: (() => void) | undefined;

  constructor(options: { clock: Clock; ttlSeconds: number; snapshot?: SessionsSnapshot }) {
    this.clock = options.clock;
    this.ttlMs = options.ttlSeconds * 1000;
    for (const [hash, grant] of Object.entries(options.snapshot?.refreshTokens ?? {}))
      this.refreshTokens.set(hash, grant);
  }

  /** Called after refresh tokens change, so persistence can schedule a save. */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  issue(
    info: SessionInfo,
    clientId: string,
    options: { scopes?: string[]; refreshToken?: string } = {},
  ): { accessToken: string; issuedAt: number } {
    const issuedAt = this.clock.now().getTime();
    // Real tokens start with the 15-character org id and a '!'.
    const accessToken = `${info.orgId.slice(0, 15)}!${randomBytes(40).toString('base64url')}`;
    this.sessions.set(accessToken, {
      userId: info.userId,
      orgId: info.orgId,
      username: info.username,
      clientId,
      issuedAt,
      expiresAt: issuedAt + this.ttlMs,
      scopes: options.scopes ?? ['api'],
      ...(options.refreshToken === undefined ? {} : { refreshHash: digest(options.refreshToken) }),
    });
    return { accessToken, issuedAt };
  }

  private live(accessToken: string): Session | undefined {
    const session = this.sessions.get(accessToken);
    if (session === undefined) return undefined;
    if (this.clock.now().getTime() >= session.expiresAt) {
      this.sessions.delete(accessToken);
      return undefined;
    }
    return session;
  }

  validate(accessToken: string): SessionInfo | undefined {
    const session = this.live(accessToken);
    if (session === undefined) return undefined;
    return { userId: session.userId, orgId: session.orgId, username: session.username };
  }

  /** An access token's app, scopes and times (token introspection). */
  describeAccessToken(
    accessToken: string,
  ): (SessionInfo & { clientId: string; scopes: string[]; issuedAt: number; expiresAt: number }) | undefined {
    const session = this.live(accessToken);
    if (session === undefined) return undefined;
    return {
      userId: session.userId,
      orgId: session.orgId,
      username: session.username,
      clientId: session.clientId,
      scopes: session.scopes,
      issuedAt: session.issuedAt,
      expiresAt: session.expiresAt,
    };
  }

  revoke(accessToken: string): void {
    this.sessions.delete(accessToken);
  }

  /**
   * The access tokens of a user that are still valid. Not an API of the platform: tests of a client
   * use it to look for a user's tokens where they must never appear (logs, API answers).
   */
  liveAccessTokens(userId: string): string[] {
    return [...this.sessions.keys()].filter((token) => this.live(token)?.userId === userId);
  }

  /**
   * Revokes an access token, or a refresh token with every access token it minted ("If a refresh
   * token is included, we revoke it and any associated access tokens", Revoke OAuth Tokens in
   * Salesforce Help); false when the store never issued it.
   */
  revokeToken(token: string): boolean {
    if (this.sessions.delete(token)) return true;
    const hash = digest(token);
    if (!this.refreshTokens.delete(hash)) return false;
    for (const [accessToken, session] of this.sessions)
      if (session.refreshHash === hash) this.sessions.delete(accessToken);
    this.changeListener?.();
    return true;
  }

  revokeAll(): void {
    this.sessions.clear();
  }

  /** Ends every session of one app (blocking it ends its sessions); refresh tokens stay. */
  endSessionsOf(clientId: string): void {
    for (const [accessToken, session] of this.sessions)
      if (session.clientId === clientId) this.sessions.delete(accessToken);
  }

  /** Ends every session and refresh token of one user for one app (the user revoked the app). */
  revokeUserApp(userId: string, clientId: string): void {
    for (const [accessToken, session] of this.sessions)
      if (session.userId === userId && session.clientId === clientId) this.sessions.delete(accessToken);
    for (const [hash, grant] of this.refreshTokens)
      if (grant.userId === userId && grant.clientId === clientId) this.refreshTokens.delete(hash);
    this.changeListener?.();
  }

  issueRefreshToken(
    info: SessionInfo,
    clientId: string,
    options: { scopes?: string[]; expiredAtIssue?: boolean } = {},
  ): string {
    // Salesforce refresh tokens start with 5Aep86… and are opaque.
    const token = `5Aep${randomBytes(48).toString('base64url')}`;
    const now = this.clock.now().getTime();
    this.refreshTokens.set(digest(token), {
      userId: info.userId,
      orgId: info.orgId,
      username: info.username,
      clientId,
      scopes: options.scopes ?? ['api', 'refresh_token'],
      issuedAt: now,
      lastUsedAt: now,
      ...(options.expiredAtIssue === true ? { expiredAtIssue: true } : {}),
    });
    this.changeListener?.();
    return token;
  }

  /** The grant behind a refresh token, whatever its app's policy says of it now. */
  refreshGrant(token: string): RefreshGrant | undefined {
    return this.refreshTokens.get(digest(token));
  }

  /** Records a use of a refresh token (the "expire if not used for" policy counts from it). */
  markUsed(token: string): void {
    const grant = this.refreshTokens.get(digest(token));
    if (grant === undefined) return;
    grant.lastUsedAt = this.clock.now().getTime();
    this.changeListener?.();
  }

  /** Drops a refresh token its policy has expired. */
  expire(token: string): void {
    if (this.refreshTokens.delete(digest(token))) this.changeListener?.();
  }

  snapshot(): SessionsSnapshot {
    return { refreshTokens: Object.fromEntries(this.refreshTokens) };
  }
}
