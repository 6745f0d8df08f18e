// POST /services/oauth2/token: client credentials, JWT bearer and refresh token grants, with
// Salesforce's success body and `{ error, error_description }` failures.
import { createHmac } from 'node:crypto';
import { compactVerify, decodeJwt, type CryptoKey, type KeyObject } from 'jose';
import type { SessionStore } from './session-store.ts';
import type { Org } from '../org/org.ts';
import type { SessionInfo } from '../streaming/types.ts';

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Username the client-credentials flow runs as (the app's "Run As" user). */
  runAsUsername: string;
  /** Key that verifies JWT bearer assertions (from the configured certificate or public key). */
  jwtKey: CryptoKey | KeyObject | undefined;
  /** Accepted `aud` values besides the emulator's own URL. */
  audiences: string[];
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function oauthError(error: string, description: string, status = 400): TokenResponse {
  return { status, body: { error, error_description: description } };
}

function activeUser(org: Org, username: string): SessionInfo | undefined {
  const lower = username.toLowerCase();
  for (const record of org.store.records('User')) {
    const name = record.fields.Username;
    if (typeof name === 'string' && name.toLowerCase() === lower && record.fields.IsActive !== false) {
      return { userId: record.Id, orgId: org.orgId, username: name };
    }
  }
  return undefined;
}

function userById(org: Org, userId: string): SessionInfo | undefined {
  const record = org.store.byId(userId);
  const username = record?.fields.Username;
  if (record?.fields.IsActive === false || typeof username !== 'string') return undefined;
  return { userId, orgId: org.orgId, username };
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

export interface TokenRequestContext {
  org: Org;
  sessions: SessionStore;
  config: OAuthConfig;
  /** Base URL of the emulator: instance_url, identity URLs and an accepted JWT audience. */
  baseUrl: string;
  now: Date;
}

function success(
  ctx: TokenRequestContext,
  session: SessionInfo,
  extra: Record<string, unknown> = {},
): TokenResponse {
  const { accessToken, issuedAt } = ctx.sessions.issue(session, ctx.config.clientId);
  const id = `${ctx.baseUrl}/id/${session.orgId}/${session.userId}`;
  // Salesforce signs id + issued_at with the client secret so the client can check the response.
  const signature = createHmac('sha256', ctx.config.clientSecret).update(`${id}${issuedAt}`).digest('base64');
  return {
    status: 200,
    body: {
      access_token: accessToken,
      ...extra,
      signature,
      scope: 'api',
      instance_url: ctx.baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    },
  };
}

async function jwtBearer(ctx: TokenRequestContext, assertion: string | null): Promise<TokenResponse> {
  if (assertion === null || assertion === '') return oauthError('invalid_grant', 'invalid assertion');
  if (ctx.config.jwtKey === undefined) return oauthError('invalid_grant', 'invalid assertion');
  try {
    await compactVerify(assertion, ctx.config.jwtKey, { algorithms: ['RS256'] });
  } catch {
    return oauthError('invalid_grant', 'invalid assertion');
  }
  const claims = decodeJwt(assertion);
  if (claims.iss !== ctx.config.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  const audiences = [ctx.baseUrl, ...ctx.config.audiences];
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, '')))) {
    return oauthError('invalid_grant', 'audience is invalid');
  }
  // An expired assertion gets invalid_grant "expired authorization code" (as clients report it, e.g.
  // simple-salesforce/simple-salesforce#491, newrelic/newrelic-salesforce-exporter#31).
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= ctx.now.getTime()) {
    return oauthError('invalid_grant', 'expired authorization code');
  }
  const user = typeof claims.sub === 'string' ? activeUser(ctx.org, claims.sub) : undefined;
  if (user === undefined) return oauthError('invalid_grant', "user hasn't approved this consumer");
  return success(ctx, user);
}

function clientCredentials(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const basic = basicCredentials(authorization);
  const clientId = basic?.id ?? params.get('client_id');
  const clientSecret = basic?.secret ?? params.get('client_secret');
  if (clientId !== ctx.config.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  if (clientSecret !== ctx.config.clientSecret)
    return oauthError('invalid_client', 'invalid client credentials');
  const user = activeUser(ctx.org, ctx.config.runAsUsername);
  if (user === undefined) return oauthError('invalid_grant', 'no client credentials user enabled');
  return success(ctx, user);
}

function refreshToken(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const basic = basicCredentials(authorization);
  const clientId = basic?.id ?? params.get('client_id');
  const clientSecret = basic?.secret ?? params.get('client_secret');
  if (clientId !== ctx.config.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  if (clientSecret !== null && clientSecret !== ctx.config.clientSecret) {
    return oauthError('invalid_client', 'invalid client credentials');
  }
  const token = params.get('refresh_token');
  const info = token === null ? undefined : ctx.sessions.redeemRefreshToken(token, clientId);
  const user = info === undefined ? undefined : userById(ctx.org, info.userId);
  if (user === undefined) return oauthError('invalid_grant', 'expired access/refresh token');
  return success(ctx, user);
}

export async function handleTokenRequest(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<TokenResponse> {
  const grantType = params.get('grant_type');
  switch (grantType) {
    case 'client_credentials':
      return clientCredentials(ctx, params, authorization);
    case JWT_GRANT:
      return jwtBearer(ctx, params.get('assertion'));
    case 'refresh_token':
      return refreshToken(ctx, params, authorization);
    default:
      return oauthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** A refresh token for a user, as a web-server/authorization-code login would have issued (admin API). */
export function mintRefreshToken(
  ctx: { org: Org; sessions: SessionStore; config: OAuthConfig },
  userId: string,
): string | undefined {
  const user = userById(ctx.org, userId);
  return user === undefined ? undefined : ctx.sessions.issueRefreshToken(user, ctx.config.clientId);
}
