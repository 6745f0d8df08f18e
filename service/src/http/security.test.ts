// The SIA API as an attacker sees it, in the running service against the emulator: every route of
// the OpenAPI document, spelled every way a router may decode or normalise, answers 401 or 404
// without the token and changes nothing; and no secret reaches a log line at any level.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  allowCallback,
  API_TOKEN,
  repId,
  serviceConfig,
  startTestEmulator,
  SyncWorld,
  salesforceUser,
  type Emulator,
} from '../../test/harness.ts';
import { startService, type RunningService } from '../app.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';

interface RawResponse {
  status: number;
  body: string;
}

/** One request with the path sent byte for byte as written (fetch would normalise `/./` and `//`). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The spellings of one path that a router may map back onto the route. */
function variants(path: string): string[] {
  const rest = path.slice('/api/'.length);
  return [
    path,
    `/%61pi/${rest}`,
    `/%61%70%69/${rest}`,
    `/${path}`,
    path.replace('/api/v1', '/api/./v1'),
    path.replace('/api/v1', '/api/v1/.'),
    path.replace('/api/v1', '/api/x/../v1'),
    `${path}/`,
    path.toUpperCase(),
    path.replace('/api/', '/Api/'),
    path.replace('/v1/', '/v1//'),
    path.replace('/v1/', '/%76%31/'),
    `${path}?access_token=${API_TOKEN}`,
    `${path};jsessionid=1`,
  ];
}

const db = testDatabases[0];
if (db === undefined) throw new Error('no test database');

