// POST /services/oauth2/token: the authorization-code (web-server flow, with PKCE), refresh token,
// client credentials and JWT bearer grants, with Salesforce's success body and its
// `{ error, error_description }` failures (OAuth 2.0 Authorization Errors:
// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
import { createHmac } from 'node:crypto';
import { compactVerify, decodeJwt, type CryptoKey, type KeyObject } from 'jose';
import { s256, type AuthorizationCodes } from './authorization-codes.ts';
import { isPreAuthorized, type ConnectedApp, type ConnectedApps } from './connected-apps.ts';
import type { LoginHost } from './login-host.ts';
import type { SessionStore } from './session-store.ts';
import type { Org } from '../org/org.ts';
import type { SessionInfo } from '../streaming/types.ts';

export interface OAuthConfig {
  /** The default connected app's consumer key. */
  clientId: string;
  /** The default connected app's consumer secret; it also guards the admin API. */
  clientSecret: string;
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

export function oauthError(error: string, description: string, status = 400): TokenResponse {
  return { status, body: { error, error_description: description } };
}

const BLOCKED = (): TokenResponse => oauthError('OAUTH_APP_BLOCKED', 'this app is blocked by admin');
const NOT_APPROVED = (): TokenResponse =>
  oauthError('invalid_app_access', 'user is not admin approved to access this app');
const BAD_CLIENT_ID = (): TokenResponse => oauthError('invalid_client_id', 'client identifier invalid');
const BAD_SECRET = (): TokenResponse => oauthError('invalid_client', 'invalid client credentials');
const DEAD_REFRESH = (): TokenResponse => oauthError('invalid_grant', 'expired access/refresh token');

/** A user by username or id, with whether they may still sign in. */
function userRecord(org: Org, match: { username?: string; id?: string }): SessionInfo & { active: boolean } {
  let record;
  if (match.id !== undefined) record = org.store.byId(match.id);
  else {
    const lower = match.username?.toLowerCase();
    record = [...org.store.records('User')].find(
      (u) => typeof u.fields.Username === 'string' && u.fields.Username.toLowerCase() === lower,
    );
  }
  const username = record?.fields.Username;
  if (record === undefined || typeof username !== 'string') {
    return { userId: '', orgId: org.orgId, username: '', active: false };
  }
  return { userId: record.Id, orgId: org.orgId, username, active: record.fields.IsActive !== false };
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
  apps: ConnectedApps;
  codes: AuthorizationCodes;
  config: OAuthConfig;
  /** The org's instance URL: `instance_url`, and an accepted JWT audience. */
  instanceUrl: string;
  /** The host the request came to (the instance or a login host): `id` URLs point there. */
  host: LoginHost;
  now: Date;
}

/** Whether a host signs in this org's users: the instance does, and the login host of its kind. */
export function hostServesOrg(ctx: { host: LoginHost; org: Org }): boolean {
  if (ctx.host.kind === 'instance') return true;
  const sandbox = ctx.org.store.byId(ctx.org.orgId)?.fields.IsSandbox === true;
  return ctx.host.environment === (sandbox ? 'sandbox' : 'production');
}

function success(
  ctx: TokenRequestContext,
  app: ConnectedApp,
  session: SessionInfo,
  options: { scopes: string[]; refreshToken?: string; usedRefreshToken?: string },
): TokenResponse {
  const { accessToken, issuedAt } = ctx.sessions.issue(session, app.clientId, {
    scopes: options.scopes,
    ...(options.usedRefreshToken === undefined ? {} : { refreshToken: options.usedRefreshToken }),
    ...(options.refreshToken === undefined ? {} : { refreshToken: options.refreshToken }),
  });
  const id = `${ctx.host.baseUrl}/id/${session.orgId}/${session.userId}`;
  // Salesforce signs id + issued_at with the client secret so the client can check the response.
  const signature = createHmac('sha256', app.clientSecret).update(`${id}${issuedAt}`).digest('base64');
  return {
    status: 200,
    body: {
      access_token: accessToken,
      ...(options.refreshToken === undefined ? {} : { refresh_token: options.refreshToken }),
      signature,
      scope: options.scopes.join(' '),
      instance_url: ctx.instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    },
  };
}

interface ClientAuth {
  app: ConnectedApp;
  /** Whether the request carried the client secret (and it was right). */
  withSecret: boolean;
}

function authenticateClient(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): ClientAuth | TokenResponse {
  const basic = basicCredentials(authorization);
  const app = ctx.apps.byClientId(basic?.id ?? params.get('client_id'));
  if (app === undefined) return BAD_CLIENT_ID();
  const secret = basic?.secret ?? params.get('client_secret');
  if (secret !== null && secret !== app.clientSecret) return BAD_SECRET();
  return { app, withSecret: secret !== null };
}

function mayUse(ctx: TokenRequestContext, app: ConnectedApp, userId: string): boolean {
  return app.permittedUsers === 'all' || isPreAuthorized(ctx.org, userId, app);
}

function offersRefresh(scopes: string[]): boolean {
  return scopes.includes('refresh_token') || scopes.includes('offline_access');
}

function authorizationCode(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const client = authenticateClient(ctx, params, authorization);
  if ('status' in client) return client;
  const { app } = client;
  if (!client.withSecret && app.requireSecretForWebServerFlow) return BAD_SECRET();
  if (app.blocked) return BLOCKED();
  const code = params.get('code') ?? '';
  const redeemed = ctx.codes.redeem(code, app.clientId, ctx.host.environment);
  if (!redeemed.ok) {
    return redeemed.reason === 'expired'
      ? oauthError('invalid_grant', 'expired authorization code')
      : oauthError('invalid_grant', 'invalid authorization code');
  }
  const { grant } = redeemed;
  if (params.get('redirect_uri') !== grant.redirectUri) {
    return oauthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
  }
  if (grant.codeChallenge !== undefined) {
    const verifier = params.get('code_verifier');
    if (verifier === null || s256(verifier) !== grant.codeChallenge) {
      return oauthError('invalid_grant', 'invalid code verifier');
    }
  }
  const user = userRecord(ctx.org, { id: grant.userId });
  if (!user.active) return oauthError('invalid_grant', 'inactive user');
  if (!mayUse(ctx, app, user.userId)) return NOT_APPROVED();
  const refreshToken = offersRefresh(grant.scopes)
    ? ctx.sessions.issueRefreshToken(user, app.clientId, {
        scopes: grant.scopes,
        expiredAtIssue: app.refreshTokenPolicy.kind === 'immediately',
      })
    : undefined;
  return success(ctx, app, user, {
    scopes: grant.scopes,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  });
}

/** Whether the app's refresh token policy has ended this token (Refresh Token Policy, Edit Policies). */
export function refreshExpired(
  app: ConnectedApp,
  issuedAt: number,
  lastUsedAt: number,
  now: number,
): boolean {
  const policy = app.refreshTokenPolicy;
  switch (policy.kind) {
    case 'infinite':
      return false;
    case 'immediately':
      return true;
    case 'expireAfter':
      return now - issuedAt >= policy.seconds * 1000;
    case 'expireIfNotUsed':
      return now - lastUsedAt >= policy.seconds * 1000;
  }
}

function refreshToken(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const client = authenticateClient(ctx, params, authorization);
  if ('status' in client) return client;
  const { app } = client;
  if (!client.withSecret && app.requireSecretForRefreshToken) return BAD_SECRET();
  const token = params.get('refresh_token') ?? '';
  const grant = ctx.sessions.refreshGrant(token);
  if (grant?.clientId !== app.clientId || !hostServesOrg(ctx)) return DEAD_REFRESH();
  if (app.blocked) return BLOCKED();
  const now = ctx.now.getTime();
  if (grant.expiredAtIssue === true || refreshExpired(app, grant.issuedAt, grant.lastUsedAt, now)) {
    ctx.sessions.expire(token);
    return DEAD_REFRESH();
  }
  const user = userRecord(ctx.org, { id: grant.userId });
  if (!user.active) return oauthError('invalid_grant', 'inactive user');
  if (!mayUse(ctx, app, user.userId)) return NOT_APPROVED();
  ctx.sessions.markUsed(token);
  return success(ctx, app, user, { scopes: grant.scopes, usedRefreshToken: token });
}

function clientCredentials(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const client = authenticateClient(ctx, params, authorization);
  if ('status' in client) return client;
  if (!client.withSecret) return BAD_SECRET();
  const { app } = client;
  // The client-credentials flow is served on the org's My Domain only, never on a login host.
  if (ctx.host.kind === 'login') return oauthError('invalid_grant', 'request not supported on this domain');
  if (app.blocked) return BLOCKED();
  const user =
    app.runAsUsername === undefined ? undefined : userRecord(ctx.org, { username: app.runAsUsername });
  if (user === undefined || !user.active)
    return oauthError('invalid_grant', 'no client credentials user enabled');
  return success(ctx, app, user, { scopes: ['api'] });
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
  const app = ctx.apps.byClientId(typeof claims.iss === 'string' ? claims.iss : undefined);
  if (app === undefined) return BAD_CLIENT_ID();
  const audiences = [ctx.instanceUrl, ctx.host.baseUrl, ...ctx.config.audiences];
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, '')))) {
    return oauthError('invalid_grant', 'audience is invalid');
  }
  // An expired assertion gets invalid_grant "expired authorization code" (as clients report it, e.g.
  // simple-salesforce/simple-salesforce#491, newrelic/newrelic-salesforce-exporter#31).
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= ctx.now.getTime()) {
    return oauthError('invalid_grant', 'expired authorization code');
  }
  if (app.blocked) return BLOCKED();
  const user = typeof claims.sub === 'string' ? userRecord(ctx.org, { username: claims.sub }) : undefined;
  if (user === undefined || !user.active || !hostServesOrg(ctx))
    return oauthError('invalid_grant', "user hasn't approved this consumer");
  if (!mayUse(ctx, app, user.userId)) return NOT_APPROVED();
  return success(ctx, app, user, { scopes: ['api'] });
}

export async function handleTokenRequest(
  ctx: TokenRequestContext,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<TokenResponse> {
  const grantType = params.get('grant_type');
  switch (grantType) {
    case 'authorization_code':
      return authorizationCode(ctx, params, authorization);
    case 'refresh_token':
      return refreshToken(ctx, params, authorization);
    case 'client_credentials':
      return clientCredentials(ctx, params, authorization);
    case JWT_GRANT:
      return jwtBearer(ctx, params.get('assertion'));
    default:
      return oauthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** A refresh token for a user, as a web-server login would have issued (admin API shortcut). */
export function mintRefreshToken(
  ctx: { org: Org; sessions: SessionStore; apps: ConnectedApps; config: OAuthConfig },
  userId: string,
): string | undefined {
  const user = userRecord(ctx.org, { id: userId });
  if (!user.active) return undefined;
  return ctx.sessions.issueRefreshToken(user, ctx.config.clientId, {
    scopes: ['api', 'refresh_token'],
  });
}
