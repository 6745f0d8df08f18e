// A rep connects their own Salesforce through the emulator's real authorize, login and approval
// pages: the SIA API answers the authorize URL, the callback completes the code exchange with the
// PKCE verifier, the tokens are kept sealed, and every refusal (state mismatch, replayed callback,
// replayed code, wrong PKCE verifier, Deny, another Salesforce user, a blocked app, a user without
// API Enabled) gives its documented error. Disconnecting revokes; a connection Salesforce ended
// needs reconnecting and is reported once as an Authentication error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  API_TOKEN,
  TEST_TOKEN_KEYS,
  admin,
  connectRep,
  repId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SiaApi,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';
import { ConnectionStore } from './connection-store.ts';
import type { ConnectionView } from './connections.ts';
import { parseTokenKeys } from '../token-keys.ts';
import { TokenVault } from './token-vault.ts';

const REP1 = 'rep1@sia-emulator.example';
const REP2 = 'rep2@sia-emulator.example';

type View = ConnectionView & { pushes: { identity: string; reason: string } };

async function putUser(api: SiaApi, emulator: Emulator, id: string, rep: string): Promise<void> {
  const res = await api.call('PUT', `/api/v1/users/${id}`, {
    email: `${id}@example.com`,
    salesforceUserId: repId(emulator, rep),
    timeZone: 'UTC',
  });
  assert.equal(res.status, 200);
}

/** Every secret the row holds, opened with the test keys. */
async function storedTokens(
  service: RunningService,
  ownerId: string,
): Promise<{ refresh: string; access: string }> {
  const row = await new ConnectionStore(service.store.db).get(ownerId);
  assert.ok(row?.refresh_token && row.refresh_key_id && row.access_token && row.access_key_id);
  const vault = new TokenVault(parseTokenKeys(TEST_TOKEN_KEYS));
  return {
    refresh: vault.open(
      { keyId: row.refresh_key_id, sealed: row.refresh_token },
      `connection:${ownerId}:refresh`,
    ),
    access: vault.open(
      { keyId: row.access_key_id, sealed: row.access_token },
      `connection:${ownerId}:access`,
    ),
  };
}