describe('SIA API security in the running service', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let service: RunningService;
  let world: SyncWorld;
  let logged = '';

  before(async () => {
    emulator = await startTestEmulator();
    database = db.create();
    service = await startService({
      config: serviceConfig(emulator, database),
      logger: createLogger({
        level: 'trace',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logged += chunk.toString();
            done();
          },
        }),
      }),
      clock: systemClock,
      defaultMetrics: false,
      retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 },
      retryLater: { baseDelayMs: 100, maxDelayMs: 300 },
    });
    // As the admin does in Setup: the service's OAuth callback is one of the connected app's.
    await allowCallback(emulator, service.url);
    world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    await world.enable('rep1');
  });

  after(async () => {
    await service.close();
    await database.dispose();
    await emulator.close();
  });

  it('answers every route of the OpenAPI document, however spelled, with 401 or 404 and never serves it', async () => {
    const task = await world.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: 'Guarded',
      dueDate: '2026-12-01',
    });
    const document = JSON.parse((await raw(service.url, 'GET', '/openapi.json')).body) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    // A body that would succeed if the request got through, so a bypass shows as a 2xx.
    const bodies: Record<string, unknown> = {
      'PUT /api/v1/users/{id}': {
        email: 'intruder@example.com',
        salesforceUserId: repId(emulator, 'rep2'),
        timeZone: 'UTC',
      },
      'POST /api/v1/tasks': { ownerId: 'rep1', type: 'call', name: 'Intruder', dueDate: '2026-12-02' },
      'PATCH /api/v1/tasks/{id}': { name: 'Intruded' },
      'POST /api/v1/sync/reconcile': {},
      'POST /api/v1/users/{id}/salesforce-connection': {},
      'POST /api/v1/email-activities': {
        ownerId: 'rep1',
        kind: 'sent',
        messageId: '<intruder@example.com>',
        subject: 'Intruder',
        sentAt: '2026-11-28T09:30:00Z',
        recipients: [{ email: 'someone@example.com' }],
      },
    };
    const wrongHeaders: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}` },
      { authorization: `Bearer ${API_TOKEN}x` },
      { authorization: `Token ${API_TOKEN}` },
      { authorization: API_TOKEN },
    ];
    let probes = 0;
    const served: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === 'parameters') continue;
        if (Array.isArray(operation.security) && operation.security.length === 0) continue; // public
        const key = `${method.toUpperCase()} ${template}`;
        const needsBody = ['post', 'put', 'patch'].includes(method);
        if (needsBody) assert.ok(key in bodies, `no sample body for ${key}: add one so a bypass would show`);
        const path = template.replace('{id}', template.startsWith('/api/v1/tasks') ? task.id : 'rep1');
        for (const spelled of variants(path)) {
          for (const headers of wrongHeaders) {
            const res = await raw(
              service.url,
              method.toUpperCase(),
              spelled,
              headers,
              needsBody ? JSON.stringify(bodies[key]) : undefined,
            );
            probes += 1;
            if (res.status !== 401 && res.status !== 404)
              served.push(`${method.toUpperCase()} ${spelled} ${JSON.stringify(headers)} -> ${res.status}`);
          }
        }
      }
    }
    assert.deepEqual(served, [], `served without the token:\n${served.join('\n')}`);
    assert.ok(probes > 500, `only ${probes} probes`);
    // Nothing changed: the task as it was, no intruder task, no user rep1 remapped.
    const after = await world.task(task.id);
    assert.equal(after?.name, 'Guarded');
    const list = await world.api.call<{ tasks: { name: string }[] }>(
      'GET',
      '/api/v1/tasks?ownerId=rep1&limit=200',
    );
    assert.equal(list.body.tasks.filter((t) => t.name === 'Intruder').length, 0);
    const user = await world.api.call<{ email: string }>('GET', '/api/v1/users/rep1');
    assert.equal(user.body.email, 'rep1@example.com');
    assert.equal((await world.salesforceTasks("Subject = 'Intruder'")).length, 0);
  });

  it('serves only /healthz and /openapi.json without the token', async () => {
    assert.equal((await raw(service.url, 'GET', '/healthz')).status, 200);
    assert.equal((await raw(service.url, 'GET', '/openapi.json')).status, 200);
    assert.equal((await raw(service.url, 'GET', '/metrics')).status, 401);
    assert.equal((await raw(service.url, 'GET', '/no/such/route')).status, 401);
    const authorized = { authorization: `Bearer ${API_TOKEN}` };
    assert.equal((await raw(service.url, 'GET', '/metrics', authorized)).status, 200);
    assert.equal((await raw(service.url, 'GET', '/no/such/route', authorized)).status, 404);
  });

  it('takes the Bearer scheme in any letter case', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      const res = await raw(service.url, 'GET', '/api/v1/users/rep1', {
        authorization: `${scheme} ${API_TOKEN}`,
      });
      assert.equal(res.status, 200, `${scheme}: ${res.body}`);
    }
  });

  it('takes an email body as long as the schema allows, every character escaped, and names the field past it', async () => {
    const email = (body: string) =>
      JSON.stringify({
        ownerId: 'rep1',
        kind: 'sent',
        messageId: '<long-body@example.com>',
        subject: 'Long body',
        body,
        sentAt: '2026-11-28T09:30:00Z',
        recipients: [{ email: 'someone@example.com' }],
      });
    const authorized = { authorization: `Bearer ${API_TOKEN}` };
    const longest = await raw(
      service.url,
      'POST',
      '/api/v1/email-activities',
      authorized,
      email('\u0001'.repeat(1_000_000)),
    );
    assert.notEqual(longest.status, 413, longest.body.slice(0, 300));
    assert.notEqual(longest.status, 400, longest.body.slice(0, 300));
    const typical = await raw(
      service.url,
      'POST',
      '/api/v1/email-activities',
      authorized,
      email('x'.repeat(300_000)),
    );
    assert.notEqual(typical.status, 413, typical.body.slice(0, 300));
    const tooLong = await raw(
      service.url,
      'POST',
      '/api/v1/email-activities',
      authorized,
      email('x'.repeat(1_000_001)),
    );
    assert.equal(tooLong.status, 400, tooLong.body.slice(0, 300));
    assert.deepEqual((JSON.parse(tooLong.body) as { fields: { field: string; message: string }[] }).fields, [
      { field: 'body', message: 'must be at most 1000000 characters' },
    ]);
  });

  it('ends with the same task name on both sides when it has runs of spaces and line breaks', async () => {
    const created = await world.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: '  Call  Ada\n\nabout   the deck ',
      dueDate: '2026-12-06',
    });
    const pushed = await world.pushed(created.id);
    assert.equal(pushed.Subject, created.name);
    const renamed = await world.patch(created.id, { name: 'Call\r\nGrace  Hopper' });
    await world.settle('rep1');
    const [after] = await world.salesforceTasks(`SIA_Task_Id__c = '${created.id}'`);
    assert.equal(after?.Subject, renamed.name);
    assert.equal(renamed.name, 'Call Grace Hopper');
  });

  it('never writes a secret to the log, at any level, through token refreshes and faults', async () => {
    const secrets = new Map<string, string>([
      ['SIA API token', API_TOKEN],
      ['client secret', emulator.clientSecret],
      ['access token', service.salesforce.accessToken],
    ]);
    // Credentials where callers put them by mistake: the query string, other schemes, a cookie.
    for (const query of ['access_token', 'token', 'api_key', 'sid', 'client_secret', 'refresh_token']) {
      await raw(service.url, 'GET', `/api/v1/users/rep1?${query}=${API_TOKEN}`);
      await raw(service.url, 'GET', `/api/v1/tasks?ownerId=rep1&${query}=${emulator.clientSecret}`, {
        authorization: `bearer ${API_TOKEN}`,
      });
    }
    await raw(service.url, 'GET', `/api/v1/users/rep1?${API_TOKEN}`);
    await raw(service.url, 'GET', '/api/v1/users/rep1', { cookie: `token=${API_TOKEN}` });
    await raw(service.url, 'GET', '/api/v1/users/rep1', { authorization: `Basic ${API_TOKEN}` });
    // A revoked Salesforce token is re-minted; a 503 is retried; both log.
    // Faults on the service's pushes (composite POST) only: the test's own reads stay untouched.
    await admin(emulator, 'POST', '/faults', {
      method: 'POST',
      path: '/services/data/v66.0/composite',
      action: 'revoke-token',
      times: 1,
    });
    // The rep's task is written with the rep's own connection: its access token is the one revoked.
    const rep = repId(emulator, 'rep1');
    const before = emulator.state.sessions.liveAccessTokens(rep);
    assert.ok(before.length > 0, "the rep's connection holds no access token");
    before.forEach((token, i) => secrets.set(`rep's access token ${i + 1}`, token));
    const revoked = await world.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: 'After revoke',
      dueDate: '2026-12-03',
    });
    await world.pushed(revoked.id);
    const reminted = emulator.state.sessions.liveAccessTokens(rep).filter((token) => !before.includes(token));
    assert.ok(reminted.length > 0, "the rep's revoked access token was not re-minted");
    reminted.forEach((token, i) => secrets.set(`rep's re-minted access token ${i + 1}`, token));
    secrets.set('org access token after the revoke', service.salesforce.accessToken);
    await admin(emulator, 'POST', '/faults', {
      method: 'POST',
      path: '/services/data/v66.0/composite',
      action: 'status',
      status: 503,
      errorCode: 'SERVER_UNAVAILABLE',
      times: 2,
    });
    const retried = await world.createTask({
      ownerId: 'rep1',
      type: 'call',
      name: 'After 503',
      dueDate: '2026-12-04',
    });
    await world.pushed(retried.id);
    secrets.set('latest access token', service.salesforce.accessToken);
    emulator.state.sessions
      .liveAccessTokens(rep)
      .forEach((token, i) => secrets.set(`rep's latest access token ${i + 1}`, token));

    for (const [name, secret] of secrets) {
      assert.ok(secret.length >= 16, `${name} is too short to search for`);
      const line = logged.split('\n').find((l) => l.includes(secret));
      assert.equal(line, undefined, `the ${name} reached the log: ${line ?? ''}`);
    }
    // The refused request was logged, only without its credential.
    assert.match(logged, /access_token=\[redacted\]/, 'the refused request was not logged');
  });
});
