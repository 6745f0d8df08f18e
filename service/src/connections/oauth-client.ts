// The service's side of the OAuth 2.0 web-server flow with PKCE (S256): the authorize URL a rep
// opens, the authorization-code exchange, the refresh-token grant, revoke and the identity of the
// connected user. Salesforce answers failures as `{ error, error_description }`
// (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm,
// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** What the connected app's consumer key (and, where the app asks for it, secret) are. */
export interface OAuthApp {
  clientId: string;
  /** Sent with the code exchange and refreshes when set (the app's "Require Secret" policies). */
  clientSecret: string | undefined;
  redirectUri: string;
}

/** A failure answered by Salesforce's OAuth endpoints (`error` as sent, e.g. invalid_grant). */
export class OAuthError extends Error {
  readonly error: string;
  readonly description: string;
  readonly status: number;
  constructor(error: string, description: string, status: number) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.error = error;
    this.description = description;
    this.status = status;
  }
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A PKCE code verifier (43 characters of base64url, RFC 7636) and its S256 challenge. */
export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The scopes a rep grants: the REST API, and a refresh token so the service can work while they are away. */
export const CONNECTION_SCOPES = 'api refresh_token';

export function authorizeUrl(loginUrl: string, app: OAuthApp, state: string, challenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope: CONNECTION_SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    // Ask for the credentials even when the browser is signed in: the rep picks the account to connect.
    prompt: 'login',
  });
  return `${loginUrl}/services/oauth2/authorize?${query.toString()}`;
}

const tokenBody = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().min(1),
  id: z.string().min(1),
  issued_at: z.string().optional(),
  scope: z.string().optional(),
});
export type TokenGrant = z.infer<typeof tokenBody>;

const errorBody = z.object({ error: z.string(), error_description: z.string().optional() });

async function tokenRequest(
  loginUrl: string,
  form: URLSearchParams,
  doFetch: typeof fetch,
): Promise<TokenGrant> {
  let response: Response;
  try {
    response = await doFetch(`${loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    });
  } catch (error) {
    throw new OAuthError('unreachable', `the token endpoint did not answer: ${String(error)}`, 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorBody.safeParse(body);
    if (parsed.success)
      throw new OAuthError(
        parsed.data.error,
        parsed.data.error_description ?? parsed.data.error,
        response.status,
      );
    throw new OAuthError(
      `http_${response.status}`,
      `the token endpoint answered ${response.status}`,
      response.status,
    );
  }
  const parsed = tokenBody.safeParse(body);
  if (!parsed.success)
    throw new OAuthError(
      'invalid_response',
      'the token response lacks access_token, instance_url or id',
      200,
    );
  return parsed.data;
}

function withClient(form: URLSearchParams, app: OAuthApp): URLSearchParams {
  form.set('client_id', app.clientId);
  if (app.clientSecret !== undefined) form.set('client_secret', app.clientSecret);
  return form;
}

/** The authorization-code grant, proving the code with the PKCE verifier. */
export function exchangeCode(
  loginUrl: string,
  app: OAuthApp,
  code: string,
  verifier: string,
  doFetch: typeof fetch = fetch,
): Promise<TokenGrant> {
  const form = withClient(
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      code_verifier: verifier,
    }),
    app,
  );
  return tokenRequest(loginUrl, form, doFetch);
}

/** The refresh-token grant: a new access token (Salesforce keeps the refresh token). */
export function refreshAccessToken(
  loginUrl: string,
  app: OAuthApp,
  refreshToken: string,
  doFetch: typeof fetch = fetch,
): Promise<TokenGrant> {
  const form = withClient(
    new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    app,
  );
  return tokenRequest(loginUrl, form, doFetch);
}

/**
 * Revokes a refresh token and the access tokens issued with it. Salesforce answers 200, or 400
 * `invalid_token` for a token it no longer knows (already revoked: the goal is reached).
 */
export async function revokeToken(
  loginUrl: string,
  token: string,
  doFetch: typeof fetch = fetch,
): Promise<void> {
  const response = await doFetch(`${loginUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  if (response.ok || response.status === 400) return;
  throw new OAuthError(`http_${response.status}`, `revoke answered ${response.status}`, response.status);
}

const identityBody = z.object({
  user_id: z.string().min(15),
  organization_id: z.string().min(15),
  username: z.string().min(1),
  display_name: z.string().nullable().optional(),
});
export type ConnectedIdentity = z.infer<typeof identityBody>;

/** The identity URL (`id` of the token response): who connected, in which org. */
export async function readIdentity(
  idUrl: string,
  accessToken: string,
  doFetch: typeof fetch = fetch,
): Promise<ConnectedIdentity> {
  const response = await doFetch(idUrl, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = identityBody.safeParse(body);
  if (!response.ok || !parsed.success)
    throw new OAuthError(
      'identity_unavailable',
      `the identity URL answered ${response.status}`,
      response.status,
    );
  return parsed.data;
}
