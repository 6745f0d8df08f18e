// The first-sync import at a size that needs pages: read through a Bulk API 2.0 query job a page at
// a time, written in slices, stamped by one ingest job, followed by a sweep that changes nothing,
// and resumed after a crash from the page it stopped at. Against the emulator, on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  connectRep,
  repId,
  requestLog,
  salesforceUser,
  setTaskSync,
  SiaApi,
  startTestEmulator,
  startTestService,
  waitFor,
  type Emulator,
  type LoggedRequest,
  type TaskJson,
} from '../../test/harness.ts';
import type { FirstSyncOptions, ImportProgress } from './import.ts';

const HOUR = 3_600_000;
const TASKS = 450;
/** Every import goes through Bulk API 2.0 here, three results pages of 200 and slices of 90. */
const FIRST_SYNC: Partial<FirstSyncOptions> = {
  bulkThreshold: 1,
  pageSize: 200,
  writeSlice: 90,
  pollMs: 20,
  maxPollMs: 100,
};

interface Status {
  firstSync: (Omit<ImportProgress, 'queryJobId' | 'locator' | 'ingestJobId' | 'stampFailed'> & object) | null;
}

async function seedWindow(emulator: Emulator, owner: string, n: number, now = Date.now()): Promise<void> {
  const records = Array.from({ length: n }, (_, i) => ({
    type: 'Task',
    fields: {
      // Commas, quotes, semicolons and line breaks must survive the CSV both ways.
      Subject: i % 7 === 0 ? `Call "Ann", re; Q${i} | notes` : `Imported ${i}`,
      OwnerId: owner,
      ActivityDate: `2026-12-${String((i % 28) + 1).padStart(2, '0')}`,
      Status: i % 4 === 0 ? 'Completed' : 'Not Started',
      Priority: i % 5 === 0 ? 'High' : 'Normal',
      Description: i % 3 === 0 ? `line one\nline two, ${i}` : null,
    },
    createdDate: new Date(now - ((i % 600) + 5) * 60_000).toISOString(),
  }));
  records.push({
    type: 'Task',
    fields: {
      Subject: 'Outside the window',
      OwnerId: owner,
      ActivityDate: '2026-12-01',
      Status: 'Not Started',
      Priority: 'Normal',
      Description: null,
    },
    createdDate: new Date(now - 30 * HOUR).toISOString(),
  });
  await admin(emulator, 'POST', '/records', { records });
}

const isPath = (entry: LoggedRequest, method: string, pattern: RegExp): boolean =>
  entry.method === method && pattern.test(entry.path);

