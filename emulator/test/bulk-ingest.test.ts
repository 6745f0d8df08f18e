// Bulk API 2.0 ingest jobs through jsforce's bulk2 client (loadAndWaitForResults and IngestJobV2) and
// raw requests: insert, update, upsert, delete and hardDelete with partial failures and their result
// files, change events, job failures, state errors, the upload size limit and daily allocations.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import type { RunningEmulator } from '../src/index.ts';
import { admin, connect, dataPath, withEmulator } from './helpers.ts';
import { bulkLimits, bulkRequest, column, json, parseCsv, POLL, waitForJob } from './bulk-helpers.ts';

interface ChangeHeader {
  entityName: string;
  changeType: string;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  recordIds: string[];
}

async function changeHeaders(emulator: RunningEmulator, channel: string): Promise<ChangeHeader[]> {
  const events = (await admin(emulator, 'GET', 'events')).body as {
    events: { channel: string; payload: { ChangeEventHeader: ChangeHeader } }[];
  };
  return events.events.filter((e) => e.channel === channel).map((e) => e.payload.ChangeEventHeader);
}

/** Creates an ingest job, uploads `csv` as is, closes it and waits for the end. */
async function runJob(
  emulator: RunningEmulator,
  conn: Connection,
  job: Record<string, unknown>,
  csv: string,
): Promise<{ id: string; info: Record<string, unknown> }> {
  const created = await bulkRequest(emulator, conn, 'POST', '/jobs/ingest', { body: JSON.stringify(job) });
  assert.equal(created.status, 200, created.text);
  const id = (json(created) as { id: string }).id;
  const upload = await bulkRequest(emulator, conn, 'PUT', `/jobs/ingest/${id}/batches`, {
    body: csv,
    contentType: 'text/csv',
  });
  assert.equal(upload.status, 201, upload.text);
  const closed = await bulkRequest(emulator, conn, 'PATCH', `/jobs/ingest/${id}`, {
    body: JSON.stringify({ state: 'UploadComplete' }),
  });
  assert.equal(closed.status, 200, closed.text);
  return { id, info: await waitForJob(emulator, conn, 'ingest', id) };
}

