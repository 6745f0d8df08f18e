// Conformance through unmodified jsforce: CRUD, collections with a failing record among good ones,
// allOrNone, upsert twice, queryAll after delete, 401 → token refresh → retry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, connect, TestClock, withEmulator } from './helpers.ts';

interface TaskRow {
  Id: string;
  Subject: string;
  Status: string;
  IsClosed: boolean;
  IsHighPriority: boolean;
  CompletedDateTime: string | null;
  ActivityDate: string | null;
  IsDeleted: boolean;
}

// Salesforce names the code `statusCode` in per-record results; jsforce's typings call it errorCode.
function firstStatusCode(result: { errors: unknown[] } | undefined): string | undefined {
  return (result?.errors[0] as { statusCode?: string } | undefined)?.statusCode;
}

describe('jsforce against the emulator', () => {
  it('creates, retrieves, updates and deletes a Task with derived fields maintained', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const created = await conn
        .sobject('Task')
        .create({ Subject: 'Call Ada', ActivityDate: '2026-12-01', Priority: 'High' });
      assert.equal(created.success, true);
      assert.match(created.id, /^00T[a-zA-Z0-9]{15}$/);
      const task = (await conn.sobject('Task').retrieve(created.id)) as unknown as TaskRow;
      assert.equal(task.Subject, 'Call Ada');
      assert.equal(task.Status, 'Not Started', 'Status defaults on create');
      assert.equal(task.IsClosed, false);
      assert.equal(task.IsHighPriority, true);
      assert.equal(task.ActivityDate, '2026-12-01', 'ActivityDate is a date, no time zone');
      assert.equal(task.CompletedDateTime, null);

      const some = await conn.sobject('Task').retrieve(created.id, { fields: ['Subject'] });
      assert.deepEqual(Object.keys(some), ['attributes', 'Subject', 'Id'], 'fields= keeps the Id');

      await conn.sobject('Task').update({ Id: created.id, Status: 'Completed' });
      const done = (await conn.sobject('Task').retrieve(created.id)) as unknown as TaskRow;
      assert.equal(done.IsClosed, true);
      assert.match(done.CompletedDateTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

      await conn.sobject('Task').update({ Id: created.id, Status: 'In Progress' });
      const reopened = (await conn.sobject('Task').retrieve(created.id)) as unknown as TaskRow;
      assert.equal(reopened.IsClosed, false);
      assert.equal(reopened.CompletedDateTime, null, 'reopening clears CompletedDateTime');

      await conn.sobject('Task').destroy(created.id);
      await assert.rejects(conn.sobject('Task').retrieve(created.id), { name: 'ENTITY_IS_DELETED' });
      const all = await conn.query<TaskRow>(`SELECT Id, IsDeleted FROM Task WHERE Id = '${created.id}'`, {
        scanAll: true,
      });
      assert.equal(all.totalSize, 1, 'queryAll sees the recycle bin');
      assert.equal(all.records[0]?.IsDeleted, true);
      const live = await conn.query(`SELECT Id FROM Task WHERE Id = '${created.id}'`);
      assert.equal(live.totalSize, 0, 'query does not');
    });
  });

  it('reports a failing record among good ones in request order, and allOrNone rolls all back', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const mixed = await conn
        .sobject('Task')
        .create(
          [
            { Subject: 'one' },
            { Subject: 'two', Status: 'Bogus' },
            { Subject: 'x'.repeat(256) },
            { Subject: 'four' },
          ],
          { allOrNone: false },
        );
      assert.deepEqual(
        mixed.map((r) => r.success),
        [true, false, false, true],
      );
      const second = mixed[1];
      assert.ok(second && !second.success);
      assert.deepEqual(second.errors[0], {
        statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        message: 'Status: bad value for restricted picklist field: Bogus',
        fields: ['Status'],
      });
      const third = mixed[2];
      assert.ok(third && !third.success);
      assert.equal(firstStatusCode(third), 'STRING_TOO_LONG');
      assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 2);

      const atomic = await conn
        .sobject('Task')
        .create([{ Subject: 'five' }, { Subject: 'six', Priority: 'Urgent' }], {
          allOrNone: true,
        });
      const [first, failed] = atomic;
      assert.ok(first && !first.success && failed && !failed.success);
      assert.equal(firstStatusCode(first), 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
      assert.equal(firstStatusCode(failed), 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      assert.equal(
        (await conn.query('SELECT COUNT() FROM Task')).totalSize,
        2,
        'nothing of the atomic call was kept',
      );
    });
  });

  it('upserts by external id twice: created, then updated', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const first = await conn
        .sobject('Task')
        .upsert({ SIA_Task_Id__c: 'sia-1', Subject: 'First' }, 'SIA_Task_Id__c');
      assert.equal(first.success, true);
      assert.equal((first as { created?: boolean }).created, true);
      const second = await conn
        .sobject('Task')
        .upsert({ SIA_Task_Id__c: 'sia-1', Subject: 'Second' }, 'SIA_Task_Id__c');
      assert.equal((second as { created?: boolean }).created, false);
      assert.equal(second.id, first.id);
      const rows = await conn.query<TaskRow>("SELECT Id, Subject FROM Task WHERE SIA_Task_Id__c = 'sia-1'");
      assert.equal(rows.totalSize, 1);
      assert.equal(rows.records[0]?.Subject, 'Second');

      const batch = await conn.sobject('Task').upsert(
        [
          { SIA_Task_Id__c: 'sia-1', Subject: 'Third' },
          { SIA_Task_Id__c: 'sia-2', Subject: 'New' },
        ],
        'SIA_Task_Id__c',
        { allOrNone: false },
      );
      assert.deepEqual(
        batch.map((r) => [r.success, (r as { created?: boolean }).created]),
        [
          [true, false],
          [true, true],
        ],
      );
    });
  });

  it('answers several matches with 300 and an unknown external id field with 404', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      // SIA_Task_Id__c is an external id without Unique (activity fields cannot be unique), so duplicates can exist.
      await conn.sobject('Task').create(
        [
          { SIA_Task_Id__c: 'dup', Subject: 'a' },
          { SIA_Task_Id__c: 'dup', Subject: 'b' },
        ],
        {
          allOrNone: true,
        },
      );
      await assert.rejects(
        conn.sobject('Task').upsert({ SIA_Task_Id__c: 'dup', Subject: 'c' }, 'SIA_Task_Id__c'),
        (error: Error & { errorCode?: string; data?: unknown }) => {
          // jsforce turns the 300 Multiple Choices answer into MULTIPLE_CHOICES carrying the record URLs.
          assert.equal(error.errorCode, 'MULTIPLE_CHOICES');
          assert.equal((error.data as string[]).length, 2);
          assert.match((error.data as string[])[0] ?? '', /^\/services\/data\/v62\.0\/sobjects\/Task\/00T/);
          return true;
        },
      );
      await assert.rejects(conn.sobject('Task').upsert({ Nope__c: 'x', Subject: 'c' } as never, 'Nope__c'), {
        name: 'NOT_FOUND',
      });
      assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 2);
    });
  });

  it('refreshes an expired token through refreshFn and retries the call', async () => {
    const clock = new TestClock();
    await withEmulator({ clock, tokenTtlSeconds: 60 }, async (emulator) => {
      const conn = await connect(emulator);
      const refreshed: string[] = [];
      conn.on('refresh', (token: string) => refreshed.push(token));
      const before = conn.accessToken;
      clock.advance(61_000);
      const result = await conn.query('SELECT Id FROM User');
      assert.equal(result.totalSize, 3);
      assert.equal(refreshed.length, 1);
      assert.notEqual(conn.accessToken, before);
      const log = (await admin(emulator, 'GET', 'requests')).body as {
        requests: { path: string; status: number }[];
      };
      const queries = log.requests.filter((r) => r.path.endsWith('/query'));
      assert.deepEqual(
        queries.map((r) => r.status),
        [401, 200],
      );
    });
  });

  it("deletes a contact's tasks and an account's contacts with them, as the platform cascades", async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const account = await conn.sobject('Account').create({ Name: 'Acme' });
      const contact = await conn.sobject('Contact').create({ LastName: 'Lovelace', AccountId: account.id });
      const lead = await conn.sobject('Lead').create({ LastName: 'Byron', Company: 'Analytical' });
      const tasks = await conn.sobject('Task').create(
        [
          { Subject: 'call the contact', WhoId: contact.id },
          { Subject: 'call the lead', WhoId: lead.id },
          { Subject: 'about the account', WhatId: account.id },
        ],
        { allOrNone: true },
      );
      await conn.sobject('Account').destroy(account.id ?? '');
      const gone = await conn.query<{ Id: string; IsDeleted: boolean }>(
        'SELECT Id, IsDeleted FROM Task ORDER BY Subject',
        { scanAll: true },
      );
      assert.deepEqual(
        gone.records.map((r) => [r.Id, r.IsDeleted]),
        [
          [tasks[2]?.id, true],
          [tasks[0]?.id, true],
          [tasks[1]?.id, false],
        ],
      );
      await assert.rejects(conn.sobject('Contact').retrieve(contact.id ?? ''), { name: 'ENTITY_IS_DELETED' });
    });
  });
});