async function introspect(emulator: Emulator, token: string): Promise<boolean> {
  const response = await fetch(`${emulator.url}/services/oauth2/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: emulator.clientId, client_secret: emulator.clientSecret }),
  });
  return ((await response.json()) as { active: boolean }).active;
}

for (const factory of testDatabases) {
  describe(`Salesforce connections on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let api: SiaApi;
    const bodies: string[] = [];
    const logLines: string[] = [];

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database, {
        logTo: {
          write: (line: string) => {
            logLines.push(line);
          },
        },
      });
      api = new SiaApi(service.url);
      // Keep every answer the SIA API gives, to look for tokens in them at the end.
      const call = api.call.bind(api);
      api.call = async (method, path, body) => {
        const res = await call(method, path, body);
        bodies.push(JSON.stringify(res.body ?? null));
        return res as never;
      };
      await putUser(api, emulator, 'rep1', 'rep1');
      await putUser(api, emulator, 'rep2', 'rep2');
      await putUser(api, emulator, 'rep3', 'rep3');
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('connects a rep through the authorize, login and approval pages, with state and PKCE S256', async () => {
      const before = await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection');
      assert.equal(before.body.status, 'not_connected');
      assert.equal(before.body.salesforceUserId, null);

      const started = await api.call<{ authorizeUrl: string; expiresAt: string }>(
        'POST',
        '/api/v1/users/rep1/salesforce-connection',
        {},
      );
      assert.equal(started.status, 201);
      const url = new URL(started.body.authorizeUrl);
      assert.equal(url.origin, emulator.loginUrls.production);
      assert.equal(url.pathname, '/services/oauth2/authorize');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(url.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(url.searchParams.get('redirect_uri'), `${service.url}/oauth/salesforce/callback`);

      const attempt = await connectRep(api, 'rep1', { username: REP1 });
      assert.equal(attempt.status, 200, attempt.body);
      assert.match(attempt.body, /Connected to Salesforce/);
      assert.match(attempt.body, /rep1@sia-emulator\.example/);

      const view = await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection');
      assert.equal(view.body.status, 'connected');
      assert.equal(view.body.environment, 'production');
      assert.equal(view.body.salesforceUserId, repId(emulator, 'rep1'));
      assert.equal(view.body.salesforceUsername, REP1);
      assert.equal(view.body.instanceUrl, emulator.url);
      assert.equal(view.body.needsReconnect, false);
      assert.equal(view.body.lastError, null);
      assert.ok(view.body.connectedAt !== null && Date.parse(view.body.connectedAt) > 0);

      // The tokens are sealed: the columns hold neither, and they open to tokens Salesforce honours.
      const tokens = await storedTokens(service, 'rep1');
      assert.ok(await introspect(emulator, tokens.refresh));
      const row = await new ConnectionStore(service.store.db).get('rep1');
      assert.ok(row?.refresh_token && !row.refresh_token.includes(tokens.refresh));
      assert.ok(row.access_token && !row.access_token.includes(tokens.access));
      assert.equal(row.refresh_key_id, 'test-1');

      // The client made from the connection acts as the rep.
      const user = await service.store.getUser('rep1');
      assert.ok(user);
      const client = await service.connections.clientFor(user);
      assert.ok(client);
      const [me] = await client.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${REP1}'`);
      assert.equal(me?.Id, repId(emulator, 'rep1'));
    });

    it('connects to a sandbox on the sandbox login host only', async () => {
      const started = await api.call<{ authorizeUrl: string }>(
        'POST',
        '/api/v1/users/rep3/salesforce-connection',
        {
          environment: 'sandbox',
        },
      );
      assert.equal(new URL(started.body.authorizeUrl).origin, emulator.loginUrls.sandbox);
      // A production org's users do not log in on the sandbox host: the rep never reaches the callback.
      const attempt = await connectRep(api, 'rep3', {
        username: 'rep3@sia-emulator.example',
        environment: 'sandbox',
      });
      assert.notEqual(attempt.callbackUrl.pathname, '/oauth/salesforce/callback');
      const view = await api.call<View>('GET', '/api/v1/users/rep3/salesforce-connection');
      assert.equal(view.body.status, 'not_connected');
      const bad = await api.call<{ error: string }>('POST', '/api/v1/users/rep3/salesforce-connection', {
        environment: 'staging',
      });
      assert.equal(bad.status, 400);
    });

    it('refuses a state mismatch and a replayed callback', async () => {
      const forged = await connectRep(api, 'rep2', { username: REP2 }, (callback) => {
        const url = new URL(callback);
        url.searchParams.set('state', 'not-a-state-sia-handed-out');
        return url;
      });
      assert.equal(forged.status, 400);
      assert.match(forged.body, /state_mismatch/);

      const first = await connectRep(api, 'rep2', { username: REP2 });
      assert.equal(first.status, 200, first.body);
      const replay = await fetch(first.callbackUrl, { redirect: 'manual' });
      assert.equal(replay.status, 400);
      assert.match(await replay.text(), /state_used/);
      // The replay changed nothing: rep2 is still connected, with the replay as the last error.
      const view = await api.call<View>('GET', '/api/v1/users/rep2/salesforce-connection');
      assert.equal(view.body.status, 'connected');
      assert.equal(view.body.lastError?.code, 'state_used');
    });

    it('refuses a replayed authorization code and a code proved with the wrong PKCE verifier', async () => {
      // A code already exchanged, brought back with a fresh state: Salesforce refuses it.
      const used = await connectRep(api, 'rep2', { username: REP2 });
      assert.equal(used.status, 200, used.body);
      const code = used.callbackUrl.searchParams.get('code') ?? '';
      const replayed = await connectRep(api, 'rep2', { username: REP2 }, (callback) => {
        const url = new URL(callback);
        url.searchParams.set('code', code);
        return url;
      });
      assert.equal(replayed.status, 400);
      assert.match(replayed.body, /salesforce_invalid_grant/);

      // A code issued for one attempt, delivered with another attempt's state: the verifier of that
      // other attempt does not prove it (an intercepted code is useless without its verifier).
      const other = await api.call<{ authorizeUrl: string }>(
        'POST',
        '/api/v1/users/rep2/salesforce-connection',
        {},
      );
      const otherState = new URL(other.body.authorizeUrl).searchParams.get('state') ?? '';
      const swapped = await connectRep(api, 'rep2', { username: REP2 }, (callback) => {
        const url = new URL(callback);
        url.searchParams.set('state', otherState);
        return url;
      });
      assert.equal(swapped.status, 400);
      assert.match(swapped.body, /salesforce_invalid_grant/);
      assert.match(swapped.body, /invalid code verifier/);
    });

    it('refuses Deny, another Salesforce user, a blocked app and a user without API Enabled', async () => {
      const denied = await connectRep(api, 'rep3', { username: 'rep3@sia-emulator.example', approve: false });
      assert.equal(denied.status, 403);
      assert.match(denied.body, /access_denied/);

      // rep3 logs in as rep1: SIA user rep3 is rep3 in Salesforce, so the connection is refused and
      // the tokens Salesforce issued are revoked.
      const mismatch = await connectRep(api, 'rep3', { username: REP1 });
      assert.equal(mismatch.status, 409);
      assert.match(mismatch.body, /salesforce_user_mismatch/);
      const view = await api.call<View>('GET', '/api/v1/users/rep3/salesforce-connection');
      assert.equal(view.body.status, 'disconnected');
      assert.equal(view.body.lastError?.code, 'salesforce_user_mismatch');

      await admin(emulator, 'PATCH', '/connected-apps/SIA_Sync', { blocked: true });
      try {
        const blocked = await connectRep(api, 'rep3', { username: 'rep3@sia-emulator.example' });
        assert.equal(blocked.status, 400);
        assert.match(blocked.body, /salesforce_OAUTH_APP_BLOCKED/);
      } finally {
        await admin(emulator, 'PATCH', '/connected-apps/SIA_Sync', { blocked: false });
      }

      // As an admin: rep3 loses API Enabled (a profile without it, and no SIA Sync User).
      const sf = await salesforceUser(emulator);
      const [profile] = (
        await sf.query<{ Id: string }>("SELECT Id FROM Profile WHERE Name = 'Minimum Access - Salesforce'")
      ).records;
      assert.ok(profile);
      await sf.sobject('User').update({ Id: repId(emulator, 'rep3'), ProfileId: profile.Id });
      const assignments = await sf.query<{ Id: string }>(
        `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${repId(emulator, 'rep3')}' AND PermissionSet.Name = 'SIA_Sync_User'`,
      );
      for (const row of assignments.records) await sf.sobject('PermissionSetAssignment').destroy(row.Id);
      const noApi = await connectRep(api, 'rep3', { username: 'rep3@sia-emulator.example' });
      assert.equal(noApi.status, 403);
      assert.match(noApi.body, /api_disabled/);
      assert.equal(
        (await api.call<View>('GET', '/api/v1/users/rep3/salesforce-connection')).body.status,
        'disconnected',
      );
    });

    it('sends the browser back to the returnUrl with the outcome', async () => {
      const started = await api.call<{ authorizeUrl: string }>(
        'POST',
        '/api/v1/users/rep2/salesforce-connection',
        {
          returnUrl: 'http://127.0.0.1:9/settings?tab=salesforce',
        },
      );
      const state = new URL(started.body.authorizeUrl).searchParams.get('state') ?? '';
      const forged = await fetch(
        `${service.url}/oauth/salesforce/callback?state=${state}&error=access_denied`,
        {
          redirect: 'manual',
        },
      );
      assert.equal(forged.status, 303);
      const back = new URL(forged.headers.get('location') ?? '');
      assert.equal(back.searchParams.get('tab'), 'salesforce');
      assert.equal(back.searchParams.get('salesforceConnection'), 'failed');
      assert.equal(back.searchParams.get('salesforceError'), 'access_denied');
    });

    it('disconnects: the refresh token is revoked in Salesforce and forgotten', async () => {
      const attempt = await connectRep(api, 'rep2', { username: REP2 });
      assert.equal(attempt.status, 200, attempt.body);
      const tokens = await storedTokens(service, 'rep2');
      const res = await api.call<View>('DELETE', '/api/v1/users/rep2/salesforce-connection');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'disconnected');
      assert.equal(res.body.salesforceUserId, null);
      assert.equal(await introspect(emulator, tokens.refresh), false);
      const row = await new ConnectionStore(service.store.db).get('rep2');
      assert.equal(row?.refresh_token, null);
      assert.equal(row.access_token, null);
      const user = await service.store.getUser('rep2');
      assert.ok(user);
      assert.equal(await service.connections.clientFor(user), undefined);
    });

    it('refreshes an expired access token, and marks a revoked connection "needs reconnect" once', async () => {
      const user = await service.store.getUser('rep1');
      assert.ok(user);
      // Every session ends (as after the session timeout): the next call refreshes.
      await admin(emulator, 'POST', '/sessions/revoke');
      const client = await service.connections.clientFor(user);
      assert.ok(client);
      const before = (await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection')).body
        .lastRefreshedAt;
      await client.query(`SELECT Id FROM User LIMIT 1`);
      assert.equal(client.refreshCount, 1);
      const refreshed = (await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection')).body;
      assert.equal(refreshed.status, 'connected');
      assert.ok(refreshed.lastRefreshedAt !== null && before !== null && refreshed.lastRefreshedAt >= before);

      // The rep's access is revoked in Setup (Connected Apps OAuth Usage → Revoke).
      await admin(emulator, 'POST', '/connected-apps/SIA_Sync/revoke', { username: REP1 });
      await assert.rejects(client.query(`SELECT Id FROM User LIMIT 1`), /INVALID_GRANT/);
      const lost = (await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection')).body;
      assert.equal(lost.status, 'needs_reconnect');
      assert.equal(lost.needsReconnect, true);
      assert.equal(lost.lastError?.code, 'INVALID_GRANT');
      assert.equal(await service.connections.clientFor(user), undefined);

      const errors = await api.call<{ errors: { category: string; code: string; ownerId: string }[] }>(
        'GET',
        '/api/v1/errors?ownerId=rep1',
      );
      const auth = errors.body.errors.filter((e) => e.category === 'Authentication');
      assert.equal(auth.length, 1);
      assert.equal(auth[0]?.code, 'INVALID_GRANT');
      const sf = await salesforceUser(emulator);
      const rows = await waitFor('the Sync Health row', async () => {
        const result = await sf.query<{ Category__c: string; User__c: string }>(
          `SELECT Category__c, User__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'INVALID_GRANT' AND User__c = '${repId(emulator, 'rep1')}'`,
        );
        return result.records.length > 0 ? result.records : undefined;
      });
      assert.equal(rows[0]?.Category__c, 'Authentication');

      // Reconnecting mends it.
      const again = await connectRep(api, 'rep1', { username: REP1 });
      assert.equal(again.status, 200, again.body);
      const mended = (await api.call<View>('GET', '/api/v1/users/rep1/salesforce-connection')).body;
      assert.equal(mended.status, 'connected');
      assert.equal(mended.lastError, null);
    });

    it('answers 404 for an unknown user and 401 without the SIA token, and no answer or log line holds a token', async () => {
      assert.equal((await api.call('GET', '/api/v1/users/nobody/salesforce-connection')).status, 404);
      assert.equal((await api.call('POST', '/api/v1/users/nobody/salesforce-connection', {})).status, 404);
      const anonymous = await fetch(`${service.url}/api/v1/users/rep1/salesforce-connection`);
      assert.equal(anonymous.status, 401);
      const tokens = await storedTokens(service, 'rep1');
      for (const body of bodies) {
        assert.ok(!body.includes(tokens.refresh) && !body.includes(tokens.access));
        assert.doesNotMatch(body, /5Aep|00D\w{12,15}!/);
      }
      assert.ok(bodies.length > 10);
      // The service logged at trace level all along: requests, refreshes, the lost connection.
      assert.ok(logLines.some((line) => line.includes('Salesforce connection made')));
      assert.ok(logLines.some((line) => line.includes('Salesforce access token refreshed')));
      for (const line of logLines) {
        assert.ok(!line.includes(tokens.refresh) && !line.includes(tokens.access), line);
        assert.doesNotMatch(line, /5Aep|00D\w{12,15}!/);
        assert.ok(!line.includes(API_TOKEN), line);
        // The callback's authorization code is not logged either.
        assert.ok(!line.includes('code='), line);
      }
    });
  });
}
