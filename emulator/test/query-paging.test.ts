// Query paging through jsforce: 2,000-record batches with nextRecordsUrl over more than 5,000 rows,
// Sforce-Query-Options batch sizes, bad locators and SOQL errors as Salesforce reports them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, clientCredentialsToken, connect, dataPath, raw, TestClock, withEmulator } from './helpers.ts';

const TOTAL = 5_001;

describe('query and queryAll paging', () => {
  it('pages 5,001 Tasks in batches of 2,000 and honours batchSize', async () => {
    await withEmulator({}, async (emulator) => {
      const seeded = await admin(emulator, 'POST', 'records', {
        records: Array.from({ length: TOTAL }, (_, i) => ({
          type: 'Task',
          fields: { Subject: `Task ${i}` },
        })),
      });
      assert.equal(seeded.status, 201);
      const conn = await connect(emulator);
      await admin(emulator, 'DELETE', 'requests');

      const first = await conn.query<{ Id: string }>('SELECT Id, Subject FROM Task ORDER BY Subject');
      assert.equal(first.totalSize, TOTAL);
      assert.equal(first.done, false);
      assert.equal(first.records.length, 2000);
      assert.match(first.nextRecordsUrl ?? '', /\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-2000$/);

      const all = await conn
        .query<{ Id: string }>('SELECT Id FROM Task')
        .run({ autoFetch: true, maxFetch: 10_000 });
      assert.equal(all.totalSize, TOTAL);
      const fetched: string[] = [];
      await new Promise<void>((resolve, reject) => {
        conn
          .query<{ Id: string }>('SELECT Id FROM Task')
          .on('record', (record: { Id: string }) => fetched.push(record.Id))
          .on('end', () => {
            resolve();
          })
          .on('error', reject)
          .run({ autoFetch: true, maxFetch: 10_000 });
      });
      assert.equal(fetched.length, TOTAL);
      assert.equal(new Set(fetched).size, TOTAL, 'every record exactly once across pages');

      const log = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { path: string; counted: boolean }[];
      };
      const moreCalls = log.requests.filter((r) => /\/query\/01g/.test(r.path));
      assert.ok(moreCalls.length >= 2, 'the stream followed nextRecordsUrl');
      assert.ok(
        log.requests.every((r) => r.counted),
        'query and queryMore calls count against the allowance',
      );

      const token = await clientCredentialsToken(emulator);
      const small = await raw(emulator, 'GET', dataPath('/query?q=SELECT+Id+FROM+Task'), {
        token,
        headers: { 'Sforce-Query-Options': 'batchSize=500' },
      });
      const body = small.body as { records: unknown[]; nextRecordsUrl: string };
      assert.equal(body.records.length, 500);
      assert.match(
        body.nextRecordsUrl,
        /^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-500$/,
        'relative, as Salesforce sends it',
      );
      const next = await raw(emulator, 'GET', body.nextRecordsUrl, { token });
      assert.equal((next.body as { records: unknown[] }).records.length, 500);
    });
  });

  it('expires a query locator after 15 idle minutes', async () => {
    const clock = new TestClock();
    await withEmulator({ clock }, async (emulator) => {
      await admin(emulator, 'POST', 'records', {
        records: Array.from({ length: 250 }, (_, i) => ({ type: 'Task', fields: { Subject: `t${i}` } })),
      });
      const token = await clientCredentialsToken(emulator);
      const headers = { 'Sforce-Query-Options': 'batchSize=200' };
      const first = await raw(emulator, 'GET', dataPath('/query?q=SELECT+Id+FROM+Task'), { token, headers });
      const next = (first.body as { nextRecordsUrl: string }).nextRecordsUrl;
      clock.advance(14 * 60_000);
      assert.equal((await raw(emulator, 'GET', next, { token })).status, 200, 'still open after 14 minutes');
      clock.advance(16 * 60_000);
      const expired = await raw(emulator, 'GET', next, { token });
      assert.equal(expired.status, 400);
      assert.deepEqual(expired.body, [
        { message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' },
      ]);
    });
  });

  it('reports bad locators and bad SOQL with Salesforce codes', async () => {
    await withEmulator({}, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const locator = await raw(emulator, 'GET', dataPath('/query/01gXXXXXXXXXXXX-2000'), { token });
      assert.equal(locator.status, 400);
      assert.deepEqual(locator.body, [
        { message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' },
      ]);
      const conn = await connect(emulator);
      await assert.rejects(async () => conn.query('SELECT Id FROM Nope'), { name: 'INVALID_TYPE' });
      await assert.rejects(async () => conn.query('SELECT Nope FROM Task'), { name: 'INVALID_FIELD' });
      await assert.rejects(async () => conn.query('SELECT FROM Task WHERE'), { name: 'MALFORMED_QUERY' });
    });
  });
});
