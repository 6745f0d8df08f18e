// The OAuth token endpoint: client credentials, RS256 JWT bearer (iss/sub/aud/exp), refresh token,
// Salesforce's error bodies, userinfo, and 401 INVALID_SESSION_ID once a token expires.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { Connection } from 'jsforce';
import type { RunningEmulator } from '../src/index.ts';
import { admin, API_VERSION, dataPath, raw, TestClock, withEmulator } from './helpers.ts';

async function token(
  emulator: RunningEmulator,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('OAuth', () => {
  it('issues client-credentials tokens with the Salesforce response shape and refuses bad clients', async () => {
    await withEmulator({}, async (emulator) => {
      const ok = await token(emulator, {
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(Object.keys(ok.body).sort(), [
        'access_token',
        'id',
        'instance_url',
        'issued_at',
        'scope',
        'signature',
        'token_type',
      ]);
      assert.equal(ok.body.token_type, 'Bearer');
      assert.equal(ok.body.instance_url, emulator.url);
      assert.match(ok.body.id ?? '', /\/id\/00D\w{15}\/005\w{15}$/);

      const badId = await token(emulator, {
        grant_type: 'client_credentials',
        client_id: 'nope',
        client_secret: emulator.clientSecret,
      });
      assert.equal(badId.status, 400);
      assert.deepEqual(badId.body, {
        error: 'invalid_client_id',
        error_description: 'client identifier invalid',
      });
      const badSecret = await token(emulator, {
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: 'x',
      });
      assert.deepEqual(badSecret.body, {
        error: 'invalid_client',
        error_description: 'invalid client credentials',
      });
      const badGrant = await token(emulator, { grant_type: 'password' });
      assert.deepEqual(badGrant.body, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });

      const anonymous = await raw(emulator, 'GET', '/services/oauth2/userinfo', { token: 'nope' });
      assert.deepEqual([anonymous.status, anonymous.body], [403, 'Bad_OAuth_Token']);
      const info = await raw(emulator, 'GET', '/services/oauth2/userinfo', {
        token: ok.body.access_token ?? '',
      });
      assert.equal(info.status, 200);
      assert.equal(
        (info.body as { preferred_username: string }).preferred_username,
        'integration@sia-emulator.example',
      );
    });
  });

  it('verifies JWT bearer assertions: signature, issuer, audience, expiry and subject', async () => {
    const clock = new TestClock();
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const { privateKey: otherKey } = await generateKeyPair('RS256');
    await withEmulator({ clock, jwtPublicKey: await exportSPKI(publicKey) }, async (emulator) => {
      const now = Math.floor(clock.now().getTime() / 1000);
      const assertion = (
        claims: { iss?: string; sub?: string; aud?: string; exp?: number },
        key = privateKey,
      ): Promise<string> =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer(claims.iss ?? emulator.clientId)
          .setSubject(claims.sub ?? 'rep@sia-emulator.example')
          .setAudience(claims.aud ?? 'https://login.salesforce.com')
          .setExpirationTime(claims.exp ?? now + 180)
          .sign(key);
      const grant = async (jwt: string): Promise<{ status: number; body: Record<string, string> }> =>
        token(emulator, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt });

      const ok = await grant(await assertion({}));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const conn = new Connection({
        instanceUrl: emulator.url,
        accessToken: ok.body.access_token ?? '',
        version: API_VERSION,
      });
      const me = await conn.identity();
      assert.equal(me.username, 'rep@sia-emulator.example');

      assert.deepEqual((await grant(await assertion({}, otherKey))).body, {
        error: 'invalid_grant',
        error_description: 'invalid assertion',
      });
      assert.deepEqual((await grant(await assertion({ iss: 'someone-else' }))).body, {
        error: 'invalid_client_id',
        error_description: 'client identifier invalid',
      });
      assert.deepEqual((await grant(await assertion({ aud: 'https://evil.example' }))).body, {
        error: 'invalid_grant',
        error_description: 'audience is invalid',
      });
      assert.equal((await grant(await assertion({ exp: now - 1 }))).body.error, 'invalid_grant');
      assert.deepEqual((await grant(await assertion({ sub: 'nobody@example.com' }))).body, {
        error: 'invalid_grant',
        error_description: "user hasn't approved this consumer",
      });
      assert.equal((await grant('not.a.jwt')).body.error, 'invalid_grant');
    });
  });

  it('expires access tokens, and redeems refresh tokens', async () => {
    const clock = new TestClock();
    await withEmulator({ clock, tokenTtlSeconds: 30 }, async (emulator) => {
      const minted = await admin(emulator, 'POST', 'refresh-tokens', {
        username: 'rep@sia-emulator.example',
      });
      const refreshToken = (minted.body as { refresh_token: string }).refresh_token;
      const grant = {
        grant_type: 'refresh_token',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        refresh_token: refreshToken,
      };
      const first = await token(emulator, grant);
      assert.equal(first.status, 200);
      const access = first.body.access_token ?? '';
      assert.equal((await raw(emulator, 'GET', dataPath('/limits'), { token: access })).status, 200);
      clock.advance(31_000);
      const expired = await raw(emulator, 'GET', dataPath('/limits'), { token: access });
      assert.equal(expired.status, 401);
      assert.deepEqual(expired.body, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
      const again = await token(emulator, grant);
      assert.equal(
        (await raw(emulator, 'GET', dataPath('/limits'), { token: again.body.access_token ?? '' })).status,
        200,
      );
      const revoke = await fetch(`${emulator.url}/services/oauth2/revoke`, {
        method: 'POST',
        body: new URLSearchParams({ token: again.body.access_token ?? '' }),
      });
      assert.equal(revoke.status, 200);
      assert.equal(
        (await raw(emulator, 'GET', dataPath('/limits'), { token: again.body.access_token ?? '' })).status,
        401,
      );
      const bad = await token(emulator, { ...grant, refresh_token: 'nope' });
      assert.deepEqual(bad.body, {
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    });
  });

  it('verifies JWT assertions against an X.509 certificate, as uploaded to a connected app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-jwt-cert-'));
    try {
      const keyFile = join(dir, 'server.key');
      const certFile = join(dir, 'server.crt');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          keyFile,
          '-out',
          certFile,
          '-days',
          '2',
          '-subj',
          '/CN=sia-sync',
        ],
        {
          stdio: 'ignore',
        },
      );
      const privateKey = await importPKCS8(readFileSync(keyFile, 'utf8'), 'RS256');
      await withEmulator({ jwtCertificate: readFileSync(certFile, 'utf8') }, async (emulator) => {
        const assertion = await new SignJWT({})
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer(emulator.clientId)
          .setSubject('integration@sia-emulator.example')
          .setAudience(emulator.url)
          .setExpirationTime('3m')
          .sign(privateKey);
        const granted = await token(emulator, {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion,
        });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
