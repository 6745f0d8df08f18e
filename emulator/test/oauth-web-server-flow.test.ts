// The OAuth 2.0 web-server flow as a real org runs it, driven over HTTP like a browser would (and by
// jsforce's OAuth2 class): authorize → login page → approval page → callback with code and state →
// token (PKCE checked) → refresh → revoke, the connected-app policies an admin sets (permitted users,
// pre-authorization by profile or permission set, refresh token policy, blocking), production and
// sandbox login hosts, and each documented error.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OAuth2 } from 'jsforce';
import { DEFAULT_USER_PASSWORD, type RunningEmulator } from '../src/index.ts';
import { admin, dataPath, raw, TestClock, userToken, withEmulator } from './helpers.ts';
import { authorizeUrl, authorizeWithoutBrowser, pkcePair, type AuthorizeUrlInput } from './oauth-kit.ts';

const CALLBACK = 'https://sia.example/salesforce/callback';
const REP = 'rep@sia-emulator.example';
const ADMIN = 'admin@sia-emulator.example';

type Body = Record<string, string>;

async function tokenAt(
  base: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${base}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** Points the default app's callback at the test app. */
async function useCallback(emulator: RunningEmulator, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await admin(emulator, 'PATCH', 'connected-apps/SIA_Sync', {
    callbackUrls: [CALLBACK],
    ...extra,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

function urlFor(emulator: RunningEmulator, input: Partial<AuthorizeUrlInput> = {}): string {
  return authorizeUrl({
    loginUrl: emulator.loginUrls.production,
    clientId: emulator.clientId,
    redirectUri: CALLBACK,
    ...input,
  });
}

/** Logs in as `username`, allows the app and returns the code (checking the callback carries `state`). */
async function codeFor(
  emulator: RunningEmulator,
  username: string,
  input: Partial<AuthorizeUrlInput> = {},
): Promise<string> {
  const state = input.state ?? 'st-1';
  const outcome = await authorizeWithoutBrowser(urlFor(emulator, { ...input, state }), { username });
  assert.equal(`${outcome.finalUrl.origin}${outcome.finalUrl.pathname}`, CALLBACK, outcome.page);
  assert.equal(outcome.finalUrl.searchParams.get('state'), state);
  const code = outcome.finalUrl.searchParams.get('code');
  assert.ok(code !== null, `no code in ${outcome.finalUrl.toString()}`);
  return code;
}

function exchange(
  emulator: RunningEmulator,
  code: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: Body }> {
  return tokenAt(emulator.loginUrls.production, {
    grant_type: 'authorization_code',
    code,
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
    redirect_uri: CALLBACK,
    ...extra,
  });
}

function refresh(emulator: RunningEmulator, refreshToken: string): Promise<{ status: number; body: Body }> {
  return tokenAt(emulator.loginUrls.production, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
  });
}

async function limitsStatus(emulator: RunningEmulator, accessToken: string): Promise<number> {
  return (await raw(emulator, 'GET', dataPath('/limits'), { token: accessToken })).status;
}

async function adminRest(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  adminToken?: string,
): Promise<{ status: number; body: unknown }> {
  const token = adminToken ?? (await userToken(emulator, ADMIN));
  return raw(emulator, method, dataPath(path), {
    token,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('OAuth web-server flow', () => {
  it('runs authorize → login → approve → code → token → refresh → revoke, with PKCE and state', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const pkce = pkcePair();
      const state = 'a b&c=d/é';
      const first = await authorizeWithoutBrowser(
        urlFor(emulator, { state, codeChallenge: pkce.challenge }),
        { username: REP },
      );
      assert.equal(first.sawApproval, true);
      assert.equal(first.finalUrl.searchParams.get('state'), state);
      const code = first.finalUrl.searchParams.get('code') ?? '';

      const granted = await exchange(emulator, code, { code_verifier: pkce.verifier });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      assert.deepEqual(Object.keys(granted.body).sort(), [
        'access_token',
        'id',
        'instance_url',
        'issued_at',
        'refresh_token',
        'scope',
        'signature',
        'token_type',
      ]);
      assert.equal(granted.body.instance_url, emulator.url);
      // The identity URL is on the login host that issued the token, and answers there.
      assert.ok(granted.body.id?.startsWith(`${emulator.loginUrls.production}/id/`));
      const identity = await fetch(granted.body.id ?? '', {
        headers: { authorization: `Bearer ${granted.body.access_token ?? ''}` },
      });
      assert.equal(((await identity.json()) as { username: string }).username, REP);
      assert.equal(await limitsStatus(emulator, granted.body.access_token ?? ''), 200);

      // A second authorize for an approved app skips the approval page.
      const second = await authorizeWithoutBrowser(urlFor(emulator, { state: 'again' }), { username: REP });
      assert.equal(second.sawApproval, false);
      assert.ok(second.finalUrl.searchParams.get('code'));

      const refreshed = await refresh(emulator, granted.body.refresh_token ?? '');
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.refresh_token, undefined);
      const fresh = refreshed.body.access_token ?? '';
      assert.equal(await limitsStatus(emulator, fresh), 200);

      const revoked = await fetch(`${emulator.loginUrls.production}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: granted.body.refresh_token ?? '' }),
      });
      assert.equal(revoked.status, 200);
      // Revoking a refresh token ends the access tokens it minted.
      assert.equal(await limitsStatus(emulator, fresh), 401);
      assert.deepEqual((await refresh(emulator, granted.body.refresh_token ?? '')).body, {
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    });
  });

  it('refuses a replayed code, an expired code, a wrong or missing PKCE verifier and a wrong redirect_uri', async () => {
    const clock = new TestClock();
    await withEmulator({ installPackage: false, clock }, async (emulator) => {
      await useCallback(emulator);
      const code = await codeFor(emulator, REP);
      assert.equal((await exchange(emulator, code)).status, 200);
      assert.deepEqual((await exchange(emulator, code)).body, {
        error: 'invalid_grant',
        error_description: 'invalid authorization code',
      });

      const late = await codeFor(emulator, REP);
      clock.advance(15 * 60 * 1000 + 1000);
      assert.deepEqual((await exchange(emulator, late)).body, {
        error: 'invalid_grant',
        error_description: 'expired authorization code',
      });

      const pkce = pkcePair();
      const wrong = await codeFor(emulator, REP, { codeChallenge: pkce.challenge });
      assert.deepEqual((await exchange(emulator, wrong, { code_verifier: pkcePair().verifier })).body, {
        error: 'invalid_grant',
        error_description: 'invalid code verifier',
      });
      // The failed exchange spent the code: the right verifier is too late for it.
      assert.equal(
        (await exchange(emulator, wrong, { code_verifier: pkce.verifier })).body.error,
        'invalid_grant',
      );
      const missing = await codeFor(emulator, REP, { codeChallenge: pkce.challenge });
      assert.deepEqual((await exchange(emulator, missing)).body, {
        error: 'invalid_grant',
        error_description: 'invalid code verifier',
      });

      const elsewhere = await codeFor(emulator, REP);
      assert.deepEqual(
        (await exchange(emulator, elsewhere, { redirect_uri: 'https://evil.example/cb' })).body,
        {
          error: 'redirect_uri_mismatch',
          error_description: 'redirect_uri must match configuration',
        },
      );
      const noSecret = await codeFor(emulator, REP);
      assert.deepEqual((await exchange(emulator, noSecret, { client_secret: 'wrong' })).body, {
        error: 'invalid_client',
        error_description: 'invalid client credentials',
      });
      assert.deepEqual((await exchange(emulator, 'aPrxmadeup')).body, {
        error: 'invalid_grant',
        error_description: 'invalid authorization code',
      });
    });
  });

  it('sends the person to the error page for an unknown client or callback, and back with the error otherwise', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const unknown = await authorizeWithoutBrowser(urlFor(emulator, { clientId: 'nope' }), {
        username: REP,
      });
      assert.equal(unknown.finalUrl.pathname, '/setup/secur/RemoteAccessErrorPage.apexp');
      assert.equal(unknown.finalUrl.searchParams.get('error'), 'invalid_client_id');
      assert.match(unknown.page ?? '', /client identifier invalid/);

      const mismatch = await authorizeWithoutBrowser(
        urlFor(emulator, { redirectUri: 'https://evil.example/cb' }),
        {
          username: REP,
        },
      );
      assert.equal(mismatch.finalUrl.searchParams.get('error'), 'redirect_uri_mismatch');
      assert.equal(
        mismatch.finalUrl.searchParams.get('error_description'),
        'redirect_uri must match configuration',
      );

      const denied = await authorizeWithoutBrowser(urlFor(emulator, { state: 'deny-me' }), {
        username: REP,
        approve: false,
      });
      assert.deepEqual(Object.fromEntries(denied.finalUrl.searchParams), {
        error: 'access_denied',
        error_description: 'end-user denied authorization',
        state: 'deny-me',
      });

      const badScope = await authorizeWithoutBrowser(
        urlFor(emulator, { scope: 'api chatter_api', state: 's' }),
        {
          username: REP,
        },
      );
      assert.equal(badScope.finalUrl.searchParams.get('error'), 'invalid_scope');
      assert.equal(badScope.finalUrl.searchParams.get('state'), 's');

      // A wrong password stays on the login page with the platform's message.
      const wrongPassword = await authorizeWithoutBrowser(urlFor(emulator), {
        username: REP,
        password: 'nope',
      });
      assert.match(wrongPassword.page ?? '', /Please check your username and password/);
      assert.match(wrongPassword.page ?? '', /role="alert"/);

      await useCallback(emulator, { requirePkce: true });
      const noChallenge = await authorizeWithoutBrowser(urlFor(emulator, { state: 'p' }), { username: REP });
      assert.deepEqual(Object.fromEntries(noChallenge.finalUrl.searchParams), {
        error: 'invalid_request',
        error_description: 'missing required code challenge',
        state: 'p',
      });
    });
  });

  it('blocks an app: its sessions end, authorize and refresh are refused until it is unblocked', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const granted = await exchange(emulator, await codeFor(emulator, REP));
      const access = granted.body.access_token ?? '';
      assert.equal(await limitsStatus(emulator, access), 200);

      await useCallback(emulator, { blocked: true });
      assert.equal(await limitsStatus(emulator, access), 401);
      const blocked = await authorizeWithoutBrowser(urlFor(emulator, { state: 'b' }), { username: REP });
      assert.deepEqual(Object.fromEntries(blocked.finalUrl.searchParams), {
        error: 'OAUTH_APP_BLOCKED',
        error_description: 'this app is blocked by admin',
        state: 'b',
      });
      assert.deepEqual((await refresh(emulator, granted.body.refresh_token ?? '')).body, {
        error: 'OAUTH_APP_BLOCKED',
        error_description: 'this app is blocked by admin',
      });

      await useCallback(emulator, { blocked: false });
      assert.equal((await refresh(emulator, granted.body.refresh_token ?? '')).status, 200);
    });
  });

  it('admits only pre-authorized users when admin-approved users are pre-authorized, without asking them', async () => {
    await withEmulator({}, async (emulator) => {
      // The admin's own session, from before the app admitted only pre-authorized users.
      const adminToken = await userToken(emulator, ADMIN);
      const asAdmin = (method: string, path: string, body?: unknown): ReturnType<typeof adminRest> =>
        adminRest(emulator, method, path, body, adminToken);
      await useCallback(emulator, { permittedUsers: 'adminApproved' });
      const refused = await authorizeWithoutBrowser(urlFor(emulator, { state: 'x' }), { username: REP });
      assert.deepEqual(Object.fromEntries(refused.finalUrl.searchParams), {
        error: 'OAUTH_APP_ACCESS_DENIED',
        error_description: 'user is not admin approved to access this app',
        state: 'x',
      });
      // The admin adds the app to the SIA_Sync_User permission set (SetupEntityAccess), as Setup's
      // "Manage Permission Sets" on the connected app does.
      const apps = await asAdmin(
        'GET',
        `/query?q=${encodeURIComponent("SELECT Id FROM ConnectedApplication WHERE Name = 'SIA Sync'")}`,
      );
      const appId = (apps.body as { records: { Id: string }[] }).records[0]?.Id;
      const sets = await asAdmin(
        'GET',
        `/query?q=${encodeURIComponent("SELECT Id FROM PermissionSet WHERE Name = 'SIA_Sync_User'")}`,
      );
      const setId = (sets.body as { records: { Id: string }[] }).records[0]?.Id;
      const created = await asAdmin('POST', '/sobjects/SetupEntityAccess', {
        ParentId: setId,
        SetupEntityId: appId,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const admitted = await authorizeWithoutBrowser(urlFor(emulator, { state: 'y' }), { username: REP });
      assert.equal(admitted.sawApproval, false);
      const granted = await exchange(emulator, admitted.finalUrl.searchParams.get('code') ?? '');
      assert.equal(granted.status, 200);

      // Taking the app off the set stops the user's refresh tokens.
      const removed = await asAdmin(
        'DELETE',
        `/sobjects/SetupEntityAccess/${(created.body as { id: string }).id}`,
      );
      assert.equal(removed.status, 204);
      assert.deepEqual((await refresh(emulator, granted.body.refresh_token ?? '')).body, {
        error: 'invalid_app_access',
        error_description: 'user is not admin approved to access this app',
      });
    });
  });

  it('applies the refresh token policy: expire after, expire if not used, expire immediately', async () => {
    const clock = new TestClock();
    await withEmulator({ installPackage: false, clock }, async (emulator) => {
      await useCallback(emulator, { refreshTokenPolicy: { kind: 'expireAfter', seconds: 3600 } });
      const hourly = (await exchange(emulator, await codeFor(emulator, REP))).body.refresh_token ?? '';
      clock.advance(59 * 60 * 1000);
      assert.equal((await refresh(emulator, hourly)).status, 200);
      clock.advance(2 * 60 * 1000);
      assert.equal((await refresh(emulator, hourly)).body.error_description, 'expired access/refresh token');

      await useCallback(emulator, { refreshTokenPolicy: { kind: 'expireIfNotUsed', seconds: 3600 } });
      const idle = (await exchange(emulator, await codeFor(emulator, REP))).body.refresh_token ?? '';
      clock.advance(50 * 60 * 1000);
      assert.equal((await refresh(emulator, idle)).status, 200);
      clock.advance(50 * 60 * 1000);
      assert.equal((await refresh(emulator, idle)).status, 200);
      clock.advance(61 * 60 * 1000);
      assert.equal((await refresh(emulator, idle)).body.error, 'invalid_grant');

      await useCallback(emulator, { refreshTokenPolicy: { kind: 'immediately' } });
      const once = await exchange(emulator, await codeFor(emulator, REP));
      assert.equal(await limitsStatus(emulator, once.body.access_token ?? ''), 200);
      assert.deepEqual((await refresh(emulator, once.body.refresh_token ?? '')).body, {
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    });
  });

  it('refuses an inactive user: no login, and invalid_grant "inactive user" for their refresh token', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const granted = await exchange(emulator, await codeFor(emulator, REP));
      const rep = emulator.users.find((u) => u.username === REP);
      const deactivated = await adminRest(emulator, 'PATCH', `/sobjects/User/${rep?.id ?? ''}`, {
        IsActive: false,
      });
      assert.equal(deactivated.status, 204, JSON.stringify(deactivated.body));
      assert.deepEqual((await refresh(emulator, granted.body.refresh_token ?? '')).body, {
        error: 'invalid_grant',
        error_description: 'inactive user',
      });
      const login = await authorizeWithoutBrowser(urlFor(emulator), { username: REP });
      assert.match(login.page ?? '', /Please check your username and password/);
    });
  });

  it('gives a user without API Enabled tokens, and API_DISABLED_FOR_ORG on every API call', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      // The integration user's profile (Minimum Access - Salesforce) has no API Enabled.
      const integration = 'integration@sia-emulator.example';
      const granted = await exchange(emulator, await codeFor(emulator, integration));
      assert.equal(granted.status, 200);
      const access = granted.body.access_token ?? '';
      for (const path of ['/limits', '/query?q=SELECT+Id+FROM+User', '/sobjects/Task/describe']) {
        const refused = await raw(emulator, 'GET', dataPath(path), { token: access });
        assert.equal(refused.status, 403, path);
        assert.deepEqual(refused.body, [
          {
            message: 'The REST API is not enabled for this Organization.',
            errorCode: 'API_DISABLED_FOR_ORG',
          },
        ]);
      }
      // userinfo is not an API call.
      const info = await raw(emulator, 'GET', '/services/oauth2/userinfo', { token: access });
      assert.equal(info.status, 200);
    });
  });

  it('keeps production and sandbox login hosts apart', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      // A production org's users cannot log in on the sandbox login host.
      const sandboxLogin = await authorizeWithoutBrowser(
        urlFor(emulator, { loginUrl: emulator.loginUrls.sandbox }),
        { username: REP },
      );
      assert.match(sandboxLogin.page ?? '', /Log In to Sandbox/);
      assert.match(sandboxLogin.page ?? '', /Please check your username and password/);
      // A login host serves no data API, and the client-credentials flow only on My Domain.
      assert.equal((await fetch(`${emulator.loginUrls.production}/services/data/v62.0/limits`)).status, 404);
      assert.deepEqual(
        (
          await tokenAt(emulator.loginUrls.production, {
            grant_type: 'client_credentials',
            client_id: emulator.clientId,
            client_secret: emulator.clientSecret,
          })
        ).body,
        { error: 'invalid_grant', error_description: 'request not supported on this domain' },
      );
    });
    await withEmulator({ installPackage: false, sandbox: true }, async (emulator) => {
      await useCallback(emulator);
      const code = await codeFor(emulator, REP, { loginUrl: emulator.loginUrls.sandbox });
      // A code from the sandbox host is redeemed there, not on the production host.
      assert.equal((await exchange(emulator, code)).body.error, 'invalid_grant');
      const again = await codeFor(emulator, REP, { loginUrl: emulator.loginUrls.sandbox });
      const granted = await tokenAt(emulator.loginUrls.sandbox, {
        grant_type: 'authorization_code',
        code: again,
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        redirect_uri: CALLBACK,
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      assert.equal(granted.body.instance_url, emulator.url);
      const production = await authorizeWithoutBrowser(urlFor(emulator), { username: REP });
      assert.match(production.page ?? '', /Please check your username and password/);
    });
  });

  it('introspects tokens for their own app, and serves userinfo', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const granted = await exchange(emulator, await codeFor(emulator, REP));
      const introspect = async (
        token: string,
        secret = emulator.clientSecret,
      ): Promise<{ status: number; body: Record<string, unknown> }> => {
        const response = await fetch(`${emulator.loginUrls.production}/services/oauth2/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, client_id: emulator.clientId, client_secret: secret }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const access = await introspect(granted.body.access_token ?? '');
      assert.equal(access.body.active, true);
      assert.equal(access.body.token_type, 'access_token');
      assert.equal(access.body.username, REP);
      assert.equal(access.body.client_id, emulator.clientId);
      const refreshToken = await introspect(granted.body.refresh_token ?? '');
      assert.equal(refreshToken.body.token_type, 'refresh_token');
      assert.deepEqual((await introspect('nonsense')).body, { active: false });
      assert.equal((await introspect('x', 'wrong-secret')).status, 401);
      const info = await fetch(`${emulator.loginUrls.production}/services/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${granted.body.access_token ?? ''}` },
      });
      const body = (await info.json()) as { preferred_username: string; sub: string };
      assert.equal(body.preferred_username, REP);
      assert.equal(body.sub, granted.body.id);
    });
  });

  it("lets an admin set a user's password over the REST API, by the default password policy", async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator);
      const rep = emulator.users.find((u) => u.username === REP)?.id ?? '';
      const weak = await adminRest(emulator, 'POST', `/sobjects/User/${rep}/password`, {
        NewPassword: 'short',
      });
      assert.deepEqual(weak.body, [
        { message: 'Your password must be at least 8 characters long.', errorCode: 'INVALID_NEW_PASSWORD' },
      ]);
      const set = await adminRest(emulator, 'POST', `/sobjects/User/${rep}/password`, {
        NewPassword: 'n3w-Passw0rd',
      });
      assert.equal(set.status, 204);
      const old = await authorizeWithoutBrowser(urlFor(emulator), {
        username: REP,
        password: DEFAULT_USER_PASSWORD,
      });
      assert.match(old.page ?? '', /Please check your username and password/);
      const fresh = await authorizeWithoutBrowser(urlFor(emulator, { state: 'pw' }), {
        username: REP,
        password: 'n3w-Passw0rd',
      });
      assert.ok(fresh.finalUrl.searchParams.get('code'));
      // A rep may not set someone else's password.
      const repToken = await userToken(emulator, REP);
      const admin = emulator.users.find((u) => u.username === ADMIN)?.id ?? '';
      const refused = await raw(emulator, 'POST', dataPath(`/sobjects/User/${admin}/password`), {
        token: repToken,
        body: JSON.stringify({ NewPassword: 'another-1pass' }),
      });
      assert.equal(refused.status, 403);
    });
  });

  it("works with jsforce's OAuth2 class unmodified: authorization URL with PKCE, requestToken, refreshToken, revokeToken", async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      await useCallback(emulator, { requirePkce: true });
      const oauth2 = new OAuth2({
        loginUrl: emulator.loginUrls.production,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        redirectUri: CALLBACK,
        useVerifier: true,
      });
      const url = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'jsforce' });
      const outcome = await authorizeWithoutBrowser(url, { username: REP });
      assert.equal(outcome.finalUrl.searchParams.get('state'), 'jsforce');
      const tokens = await oauth2.requestToken(outcome.finalUrl.searchParams.get('code') ?? '');
      assert.equal(tokens.instance_url, emulator.url);
      assert.equal(tokens.scope, 'api refresh_token');
      const refreshed = await oauth2.refreshToken(tokens.refresh_token ?? '');
      assert.equal(await limitsStatus(emulator, refreshed.access_token), 200);
      await oauth2.revokeToken(tokens.refresh_token ?? '');
      await assert.rejects(oauth2.refreshToken(tokens.refresh_token ?? ''), {
        name: 'invalid_grant',
        message: 'expired access/refresh token',
      });
    });
  });

  it('keeps refresh tokens, approvals, passwords and app policies across a restart with a data file, hashed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-oauth-data-'));
    const dataFile = join(dir, 'org.json');
    try {
      let refreshToken = '';
      await withEmulator({ installPackage: false, dataFile }, async (emulator) => {
        await useCallback(emulator, { refreshTokenPolicy: { kind: 'expireAfter', seconds: 86_400 } });
        refreshToken = (await exchange(emulator, await codeFor(emulator, REP))).body.refresh_token ?? '';
      });
      const saved = readFileSync(dataFile, 'utf8');
      assert.ok(!saved.includes(refreshToken), 'the data file holds no refresh token');
      assert.ok(!saved.includes(DEFAULT_USER_PASSWORD), 'the data file holds no password');
      await withEmulator({ installPackage: false, dataFile }, async (emulator) => {
        const app = (await admin(emulator, 'GET', 'connected-apps/SIA_Sync')).body as Record<string, unknown>;
        assert.deepEqual(app.refreshTokenPolicy, { kind: 'expireAfter', seconds: 86_400 });
        assert.equal((await refresh(emulator, refreshToken)).status, 200);
        const again = await authorizeWithoutBrowser(urlFor(emulator, { state: 'back' }), { username: REP });
        assert.equal(again.sawApproval, false, 'the approval survived');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
