// Bad input the SIA API once accepted and then could never sync, or answered with the wrong words:
// each is refused with 400 naming the field (the same on SQLite and PostgreSQL, never 500), and
// what it accepts is stored as Salesforce will keep it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { TaskService } from '../tasks/task-service.ts';
import { openDatabase, type OpenDatabase } from '../store/database.ts';
import { Store } from '../store/store.ts';
import { createMetrics } from '../metrics.ts';
import { buildServer, type SiaServer } from './server.ts';
import { syncLag } from '../sync/lag.ts';

const TOKEN = 'input-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Problem {
  field: string;
  message: string;
}

for (const factory of testDatabases) {
  describe(`SIA API input checks on ${factory.name}`, () => {
    let database: TestDatabase;
    let open: OpenDatabase;
    let app: SiaServer;

    before(async () => {
      database = factory.create();
      open = await openDatabase(database.config);
      const store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
      const clock = new ManualClock('2026-11-28T10:00:00Z');
      app = buildServer({
        store,
        tasks: new TaskService({ store, clock }),
        sync: {
          apiUsage: () => null,
          reconcile: () => Promise.resolve({ users: 0 }),
          // No engine here: the outbox as stored, no stream followed.
          lag: async () =>
            syncLag(false, await store.outboxSummary(clock.now().toISOString()), [], clock.now()),
        },
        clock,
        logger: createLogger({ level: 'silent' }),
        metrics: createMetrics({ defaultMetrics: false }),
        apiToken: TOKEN,
      });
      await app.ready();
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/users/ada',
        headers: auth,
        payload: { email: 'ada@example.com', salesforceUserId: '005000000000001AAA', timeZone: 'UTC' },
      });
      assert.equal(res.statusCode, 200, res.body);
    });

    after(async () => {
      await app.close();
      await open.close();
      await database.dispose();
    });

    async function taskCount(): Promise<number> {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/tasks?ownerId=ada&limit=200',
        headers: auth,
      });
      return res.json<{ tasks: unknown[] }>().tasks.length;
    }

    async function refused(
      method: 'POST' | 'PATCH' | 'PUT' | 'GET',
      url: string,
      payload: unknown,
      field: string,
      message: RegExp,
    ): Promise<void> {
      const before = await taskCount();
      const res = await app.inject({
        method,
        url,
        headers: auth,
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
        ...(payload === undefined ? {} : { headers: { ...auth, 'content-type': 'application/json' } }),
      });
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
      const problems = res.json<{ fields: Problem[] }>().fields;
      const problem = problems.find((p) => p.field === field);
      assert.ok(problem, `no problem named ${field}: ${res.body}`);
      assert.match(problem.message, message);
      assert.equal(await taskCount(), before, 'a refused request wrote a task');
    }

    const task = (fields: Record<string, unknown>) => ({
      ownerId: 'ada',
      type: 'call',
      name: 'Call Ada',
      dueDate: '2026-12-01',
      ...fields,
    });

    it('refuses due dates Salesforce cannot store, on create and on change, naming dueDate', async () => {
      for (const dueDate of ['9999-12-31', '0000-01-01', '1699-12-31', '4001-01-01']) {
        await refused('POST', '/api/v1/tasks', task({ dueDate }), 'dueDate', /1700-01-01 and 4000-12-31/);
      }
      for (const dueDate of ['1700-01-01', '4000-12-31']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/tasks',
          headers: auth,
          payload: task({ dueDate }),
        });
        assert.equal(res.statusCode, 201, res.body);
        await refused(
          'PATCH',
          `/api/v1/tasks/${res.json<{ id: string }>().id}`,
          { dueDate: '9999-12-31' },
          'dueDate',
          /4000-12-31/,
        );
      }
    });

    it('refuses a NUL character and a lone surrogate in free text, naming the field, never 500', async () => {
      await refused('POST', '/api/v1/tasks', task({ name: 'Call\u0000Ada' }), 'name', /NUL/);
      await refused('POST', '/api/v1/tasks', task({ details: 'left a\u0000voicemail' }), 'details', /NUL/);
      await refused('POST', '/api/v1/tasks', task({ name: 'Call \ud800Ada' }), 'name', /lone surrogate/);
      await refused('POST', '/api/v1/tasks', task({ details: 'tail \udc00' }), 'details', /lone surrogate/);
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: auth,
        payload: task({ name: 'Call Ada 😀' }),
      });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json<{ name: string }>().name, 'Call Ada 😀');
      await refused(
        'PATCH',
        `/api/v1/tasks/${ok.json<{ id: string }>().id}`,
        { name: 'x\u0000' },
        'name',
        /NUL/,
      );
    });

    it('stores a task name as the Salesforce Subject will hold it', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: auth,
        payload: task({ name: '  Call  Ada\r\n\nabout   the deck  ' }),
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json<{ name: string }>().name, 'Call Ada about the deck');
      await refused('POST', '/api/v1/tasks', task({ name: ' \n \n ' }), 'name', /must not be empty/);
    });

    it('says what is wrong with a value of the wrong type or out of range', async () => {
      await refused('POST', '/api/v1/tasks', task({ name: 42 }), 'name', /^must be a string$/);
      await refused('POST', '/api/v1/tasks', task({ dueDate: 20261201 }), 'dueDate', /^must be a string$/);
      await refused(
        'POST',
        '/api/v1/tasks',
        task({ person: 'ada@example.com' }),
        'person',
        /^must be an object$/,
      );
      await refused('POST', '/api/v1/tasks', task({ details: false }), 'details', /^must be a string$/);
      await refused(
        'POST',
        '/api/v1/tasks',
        { ownerId: 'ada', type: 'call', dueDate: '2026-12-01' },
        'name',
        /^is required$/,
      );
      await refused('POST', '/api/v1/tasks', [task({})], '(body)', /^must be an object$/);
      await refused('GET', '/api/v1/errors?limit=-1', undefined, 'limit', /^must be between 1 and 500$/);
      await refused('GET', '/api/v1/errors?limit=501', undefined, 'limit', /^must be between 1 and 500$/);
      await refused('GET', '/api/v1/errors?limit=ten', undefined, 'limit', /^must be a number$/);
      await refused(
        'GET',
        '/api/v1/tasks?ownerId=ada&limit=0',
        undefined,
        'limit',
        /^must be between 1 and 200$/,
      );
      await refused('GET', '/api/v1/conflicts?limit=2.5', undefined, 'limit', /^must be a whole number$/);
    });

    it('accepts canonical IANA time zone names only', async () => {
      for (const timeZone of [
        'EST',
        'US/Eastern',
        'GMT',
        'europe/berlin',
        'EST5EDT',
        'Mars/Olympus',
        '+01:00',
      ]) {
        const res = await app.inject({
          method: 'PUT',
          url: '/api/v1/users/zone',
          headers: auth,
          payload: { email: 'zone@example.com', salesforceUserId: '005000000000009AAA', timeZone },
        });
        assert.equal(res.statusCode, 400, `${timeZone}: ${res.body}`);
        assert.deepEqual(
          res.json<{ fields: Problem[] }>().fields.map((f) => f.field),
          ['timeZone'],
        );
      }
      for (const timeZone of [
        'Europe/Berlin',
        'UTC',
        'America/Argentina/Buenos_Aires',
        'Etc/GMT+5',
        'Asia/Kolkata',
      ]) {
        const res = await app.inject({
          method: 'PUT',
          url: '/api/v1/users/zone',
          headers: auth,
          payload: { email: 'zone@example.com', salesforceUserId: '005000000000009AAA', timeZone },
        });
        assert.equal(res.statusCode, 200, `${timeZone}: ${res.body}`);
      }
    });

    it('serves a body-less request whatever its content type says', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: auth,
        payload: task({}),
      });
      const id = created.json<{ id: string }>().id;
      const json = { ...auth, 'content-type': 'application/json' };
      const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: json });
      assert.equal(deleted.statusCode, 204, deleted.body);
      const sweep = await app.inject({ method: 'POST', url: '/api/v1/sync/reconcile', headers: json });
      assert.equal(sweep.statusCode, 202, sweep.body);
      const charset = { ...auth, 'content-type': 'application/json; charset=utf-8' };
      const gone = await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: charset });
      assert.equal(gone.statusCode, 404, gone.body);
      // An empty body where one is needed is still a clear 400.
      const empty = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: json });
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(empty.json<{ fields: Problem[] }>().fields, [
        { field: '(body)', message: 'is required' },
      ]);
      // Malformed JSON is still refused, and so is a prototype-poisoning body.
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: json,
        payload: '{"name":',
      });
      assert.equal(bad.statusCode, 400);
      const poisoned = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: json,
        payload: '{"__proto__":{"admin":true},"ownerId":"ada"}',
      });
      assert.equal(poisoned.statusCode, 400);
    });

    it('accepts the longest task the schema allows, every character escaped', async () => {
      const details = '\u0001'.repeat(32_000);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: auth,
        payload: task({ name: '\u0002'.repeat(255), details }),
      });
      assert.equal(res.statusCode, 201, res.body.slice(0, 300));
      assert.equal(res.json<{ details: string }>().details.length, 32_000);
    });
  });
}