for (const factory of testDatabases) {
  describe(`first-sync import in pages on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let api: SiaApi;
    let sf: Connection;
    // One clock for the org and the service, moved on before the sweep: getUpdated answers whole
    // minutes, so the stamps are seen only once their minute has passed.
    const clock = new ManualClock(new Date(), { realTimers: true });

    before(async () => {
      emulator = await startTestEmulator(clock);
      database = factory.create();
      service = await startTestService(emulator, database, { clock, firstSync: FIRST_SYNC });
      api = new SiaApi(service.url);
      sf = await salesforceUser(emulator);
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('reads a bulk query job page by page, stamps in one ingest job and sweeps without a change', async () => {
      const owner = repId(emulator, 'rep1');
      await seedWindow(emulator, owner, TASKS, clock.now().getTime());
      const put = await api.call('PUT', '/api/v1/users/rep1', {
        email: 'rep1@example.com',
        salesforceUserId: owner,
        timeZone: 'UTC',
      });
      assert.equal(put.status, 200);
      // Stamps the ingest job is refused (the org identity may not edit rep1's tasks) go as rep1.
      assert.equal((await connectRep(api, 'rep1', { username: 'rep1@sia-emulator.example' })).status, 200);
      await admin(emulator, 'DELETE', '/requests');
      await setTaskSync(
        await salesforceUser(emulator, 'rep1@sia-emulator.example'),
        owner,
        'SyncCompleteSkipped',
        new Date(),
      );

      const status = await waitFor(
        'the import',
        async () => {
          const res = await api.call<Status>('GET', '/api/v1/sync/status?ownerId=rep1');
          return res.body.firstSync?.phase === 'done' ? res.body.firstSync : undefined;
        },
        60_000,
      );
      assert.equal(status.source, 'bulk');
      assert.equal(status.total, TASKS);
      assert.equal(status.read, TASKS);
      assert.equal(status.imported, TASKS);
      assert.equal(status.stamped, TASKS);

      const tasks: TaskJson[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const res = await api.call<{ tasks: TaskJson[]; nextCursor: string | null }>(
          'GET',
          `/api/v1/tasks?ownerId=rep1&view=all&limit=200${query}`,
        );
        tasks.push(...res.body.tasks);
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      assert.equal(tasks.length, TASKS);
      assert.equal(new Set(tasks.map((t) => t.salesforceTaskId)).size, TASKS, 'each record imported once');
      const quoted = tasks.find((t) => t.name === 'Call "Ann", re; Q7 | notes');
      assert.ok(quoted, 'a subject with a comma, quotes, a semicolon and a bar comes through whole');
      assert.equal(quoted.details, null);
      const multiLine = tasks.find((t) => t.name === 'Imported 3');
      assert.ok(multiLine);
      assert.equal(multiLine.details, 'line one\nline two, 3');
      assert.equal(multiLine.status, 'open');
      assert.equal(tasks.find((t) => t.name === 'Imported 5')?.priority, 'high');

      // Every imported record carries its SIA task's id; the one outside the window none.
      const rows = await sf.query<{ Id: string; Subject: string; SIA_Task_Id__c: string | null }>(
        `SELECT Id, Subject, SIA_Task_Id__c FROM Task WHERE OwnerId = '${owner}'`,
        { autoFetch: true, maxFetch: 10_000 },
      );
      const stampOf = new Map(rows.records.map((r) => [r.Id, r.SIA_Task_Id__c]));
      for (const task of tasks) assert.equal(stampOf.get(task.salesforceTaskId ?? ''), task.id);
      assert.equal(rows.records.find((r) => r.Subject === 'Outside the window')?.SIA_Task_Id__c, null);

      const log = await requestLog(emulator);
      assert.equal(log.filter((e) => isPath(e, 'POST', /\/jobs\/query$/)).length, 1, 'one query job');
      assert.equal(
        log.filter((e) => isPath(e, 'GET', /\/jobs\/query\/[^/]+\/results$/)).length,
        3,
        'three results pages of 200',
      );
      assert.equal(log.filter((e) => isPath(e, 'POST', /\/jobs\/ingest$/)).length, 1, 'one stamp job');
      assert.equal(log.filter((e) => isPath(e, 'PUT', /\/batches$/)).length, 1, 'one upload');
      assert.equal(
        log.filter(
          (e) =>
            /\/composite$/.test(e.path) || (e.method === 'PATCH' && /\/composite\/sobjects$/.test(e.path)),
        ).length,
        0,
        'no stamp went record by record or in collections',
      );

      // The first sweep reads the stamped records once more (the stamps changed them) through one
      // query job, and finds nothing to change.
      await admin(emulator, 'DELETE', '/requests');
      clock.advance(2 * 60_000);
      const before = await api.call<{ tasks: TaskJson[] }>(
        'GET',
        '/api/v1/tasks?ownerId=rep1&view=all&limit=50',
      );
      assert.equal((await api.call('POST', '/api/v1/sync/reconcile', {})).status, 202);
      const sweep = await requestLog(emulator);
      assert.equal(sweep.filter((e) => isPath(e, 'POST', /\/jobs\/query$/)).length, 1, 'one sweep query job');
      assert.equal(
        sweep.filter(
          (e) =>
            e.method === 'GET' &&
            /\/query$/.test(e.path) &&
            decodeURIComponent(String(e['query']).replace(/\+/g, ' ')).includes('FROM Task WHERE Id IN'),
        ).length,
        0,
        'no record read 200 ids at a time',
      );
      const afterSweep = await api.call<{ tasks: TaskJson[] }>(
        'GET',
        '/api/v1/tasks?ownerId=rep1&view=all&limit=50',
      );
      assert.deepEqual(afterSweep.body.tasks, before.body.tasks);
      const conflicts = await api.call<{ conflicts: unknown[] }>('GET', '/api/v1/conflicts?ownerId=rep1');
      assert.deepEqual(conflicts.body.conflicts, []);
    });
  });
}

describe('first-sync import after a crash', () => {
  it('goes on from the page after the last one committed, importing nothing twice', async () => {
    const emulator = await startTestEmulator();
    const database = testDatabases[0]?.create();
    assert.ok(database);
    try {
      let crashed = (): void => undefined;
      const crash = new Promise<void>((resolve) => (crashed = resolve));
      let pages = 0;
      const first = await startTestService(emulator, database, {
        firstSync: FIRST_SYNC,
        hooks: {
          afterImportPage: () => {
            pages += 1;
            if (pages !== 1) return;
            crashed();
            throw new Error('crash after the first page');
          },
        },
      });
      const owner = repId(emulator, 'rep2');
      await seedWindow(emulator, owner, TASKS);
      await new SiaApi(first.url).call('PUT', '/api/v1/users/rep2', {
        email: 'rep2@example.com',
        salesforceUserId: owner,
        timeZone: 'UTC',
      });
      assert.equal(
        (await connectRep(new SiaApi(first.url), 'rep2', { username: 'rep2@sia-emulator.example' })).status,
        200,
      );
      await admin(emulator, 'DELETE', '/requests');
      await setTaskSync(
        await salesforceUser(emulator, 'rep2@sia-emulator.example'),
        owner,
        'SyncCompleteSkipped',
        new Date(),
      );
      await crash;
      await first.engine.idle();
      const halfway = await new SiaApi(first.url).call<Status>('GET', '/api/v1/sync/status?ownerId=rep2');
      assert.equal(halfway.body.firstSync?.phase, 'reading');
      assert.equal(halfway.body.firstSync.read, 200);
      await first.close();

      const second = await startTestService(emulator, database, { firstSync: FIRST_SYNC });
      try {
        const api = new SiaApi(second.url);
        const done = await waitFor(
          'the resumed import',
          async () => {
            const res = await api.call<Status>('GET', '/api/v1/sync/status?ownerId=rep2');
            return res.body.firstSync?.phase === 'done' ? res.body.firstSync : undefined;
          },
          60_000,
        );
        assert.equal(done.read, TASKS);
        assert.equal(done.imported, TASKS);
        const log = await requestLog(emulator);
        assert.equal(
          log.filter((e) => isPath(e, 'POST', /\/jobs\/query$/)).length,
          1,
          'the query job of the first run is read on, not created again',
        );
        const results = log.filter((e) => isPath(e, 'GET', /\/jobs\/query\/[^/]+\/results$/));
        assert.equal(results.length, 3, 'the first page is not read twice');
        const ids = new Set<string>();
        let cursor: string | null = null;
        let count = 0;
        do {
          const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
          const res = await api.call<{ tasks: TaskJson[]; nextCursor: string | null }>(
            'GET',
            `/api/v1/tasks?ownerId=rep2&view=all&limit=200${query}`,
          );
          for (const task of res.body.tasks) ids.add(task.salesforceTaskId ?? '');
          count += res.body.tasks.length;
          cursor = res.body.nextCursor;
        } while (cursor !== null);
        assert.equal(count, TASKS);
        assert.equal(ids.size, TASKS);
      } finally {
        await second.close();
      }
    } finally {
      await emulator.close();
      await database.dispose();
    }
  });
  it('goes on marking stamped links after a crash once the stamp job is done, with no second job', async () => {
    const emulator = await startTestEmulator();
    const database = testDatabases[0]?.create();
    assert.ok(database);
    try {
      let crashed = (): void => undefined;
      const crash = new Promise<void>((resolve) => (crashed = resolve));
      const first = await startTestService(emulator, database, {
        firstSync: FIRST_SYNC,
        hooks: {
          afterStampRetriesQueued: () => {
            crashed();
            throw new Error('crash once the stamp job is done');
          },
        },
      });
      const owner = repId(emulator, 'rep3');
      await seedWindow(emulator, owner, TASKS);
      await new SiaApi(first.url).call('PUT', '/api/v1/users/rep3', {
        email: 'rep3@example.com',
        salesforceUserId: owner,
        timeZone: 'UTC',
      });
      assert.equal(
        (await connectRep(new SiaApi(first.url), 'rep3', { username: 'rep3@sia-emulator.example' })).status,
        200,
      );
      await admin(emulator, 'DELETE', '/requests');
      await setTaskSync(
        await salesforceUser(emulator, 'rep3@sia-emulator.example'),
        owner,
        'SyncCompleteSkipped',
        new Date(),
      );
      await crash;
      await first.engine.idle();
      const halfway = await new SiaApi(first.url).call<Status>('GET', '/api/v1/sync/status?ownerId=rep3');
      assert.equal(halfway.body.firstSync?.phase, 'stamping');
      assert.equal(halfway.body.firstSync.stamped, 0, 'nothing marked before the crash');
      await first.close();

      const second = await startTestService(emulator, database, { firstSync: FIRST_SYNC });
      try {
        const done = await waitFor(
          'the resumed import',
          async () => {
            const res = await new SiaApi(second.url).call<Status>('GET', '/api/v1/sync/status?ownerId=rep3');
            return res.body.firstSync?.phase === 'done' ? res.body.firstSync : undefined;
          },
          60_000,
        );
        assert.equal(done.stamped, TASKS, 'every link marked stamped, each once');
        assert.deepEqual(await second.store.unstampedLinks('rep3', '', 10), []);
        const log = await requestLog(emulator);
        assert.equal(log.filter((e) => isPath(e, 'POST', /\/jobs\/ingest$/)).length, 1, 'one stamp job');
        assert.equal(
          log.filter((e) => isPath(e, 'GET', /\/jobs\/ingest\/[^/]+\/failedResults\/?$/)).length,
          1,
          'its failed rows read and queued once',
        );
      } finally {
        await second.close();
      }
    } finally {
      await emulator.close();
      await database.dispose();
    }
  });
});
