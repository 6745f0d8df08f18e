// Drives the OAuth web-server flow the way a browser does, over plain HTTP: GET the authorize URL,
// follow redirects with the cookies they set, fill in and post the login form, then answer the
// approval page — until the emulator redirects to the app's callback, whose URL (with `code` and
// `state`, or `error`) is returned without being fetched. For service tests that connect a rep
// without a browser; the browser test drives the same pages in Chromium.
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_USER_PASSWORD } from '../src/index.ts';

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A PKCE verifier (43 characters) and its S256 challenge. */
export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeUrlInput {
  /** A login host (emulator.loginUrls.production / .sandbox) or the instance URL. */
  loginUrl: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  scope?: string;
  codeChallenge?: string;
  prompt?: string;
  loginHint?: string;
}

export function authorizeUrl(input: AuthorizeUrlInput): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
  });
  if (input.state !== undefined) query.set('state', input.state);
  if (input.scope !== undefined) query.set('scope', input.scope);
  if (input.codeChallenge !== undefined) {
    query.set('code_challenge', input.codeChallenge);
    query.set('code_challenge_method', 'S256');
  }
  if (input.prompt !== undefined) query.set('prompt', input.prompt);
  if (input.loginHint !== undefined) query.set('login_hint', input.loginHint);
  return `${input.loginUrl}/services/oauth2/authorize?${query.toString()}`;
}

export interface BrowserlessLogin {
  username: string;
  /** Default: the emulator's DEFAULT_USER_PASSWORD. */
  password?: string;
  /** Allow (default) or Deny on the approval page, when it is shown. */
  approve?: boolean;
}

export interface AuthorizeOutcome {
  /** Where the emulator sent the browser in the end: the callback, or a page of its own. */
  finalUrl: URL;
  /** Whether the approval page was shown on the way. */
  sawApproval: boolean;
  /** The last HTML page, when the flow stopped on one (a failed login, an error page). */
  page?: string;
}

/** A browser's cookie jar for one origin list: name=value per host:port. */
class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.cookies.get(url.host) ?? new Map<string, string>())]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  store(url: URL, setCookies: string[]): void {
    let jar = this.cookies.get(url.host);
    if (jar === undefined) {
      jar = new Map();
      this.cookies.set(url.host, jar);
    }
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0') || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
}

function hiddenInput(html: string, name: string): string | undefined {
  return new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`)
    .exec(html)?.[1]
    ?.replaceAll('&amp;', '&');
}

/**
 * Follows an authorize URL through the login and approval pages with a username and password, as a
 * person at a browser would, and returns where it ends (the app's callback URL, not fetched).
 */
export async function authorizeWithoutBrowser(
  url: string,
  login: BrowserlessLogin,
  jar: CookieJar = new CookieJar(),
): Promise<AuthorizeOutcome> {
  let next = new URL(url);
  let method = 'GET';
  let form: URLSearchParams | undefined;
  let sawApproval = false;
  const origin = next.origin;
  for (let hop = 0; hop < 20; hop++) {
    if (next.origin !== origin) return { finalUrl: next, sawApproval };
    const response = await fetch(next, {
      method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(next),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { body: form.toString() }),
    });
    jar.store(next, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      next = new URL(location, next);
      method = 'GET';
      form = undefined;
      continue;
    }
    const html = await response.text();
    if (html.includes('name="pw"')) {
      if (form?.has('pw') === true) return { finalUrl: next, sawApproval, page: html };
      form = new URLSearchParams({
        username: login.username,
        pw: login.password ?? DEFAULT_USER_PASSWORD,
        startURL: hiddenInput(html, 'startURL') ?? '',
        csrf: hiddenInput(html, 'csrf') ?? '',
      });
      next = new URL('/', next);
      method = 'POST';
      continue;
    }
    if (html.includes('RemoteAccessAuthorizationPage.apexp') && !sawApproval) {
      sawApproval = true;
      form = new URLSearchParams({
        source: hiddenInput(html, 'source') ?? '',
        csrf: hiddenInput(html, 'csrf') ?? '',
        action: login.approve === false ? 'Deny' : 'Allow',
      });
      next = new URL('/setup/secur/RemoteAccessAuthorizationPage.apexp', next);
      method = 'POST';
      continue;
    }
    return { finalUrl: next, sawApproval, page: html };
  }
  throw new Error(`the authorize flow for ${login.username} did not end after 20 hops`);
}

export { CookieJar };
