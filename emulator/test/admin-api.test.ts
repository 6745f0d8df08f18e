// The admin API: fault injection, the request log, the API allowance, reset and --data persistence.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSnapshot, SnapshotWriter } from '../src/server/persistence.ts';
import { admin, clientCredentialsToken, connect, dataPath, raw, userToken, withEmulator } from './helpers.ts';

describe('admin API', () => {
  it('is guarded by the client secret', async () => {
    await withEmulator({}, async (emulator) => {
      const response = await raw(emulator, 'GET', '/__emulator/requests', {
        headers: { 'X-Emulator-Secret': 'wrong' },
      });
      assert.equal(response.status, 401);
    });
  });

  it('injects error statuses, revoked tokens, exhausted allowances and dropped connections', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const taskPath = dataPath('/sobjects/Task');
      await admin(emulator, 'POST', 'faults', {
        method: 'POST',
        path: taskPath,
        action: 'status',
        status: 400,
        errorCode: 'UNABLE_TO_LOCK_ROW',
      });
      await assert.rejects(conn.sobject('Task').create({ Subject: 'locked' }), {
        name: 'UNABLE_TO_LOCK_ROW',
        message: 'unable to obtain exclusive access to this record or 1 records',
      });
      const ok = await conn.sobject('Task').create({ Subject: 'after the fault' });
      assert.equal(ok.success, true, 'the fault applied to one request only');

      await admin(emulator, 'POST', 'faults', { path: dataPath('/query'), action: 'revoke-token' });
      const before = conn.accessToken;
      const rows = await conn.query('SELECT Id FROM Task');
      assert.equal(rows.totalSize, 1, 'jsforce re-minted the token and retried');
      assert.notEqual(conn.accessToken, before);

      await admin(emulator, 'POST', 'faults', { path: dataPath('/limits'), action: 'exhaust-allowance' });
      const token = await clientCredentialsToken(emulator);
      const limited = await raw(emulator, 'GET', dataPath('/limits'), { token });
      assert.equal(limited.status, 403);
      assert.deepEqual(limited.body, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
      assert.equal(limited.headers.get('sforce-limit-info'), 'api-usage=15000/15000');

      await admin(emulator, 'POST', 'reset');
      await admin(emulator, 'POST', 'faults', { path: dataPath('/sobjects'), action: 'drop' });
      await assert.rejects(raw(emulator, 'GET', dataPath('/sobjects'), { token }));
      const delayed = await admin(emulator, 'POST', 'faults', {
        path: dataPath('/sobjects'),
        action: 'delay',
        delayMs: 150,
      });
      assert.equal(delayed.status, 201);
      const started = Date.now();
      assert.equal((await raw(emulator, 'GET', dataPath('/sobjects'), { token })).status, 200);
      assert.ok(Date.now() - started >= 140);
    });
  });

  it('applies a request whose answer it holds and then loses with the connection', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const token = await clientCredentialsToken(emulator);
      const taskPath = dataPath('/sobjects/Task');
      await admin(emulator, 'POST', 'faults', { method: 'POST', path: taskPath, action: 'hold-answer' });
      await assert.rejects(
        raw(emulator, 'POST', taskPath, {
          token,
          body: JSON.stringify({ Subject: 'applied, never answered' }),
        }),
      );
      // Held past the caller's own timeout: the caller gives up first, the write still lands.
      await admin(emulator, 'POST', 'faults', {
        method: 'POST',
        path: taskPath,
        action: 'hold-answer',
        delayMs: 400,
      });
      await assert.rejects(
        fetch(`${emulator.url}${taskPath}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ Subject: 'answered too late' }),
          signal: AbortSignal.timeout(100),
        }),
        { name: 'TimeoutError' },
      );
      const rows = await conn.query<{ Subject: string }>('SELECT Subject FROM Task ORDER BY Subject');
      assert.deepEqual(
        rows.records.map((r) => r.Subject),
        ['answered too late', 'applied, never answered'],
        'both writes happened',
      );
      const { requests } = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { method: string; path: string; status: number }[];
      };
      const held = requests.filter((r) => r.method === 'POST' && r.path === taskPath);
      assert.deepEqual(
        held.map((r) => r.status),
        [0, 0],
        'logged without an answer',
      );
    });
  });

  it('logs requests with whether they counted, and enforces the daily allowance', async () => {
    await withEmulator({ dailyApiLimit: 3, installPackage: false }, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await raw(emulator, 'GET', dataPath('/limits'), { token });
        statuses.push(response.status);
        if (i === 0) assert.equal(response.headers.get('sforce-limit-info'), 'api-usage=1/3');
        if (i === 0) {
          const body = response.body as { DailyApiRequests: { Max: number; Remaining: number } };
          assert.deepEqual(body.DailyApiRequests, { Max: 3, Remaining: 2 });
        }
      }
      assert.deepEqual(statuses, [200, 200, 200, 403]);
      const versions = await raw(emulator, 'GET', '/services/data/');
      assert.equal(versions.status, 200, 'the versions resource needs no session and is not counted');
      const log = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { method: string; path: string; status: number; counted: boolean }[];
      };
      assert.deepEqual(
        log.requests.map((r) => [r.method, r.path, r.status, r.counted]),
        [
          ['POST', '/services/oauth2/token', 200, false],
          ['GET', dataPath('/limits'), 200, true],
          ['GET', dataPath('/limits'), 200, true],
          ['GET', dataPath('/limits'), 200, true],
          ['GET', dataPath('/limits'), 403, false],
          ['GET', '/services/data/', 200, false],
        ],
      );
    });
  });

  it('seeds back-dated records, resets the org, and persists it with a data file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-emulator-'));
    const dataFile = join(dir, 'org.json');
    try {
      let id = '';
      await withEmulator({ dataFile }, async (emulator) => {
        const seeded = await admin(emulator, 'POST', 'records', {
          records: [
            {
              type: 'Task',
              fields: { Subject: 'old', Status: 'Completed' },
              createdDate: '2026-01-02T03:04:05Z',
            },
          ],
        });
        assert.equal(seeded.status, 201);
        id = (seeded.body as { ids: string[] }).ids[0] ?? '';
        const conn = await connect(emulator);
        const task = (await conn.sobject('Task').retrieve(id)) as unknown as Record<string, unknown>;
        assert.equal(task.CreatedDate, '2026-01-02T03:04:05.000+0000');
        assert.equal(task.LastModifiedDate, '2026-01-02T03:04:05.000+0000');
        assert.equal(task.IsClosed, true);
        const invalid = await admin(emulator, 'POST', 'records', {
          records: [{ type: 'Task', fields: { Status: 'Nope' } }],
        });
        assert.equal(invalid.status, 400);
      });
      await withEmulator({ dataFile }, async (emulator) => {
        const conn = await connect(emulator);
        const rows = await conn.query<{ Id: string }>('SELECT Id FROM Task');
        assert.deepEqual(
          rows.records.map((r) => r.Id),
          [id],
          'the record survived a restart',
        );
        const created = await conn.sobject('Task').create({ Subject: 'new' });
        assert.notEqual(created.id, id, 'ids keep counting after a restart');
        assert.equal((await admin(emulator, 'POST', 'reset')).status, 204);
        assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 0);
        assert.equal(
          (await conn.query('SELECT COUNT() FROM User')).totalSize,
          3,
          'reset keeps the baseline users',
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('saves nothing once closed, so an org restarted on the same data file keeps its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-emulator-'));
    const dataFile = join(dir, 'org.json');
    try {
      await withEmulator({ installPackage: false }, (emulator) => {
        const writer = new SnapshotWriter(emulator.state.org, dataFile, 60_000);
        writer.close();
        assert.equal(loadSnapshot(dataFile)?.format, 'sia-emulator-org/1', 'the last save on close');
        writeFileSync(dataFile, 'the restarted org file');
        // A request still in flight when the emulator stopped changes the org afterwards.
        emulator.state.org.store.clear();
        writer.flush();
        assert.equal(readFileSync(dataFile, 'utf8'), 'the restarted org file');
        return Promise.resolve();
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mints refresh tokens for users seeded as records', async () => {
    await withEmulator({}, async (emulator) => {
      const seeded = await admin(emulator, 'POST', 'records', {
        records: [
          {
            type: 'User',
            fields: {
              Username: 'new.rep@example.com',
              LastName: 'Rep',
              FirstName: 'New',
              Email: 'new.rep@example.com',
              Alias: 'nrep',
            },
          },
        ],
      });
      assert.equal(seeded.status, 201, JSON.stringify(seeded.body));
      const token = await userToken(emulator, 'new.rep@example.com');
      const info = await raw(emulator, 'GET', '/services/oauth2/userinfo', { token });
      assert.equal(
        (info.body as { preferred_username: string; name: string }).preferred_username,
        'new.rep@example.com',
      );
      assert.equal((info.body as { name: string }).name, 'New Rep');
      const unknown = await admin(emulator, 'POST', 'refresh-tokens', { username: 'nobody@example.com' });
      assert.equal(unknown.status, 400);
    });
  });
});
