// Bulk API 2.0 query jobs through jsforce's bulk2 client and raw requests: paging over several
// locators, queryAll with deleted rows, CSV values (relationship columns, nulls, dates, quotes and
// line breaks), the SOQL Bulk refuses, state errors, allocations in /limits and API usage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryJobV2 } from 'jsforce/lib/api/bulk2.js';
import { admin, connect, withEmulator } from './helpers.ts';
import { bulkLimits, bulkRequest, json, parseCsv, POLL, waitForJob } from './bulk-helpers.ts';

const TASKS = 5_000;

async function collect(stream: NodeJS.EventEmitter): Promise<Record<string, string>[]> {
  const records: Record<string, string>[] = [];
  await new Promise<void>((resolve, reject) => {
    stream
      .on('record', (record: Record<string, string>) => records.push(record))
      .on('end', () => {
        resolve();
      })
      .on('error', reject);
  });
  return records;
}

describe('Bulk API 2.0 query jobs', () => {
  it('pages 5,000 tasks over several locators, each page with its header', async () => {
    await withEmulator({}, async (emulator) => {
      const seeded = await admin(emulator, 'POST', 'records', {
        records: Array.from({ length: TASKS }, (_, i) => ({
          type: 'Task',
          fields: {
            Subject: `Task ${i}`,
            Description: i === 7 ? 'Say "hi",\nthen call back' : null,
          },
        })),
      });
      assert.equal(seeded.status, 201);
      const conn = await connect(emulator, 'SIASync');
      const job = new QueryJobV2(conn, {
        bodyParams: { operation: 'query', query: 'SELECT Id, Subject, Description FROM Task' },
        pollingOptions: POLL,
      });
      const opened = await job.open();
      assert.equal(opened.state, 'UploadComplete');
      assert.equal(opened.object, 'Task');
      assert.equal(opened.contentType, 'CSV');
      assert.equal(opened.lineEnding, 'LF');
      assert.equal(opened.columnDelimiter, 'COMMA');
      assert.match(opened.id, /^750[A-Za-z0-9]{15}$/);
      await job.poll(POLL.pollInterval, POLL.pollTimeout);
      const info = job.getInfo();
      assert.equal(info.state, 'JobComplete');
      assert.equal(info.jobType, 'V2Query');
      assert.equal(info.numberRecordsProcessed, TASKS);
      assert.equal(info.retries, 0);

      const ids = new Set<string>();
      const locators: string[] = [];
      let locator: string | null = null;
      let multiline: Record<string, string> | undefined;
      do {
        const query: string = locator === null ? '?maxRecords=2000' : `?maxRecords=2000&locator=${locator}`;
        const page = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results${query}`);
        assert.equal(page.status, 200);
        assert.match(page.headers.get('content-type') ?? '', /^text\/csv/);
        assert.ok(
          page.text.startsWith('"Id","Subject","Description"\n'),
          'every page starts with the header',
        );
        const rows = parseCsv(page.text);
        assert.equal(page.headers.get('sforce-numberofrecords'), String(rows.length));
        for (const row of rows) {
          ids.add(row.Id ?? '');
          if (row.Subject === 'Task 7') multiline = row;
        }
        locator = page.headers.get('sforce-locator');
        assert.ok(locator !== null, 'Sforce-Locator is on every page');
        locators.push(locator);
        if (locator === 'null') locator = null;
      } while (locator !== null);
      assert.equal(locators.length, 3, '2,000 + 2,000 + 1,000 rows');
      assert.equal(locators.at(-1), 'null', 'the last page says "null"');
      assert.equal(ids.size, TASKS, 'every task exactly once');
      assert.deepEqual(multiline?.Description, 'Say "hi",\nthen call back');

      // "As long as the associated job exists, the locator string for a set of results does not change."
      const second = locators[0] ?? '';
      const again = await bulkRequest(
        emulator,
        conn,
        'GET',
        `/jobs/query/${job.id}/results?locator=${second}&maxRecords=2000`,
      );
      const twice = await bulkRequest(
        emulator,
        conn,
        'GET',
        `/jobs/query/${job.id}/results?locator=${second}&maxRecords=2000`,
      );
      assert.equal(again.text, twice.text);
      assert.equal(parseCsv(again.text).length, 2000);

      const bad = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results?locator=bm9wZQ`);
      assert.equal(bad.status, 400);
      assert.equal((json(bad) as { errorCode: string }[])[0]?.errorCode, 'INVALID_QUERY_LOCATOR');
      const zero = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results?maxRecords=0`);
      assert.equal(zero.status, 400);
      // "Use the same API version to get query results that you used to create the query."
      const otherVersion = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results`, {
        version: '61.0',
      });
      assert.equal(otherVersion.status, 409);
    });
  });

  it('streams a query through conn.bulk2.query with dotted relationship columns, nulls, dates and booleans', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const contact = await conn.sobject('Contact').create({ FirstName: 'Ada', LastName: 'Lovelace' });
      assert.ok(contact.success);
      await conn.sobject('Task').create([
        { Subject: 'Call Ada', WhoId: contact.id, ActivityDate: '2026-12-01', Status: 'Completed' },
        { Subject: 'Nobody', CallDurationInSeconds: 90 },
      ]);
      const stream = await conn.bulk2.query(
        'SELECT Subject, Who.Name, ActivityDate, IsClosed, CallDurationInSeconds, CreatedDate FROM Task ORDER BY Subject',
        POLL,
      );
      const records = await collect(stream);
      assert.equal(records.length, 2);
      const [ada, nobody] = records;
      assert.ok(ada !== undefined && nobody !== undefined);
      assert.deepEqual(Object.keys(ada), [
        'Subject',
        'Who.Name',
        'ActivityDate',
        'IsClosed',
        'CallDurationInSeconds',
        'CreatedDate',
      ]);
      assert.equal(ada['Who.Name'], 'Ada Lovelace');
      assert.equal(ada.ActivityDate, '2026-12-01');
      assert.equal(ada.IsClosed, 'true');
      assert.equal(ada.CallDurationInSeconds, '', 'null is empty');
      assert.match(ada.CreatedDate ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(nobody['Who.Name'], '', 'an empty lookup leaves the column empty');
      assert.equal(nobody.IsClosed, 'false');
      assert.equal(nobody.CallDurationInSeconds, '90');
    });
  });

  it('writes the job delimiter and line ending', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      await conn.sobject('Account').create({ Name: 'Pipe | and "quote"' });
      const created = await bulkRequest(emulator, conn, 'POST', '/jobs/query', {
        body: JSON.stringify({
          operation: 'query',
          query: 'SELECT Name, Website FROM Account',
          columnDelimiter: 'PIPE',
          lineEnding: 'CRLF',
        }),
      });
      const id = (json(created) as { id: string }).id;
      await waitForJob(emulator, conn, 'query', id);
      const page = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${id}/results`);
      assert.equal(page.text, '"Name"|"Website"\r\n"Pipe | and ""quote"""|""\r\n');
    });
  });

  it('includes deleted rows with queryAll (scanAll) only', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const created = await conn
        .sobject('Contact')
        .create([{ LastName: 'Kept' }, { LastName: 'Binned' }, { LastName: 'Also kept' }]);
      const binned = created[1];
      assert.ok(binned?.success === true);
      await conn.sobject('Contact').destroy(binned.id);

      const live = await collect(await conn.bulk2.query('SELECT Id, LastName, IsDeleted FROM Contact', POLL));
      assert.deepEqual(live.map((r) => r.LastName).sort(), ['Also kept', 'Kept']);
      const all = await collect(
        await conn.bulk2.query('SELECT Id, LastName, IsDeleted FROM Contact', { ...POLL, scanAll: true }),
      );
      assert.equal(all.length, 3);
      assert.equal(all.find((r) => r.LastName === 'Binned')?.IsDeleted, 'true');
      const jobs = json(await bulkRequest(emulator, conn, 'GET', '/jobs/query')) as {
        done: boolean;
        records: { operation: string; jobType: string }[];
      };
      assert.equal(jobs.done, true);
      assert.deepEqual(
        jobs.records.map((job) => job.operation),
        ['query', 'queryAll'],
      );
      assert.ok(jobs.records.every((job) => job.jobType === 'V2Query'));
    });
  });

  it('refuses the SOQL Bulk API 2.0 does not support, and bad SOQL, when the job is created', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const refusals: [string, string, RegExp][] = [
        [
          'SELECT Id, (SELECT Id FROM Tasks) FROM Contact',
          'API_ERROR',
          /^Aggregate Relationships not supported in Bulk V2 Query/,
        ],
        [
          'SELECT FIELDS(STANDARD) FROM Contact',
          'API_ERROR',
          /^Selecting compound data not supported in Bulk Query$/,
        ],
        ['SELECT COUNT() FROM Contact', 'API_ERROR', /Aggregate queries are not supported/],
        ['SELECT LastName, COUNT(Id) FROM Contact GROUP BY LastName', 'API_ERROR', /Aggregate queries/],
        ['SELECT Id FROM Contact LIMIT 10 OFFSET 5', 'API_ERROR', /OFFSET/],
        ['SELECT TYPEOF Who WHEN Contact THEN LastName END FROM Task', 'API_ERROR', /TYPEOF/],
        ['SELECT Nope__c FROM Contact', 'INVALID_FIELD', /No such column 'Nope__c' on entity 'Contact'/],
        ['SELECT Id FROM Nothing__c', 'INVALID_TYPE', /sObject type 'Nothing__c' is not supported/],
      ];
      for (const [query, errorCode, message] of refusals) {
        const job = new QueryJobV2(conn, { bodyParams: { operation: 'query', query }, pollingOptions: POLL });
        await assert.rejects(job.open(), (error: Error) => {
          assert.equal(error.name, errorCode, query);
          assert.match(error.message, message, query);
          return true;
        });
      }
      const badOperation = await bulkRequest(emulator, conn, 'POST', '/jobs/query', {
        body: JSON.stringify({ operation: 'select', query: 'SELECT Id FROM Task' }),
      });
      assert.equal(badOperation.status, 400);
      assert.deepEqual(json(badOperation), [
        { message: "Invalid value: 'select' supplied for property: 'operation'", errorCode: 'API_ERROR' },
      ]);
      const badDelimiter = await bulkRequest(emulator, conn, 'POST', '/jobs/query', {
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Task', columnDelimiter: 'COLON' }),
      });
      assert.equal(badDelimiter.status, 400);
      const list = json(await bulkRequest(emulator, conn, 'GET', '/jobs/query')) as { records: unknown[] };
      assert.equal(list.records.length, 0, 'a refused query never becomes a job');
    });
  });

  it('answers state errors, unknown jobs and deletes as the platform does', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const job = new QueryJobV2(conn, {
        bodyParams: { operation: 'query', query: 'SELECT Id FROM Task' },
        pollingOptions: POLL,
      });
      await job.open();
      await job.poll(POLL.pollInterval, POLL.pollTimeout);
      await assert.rejects(job.abort(), { name: 'INVALIDJOBSTATE' });
      const patch = await bulkRequest(emulator, conn, 'PATCH', `/jobs/query/${job.id}`, {
        body: JSON.stringify({ state: 'UploadComplete' }),
      });
      assert.equal(patch.status, 400);

      const unknown = await bulkRequest(emulator, conn, 'GET', '/jobs/query/7505g00000000zzAAA');
      assert.equal(unknown.status, 404);
      assert.deepEqual(json(unknown), [
        { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
      ]);
      const put = await bulkRequest(emulator, conn, 'PUT', `/jobs/query/${job.id}`, { body: '{}' });
      assert.equal(put.status, 405);

      await job.delete();
      const gone = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results`);
      assert.equal(gone.status, 404);
      const oldVersion = await bulkRequest(emulator, conn, 'GET', '/jobs/query', { version: '46.0' });
      assert.equal(oldVersion.status, 404, 'query jobs exist from API 47.0');
    });
  });

  it('counts query jobs and result storage against the daily allocations in /limits', async () => {
    await withEmulator({ bulkAllocations: { queryJobs: 2 } }, async (emulator) => {
      const conn = await connect(emulator);
      await conn.sobject('Task').create({ Subject: 'One' });
      for (let i = 0; i < 2; i++) {
        const records = await collect(await conn.bulk2.query('SELECT Id FROM Task', POLL));
        assert.equal(records.length, 1);
      }
      const third = new QueryJobV2(conn, {
        bodyParams: { operation: 'query', query: 'SELECT Id FROM Task' },
        pollingOptions: POLL,
      });
      await assert.rejects(third.open(), { name: 'LIMIT_EXCEEDED' });
      const limits = await bulkLimits(conn);
      assert.deepEqual(limits.DailyBulkV2QueryJobs, { Max: 2, Remaining: 0 });
      assert.equal(limits.DailyBulkV2QueryFileStorageMB.Max, 976_562);
      assert.equal(limits.DailyBulkV2QueryFileStorageMB.Remaining, 976_561, 'two small result files, 1 MB');
      assert.deepEqual(
        limits.DailyBulkApiBatches,
        { Max: 15_000, Remaining: 15_000 },
        'queries use no batches',
      );

      const log = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { path: string; counted: boolean; client: string | null }[];
      };
      const bulkCalls = log.requests.filter((r) => r.path.includes('/jobs/query'));
      assert.ok(bulkCalls.length >= 7, 'create, poll and results for each job');
      assert.ok(
        bulkCalls.every((r) => r.counted),
        'every Bulk API request counts as one API call',
      );
    });
  });

  it('fails a query job whose results do not fit the day’s result storage', async () => {
    await withEmulator({ bulkAllocations: { queryResultMegabytes: 0 } }, async (emulator) => {
      const conn = await connect(emulator);
      await conn.sobject('Task').create({ Subject: 'One' });
      const job = new QueryJobV2(conn, {
        bodyParams: { operation: 'query', query: 'SELECT Id FROM Task' },
        pollingOptions: POLL,
      });
      await job.open();
      await assert.rejects(job.poll(POLL.pollInterval, POLL.pollTimeout), /Query job failed to complete/);
      const results = await bulkRequest(emulator, conn, 'GET', `/jobs/query/${job.id}/results`);
      assert.equal(results.status, 400);
    });
  });
});