async function resultFile(
  emulator: RunningEmulator,
  conn: Connection,
  id: string,
  kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
): Promise<string> {
  const response = await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${id}/${kind}`);
  assert.equal(response.status, 200, response.text);
  assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
  return response.text;
}

describe('Bulk API 2.0 ingest jobs', () => {
  it('inserts with loadAndWaitForResults, failing only the bad rows, with the platform’s result files', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Contact',
        operation: 'insert',
        ...POLL,
        input: [
          { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' },
          { FirstName: 'No', LastName: '', Email: 'no@example.com' },
          { FirstName: 'Bad', LastName: 'Email', Email: 'not-an-email' },
          { FirstName: 'Grace', LastName: 'Hopper', Email: '' },
        ],
      });
      assert.equal(results.successfulResults.length, 2);
      for (const row of results.successfulResults) {
        assert.match(row.sf__Id, /^003[A-Za-z0-9]{15}$/);
        assert.equal(row.sf__Created, 'true');
      }
      assert.deepEqual(
        results.successfulResults.map((row) => column(row, 'LastName')),
        ['Lovelace', 'Hopper'],
        'the original columns follow sf__Id and sf__Created',
      );
      assert.deepEqual(
        results.failedResults.map((row) => [row.sf__Id, row.sf__Error, column(row, 'FirstName')]),
        [
          ['', 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --', 'No'],
          ['', 'INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --', 'Bad'],
        ],
      );
      assert.deepEqual(results.unprocessedRecords, []);
      const saved = await conn.query<{ LastName: string; Email: string | null }>(
        'SELECT LastName, Email FROM Contact ORDER BY LastName',
      );
      assert.deepEqual(
        saved.records.map((r) => [r.LastName, r.Email]),
        [
          ['Hopper', null],
          ['Lovelace', 'ada@example.com'],
        ],
      );
    });
  });

  it('commits each chunk of 200 rows as one transaction with bulkapi change events', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator, 'SIASync');
      const input = Array.from({ length: 250 }, (_, i) => ({
        Subject: `Bulk ${i}`,
        ActivityDate: '2026-12-01',
        Status: i === 10 ? 'Not A Status' : 'Not Started',
      }));
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Task',
        operation: 'insert',
        ...POLL,
        input,
      });
      assert.equal(results.successfulResults.length, 249);
      assert.match(results.failedResults[0]?.sf__Error ?? '', /^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:/);
      const headers = await changeHeaders(emulator, '/data/TaskChangeEvent');
      assert.equal(headers.length, 249, 'one CREATE event per inserted task, none for the failed row');
      assert.ok(headers.every((h) => h.changeType === 'CREATE'));
      assert.ok(headers.every((h) => h.changeOrigin === 'com/salesforce/api/bulkapi/62.0;client=SIASync'));
      const transactions = new Map<string, number[]>();
      for (const header of headers) {
        const numbers = transactions.get(header.transactionKey) ?? [];
        numbers.push(header.sequenceNumber);
        transactions.set(header.transactionKey, numbers);
      }
      assert.deepEqual(
        [...transactions.values()].map((numbers) => numbers.length),
        [199, 50],
        'rows 1-200 (one failed) and 201-250',
      );
      const [first] = transactions.values();
      assert.deepEqual(
        first,
        Array.from({ length: 199 }, (_, i) => i + 1),
      );
    });
  });

  it('updates with #N/A to clear a field, leaves empty cells alone and reports bad ids', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const created = await conn.sobject('Contact').create([
        { LastName: 'One', Title: 'Old', Phone: '111' },
        { LastName: 'Two', Title: 'Keep me', Phone: '222' },
      ]);
      const [one, two] = created.map((r) => (r.success ? r.id : ''));
      const deleted = await conn.sobject('Contact').create({ LastName: 'Gone' });
      assert.ok(deleted.success);
      await conn.sobject('Contact').destroy(deleted.id);
      const csv = [
        'Id,Title,Phone',
        `${one ?? ''},New title,#N/A`,
        `${two ?? ''},,555`,
        '003000000000000AAA,x,',
        `${deleted.id},y,`,
        'not-an-id,z,',
        ',w,',
      ].join('\n');
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Contact',
        operation: 'update',
        ...POLL,
        input: csv,
      });
      assert.deepEqual(
        results.successfulResults.map((r) => [r.sf__Id, r.sf__Created]),
        [
          [one, 'false'],
          [two, 'false'],
        ],
      );
      assert.deepEqual(
        results.failedResults.map((r) => r.sf__Error),
        [
          'INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--',
          'ENTITY_IS_DELETED:entity is deleted:--',
          'MALFORMED_ID:malformed id not-an-id:--',
          'MISSING_ARGUMENT:Id not specified in an update call:--',
        ],
      );
      assert.equal(results.failedResults[1]?.sf__Id, deleted.id, 'sf__Id names the record when it is known');
      const after = await conn.query<{ LastName: string; Title: string | null; Phone: string | null }>(
        'SELECT LastName, Title, Phone FROM Contact ORDER BY LastName',
      );
      assert.deepEqual(
        after.records.map((r) => [r.LastName, r.Title, r.Phone]),
        [
          ['One', 'New title', null],
          ['Two', 'Keep me', '555'],
        ],
      );
    });
  });

  it('upserts on Id and on an external id field, and refuses a field that is not one', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const existing = await conn.sobject('Account').create({ Name: 'Acme' });
      assert.ok(existing.success);
      const byId = await conn.bulk2.loadAndWaitForResults({
        object: 'Account',
        operation: 'upsert',
        externalIdFieldName: 'Id',
        ...POLL,
        input: `Id,Name\n${existing.id},Acme Renamed\n,Brand New\n`,
      });
      assert.deepEqual(
        byId.successfulResults.map((r) => [r.sf__Created, column(r, 'Name')]),
        [
          ['false', 'Acme Renamed'],
          ['true', 'Brand New'],
        ],
      );

      // SIA_Task_Id__c: the package's external id on Task.
      const first = await conn.bulk2.loadAndWaitForResults({
        object: 'Task',
        operation: 'upsert',
        externalIdFieldName: 'SIA_Task_Id__c',
        ...POLL,
        input: 'SIA_Task_Id__c,Subject\nsia-1,First\nsia-2,Second\n',
      });
      assert.deepEqual(
        first.successfulResults.map((r) => r.sf__Created),
        ['true', 'true'],
      );
      await conn.sobject('Task').create({ Subject: 'Twin', SIA_Task_Id__c: 'sia-2' });
      const second = await conn.bulk2.loadAndWaitForResults({
        object: 'Task',
        operation: 'upsert',
        externalIdFieldName: 'SIA_Task_Id__c',
        ...POLL,
        input: 'SIA_Task_Id__c,Subject\nsia-1,First again\nsia-2,Ambiguous\n',
      });
      assert.deepEqual(
        second.successfulResults.map((r) => [r.sf__Id, r.sf__Created]),
        [[first.successfulResults[0]?.sf__Id, 'false']],
      );
      assert.match(second.failedResults[0]?.sf__Error ?? '', /^DUPLICATE_EXTERNAL_ID:/);

      const notExternal = await bulkRequest(emulator, conn, 'POST', '/jobs/ingest', {
        body: JSON.stringify({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Email' }),
      });
      assert.equal(notExternal.status, 400);
      assert.deepEqual(json(notExternal), [
        {
          message: 'InvalidJob : Field name provided, Email does not match an External ID for Contact',
          errorCode: 'INVALIDJOB',
        },
      ]);
      const noObject = await bulkRequest(emulator, conn, 'POST', '/jobs/ingest', {
        body: JSON.stringify({ object: 'Nope__c', operation: 'insert' }),
      });
      assert.deepEqual(json(noObject), [
        { message: 'InvalidJob : Unable to find object: Nope__c', errorCode: 'INVALIDJOB' },
      ]);
    });
  });

  it('deletes to the Recycle Bin, and hardDelete skips it', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const created = await conn.sobject('Lead').create([
        { LastName: 'Soft', Company: 'A' },
        { LastName: 'Hard', Company: 'B' },
      ]);
      const [soft, hard] = created.map((r) => (r.success ? r.id : ''));
      const deleted = await conn.bulk2.loadAndWaitForResults({
        object: 'Lead',
        operation: 'delete',
        ...POLL,
        input: [{ Id: soft }],
      });
      assert.deepEqual(
        deleted.successfulResults.map((r) => [r.sf__Id, r.sf__Created]),
        [[soft, 'false']],
      );
      const hardDeleted = await conn.bulk2.loadAndWaitForResults({
        object: 'Lead',
        operation: 'hardDelete',
        ...POLL,
        input: [{ Id: hard }, { Id: soft }],
      });
      assert.equal(hardDeleted.successfulResults.length, 1);
      assert.equal(hardDeleted.failedResults[0]?.sf__Error, 'ENTITY_IS_DELETED:entity is deleted:--');
      const all = await conn.query<{ LastName: string; IsDeleted: boolean }>(
        'SELECT LastName, IsDeleted FROM Lead',
        { scanAll: true },
      );
      assert.deepEqual(
        all.records.map((r) => [r.LastName, r.IsDeleted]),
        [['Soft', true]],
        'the hard-deleted lead is gone for good',
      );
    });
  });

  it('fails a job whose header or line endings it cannot read, keeping its data unprocessed', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      await assert.rejects(
        conn.bulk2.loadAndWaitForResults({
          object: 'Contact',
          operation: 'insert',
          ...POLL,
          input: 'LastName,Nope__c\nSmith,1\n',
        }),
        /Ingest job failed to complete due to: InvalidBatch : Field name not found : Nope__c/,
      );
      const crlf = await runJob(
        emulator,
        conn,
        { object: 'Contact', operation: 'insert' },
        'LastName,FirstName\r\nSmith,Jo\r\n',
      );
      assert.equal(crlf.info.state, 'Failed');
      assert.equal(
        crlf.info.errorMessage,
        'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF',
      );
      assert.equal(crlf.info.numberRecordsProcessed, 0);
      assert.equal(
        await resultFile(emulator, conn, crlf.id, 'unprocessedrecords'),
        'LastName,FirstName\r\nSmith,Jo\r\n',
      );
      assert.equal(
        await resultFile(emulator, conn, crlf.id, 'successfulResults'),
        '"sf__Id","sf__Created"\n',
      );

      const relationship = await runJob(
        emulator,
        conn,
        { object: 'Contact', operation: 'insert' },
        'LastName,Account:Account.Name\nSmith,Acme\n',
      );
      assert.equal(
        relationship.info.errorMessage,
        'InvalidBatch : type is not needed for non polymorphic foreign key references: Account',
      );
      const count = await conn.query('SELECT Id FROM Contact');
      assert.equal(count.totalSize, 0, 'nothing of a failed job is written');
    });
  });

  it('reads CRLF and semicolon jobs, relationship columns and refuses malformed rows alone', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      await conn.sobject('Contact').create({ LastName: 'Parent', Email: 'parent@example.com' });
      const csv = [
        // Who is polymorphic (Contact or Lead): the column names the parent's type.
        'Subject;Contact:Who.Email;Description;CallDurationInSeconds',
        'Linked;parent@example.com;"two\r\nlines; and ""quotes""";30',
        'Unknown parent;nobody@example.com;;',
        '"Bad" ;;;',
        'Bad number;;;thirty',
        'Too;many;values;1;2',
      ].join('\r\n');
      const job = await runJob(
        emulator,
        conn,
        { object: 'Task', operation: 'insert', columnDelimiter: 'SEMICOLON', lineEnding: 'CRLF' },
        `${csv}\r\n`,
      );
      assert.equal(job.info.state, 'JobComplete');
      assert.equal(job.info.numberRecordsProcessed, 5);
      assert.equal(job.info.numberRecordsFailed, 4);
      const dialect = { columnDelimiter: 'SEMICOLON', lineEnding: 'CRLF' } as const;
      const success = await resultFile(emulator, conn, job.id, 'successfulResults');
      assert.ok(
        success.startsWith(
          '"sf__Id";"sf__Created";Subject;Contact:Who.Email;Description;CallDurationInSeconds\r\n',
        ),
        'the original header follows, as uploaded',
      );
      const [linked] = parseCsv(success, dialect);
      assert.ok(linked !== undefined);
      assert.equal(linked.Description, 'two\r\nlines; and "quotes"');
      const task = (await conn.sobject('Task').retrieve(linked.sf__Id ?? '')) as {
        WhoId: string;
        Description: string;
        CallDurationInSeconds: number;
      };
      assert.match(task.WhoId, /^003/);
      assert.equal(task.CallDurationInSeconds, 30);
      // Failed rows come back exactly as uploaded, malformed ones included.
      assert.deepEqual((await resultFile(emulator, conn, job.id, 'failedResults')).split('\r\n'), [
        '"sf__Id";"sf__Error";Subject;Contact:Who.Email;Description;CallDurationInSeconds',
        '"";"INVALID_FIELD:Foreign key external ID: nobody@example.com not found for field Email in entity Contact:--";Unknown parent;nobody@example.com;;',
        '"";"INVALID_FIELD:Invalid CSV: a double quote must be the first and last character of a value:--";"Bad" ;;;',
        `"";"INVALID_FIELD:Failed to deserialize field at col 3. Due to, 'thirty' is not a valid value for the type xsd:int:--";Bad number;;;thirty`,
        '"";"INVALID_FIELD:Invalid CSV: the row has 5 values for 4 columns:--";Too;many;values;1;2',
        '',
      ]);
      assert.equal(
        await resultFile(emulator, conn, job.id, 'unprocessedrecords'),
        `${csv.split('\r\n')[0] ?? ''}\r\n`,
      );
    });
  });

  it('answers state errors: one upload, closed and aborted jobs, results too early, unknown jobs', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
      const opened = await job.open();
      assert.equal(opened.state, 'Open');
      assert.equal(opened.contentUrl, `services/data/v62.0/jobs/ingest/${job.id}/batches`);
      const early = await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${job.id}/successfulResults`);
      assert.equal(early.status, 400);
      const wrongType = await bulkRequest(emulator, conn, 'PUT', `/jobs/ingest/${job.id}/batches`, {
        body: '{"LastName":"x"}',
      });
      assert.equal(wrongType.status, 400, 'job data is text/csv');
      await job.uploadData('LastName\nOne\n');
      const again = await bulkRequest(emulator, conn, 'PUT', `/jobs/ingest/${job.id}/batches`, {
        body: 'LastName\nTwo\n',
        contentType: 'text/csv',
      });
      assert.equal(again.status, 400);
      assert.deepEqual(json(again), [
        {
          message: `Found multipe contents for job: <${job.id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
          errorCode: 'BULK_API_ERROR',
        },
      ]);
      const openDelete = await bulkRequest(emulator, conn, 'DELETE', `/jobs/ingest/${job.id}`);
      assert.equal(openDelete.status, 400, 'an open job cannot be deleted');
      await job.close();
      await job.poll(POLL.pollInterval, POLL.pollTimeout);
      await assert.rejects(job.close(), { name: 'INVALIDJOBSTATE' });
      await assert.rejects(job.abort(), { name: 'INVALIDJOBSTATE' });
      const late = await bulkRequest(emulator, conn, 'PUT', `/jobs/ingest/${job.id}/batches`, {
        body: 'LastName\nThree\n',
        contentType: 'text/csv',
      });
      assert.equal(late.status, 400);
      const info = json(await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${job.id}`)) as Record<
        string,
        unknown
      >;
      assert.equal(info.jobType, 'V2Ingest');
      assert.equal(info.numberRecordsProcessed, 1);
      assert.equal(info.numberRecordsFailed, 0);
      assert.equal(info.contentUrl, undefined, 'only an open job shows its upload URL');

      const aborted = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
      await aborted.open();
      await aborted.uploadData('LastName\nNever\n');
      await aborted.abort();
      await assert.rejects(aborted.close(), { name: 'INVALIDJOBSTATE' });
      assert.equal(await resultFile(emulator, conn, aborted.id, 'unprocessedrecords'), 'LastName\nNever\n');
      await aborted.delete();
      assert.equal((await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${aborted.id}`)).status, 404);

      const list = json(await bulkRequest(emulator, conn, 'GET', '/jobs/ingest')) as {
        done: boolean;
        records: { id: string; jobType: string; object: string }[];
        nextRecordsUrl: string | null;
      };
      assert.deepEqual(
        list.records.map((r) => [r.id, r.jobType, r.object]),
        [[job.id, 'V2Ingest', 'Contact']],
      );
      assert.equal(list.nextRecordsUrl, null);
      const badState = await bulkRequest(emulator, conn, 'PATCH', `/jobs/ingest/${job.id}`, {
        body: JSON.stringify({ state: 'Paused' }),
      });
      assert.equal(badState.status, 400);
      const count = await conn.query('SELECT Id FROM Contact');
      assert.equal(count.totalSize, 1, 'only the closed job wrote');
    });
  });

  it('fails the job and undoes its chunk when processing breaks unexpectedly', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const store = emulator.state.org.store;
      const put = store.put.bind(store);
      store.put = (record) => {
        if (record.fields.LastName === 'Boom') throw new Error('simulated storage failure');
        put(record);
      };
      const originalError = console.error;
      console.error = () => undefined;
      try {
        const job = await runJob(
          emulator,
          conn,
          { object: 'Contact', operation: 'insert' },
          'LastName\nBefore\nBoom\nAfter\n',
        );
        assert.equal(job.info.state, 'Failed');
        assert.equal(job.info.errorMessage, 'InternalServerError : An unexpected error occurred.');
        assert.equal(job.info.numberRecordsProcessed, 0);
        assert.equal(
          await resultFile(emulator, conn, job.id, 'successfulResults'),
          '"sf__Id","sf__Created",LastName\n',
        );
        assert.equal(
          await resultFile(emulator, conn, job.id, 'unprocessedrecords'),
          'LastName\nBefore\nBoom\nAfter\n',
        );
      } finally {
        console.error = originalError;
        store.put = put;
      }
      const count = await conn.query('SELECT Id FROM Contact');
      assert.equal(count.totalSize, 0, 'the chunk with the failure is undone whole');
      assert.deepEqual(await changeHeaders(emulator, '/data/ContactChangeEvent'), []);
    });
  });

  it('refuses job data over 150 MB (base64) from its Content-Length, without reading it', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
      await job.open();
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const upload = request(`${emulator.url}${dataPath(`/jobs/ingest/${job.id}/batches`)}`, {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${conn.accessToken ?? ''}`,
            'Content-Type': 'text/csv',
            // 112,500,001 bytes encode to more than 150,000,000 base64 characters.
            'Content-Length': '112500001',
          },
        });
        upload.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body });
            upload.destroy();
          });
        });
        upload.on('error', reject);
        upload.write('LastName\n');
      });
      assert.equal(answer.status, 413);
      assert.equal(
        (JSON.parse(answer.body) as { errorCode: string }[])[0]?.errorCode,
        'EXCEEDED_MAX_SIZE_REQUEST',
      );
      const info = json(await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${job.id}`)) as {
        state: string;
      };
      assert.equal(info.state, 'Open', 'the job still waits for its data');
      await job.uploadData('LastName\nSmall\n');
    });
  });

  it('refuses a chunked upload once it grows past 150 MB (base64), as it arrives', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
      await job.open();
      const megabyte = Buffer.from(`LastName\n${'x'.repeat(1024 * 1024 - 10)}\n`);
      const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const upload = request(`${emulator.url}${dataPath(`/jobs/ingest/${job.id}/batches`)}`, {
          method: 'PUT',
          // No Content-Length: the body arrives chunked, so only counting it can stop it.
          headers: { Authorization: `Bearer ${conn.accessToken ?? ''}`, 'Content-Type': 'text/csv' },
        });
        upload.on('response', (response) => {
          answered = true;
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body, sent });
            upload.destroy();
          });
        });
        upload.on('error', (error) => {
          if (!answered) reject(error);
        });
        const pump = (): void => {
          // 120 MB at most: past the 112.5 MB limit, whatever the server has read by then.
          while (!answered && sent < 120) {
            sent++;
            if (!upload.write(megabyte)) {
              upload.once('drain', pump);
              return;
            }
          }
          if (!answered) upload.end();
        };
        pump();
      });
      assert.equal(answer.status, 413);
      assert.equal(
        (JSON.parse(answer.body) as { errorCode: string }[])[0]?.errorCode,
        'EXCEEDED_MAX_SIZE_REQUEST',
      );
      assert.ok(answer.sent > 107, `the answer came once the limit was passed (after ${answer.sent} MB)`);
      const info = json(await bulkRequest(emulator, conn, 'GET', `/jobs/ingest/${job.id}`)) as {
        state: string;
      };
      assert.equal(info.state, 'Open', 'nothing of the oversized upload was kept');
      await job.uploadData('LastName\nSmall\n');
    });
  });

  it('spends a batch per 10,000 records and stops a job when the day’s allocation runs out', async () => {
    await withEmulator({ bulkAllocations: { batches: 1, ingestRecords: 3 } }, async (emulator) => {
      const conn = await connect(emulator);
      const first = await runJob(
        emulator,
        conn,
        { object: 'Account', operation: 'insert' },
        'Name\nA\nB\nC\nD\n',
      );
      assert.equal(first.info.state, 'Failed');
      assert.match(String(first.info.errorMessage), /records ingested in a rolling 24-hour period/);
      assert.equal(first.info.numberRecordsProcessed, 3);
      assert.equal(await resultFile(emulator, conn, first.id, 'unprocessedrecords'), 'Name\nD\n');
      assert.equal(parseCsv(await resultFile(emulator, conn, first.id, 'successfulResults')).length, 3);
      const limits = await bulkLimits(conn);
      assert.deepEqual(limits.DailyBulkApiBatches, { Max: 1, Remaining: 0 });
      const second = await runJob(emulator, conn, { object: 'Account', operation: 'insert' }, 'Name\nE\n');
      assert.equal(second.info.state, 'Failed');
      assert.match(String(second.info.errorMessage), /batches in a rolling 24-hour period/);
    });
  });
});
