// The sync engine next to email logging and the LWCs, against the emulator: logged email Tasks are
// never imported as reminder tasks (change events, first-sync import, sweep), a settings change
// reaches email logging within seconds, the batch's SIA_Sync_Notice__e names the records the tasks
// hang off and rides in the upsert's composite call, and a burst of tasks costs one call per 200.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startService, type RunningService } from '../app.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  allowCallback,
  repId,
  requestLog,
  salesforceUser,
  serviceConfig,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';
import type { SiaUser } from '../sia/model.ts';
import { noticeRecords } from './notices.ts';

const COMPOSITE_PATH = '/services/data/v66.0/composite';
const UPSERT_PATH = '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c';
const API_MODE = {
  Log_Email_Via_Api__c: true,
  Log_To__c: 'LeadsAndContacts',
  Duplicate_Rule__c: 'MostRecentlyUpdated',
  No_Match_Rule__c: 'DoNotLog',
  Log_To_Opportunities__c: 'None',
};

describe('SIA_Sync_Notice__e records', () => {
  const user = { salesforceUserId: '005000000000001AAA' } as SiaUser;

  it('name each id once and split when Record_Ids__c would overflow', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `003000000000${String(i).padStart(3, '0')}AAA`);
    const [one] = noticeRecords(user, 'pushed', [...ids, ids[0], null, undefined]);
    assert.equal(one?.['Record_Ids__c'], ids.join(','));
    // 18-character ids: three fit in 56 characters (18 + 1 + 18 + 1 + 18), the fourth starts a new notice.
    const split = noticeRecords(user, 'pushed', ids, 56);
    assert.deepEqual(
      split.map((n) => n['Record_Ids__c']),
      [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6, 9), ids.slice(9)].map((c) => c.join(',')),
    );
    for (const notice of split) {
      assert.equal(notice['User_Id__c'], user.salesforceUserId);
      assert.equal(notice['Kind__c'], 'pushed');
    }
    assert.deepEqual(noticeRecords(user, 'error', []), [
      { User_Id__c: user.salesforceUserId, Kind__c: 'error', Record_Ids__c: '' },
    ]);
  });
});

