// The SIA API without Salesforce: validation, auth, paging and the Command Center view. Sync
// behaviour is tested against the emulator in service/src/sync/*.test.ts.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
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

const TOKEN = 'test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

for (const factory of testDatabases) {
  describe(`SIA API on ${factory.name}`, () => {
    let database: TestDatabase;
    let open: OpenDatabase;
    let app: SiaServer;
    const clock = new ManualClock('2026-11-28T23:30:00Z');
    let logged = '';

    before(async () => {
      database = factory.create();
      open = await openDatabase(database.config);
      const store = new Store(open.db, { lockRows: open.dialect === 'postgres' });
      const logger = createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logged += chunk.toString();
            done();
          },
        }),
      });
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
        logger,
        metrics: createMetrics({ defaultMetrics: false }),
        apiToken: TOKEN,
      });
      await app.ready();
      for (const [id, timeZone, sf] of [
        ['tokyo', 'Asia/Tokyo', '005000000000001AAA'],
        ['la', 'America/Los_Angeles', '005000000000002AAA'],
      ] as const) {
        const res = await app.inject({
          method: 'PUT',
          url: `/api/v1/users/${id}`,
          headers: auth,
          payload: { email: `${id}@example.com`, salesforceUserId: sf, timeZone },
        });
        assert.equal(res.statusCode, 200, res.body);
      }
    });

    after(async () => {
      await app.close();
      await open.close();
      await database.dispose();
    });

    async function createTask(payload: Record<string, unknown>): Promise<{ id: string; dueDate: string }> {
      const res = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: auth, payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    }

    async function countTasks(ownerId: string): Promise<number> {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/tasks?ownerId=${ownerId}&limit=200`,
        headers: auth,
      });
      return res.json<{ tasks: unknown[] }>().tasks.length;
    }

    it('refuses requests without the bearer token and never logs it', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/users/tokyo' });
      assert.equal(res.statusCode, 401);
      const wrong = await app.inject({
        method: 'GET',
        url: '/api/v1/users/tokyo',
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(logged.includes(TOKEN), false, 'the API token reached the log');
    });

    it('creates, reads, changes and deletes a task', async () => {
      const created = await createTask({
        ownerId: 'tokyo',
        type: 'call',
        name: 'Call Ada',
        dueDate: '2026-12-01',
        priority: 'high',
        person: { email: 'ada@example.com' },
      });
      const got = await app.inject({ method: 'GET', url: `/api/v1/tasks/${created.id}`, headers: auth });
      assert.equal(got.json<{ status: string }>().status, 'open');
      assert.equal(got.json<{ salesforceTaskId: null }>().salesforceTaskId, null);
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${created.id}`,
        headers: auth,
        payload: { status: 'completed', details: 'left a voicemail' },
      });
      assert.equal(patched.statusCode, 200);
      assert.equal(patched.json<{ status: string }>().status, 'completed');
      const deleted = await app.inject({
        method: 'DELETE',
        url: `/api/v1/tasks/${created.id}`,
        headers: auth,
      });
      assert.equal(deleted.statusCode, 204);
      const gone = await app.inject({ method: 'GET', url: `/api/v1/tasks/${created.id}`, headers: auth });
      assert.equal(gone.statusCode, 404);
    });

    const badCreates: [string, Record<string, unknown>, string, RegExp][] = [
      [
        'an unknown field',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01', colour: 'red' },
        'colour',
        /not a known field/,
      ],
      [
        'an impossible date',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-02-30' },
        'dueDate',
        /YYYY-MM-DD/,
      ],
      [
        'a timestamp for a date',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01T00:00:00Z' },
        'dueDate',
        /YYYY-MM-DD/,
      ],
      [
        'a wrong type',
        { ownerId: 'tokyo', type: 'meeting', name: 'x', dueDate: '2026-12-01' },
        'type',
        /call, email, inmail, custom/,
      ],
      [
        'a wrong priority',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01', priority: 'low' },
        'priority',
        /normal, high/,
      ],
      [
        'an oversized name',
        { ownerId: 'tokyo', type: 'call', name: 'x'.repeat(256), dueDate: '2026-12-01' },
        'name',
        /255/,
      ],
      [
        'oversized details',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01', details: 'x'.repeat(32_001) },
        'details',
        /32000/,
      ],
      ['a missing name', { ownerId: 'tokyo', type: 'call', dueDate: '2026-12-01' }, 'name', /required/],
      [
        'an unknown nested field',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01', person: { phone: '1' } },
        'person.phone',
        /not a known field/,
      ],
      [
        'a malformed person id',
        { ownerId: 'tokyo', type: 'call', name: 'x', dueDate: '2026-12-01', person: { salesforceId: 'abc' } },
        'person.salesforceId',
        /Salesforce id/,
      ],
    ];
    for (const [what, payload, field, message] of badCreates) {
      it(`answers a create with ${what} with 400 naming ${field} and writes nothing`, async () => {
        const before = await countTasks('tokyo');
        const res = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: auth, payload });
        assert.equal(res.statusCode, 400, res.body);
        const body = res.json<{ fields: { field: string; message: string }[] }>();
        const problem = body.fields.find((f) => f.field === field);
        assert.ok(problem, `no problem reported for ${field}: ${res.body}`);
        assert.match(problem.message, message);
        assert.equal(await countTasks('tokyo'), before);
      });
    }

    it('answers an unknown owner and unknown task ids with 404 and writes nothing', async () => {
      const before = await countTasks('tokyo');
      const noOwner = await app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: auth,
        payload: { ownerId: 'nobody', type: 'call', name: 'x', dueDate: '2026-12-01' },
      });
      assert.equal(noOwner.statusCode, 404);
      assert.deepEqual(
        noOwner.json<{ fields: { field: string }[] }>().fields.map((f) => f.field),
        ['ownerId'],
      );
      const id = '6f1c1d7e-9a51-4a53-9d61-3b3f0f1a2b3c';
      assert.equal(
        (
          await app.inject({
            method: 'PATCH',
            url: `/api/v1/tasks/${id}`,
            headers: auth,
            payload: { name: 'y' },
          })
        ).statusCode,
        404,
      );
      assert.equal(
        (await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: auth })).statusCode,
        404,
      );
      assert.equal(
        (await app.inject({ method: 'GET', url: '/api/v1/users/nobody', headers: auth })).statusCode,
        404,
      );
      assert.equal(
        (await app.inject({ method: 'GET', url: '/api/v1/tasks/not-a-uuid', headers: auth })).statusCode,
        400,
      );
      assert.equal(await countTasks('tokyo'), before);
    });

    it('rejects a bad patch field by field and leaves the task as it was', async () => {
      const created = await createTask({
        ownerId: 'tokyo',
        type: 'email',
        name: 'Send deck',
        dueDate: '2026-12-02',
      });
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${created.id}`,
        headers: auth,
        payload: { status: 'done', dueDate: '12/02/2026', ownerId: 'la' },
      });
      assert.equal(res.statusCode, 400);
      const fields = res
        .json<{ fields: { field: string }[] }>()
        .fields.map((f) => f.field)
        .sort();
      assert.deepEqual(fields, ['dueDate', 'ownerId', 'status']);
      const got = await app.inject({ method: 'GET', url: `/api/v1/tasks/${created.id}`, headers: auth });
      assert.equal(got.json<{ dueDate: string; status: string }>().dueDate, '2026-12-02');
      assert.equal(got.json<{ status: string }>().status, 'open');
    });

    it('rejects a bad user: unknown time zone, bad Salesforce id, bad email', async () => {
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/users/x',
        headers: auth,
        payload: { email: 'nope', salesforceUserId: '005', timeZone: 'Mars/Olympus' },
      });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(
        res
          .json<{ fields: { field: string }[] }>()
          .fields.map((f) => f.field)
          .sort(),
        ['email', 'salesforceUserId', 'timeZone'],
      );
      assert.equal(
        (await app.inject({ method: 'GET', url: '/api/v1/users/x', headers: auth })).statusCode,
        404,
      );
    });

    it('shows the Command Center of each owner in their own time zone, either side of UTC', async () => {
      // 2026-11-28T23:30Z is Nov 29 08:30 in Tokyo (UTC+9) and Nov 28 15:30 in Los Angeles (UTC-8).
      clock.set('2026-11-28T23:30:00Z');
      for (const owner of ['tokyo', 'la']) {
        for (const due of ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']) {
          await createTask({ ownerId: owner, type: 'custom', name: `cc ${due}`, dueDate: due });
        }
      }
      const view = async (owner: string) => {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/tasks?ownerId=${owner}&view=command-center`,
          headers: auth,
        });
        assert.equal(res.statusCode, 200);
        const body = res.json<{ today: string; tasks: { name: string; dueDate: string }[] }>();
        return {
          today: body.today,
          due: body.tasks.filter((t) => t.name.startsWith('cc ')).map((t) => t.dueDate),
        };
      };
      assert.deepEqual(await view('tokyo'), { today: '2026-11-29', due: ['2026-11-29', '2026-11-30'] });
      assert.deepEqual(await view('la'), { today: '2026-11-28', due: ['2026-11-28', '2026-11-29'] });
      // 30 minutes later Los Angeles is still on the 28th; one hour after that... at 08:00Z LA crosses midnight.
      clock.set('2026-11-29T08:00:00Z');
      assert.deepEqual(await view('la'), { today: '2026-11-29', due: ['2026-11-29', '2026-11-30'] });
      assert.deepEqual(await view('tokyo'), { today: '2026-11-29', due: ['2026-11-29', '2026-11-30'] });
    });

    it('keeps the Command Center on calendar days across the end of daylight saving time', async () => {
      // Los Angeles leaves PDT (UTC-7) for PST (UTC-8) on 2026-11-01 at 09:00Z.
      for (const due of ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03']) {
        await createTask({ ownerId: 'la', type: 'call', name: `dst ${due}`, dueDate: due });
      }
      const view = async (at: string) => {
        clock.set(at);
        const res = await app.inject({
          method: 'GET',
          url: '/api/v1/tasks?ownerId=la&view=command-center',
          headers: auth,
        });
        const body = res.json<{ today: string; tasks: { name: string; dueDate: string }[] }>();
        return {
          today: body.today,
          due: body.tasks.filter((t) => t.name.startsWith('dst ')).map((t) => t.dueDate),
        };
      };
      assert.deepEqual(await view('2026-11-01T06:59:00Z'), {
        today: '2026-10-31',
        due: ['2026-10-31', '2026-11-01'],
      });
      assert.deepEqual(await view('2026-11-01T07:00:00Z'), {
        today: '2026-11-01',
        due: ['2026-11-01', '2026-11-02'],
      });
      // 24 hours later it is only 23:00 on Nov 1 in Los Angeles (PST): still Nov 1 there.
      assert.deepEqual(await view('2026-11-02T07:00:00Z'), {
        today: '2026-11-01',
        due: ['2026-11-01', '2026-11-02'],
      });
      assert.deepEqual(await view('2026-11-02T08:00:00Z'), {
        today: '2026-11-02',
        due: ['2026-11-02', '2026-11-03'],
      });
    });

    it('pages the all view with a cursor until every task was seen once', async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/tasks?ownerId=la&view=all&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const res = await app.inject({ method: 'GET', url, headers: auth });
        const body = res.json<{ tasks: { id: string }[]; nextCursor: string | null }>();
        for (const task of body.tasks) {
          assert.equal(seen.has(task.id), false, 'a task appeared twice');
          seen.add(task.id);
        }
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 20);
      assert.equal(seen.size, await countTasks('la'));
      assert.equal(pages, Math.ceil(seen.size / 2));
    });

    it('serves the OpenAPI document and health without a token, metrics with it', async () => {
      const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(doc.statusCode, 200);
      const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
      for (const path of [
        '/api/v1/tasks',
        '/api/v1/tasks/{id}',
        '/api/v1/users/{id}',
        '/api/v1/sync/status',
        '/api/v1/conflicts',
        '/api/v1/errors',
        '/api/v1/sync/reconcile',
      ]) {
        assert.ok(paths.includes(path), path);
      }
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
      assert.match(
        metrics.body,
        /sia_http_requests_total\{method="POST",route="\/api\/v1\/tasks",status="201"\}/,
      );
    });
  });
}
