// Describe through jsforce, platform event publish (single and through a collection) and the
// change events a REST write leaves in the admin event log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, connect, withEmulator } from './helpers.ts';

interface LoggedEvent {
  channel: string;
  replayId: number;
  payload: Record<string, unknown> & {
    ChangeEventHeader?: { changeType: string; changeOrigin: string; recordIds: string[] };
  };
}

async function events(emulator: Parameters<Parameters<typeof withEmulator>[1]>[0]): Promise<LoggedEvent[]> {
  return ((await admin(emulator, 'GET', 'events')).body as { events: LoggedEvent[] }).events;
}

describe('describe and events', () => {
  it('describes the org and its objects', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const global = await conn.describeGlobal();
      const names = global.sobjects.map((s) => s.name);
      for (const name of [
        'Task',
        'Lead',
        'Contact',
        'Account',
        'Opportunity',
        'User',
        'SIA_Sync_Setting__c',
        'SIA_Sync_Notice__e',
      ]) {
        assert.ok(names.includes(name), `${name} is described`);
      }
      const task = await conn.sobject('Task').describe();
      assert.equal(task.keyPrefix, '00T');
      const status = task.fields.find((f) => f.name === 'Status');
      assert.equal(status?.defaultValue, 'Not Started');
      assert.equal(status.nillable, false);
      assert.deepEqual(
        (status.picklistValues as { value: string }[] | undefined)?.map((p) => p.value),
        ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      );
      const who = task.fields.find((f) => f.name === 'WhoId');
      assert.deepEqual([who?.relationshipName, who?.referenceTo], ['Who', ['Contact', 'Lead']]);
      const key = task.fields.find((f) => f.name === 'SIA_Task_Id__c');
      assert.equal(key?.externalId, true);
      assert.equal(key.custom, true);
    });
  });

  it('publishes platform events with OPERATION_ENQUEUED, singly and in collections, never from a rolled-back call', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const single = await conn.requestPost<{
        id: string;
        success: boolean;
        errors: { statusCode: string; message: string }[];
      }>('/sobjects/SIA_Sync_Notice__e', { Kind__c: 'applied', Record_Ids__c: '00T000000000001AAA' });
      assert.equal(single.success, true);
      assert.equal(single.errors[0]?.statusCode, 'OPERATION_ENQUEUED');
      const published = await events(emulator);
      assert.equal(published.length, 1);
      assert.equal(published[0]?.channel, '/event/SIA_Sync_Notice__e');
      assert.equal(
        published[0].payload.EventUuid,
        single.errors[0].message,
        'the enqueued message is the EventUuid',
      );
      assert.equal(published[0].payload.Kind__c, 'applied');

      const batch = await conn
        .sobject('SIA_Sync_Notice__e')
        .create([{ Kind__c: 'a' }, { Kind__c: 'b' }], { allOrNone: true });
      assert.deepEqual(
        batch.map((r) => r.success),
        [true, true],
      );
      assert.equal((await events(emulator)).length, 3);
      const failed = await conn
        .sobject('SIA_Sync_Notice__e')
        .create([{ Kind__c: 'c' }, { Kind__c: 'x'.repeat(300) }], { allOrNone: true });
      assert.deepEqual(
        failed.map((r) => r.success),
        [false, false],
      );
      assert.equal((await events(emulator)).length, 3, 'nothing published by a rolled-back call');
    });
  });

  it('publishes a change event per CDC-selected write with the caller in changeOrigin', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator, 'SIASync');
      const created = await conn
        .sobject('Task')
        .create([{ Subject: 'one' }, { Subject: 'two' }], { allOrNone: true });
      await conn.sobject('Account').create({ Name: 'Not captured' });
      const logged = await events(emulator);
      const taskEvents = logged.filter((e) => e.channel === '/data/TaskChangeEvent');
      assert.equal(taskEvents.length, 2);
      assert.equal(
        logged.filter((e) => e.channel === '/data/ChangeEvents').length,
        2,
        'Account is not selected for CDC',
      );
      const header = taskEvents[0]?.payload.ChangeEventHeader;
      assert.equal(header?.changeType, 'CREATE');
      assert.equal(header.changeOrigin, 'com/salesforce/api/rest/62.0;client=SIASync');
      assert.deepEqual(
        taskEvents.map((e) => e.payload.ChangeEventHeader?.recordIds[0]),
        created.map((r) => r.id),
      );
    });
  });

  it('numbers auto-number names in their display format', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const first = await conn.sobject('SIA_Sync_Error__c').create({ Message__c: 'one' });
      const second = await conn.sobject('SIA_Sync_Error__c').create({ Message__c: 'two' });
      const rows = await conn.query<{ Id: string; Name: string }>(
        'SELECT Id, Name FROM SIA_Sync_Error__c ORDER BY Name',
      );
      assert.deepEqual(
        rows.records.map((r) => [r.Id, r.Name]),
        [
          [first.id, 'SIAE-000001'],
          [second.id, 'SIAE-000002'],
        ],
      );
      await assert.rejects(conn.sobject('SIA_Sync_Error__c').create({ Name: 'mine' }), {
        name: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      });
    });
  });
});
