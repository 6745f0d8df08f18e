// Both server-to-server flows against the emulator's token endpoint: client credentials and a JWT
// bearer assertion signed with jose (RS256), then a REST call with each token through jsforce.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { startEmulator } from '../../../emulator/src/index.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { SalesforceApiError } from './errors.ts';
import { SalesforceClient } from './client.ts';
import { mintToken } from './token.ts';

describe('OAuth flows against the emulator', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let keyFile: string;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    dir = mkdtempSync(join(tmpdir(), 'sia-jwt-'));
    keyFile = join(dir, 'server.key');
    writeFileSync(keyFile, await exportPKCS8(privateKey));
    // A bare org: its integration user has no API access before the package's permission set, so the
    // client-credentials Run As user is the administrator.
    emulator = await startEmulator({
      port: 0,
      jwtPublicKey: await exportSPKI(publicKey),
      runAsUsername: 'admin@sia-emulator.example',
    });
  });

  after(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mints a client-credentials token and calls REST with it', async () => {
    const client = new SalesforceClient({
      loginUrl: emulator.url,
      apiVersion: '66.0',
      auth: { kind: 'client_credentials', clientId: emulator.clientId, clientSecret: emulator.clientSecret },
      logger: createLogger({ level: 'silent' }),
      clock: systemClock,
    });
    await client.connect();
    const users = await client.query<{ Id: string }>('SELECT Id FROM User');
    assert.ok(users.length >= 3);
    assert.ok(client.apiUsage()?.used !== undefined, 'Sforce-Limit-Info was read');
  });

  it('mints a JWT bearer token for the integration user', async () => {
    const token = await mintToken({
      loginUrl: emulator.url,
      auth: {
        kind: 'jwt_bearer',
        clientId: emulator.clientId,
        username: 'integration@sia-emulator.example',
        keyFile,
        audience: 'https://login.salesforce.com',
      },
      now: new Date(),
    });
    assert.ok(token.accessToken.length > 10);
    const identity = await fetch(`${emulator.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    const body = (await identity.json()) as { preferred_username?: string };
    assert.equal(body.preferred_username, 'integration@sia-emulator.example');
  });

  it('reports a rejected assertion as an Authentication error', async () => {
    await assert.rejects(
      mintToken({
        loginUrl: emulator.url,
        auth: {
          kind: 'jwt_bearer',
          clientId: emulator.clientId,
          username: 'nobody@example.com',
          keyFile,
          audience: 'https://login.salesforce.com',
        },
        now: new Date(),
      }),
      (error: unknown) => error instanceof SalesforceApiError && error.category === 'Authentication',
    );
    await assert.rejects(
      mintToken({
        loginUrl: emulator.url,
        auth: { kind: 'client_credentials', clientId: emulator.clientId, clientSecret: 'wrong' },
        now: new Date(),
      }),
      (error: unknown) => error instanceof SalesforceApiError && error.category === 'Authentication',
    );
  });
});