for (const factory of testDatabases) {
  describe(`sync batching, notices and email Tasks on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;
    let message = 0;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
      await world.sf.sobject('SIA_Sync_Setting__c').create({
        Scope_Key__c: 'ORG',
        Task_Sync_Mode__c: 'DoNotSync',
        ...API_MODE,
      });
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function notices(): Promise<Record<string, unknown>[]> {
      const { events } = (await admin(emulator, 'GET', '/events')) as {
        events: { channel: string; payload: Record<string, unknown> }[];
      };
      return events.filter((e) => e.channel === '/event/SIA_Sync_Notice__e').map((e) => e.payload);
    }

    async function repRow(name: string): Promise<string> {
      const [row] = (
        await world.sf.query<{ Id: string }>(
          `SELECT Id FROM SIA_Sync_Setting__c WHERE User__c = '${repId(emulator, name)}'`,
        )
      ).records;
      if (!row) throw new Error(`no settings row of ${name}`);
      return row.Id;
    }

    async function logEmail(ownerId: string, contactId: string): Promise<string> {
      message += 1;
      const res = await world.api.call<Record<string, unknown>>('POST', '/api/v1/email-activities', {
        ownerId,
        kind: 'sent',
        messageId: `<m${String(message)}.${factory.name}@sia.example>`,
        subject: `Quick question ${String(message)}`,
        body: '<p>Hi Ada</p>',
        sentAt: new Date().toISOString(),
        recipients: [{ email: 'ada@analytical.example', salesforceId: contactId }],
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await service.email.drain();
      const subject = `Quick question ${String(message)}`;
      const [task] = await waitFor('the email Task', async () => {
        const rows = await world.sf.query<{ Id: string; SIA_Task_Id__c: string }>(
          `SELECT Id, SIA_Task_Id__c FROM Task WHERE WhoId = '${contactId}' AND Subject LIKE '%${subject}'`,
        );
        return rows.records.length > 0 ? rows.records : undefined;
      });
      assert.ok(task?.SIA_Task_Id__c.startsWith('sia-email:'), task?.SIA_Task_Id__c);
      if (!task) throw new Error('no email Task');
      return task.Id;
    }

    it('never imports a logged email Task as a SIA task: first-sync import, change events, sweep', async () => {
      const contact = await world.sf.sobject('Contact').create({ LastName: 'Lovelace' });
      assert.ok(contact.success);
      const contactId = contact.id;
      const put = await world.api.call('PUT', '/api/v1/users/rep1', {
        email: 'rep1@example.com',
        salesforceUserId: repId(emulator, 'rep1'),
        timeZone: 'UTC',
      });
      assert.equal(put.status, 200);
      // Logged while task sync is off: the first-sync import (last 24 hours) sees it.
      const before = await logEmail('rep1', contactId);
      await world.enable('rep1');
      // The rep's own settings row (created by switching task sync on) keeps email logging on.
      await world.sf.sobject('SIA_Sync_Setting__c').update({ Id: await repRow('rep1'), ...API_MODE });
      service.email.settings.invalidate();
      // Logged while task sync is on: its CREATE change event reaches the engine.
      const during = await logEmail('rep1', contactId);
      const ids = new Map<string, string>();
      for (const row of await world.salesforceTasks(`Id IN ('${before}','${during}')`))
        ids.set(row.Id, row.SIA_Task_Id__c ?? '');
      await world.caughtUp();
      await world.settle('rep1');
      await service.engine.reconcile();
      await world.settle('rep1');
      const page = await service.store.listTasks({ ownerId: 'rep1', limit: 100 });
      assert.deepEqual(
        page.tasks.map((t) => t.name),
        [],
        'no SIA task for email activity',
      );
      for (const row of await world.salesforceTasks(`Id IN ('${before}','${during}')`))
        assert.equal(row.SIA_Task_Id__c, ids.get(row.Id), 'the email Task keeps its upsert key');
    });

    it('applies a settings change to email logging before the 60 s settings cache expires: the change event drops it', async () => {
      const mode = async (): Promise<string> =>
        (await world.api.call<{ mode: string }>('GET', '/api/v1/users/rep1/email-logging')).body.mode;
      assert.equal(await mode(), 'api');
      const row = await repRow('rep1');
      await world.sf.sobject('SIA_Sync_Setting__c').update({ Id: row, Log_Email_Via_Api__c: false });
      await waitFor('email logging off', async () => (await mode()) !== 'api');
      await world.sf.sobject('SIA_Sync_Setting__c').update({ Id: row, Log_Email_Via_Api__c: true });
      await waitFor('email logging back on', async () => (await mode()) === 'api');
    });

    it('names the WhoId and WhatId of a new task in the notice that rides with its upsert', async () => {
      const ownerSalesforceId = await world.enable('rep2');
      const account = await world.sf.sobject('Account').create({ Name: 'Analytical Engines' });
      const contact = await world.sf
        .sobject('Contact')
        .create({ LastName: 'Babbage', AccountId: account.id });
      assert.ok(account.success && contact.success);
      await admin(emulator, 'DELETE', '/requests');
      const task = await world.createTask({
        ownerId: 'rep2',
        type: 'call',
        name: 'Call Charles',
        dueDate: '2026-12-01',
        person: { salesforceId: contact.id },
        relatedToId: account.id,
      });
      const record = await world.pushed(task.id);
      const notice = await waitFor('the notice naming the contact', async () =>
        (await notices()).find(
          (n) =>
            n['Kind__c'] === 'pushed' &&
            n['User_Id__c'] === ownerSalesforceId &&
            String(n['Record_Ids__c']).includes(contact.id),
        ),
      );
      assert.ok(String(notice['Record_Ids__c']).split(',').includes(account.id));
      await world.settle('rep2');
      const writes = (await requestLog(emulator)).filter(
        (r) => r.method !== 'GET' && r.path.startsWith('/services/data/'),
      );
      assert.deepEqual(
        writes.map((w) => `${w.method} ${w.path}`),
        [`POST ${COMPOSITE_PATH}`],
        'the upsert and its notice in one call',
      );

      // An edit of an existing task names the task itself too.
      await world.patch(task.id, { name: 'Call Charles back' });
      await waitFor('the notice naming the task', async () =>
        (await notices()).some(
          (n) =>
            String(n['Record_Ids__c']).includes(record.Id) && String(n['Record_Ids__c']).includes(contact.id),
        ),
      );
    });

    it('recorded no sync error along the way', async () => {
      // The harness org's Task Type picklist has no "Reply": email logging says so, which is not a sync error.
      const errors = (await service.store.listErrors(undefined, 10)).filter(
        (e) => e.code !== 'TASK_TYPE_VALUE_MISSING',
      );
      assert.deepEqual(errors, []);
    });
  });

  // A service whose coalescing window outlasts the burst, so the count alone decides the batches.
  describe(`a burst of tasks on ${factory.name}`, () => {
    let burstEmulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let burst: SyncWorld;

    before(async () => {
      burstEmulator = await startTestEmulator();
      database = factory.create();
      service = await startService({
        config: { ...serviceConfig(burstEmulator, database), outboxCoalesceMs: 8_000 },
        logger: createLogger({ level: 'silent' }),
        clock: systemClock,
        defaultMetrics: false,
      });
      await allowCallback(burstEmulator, service.url);
      burst = new SyncWorld(burstEmulator, service, await salesforceUser(burstEmulator));
    });

    after(async () => {
      await service.close();
      await burstEmulator.close();
      await database.dispose();
    });

    it('pushes 450 tasks created at once in at most 3 calls, notices included', async () => {
      await burst.enable('rep3');
      await burst.settle('rep3');
      await admin(burstEmulator, 'DELETE', '/requests');
      const created: string[] = [];
      for (let start = 0; start < 450; start += 50) {
        const chunk = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            burst.createTask({
              ownerId: 'rep3',
              type: 'call',
              name: `Burst ${String(start + i)}`,
              dueDate: '2026-12-02',
            }),
          ),
        );
        created.push(...chunk.map((t) => t.id));
      }
      await waitFor(
        'all 450 in Salesforce',
        async () =>
          (
            await burst.salesforceTasks(
              `OwnerId = '${repId(burstEmulator, 'rep3')}' AND Subject LIKE 'Burst %'`,
            )
          ).length === 450,
        20_000,
      );
      await burst.settle('rep3');
      const writes = (await requestLog(burstEmulator)).filter(
        (r) =>
          r.method !== 'GET' &&
          r.path.startsWith('/services/data/') &&
          !r.path.includes('/SIA_Sync_Status__c/'), // the health heartbeat, on a timer of its own
      );
      const composites = writes.filter((w) => w.method === 'POST' && w.path === COMPOSITE_PATH);
      assert.ok(composites.length <= 3, `${String(composites.length)} composite calls for 450 tasks`);
      assert.equal(writes.filter((w) => w.path === UPSERT_PATH).length, 0);
      assert.equal(
        writes.length,
        composites.length,
        `no other writes: ${JSON.stringify(writes.map((w) => `${w.method} ${w.path}`))}`,
      );
    });
  });
}
