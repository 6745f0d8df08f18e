// README "Sync health" 1 and 2 against the emulator: one SIA_Sync_Error__c row per distinct
// failure (a repeat updates the open row), and an admin's Retry (Retry_Requested__c through
// SIA_Sync_Error__ChangeEvent) for task pushes and for email logging: the flag is cleared, then
// the row is resolved when the retry worked or updated when it still fails; a row an admin
// resolved stays resolved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  repId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

const UPSERT_PATH = '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c';
const NO_ACCESS = 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY';
/** A Contact id that does not exist: Salesforce refuses it as WhoId. */
const MISSING_CONTACT = '003000000000000AAA';

interface ErrorRow {
  Id: string;
  Error_Code__c: string;
  Message__c: string;
  Direction__c: string;
  Occurred_At__c: string;
  Retry_Requested__c: boolean;
  Resolved__c: boolean;
  SIA_Task_Id__c: string | null;
  Record_Id__c: string | null;
}

for (const factory of testDatabases) {
  describe(`sync error rows and retries on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function errorRows(where: string): Promise<ErrorRow[]> {
      const result = await world.sf.query<ErrorRow>(
        `SELECT Id, Error_Code__c, Message__c, Direction__c, Occurred_At__c, Retry_Requested__c, Resolved__c, SIA_Task_Id__c, Record_Id__c FROM SIA_Sync_Error__c WHERE ${where}`,
      );
      return result.records;
    }

    async function refusedTask(owner: string, name: string): Promise<{ id: string; row: ErrorRow }> {
      const task = await world.createTask({
        ownerId: owner,
        type: 'call',
        name,
        dueDate: '2026-12-01',
        person: { salesforceId: MISSING_CONTACT },
      });
      const row = await waitFor(
        'the error row',
        async () => (await errorRows(`SIA_Task_Id__c = '${task.id}'`))[0],
      );
      await world.settle(owner);
      return { id: task.id, row };
    }

    async function requestRetry(row: ErrorRow, extra: Record<string, unknown> = {}): Promise<ErrorRow> {
      await world.sf.sobject('SIA_Sync_Error__c').update({ Id: row.Id, Retry_Requested__c: true, ...extra });
      return waitFor('the retry handled', async () => {
        const [now] = await errorRows(`Id = '${row.Id}'`);
        return now && !now.Retry_Requested__c ? now : undefined;
      });
    }

    it('updates the open row when the same push fails again, instead of adding one', async () => {
      await world.enable('rep1');
      const { id, row } = await refusedTask('rep1', 'Refused twice');
      assert.equal(row.Error_Code__c, NO_ACCESS);
      await world.patch(id, { name: 'Refused twice, renamed' });
      await waitFor('the second failure', async () => {
        const errors = await world.api.call<{ errors: unknown[] }>('GET', '/api/v1/errors?ownerId=rep1');
        return errors.body.errors.length === 2;
      });
      await world.settle('rep1');
      const rows = await errorRows(`SIA_Task_Id__c = '${id}'`);
      assert.equal(rows.length, 1, 'one row for one problem');
      assert.equal(rows[0]?.Id, row.Id);
      assert.ok(rows[0].Occurred_At__c >= row.Occurred_At__c, 'the time of the repeat, to the second');
    });

    it('keeps a retried task error open with the new failure when the retry fails', async () => {
      await world.enable('rep2');
      const { id, row } = await refusedTask('rep2', 'Still refused');
      const handled = await requestRetry(row);
      assert.equal(handled.Resolved__c, false, 'not resolved: it still fails');
      assert.equal(handled.Error_Code__c, NO_ACCESS);
      // Salesforce keeps datetimes to the second: a retry within the same second reads the same time.
      assert.ok(handled.Occurred_At__c >= row.Occurred_At__c, 'the time of the retry');
      assert.equal((await errorRows(`SIA_Task_Id__c = '${id}'`)).length, 1, 'no second row');
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${id}'`)).length, 0);
    });

    it('never un-resolves a row an admin resolved', async () => {
      await world.enable('rep3');
      const { row } = await refusedTask('rep3', 'Resolved by the admin');
      const handled = await requestRetry(row, { Resolved__c: true });
      assert.equal(handled.Resolved__c, true);
    });

    it('logs a failed email again when an admin retries its EmailLogging error', async () => {
      const admins = world.sf;
      const existing = await admins.query<{ Id: string }>(
        "SELECT Id FROM SIA_Sync_Setting__c WHERE Scope_Key__c = 'ORG'",
      );
      const orgFields = {
        Log_Email_Via_Api__c: true,
        Log_To__c: 'LeadsAndContacts',
        Duplicate_Rule__c: 'MostRecentlyUpdated',
        No_Match_Rule__c: 'DoNotLog',
      };
      if (existing.records[0])
        await admins.sobject('SIA_Sync_Setting__c').update({ Id: existing.records[0].Id, ...orgFields });
      else
        await admins
          .sobject('SIA_Sync_Setting__c')
          .create({ Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'DoNotSync', ...orgFields });
      const rep = repId(emulator, 'rep4');
      const put = await world.api.call('PUT', '/api/v1/users/rep4', {
        email: 'rep4@example.com',
        salesforceUserId: rep,
        timeZone: 'UTC',
      });
      assert.equal(put.status, 200);
      const contact = await admins
        .sobject('Contact')
        .create({ LastName: 'Turing', Email: 'alan@enigma.example', OwnerId: rep });
      assert.ok(contact.success);
      await admin(emulator, 'POST', '/faults', {
        method: 'PATCH',
        path: UPSERT_PATH,
        times: 1,
        action: 'status',
        status: 400,
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Tasks need a call result',
      });
      const sent = await world.api.call('POST', '/api/v1/email-activities', {
        ownerId: 'rep4',
        kind: 'sent',
        messageId: `<retry.${factory.name}@sia.example>`,
        subject: 'On computable numbers',
        body: '<p>Hi Alan</p>',
        sentAt: new Date().toISOString(),
        recipients: [{ email: 'alan@enigma.example' }],
      });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      const row = await waitFor(
        'the email error row',
        async () =>
          (
            await errorRows(
              "Direction__c = 'EmailLogging' AND Error_Code__c = 'FIELD_CUSTOM_VALIDATION_EXCEPTION'",
            )
          )[0],
      );
      assert.equal(row.Record_Id__c, contact.id);
      assert.match(row.SIA_Task_Id__c ?? '', /^sia-email-activity:\d+$/);

      const handled = await requestRetry(row);
      assert.equal(handled.Resolved__c, true, 'the email was logged on the retry');
      const logged = await world.sf.query<{ Id: string }>(
        `SELECT Id FROM Task WHERE WhoId = '${contact.id}'`,
      );
      assert.equal(logged.records.length, 1);
    });
  });
}
