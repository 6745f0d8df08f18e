// Access and refresh tokens the emulator has issued. Access tokens expire after a configurable time
// and can be revoked (fault injection); the CometD endpoint validates through the same store.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';
import type { SessionInfo, SessionValidator } from '../streaming/types.ts';

interface Session extends SessionInfo {
  expiresAt: number;
  clientId: string;
}

export class SessionStore implements SessionValidator {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, SessionInfo & { clientId: string }>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: { clock: Clock; ttlSeconds: number }) {
    this.clock = options.clock;
    this.ttlMs = options.ttlSeconds * 1000;
  }

  issue(info: SessionInfo, clientId: string): { accessToken: string; issuedAt: number } {
    const issuedAt = this.clock.now().getTime();
    // Real tokens start with the 15-character org id and a '!'.
    const accessToken = `${info.orgId.slice(0, 15)}!${randomBytes(40).toString('base64url')}`;
    this.sessions.set(accessToken, { ...info, clientId, expiresAt: issuedAt + this.ttlMs });
    return { accessToken, issuedAt };
  }

  validate(accessToken: string): SessionInfo | undefined {
    const session = this.sessions.get(accessToken);
    if (session === undefined) return undefined;
    if (this.clock.now().getTime() >= session.expiresAt) {
      this.sessions.delete(accessToken);
      return undefined;
    }
    return { userId: session.userId, orgId: session.orgId, username: session.username };
  }

  revoke(accessToken: string): void {
    this.sessions.delete(accessToken);
  }

  /** Revokes an access token or a refresh token; false when the store never issued it. */
  revokeToken(token: string): boolean {
    return this.sessions.delete(token) || this.refreshTokens.delete(token);
  }

  revokeAll(): void {
    this.sessions.clear();
  }

  issueRefreshToken(info: SessionInfo, clientId: string): string {
    const token = `5Aep${randomBytes(48).toString('base64url')}`;
    this.refreshTokens.set(token, { ...info, clientId });
    return token;
  }

  redeemRefreshToken(token: string, clientId: string): SessionInfo | undefined {
    const info = this.refreshTokens.get(token);
    if (info?.clientId !== clientId) return undefined;
    return { userId: info.userId, orgId: info.orgId, username: info.username };
  }
}
