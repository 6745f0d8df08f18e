// The OAuth 2.0 web-server flow in the browser: GET /services/oauth2/authorize checks the app and the
// redirect_uri, sends a person without a login session to the login page (GET/POST /), then to the
// approval page (/setup/secur/RemoteAccessAuthorizationPage.apexp) unless they approved the app
// before or an admin pre-authorized them, and finally back to the app's callback with `code` and
// `state` — or with `error` and `error_description`. Errors that cannot go back to the app (an
// unknown client_id, a redirect_uri the app does not list) end on the remote-access error page.
// Flow: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm
// Parameters: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm
// Errors: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm
import type { AuthorizationCodes } from './authorization-codes.ts';
import { isPreAuthorized, type ConnectedApp, type ConnectedApps } from './connected-apps.ts';
import type { LoginHost } from './login-host.ts';
import { formToken, type LoginSessions, type PendingAuthorization } from './login-sessions.ts';
import { hostServesOrg } from './oauth-token.ts';
import { approvalPage, errorPage, loggedInPage, loginPage } from './pages.ts';
import type { UserPasswords } from './passwords.ts';
import type { Org } from '../org/org.ts';

export interface WebReply {
  status: number;
  /** Set-Cookie may repeat: its value is then a list. */
  headers: Record<string, string | string[]>;
  html?: string;
}

export interface AuthorizeContext {
  org: Org;
  apps: ConnectedApps;
  codes: AuthorizationCodes;
  passwords: UserPasswords;
  logins: LoginSessions;
  host: LoginHost;
}

const AUTHORIZE_PATH = '/services/oauth2/authorize';
const APPROVAL_PATH = '/setup/secur/RemoteAccessAuthorizationPage.apexp';
const ERROR_PATH = '/setup/secur/RemoteAccessErrorPage.apexp';
const LOGIN_FAILED =
  "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";

// Pages are never framed or cached, load nothing, and run no script.
const PAGE_HEADERS = {
  'Content-Type': 'text/html;charset=UTF-8',
  'Cache-Control': 'no-cache, no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
  'Referrer-Policy': 'origin',
};

function page(html: string, status = 200, extra: Record<string, string | string[]> = {}): WebReply {
  return { status, headers: { ...PAGE_HEADERS, ...extra }, html };
}

function redirect(location: string, extra: Record<string, string | string[]> = {}): WebReply {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-cache, no-store', ...extra } };
}

/** The cookie that holds this host's login session (cookies ignore ports, so each host has its own name). */
function sessionCookieName(host: LoginHost): string {
  return host.kind === 'instance' ? 'sid' : `sid_${host.environment}`;
}

function loginCsrfCookieName(host: LoginHost): string {
  return `${sessionCookieName(host)}_login`;
}

function cookie(name: string, value: string, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${age}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

function errorPageRedirect(error: string, description: string): WebReply {
  const query = new URLSearchParams({ error, error_description: description });
  return redirect(`${ERROR_PATH}?${query.toString()}`);
}

/** Back to the app's callback with these parameters added to its query. */
function toCallback(redirectUri: string, params: Record<string, string | null>): WebReply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return redirect(url.toString());
}

function callbackError(
  redirectUri: string,
  state: string | null,
  error: string,
  description: string,
): WebReply {
  return toCallback(redirectUri, { error, error_description: description, state });
}

/** Only the authorize and approval pages may be a login's start URL (no open redirect). */
function safeStartUrl(value: string | null): string {
  if (value !== null && (value.startsWith(`${AUTHORIZE_PATH}?`) || value.startsWith(`${APPROVAL_PATH}?`)))
    return value;
  return '';
}

function userOf(org: Org, userId: string): { username: string; active: boolean } | undefined {
  const record = org.store.byId(userId);
  const username = record?.fields.Username;
  if (record === undefined || typeof username !== 'string') return undefined;
  return { username, active: record.fields.IsActive !== false };
}

function userByUsername(org: Org, username: string): string | undefined {
  const lower = username.trim().toLowerCase();
  for (const record of org.store.records('User'))
    if (typeof record.fields.Username === 'string' && record.fields.Username.toLowerCase() === lower)
      return record.Id;
  return undefined;
}

function issueCode(ctx: AuthorizeContext, request: Omit<PendingAuthorization, 'createdAt'>): WebReply {
  const code = ctx.codes.issue({
    environment: ctx.host.environment,
    userId: request.userId,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    ...(request.codeChallenge === undefined ? {} : { codeChallenge: request.codeChallenge }),
  });
  return toCallback(request.redirectUri, { code, state: request.state });
}

interface CheckedRequest {
  app: ConnectedApp;
  redirectUri: string;
  state: string | null;
  scopes: string[];
  codeChallenge?: string;
  prompt: Set<string>;
}

