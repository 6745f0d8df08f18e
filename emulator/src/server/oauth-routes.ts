// The OAuth and login endpoints, on the instance and on both login hosts: the login page (/), the
// authorize, approval and error pages, the token, revoke and introspect endpoints, userinfo and the
// identity URL. Revoke: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm
import {
  approvalForm,
  approvalSubmit,
  authorizeRequest,
  loginForm,
  loginSubmit,
  logout,
  remoteAccessError,
  type AuthorizeContext,
  type WebReply,
} from '../auth/authorize.ts';
import { identity, userInfo } from '../auth/identity.ts';
import { introspect } from '../auth/introspect.ts';
import type { LoginHost } from '../auth/login-host.ts';
import { handleTokenRequest } from '../auth/oauth-token.ts';
import type { SessionInfo } from '../streaming/types.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

export interface OAuthRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** The urlencoded body (form posts and token requests); empty for GET. */
  body: string;
  /** The session of the request's bearer token, if it carries a valid one. */
  session: SessionInfo | undefined;
}

export type OAuthReply =
  | { kind: 'json' | 'text'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'web'; reply: WebReply };

const MUST_POST: OAuthReply = {
  kind: 'json',
  status: 405,
  body: { error: 'invalid_request', error_description: 'must use HTTP POST' },
};

function authorizeContext(state: EmulatorState, host: LoginHost): AuthorizeContext {
  return {
    org: state.org,
    apps: state.apps,
    codes: state.codes,
    passwords: state.passwords,
    logins: state.logins,
    host,
  };
}

/** Query and urlencoded body together (the body wins), as the token endpoint reads parameters. */
function parameters(req: OAuthRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  for (const [key, value] of new URLSearchParams(req.body)) params.set(key, value);
  return params;
}

function web(reply: WebReply): OAuthReply {
  return { kind: 'web', reply };
}

/** Answers the request when it is one of the OAuth or login endpoints; undefined otherwise. */
export async function oauthRoute(
  state: EmulatorState,
  host: LoginHost,
  req: OAuthRequest,
): Promise<OAuthReply | undefined> {
  const auth = authorizeContext(state, host);
  const cookies = req.headers.cookie;
  switch (req.path) {
    case '/':
      if (req.method === 'POST') return web(loginSubmit(auth, new URLSearchParams(req.body), cookies));
      return web(loginForm(auth, req.query, cookies));
    case '/services/oauth2/authorize':
      return web(authorizeRequest(auth, req.method === 'POST' ? parameters(req) : req.query, cookies));
    case '/setup/secur/RemoteAccessAuthorizationPage.apexp':
      if (req.method === 'POST') return web(approvalSubmit(auth, new URLSearchParams(req.body), cookies));
      return web(approvalForm(auth, req.query, cookies));
    case '/setup/secur/RemoteAccessErrorPage.apexp':
      return web(remoteAccessError(req.query));
    case '/secur/logout.jsp':
      return web(logout(auth, req.query, cookies));
    case '/services/oauth2/token': {
      if (req.method !== 'POST') return MUST_POST;
      const result = await handleTokenRequest(
        {
          org: state.org,
          sessions: state.sessions,
          apps: state.apps,
          codes: state.codes,
          config: state.oauth,
          instanceUrl: state.baseUrl,
          host,
          now: state.org.clock.now(),
        },
        parameters(req),
        req.headers.authorization,
      );
      return {
        kind: 'json',
        status: result.status,
        body: result.body,
        headers: { 'Cache-Control': 'no-store' },
      };
    }
    case '/services/oauth2/revoke': {
      // GET and POST both revoke; an unknown token is refused.
      const revoked = state.sessions.revokeToken(parameters(req).get('token') ?? '');
      return revoked
        ? { kind: 'json', status: 200 }
        : { kind: 'json', status: 400, body: { error: 'invalid_token', error_description: 'invalid token' } };
    }
    case '/services/oauth2/introspect': {
      if (req.method !== 'POST') return MUST_POST;
      const result = introspect(
        { sessions: state.sessions, apps: state.apps, host, now: state.org.clock.now() },
        parameters(req),
        req.headers.authorization,
      );
      return { kind: 'json', status: result.status, body: result.body };
    }
    case '/services/oauth2/userinfo':
      if (req.session === undefined) return { kind: 'text', status: 403, body: 'Bad_OAuth_Token' };
      return {
        kind: 'json',
        status: 200,
        body: userInfo(state.org, req.session, state.baseUrl, host.baseUrl),
      };
    default:
      break;
  }
  const idMatch = /^\/id\/(00D\w+)\/(005\w+)\/?$/.exec(req.path);
  if (idMatch) {
    if (req.session === undefined) return { kind: 'text', status: 403, body: 'Bad_OAuth_Token' };
    if (idMatch[2] !== req.session.userId) {
      return {
        kind: 'json',
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      };
    }
    return { kind: 'json', status: 200, body: identity(state.org, req.session, state.baseUrl, host.baseUrl) };
  }
  return undefined;
}
