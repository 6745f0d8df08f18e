// POST /services/oauth2/introspect: whether a token is active, for the app it was issued to (RFC
// 7662, as Salesforce answers it: OpenID Connect Token Introspection,
// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oidc_token_introspection_endpoint.htm).
import type { ConnectedApps } from './connected-apps.ts';
import type { LoginHost } from './login-host.ts';
import { oauthError, refreshExpired, type TokenResponse } from './oauth-token.ts';
import type { SessionStore } from './session-store.ts';

function credentials(
  params: URLSearchParams,
  authorization: string | undefined,
): { id: string | null; secret: string | null } {
  if (authorization?.startsWith('Basic ') === true) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
  }
  return { id: params.get('client_id'), secret: params.get('client_secret') };
}

export function introspect(
  ctx: { sessions: SessionStore; apps: ConnectedApps; host: LoginHost; now: Date },
  params: URLSearchParams,
  authorization: string | undefined,
): TokenResponse {
  const client = credentials(params, authorization);
  const app = ctx.apps.byClientId(client.id);
  if (app === undefined || client.secret !== app.clientSecret)
    return oauthError('invalid_client', 'invalid client credentials', 401);
  const token = params.get('token') ?? '';
  const inactive: TokenResponse = { status: 200, body: { active: false } };
  const access = ctx.sessions.describeAccessToken(token);
  if (access !== undefined) {
    if (access.clientId !== app.clientId) return inactive;
    return {
      status: 200,
      body: {
        active: true,
        scope: access.scopes.join(' '),
        client_id: access.clientId,
        username: access.username,
        sub: `${ctx.host.baseUrl}/id/${access.orgId}/${access.userId}`,
        token_type: 'access_token',
        exp: Math.floor(access.expiresAt / 1000),
        iat: Math.floor(access.issuedAt / 1000),
        nbf: Math.floor(access.issuedAt / 1000),
      },
    };
  }
  const refresh = ctx.sessions.refreshGrant(token);
  if (
    refresh === undefined ||
    refresh.clientId !== app.clientId ||
    refresh.expiredAtIssue === true ||
    refreshExpired(app, refresh.issuedAt, refresh.lastUsedAt, ctx.now.getTime())
  )
    return inactive;
  return {
    status: 200,
    body: {
      active: true,
      scope: refresh.scopes.join(' '),
      client_id: refresh.clientId,
      username: refresh.username,
      sub: `${ctx.host.baseUrl}/id/${refresh.orgId}/${refresh.userId}`,
      token_type: 'refresh_token',
      iat: Math.floor(refresh.issuedAt / 1000),
      nbf: Math.floor(refresh.issuedAt / 1000),
    },
  };
}
