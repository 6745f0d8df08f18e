// Authorization codes of the web-server flow: one per approved authorize request, bound to its app,
// user, redirect_uri, scopes and PKCE challenge, good once and for 15 minutes ("The authorization
// code is valid for 15 minutes", OAuth 2.0 Web Server Flow for Web App Integration:
// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm).
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';

const CODE_TTL_MS = 15 * 60 * 1000;

export interface CodeGrant {
  /** Production or sandbox: the login host (or instance) that issued the code, the only kind that takes it. */
  environment: 'production' | 'sandbox';
  userId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** PKCE `code_challenge` (S256) sent with the authorize request, if any. */
  codeChallenge?: string;
  issuedAt: number;
}

export type Redemption =
  { ok: true; grant: CodeGrant } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'other-client' };

export class AuthorizationCodes {
  private readonly codes = new Map<string, CodeGrant & { used: boolean }>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  issue(grant: Omit<CodeGrant, 'issuedAt'>): string {
    this.sweep();
    // Salesforce codes look like `aPrx…==`: opaque, base64 with padding.
    const code = `aPrx${randomBytes(36).toString('base64')}`;
    this.codes.set(code, { ...grant, issuedAt: this.clock.now().getTime(), used: false });
    return code;
  }

  /** Takes a code for one exchange: a code is spent by its first exchange, good or bad. */
  redeem(code: string, clientId: string, environment: CodeGrant['environment']): Redemption {
    const found = this.codes.get(code);
    if (found?.environment !== environment) return { ok: false, reason: 'unknown' };
    if (found.clientId !== clientId) return { ok: false, reason: 'other-client' };
    if (found.used) return { ok: false, reason: 'used' };
    found.used = true;
    if (this.clock.now().getTime() - found.issuedAt > CODE_TTL_MS) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      grant: {
        environment: found.environment,
        userId: found.userId,
        clientId: found.clientId,
        redirectUri: found.redirectUri,
        scopes: found.scopes,
        issuedAt: found.issuedAt,
        ...(found.codeChallenge === undefined ? {} : { codeChallenge: found.codeChallenge }),
      },
    };
  }

  private sweep(): void {
    const cutoff = this.clock.now().getTime() - 2 * CODE_TTL_MS;
    for (const [code, grant] of this.codes) if (grant.issuedAt < cutoff) this.codes.delete(code);
  }
}

/** The S256 challenge of a PKCE verifier: BASE64URL(SHA256(verifier)) (RFC 7636, 4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