/** Validates an authorize request's parameters, in the order the platform reports them. */
function checkRequest(ctx: AuthorizeContext, query: URLSearchParams): CheckedRequest | WebReply {
  const app = ctx.apps.byClientId(query.get('client_id'));
  if (app === undefined) return errorPageRedirect('invalid_client_id', 'client identifier invalid');
  const redirectUri = query.get('redirect_uri');
  if (redirectUri === null || redirectUri === '')
    return errorPageRedirect('redirect_uri_missing', 'redirect_uri must be provided');
  if (!app.callbackUrls.includes(redirectUri))
    return errorPageRedirect('redirect_uri_mismatch', 'redirect_uri must match configuration');
  const state = query.get('state');
  if (query.get('response_type') !== 'code')
    return callbackError(redirectUri, state, 'unsupported_response_type', 'response type not supported');
  const requested = (query.get('scope') ?? '').split(/[\s+]+/).filter((s) => s !== '');
  const scopes = requested.length === 0 ? app.scopes : requested;
  if (scopes.some((scope) => !app.scopes.includes(scope)))
    return callbackError(redirectUri, state, 'invalid_scope', 'the requested scope is not allowed');
  const challenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (challenge !== null && method !== null && method !== 'S256')
    return callbackError(redirectUri, state, 'invalid_request', 'invalid code challenge method');
  if (challenge !== null && !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return callbackError(redirectUri, state, 'invalid_request', 'invalid code challenge');
  if (challenge === null && app.requirePkce)
    return callbackError(redirectUri, state, 'invalid_request', 'missing required code challenge');
  return {
    app,
    redirectUri,
    state,
    scopes: [...new Set(scopes)],
    ...(challenge === null ? {} : { codeChallenge: challenge }),
    prompt: new Set((query.get('prompt') ?? '').split(/\s+/).filter((p) => p !== '')),
  };
}

function loginRedirect(ctx: AuthorizeContext, startUrl: string, loginHint: string | null): WebReply {
  const query = new URLSearchParams({ startURL: startUrl });
  if (loginHint !== null && loginHint !== '') query.set('login_hint', loginHint);
  return redirect(`/?${query.toString()}`, {
    'Set-Cookie': cookie(sessionCookieName(ctx.host), '', 0),
  });
}

/** GET /services/oauth2/authorize */
export function authorizeRequest(
  ctx: AuthorizeContext,
  query: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  const checked = checkRequest(ctx, query);
  if ('status' in checked) return checked;
  const { app, redirectUri, state } = checked;
  const sid = parseCookies(cookieHeader).get(sessionCookieName(ctx.host));
  const session = ctx.logins.get(sid);
  const user = session === undefined ? undefined : userOf(ctx.org, session.userId);
  // prompt=login asks for the credentials again even with a session; the start URL drops it, so the
  // login it leads to is not asked for twice.
  const forceLogin = checked.prompt.has('login') || checked.prompt.has('select_account');
  if (session === undefined || user === undefined || !user.active || forceLogin) {
    if (session !== undefined) ctx.logins.end(sid);
    const again = new URLSearchParams(query);
    const prompts = [...checked.prompt].filter((p) => p !== 'login' && p !== 'select_account');
    if (prompts.length > 0) again.set('prompt', prompts.join(' '));
    else again.delete('prompt');
    return loginRedirect(ctx, `${AUTHORIZE_PATH}?${again.toString()}`, query.get('login_hint'));
  }
  if (app.blocked)
    return callbackError(redirectUri, state, 'OAUTH_APP_BLOCKED', 'this app is blocked by admin');
  const request = {
    userId: session.userId,
    clientId: app.clientId,
    redirectUri,
    scopes: checked.scopes,
    state,
    ...(checked.codeChallenge === undefined ? {} : { codeChallenge: checked.codeChallenge }),
  };
  if (app.permittedUsers === 'adminApproved') {
    // Pre-authorized users are not asked; everyone else is refused.
    if (!isPreAuthorized(ctx.org, session.userId, app)) {
      return callbackError(
        redirectUri,
        state,
        'OAUTH_APP_ACCESS_DENIED',
        'user is not admin approved to access this app',
      );
    }
    return issueCode(ctx, request);
  }
  if (ctx.apps.hasApproved(session.userId, app) && !checked.prompt.has('consent'))
    return issueCode(ctx, request);
  const source = ctx.logins.hold(request);
  return redirect(`${APPROVAL_PATH}?${new URLSearchParams({ source }).toString()}`);
}

/** GET / — the login page (or, for someone logged in with nowhere to go, who they are). */
export function loginForm(
  ctx: AuthorizeContext,
  query: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  const session = ctx.logins.get(parseCookies(cookieHeader).get(sessionCookieName(ctx.host)));
  const startUrl = safeStartUrl(query.get('startURL'));
  const user = session === undefined ? undefined : userOf(ctx.org, session.userId);
  if (user?.active === true && startUrl === '') return page(loggedInPage(user.username));
  const csrf = formToken();
  return page(
    loginPage({
      environment: ctx.host.environment,
      startUrl,
      csrf,
      username: query.get('login_hint') ?? '',
    }),
    200,
    { 'Set-Cookie': cookie(loginCsrfCookieName(ctx.host), csrf) },
  );
}

/** POST / — checks the username and password and starts a login session. */
export function loginSubmit(
  ctx: AuthorizeContext,
  form: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  const cookies = parseCookies(cookieHeader);
  const startUrl = safeStartUrl(form.get('startURL'));
  const username = form.get('username') ?? '';
  const csrf = form.get('csrf');
  const refuse = (message: string): WebReply => {
    const fresh = formToken();
    return page(
      loginPage({ environment: ctx.host.environment, startUrl, csrf: fresh, username, error: message }),
      200,
      { 'Set-Cookie': cookie(loginCsrfCookieName(ctx.host), fresh) },
    );
  };
  if (csrf === null || csrf === '' || cookies.get(loginCsrfCookieName(ctx.host)) !== csrf)
    return refuse('Your login attempt has timed out. Try again.');
  const userId = hostServesOrg(ctx) ? userByUsername(ctx.org, username) : undefined;
  const user = userId === undefined ? undefined : userOf(ctx.org, userId);
  // One message for every failure, as the platform gives, so a login page never tells which
  // usernames exist.
  if (userId === undefined || user?.active !== true || !ctx.passwords.matches(userId, form.get('pw') ?? ''))
    return refuse(LOGIN_FAILED);
  const sid = ctx.logins.start(userId);
  return redirect(startUrl === '' ? '/' : startUrl, {
    'Set-Cookie': [cookie(sessionCookieName(ctx.host), sid), cookie(loginCsrfCookieName(ctx.host), '', 0)],
  });
}

/** GET /setup/secur/RemoteAccessAuthorizationPage.apexp?source=… — the approval page. */
export function approvalForm(
  ctx: AuthorizeContext,
  query: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  const sid = parseCookies(cookieHeader).get(sessionCookieName(ctx.host));
  const session = ctx.logins.get(sid);
  const source = query.get('source') ?? '';
  if (session === undefined)
    return loginRedirect(ctx, `${APPROVAL_PATH}?${new URLSearchParams({ source }).toString()}`, null);
  const request = ctx.logins.peek(source, session.userId);
  const app = request === undefined ? undefined : ctx.apps.byClientId(request.clientId);
  const user = userOf(ctx.org, session.userId);
  if (request === undefined || app === undefined || user === undefined)
    return page(errorPage('invalid_request', 'this authorization request has expired'), 400);
  const notYou = `/secur/logout.jsp?${new URLSearchParams({ startURL: `${APPROVAL_PATH}?source=${source}` }).toString()}`;
  return page(
    approvalPage({
      appLabel: app.label,
      username: user.username,
      scopes: request.scopes,
      source,
      csrf: session.csrf,
      notYouUrl: notYou,
    }),
  );
}

/** POST /setup/secur/RemoteAccessAuthorizationPage.apexp — Allow or Deny. */
export function approvalSubmit(
  ctx: AuthorizeContext,
  form: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  const sid = parseCookies(cookieHeader).get(sessionCookieName(ctx.host));
  const session = ctx.logins.get(sid);
  if (session === undefined || form.get('csrf') !== session.csrf)
    return page(errorPage('invalid_request', 'this authorization request has expired'), 400);
  const request = ctx.logins.take(form.get('source') ?? '', session.userId);
  const app = request === undefined ? undefined : ctx.apps.byClientId(request.clientId);
  if (request === undefined || app === undefined)
    return page(errorPage('invalid_request', 'this authorization request has expired'), 400);
  if (form.get('action') !== 'Allow')
    return callbackError(
      request.redirectUri,
      request.state,
      'access_denied',
      'end-user denied authorization',
    );
  if (app.blocked)
    return callbackError(
      request.redirectUri,
      request.state,
      'OAUTH_APP_BLOCKED',
      'this app is blocked by admin',
    );
  ctx.apps.approve(session.userId, app);
  return issueCode(ctx, request);
}

/** GET /setup/secur/RemoteAccessErrorPage.apexp */
export function remoteAccessError(query: URLSearchParams): WebReply {
  return page(errorPage(query.get('error') ?? 'invalid_request', query.get('error_description') ?? ''), 400);
}

/** GET /secur/logout.jsp — ends the login session; with a start URL, on to the login page. */
export function logout(
  ctx: AuthorizeContext,
  query: URLSearchParams,
  cookieHeader: string | undefined,
): WebReply {
  ctx.logins.end(parseCookies(cookieHeader).get(sessionCookieName(ctx.host)));
  const startUrl = safeStartUrl(query.get('startURL'));
  const target = startUrl === '' ? '/' : `/?${new URLSearchParams({ startURL: startUrl }).toString()}`;
  return redirect(target, { 'Set-Cookie': cookie(sessionCookieName(ctx.host), '', 0) });
}
