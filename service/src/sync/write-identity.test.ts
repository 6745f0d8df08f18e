// Writes as the task's owner, in the emulator's default access model (private activities,
// controlled by parent): editing or deleting a Task someone else owns needs the role hierarchy
// above the owner, edit access to its Who/What, or Modify All Data ("Sharing Default Access
// Settings", Salesforce Help). An org identity with View All Data reads every rep's task but is
// refused their edits; the rep's own connection makes them. An org identity with Modify All Data
// writes many reps' changes in one collection call. A rep with neither is held, not lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  SyncWorld,
  admin,
  connectRep,
  repId,
  requestLog,
  salesforceUser,
  startTestEmulator,
  startTestService,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';
import { grantOrgAccess } from '../../../scripts/package-install.ts';
import { HELD_CODE } from './write-identity.ts';

const COMPOSITE_PATH = '/services/data/v66.0/composite';

interface ErrorJson {
  category: string;
  code: string;
  ownerId: string;
}

interface ConnectionJson {
  status: string;
  pushes: { identity: string; reason: string };
}

async function errorsOf(world: SyncWorld, ownerId: string): Promise<ErrorJson[]> {
  const res = await world.api.call<{ errors: ErrorJson[] }>('GET', `/api/v1/errors?ownerId=${ownerId}`);
  return res.body.errors;
}

async function connection(world: SyncWorld, ownerId: string): Promise<ConnectionJson> {
  return (await world.api.call<ConnectionJson>('GET', `/api/v1/users/${ownerId}/salesforce-connection`)).body;
}

/** Who last changed the Task, as the admin reads it. */
async function lastModifiedBy(world: SyncWorld, id: string): Promise<string | undefined> {
  const result = await world.sf.query<{ LastModifiedById: string }>(
    `SELECT LastModifiedById FROM Task WHERE Id = '${id}'`,
  );
  return result.records[0]?.LastModifiedById;
}

for (const factory of testDatabases) {
  describe(`writes as the task's owner (org identity with View All Data) on ${factory.name}`, () => {
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

    it("pushes, completes, reschedules and deletes a rep's task with no Who/What through the rep's connection", async () => {
      const rep1 = await world.enable('rep1');
      assert.equal((await connection(world, 'rep1')).pushes.identity, 'own');
      const task = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Call back',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      assert.equal(record.OwnerId, rep1);

      // The org identity (View All Data, not Modify All Data) reads the task but may not edit it.
      const [refusedEdit] = await service.salesforce.updateRecords('Task', [
        { Id: record.Id, Status: 'Completed' },
      ]);
      assert.equal(refusedEdit?.success, false);
      assert.equal(refusedEdit.errors[0]?.code, 'INSUFFICIENT_ACCESS_OR_READONLY');
      const [refusedDelete] = await service.salesforce.deleteRecords([record.Id]);
      assert.equal(refusedDelete?.errors[0]?.code, 'INSUFFICIENT_ACCESS_OR_READONLY');

      await world.patch(task.id, { status: 'completed' });
      await waitFor(
        'Completed in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Status === 'Completed',
      );
      assert.equal(await lastModifiedBy(world, record.Id), rep1, 'written as the rep');
      await world.patch(task.id, { status: 'open', dueDate: '2026-12-08' });
      await waitFor(
        'rescheduled in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.ActivityDate === '2026-12-08',
      );
      assert.equal((await world.api.call('DELETE', `/api/v1/tasks/${task.id}`)).status, 204);
      await waitFor(
        'deleted in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`)).length === 0,
      );
      await world.settle('rep1');
      assert.deepEqual(await errorsOf(world, 'rep1'), []);
    });

    it('holds the changes of a rep with no connection, says why once, and sends them when the rep connects', async () => {
      await world.enableWithoutConnection('rep2');
      const task = await world.createTask({
        ownerId: 'rep2',
        type: 'call',
        name: 'Held call',
        dueDate: '2026-12-02',
      });
      // The org identity may create the rep's task (assigning a task needs no edit access to it).
      const record = await world.pushed(task.id);
      await world.settle('rep2');
      await world.patch(task.id, { status: 'completed' });
      const held = await waitFor('the hold', async () => {
        const view = await connection(world, 'rep2');
        return view.pushes.identity === 'none' ? view : undefined;
      });
      assert.match(held.pushes.reason, /no working Salesforce connection/);
      assert.match(held.pushes.reason, /Settings → My Account → Salesforce → Connect/);
      assert.equal(await service.store.outboxDepth('rep2'), 1, 'held, not lost');
      await service.engine.drainOutbox();
      await service.engine.drainOutbox();
      const errors = (await errorsOf(world, 'rep2')).filter((e) => e.code === HELD_CODE);
      assert.equal(errors.length, 1, 'recorded once');
      assert.equal(errors[0]?.category, 'Authentication');
      assert.notEqual((await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Status, 'Completed');

      const connected = await connectRep(world.api, 'rep2', { username: 'rep2@sia-emulator.example' });
      assert.equal(connected.status, 200, connected.body);
      await waitFor(
        'the held change in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Status === 'Completed',
      );
      await world.settle('rep2');
      assert.equal((await connection(world, 'rep2')).pushes.identity, 'own');
    });

    it("stops a revoked rep's pushes with one Authentication error and resumes after reconnect", async () => {
      await world.enable('rep3');
      const task = await world.createTask({
        ownerId: 'rep3',
        type: 'call',
        name: 'Before revoke',
        dueDate: '2026-12-03',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep3');
      // The admin revokes the rep's access (Setup → Connected Apps OAuth Usage → Revoke).
      await admin(emulator, 'POST', '/connected-apps/SIA_Sync/revoke', {
        username: 'rep3@sia-emulator.example',
      });
      await world.patch(task.id, { name: 'After revoke' });
      await waitFor(
        'the lost connection',
        async () => (await connection(world, 'rep3')).status === 'needs_reconnect',
      );
      await waitFor('the hold', async () => (await connection(world, 'rep3')).pushes.identity === 'none');
      await service.engine.drainOutbox();
      assert.equal(await service.store.outboxDepth('rep3'), 1, 'the change waits');
      const errors = await errorsOf(world, 'rep3');
      assert.deepEqual(
        errors.map((e) => `${e.category} ${e.code}`),
        ['Authentication INVALID_GRANT'],
        'one Authentication error, no second one for the hold',
      );
      assert.equal((await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Subject, 'Before revoke');

      const again = await connectRep(world.api, 'rep3', { username: 'rep3@sia-emulator.example' });
      assert.equal(again.status, 200, again.body);
      await waitFor(
        'the change in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Subject === 'After revoke',
      );
      await world.settle('rep3');
      assert.equal((await errorsOf(world, 'rep3')).length, 1);
    });
  });

  describe(`email activity as the rep (org identity with View All Data) on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startTestService(emulator, database);
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
      await world.sf.sobject('SIA_Sync_Setting__c').create({
        Scope_Key__c: 'ORG',
        Task_Sync_Mode__c: 'DoNotSync',
        Log_Email_Via_Api__c: true,
        Log_To__c: 'LeadsAndContacts',
        Duplicate_Rule__c: 'MostRecentlyUpdated',
        No_Match_Rule__c: 'DoNotLog',
        Log_To_Opportunities__c: 'None',
      });
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it("logs a sent email and ticks its open on the rep's Task through the rep's connection", async () => {
      const rep = await world.enable('rep4');
      // The rep's own settings row (made by switching task sync on) logs email through the API too.
      const [row] = (
        await world.sf.query<{ Id: string }>(`SELECT Id FROM SIA_Sync_Setting__c WHERE User__c = '${rep}'`)
      ).records;
      assert.ok(row);
      await world.sf.sobject('SIA_Sync_Setting__c').update({ Id: row.Id, Log_Email_Via_Api__c: true });
      service.email.settings.invalidate();
      const contact = await world.sf
        .sobject('Contact')
        .create({ LastName: 'Hopper', Email: 'grace@navy.example', OwnerId: rep });
      assert.ok(contact.success);
      const email = (kind: string): Record<string, unknown> => ({
        ownerId: 'rep4',
        kind,
        messageId: `<identity.${factory.name}@sia.example>`,
        subject: 'Compilers',
        body: '<p>Hi Grace</p>',
        sentAt: new Date().toISOString(),
        recipients: [{ email: 'grace@navy.example', salesforceId: contact.id }],
      });
      const sent = await world.api.call('POST', '/api/v1/email-activities', email('sent'));
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await service.email.drain();
      const [task] = await waitFor('the email Task', async () => {
        const rows = await world.sf.query<{ Id: string; OwnerId: string; SIA_Email_Viewed__c: boolean }>(
          `SELECT Id, OwnerId, SIA_Email_Viewed__c FROM Task WHERE WhoId = '${contact.id}'`,
        );
        return rows.records.length > 0 ? rows.records : undefined;
      });
      assert.ok(task);
      assert.equal(task.OwnerId, rep);

      // The open ticks the Task: the org identity (View All Data) may not edit it, the rep may.
      assert.equal((await world.api.call('POST', '/api/v1/email-activities', email('open'))).status, 202);
      await service.email.drain();
      await waitFor('the open on the Task', async () => {
        const rows = await world.sf.query<{ SIA_Email_Viewed__c: boolean }>(
          `SELECT SIA_Email_Viewed__c FROM Task WHERE Id = '${task.Id}'`,
        );
        return rows.records[0]?.SIA_Email_Viewed__c === true;
      });
      assert.equal(await lastModifiedBy(world, task.Id), rep, 'written as the rep');
      assert.deepEqual(await errorsOf(world, 'rep4'), []);
    });
  });

  describe(`one collection for many reps (org identity with Modify All Data) on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;
    const reps = ['rep4', 'rep5', 'rep6', 'rep7'];

    before(async () => {
      emulator = await startTestEmulator(undefined, { orgAccess: 'modifyAllData' });
      database = factory.create();
      // The test drains the outbox itself, so every rep's change is queued when it does.
      service = await startTestService(emulator, database, {
        config: { outboxIntervalMs: 3_600_000, outboxCoalesceMs: 3_600_000 },
      });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it("writes many reps' changes, and the per-record fallback's refusals, in one collection call", async () => {
      for (const rep of reps) await world.enableWithoutConnection(rep);
      await service.engine.idle();
      const tasks = [];
      for (const rep of reps)
        tasks.push(
          await world.createTask({
            ownerId: rep,
            type: 'call',
            name: `Call for ${rep}`,
            dueDate: '2026-12-04',
          }),
        );
      await admin(emulator, 'DELETE', '/requests');
      await service.engine.drainOutbox();
      const writes = (await requestLog(emulator)).filter(
        (r) => r.method !== 'GET' && r.path.startsWith('/services/data/'),
      );
      assert.deepEqual(
        writes.map((w) => `${w.method} ${w.path}`),
        [`POST ${COMPOSITE_PATH}`],
        "four reps' tasks (and their notices) in one call",
      );
      for (const [index, task] of tasks.entries()) {
        const record = await world.pushed(task.id);
        assert.equal(record.OwnerId, repId(emulator, reps[index] as string));
      }

      // Completing them is one call too: Modify All Data edits every rep's task.
      for (const task of tasks) await world.patch(task.id, { status: 'completed' });
      await admin(emulator, 'DELETE', '/requests');
      await service.engine.drainOutbox();
      const edits = (await requestLog(emulator)).filter(
        (r) => r.method !== 'GET' && r.path.startsWith('/services/data/'),
      );
      assert.equal(edits.length, 1);
      for (const task of tasks)
        assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`))[0]?.Status, 'Completed');
      for (const rep of reps) {
        assert.equal((await connection(world, rep)).pushes.identity, 'org');
        assert.deepEqual(await errorsOf(world, rep), []);
      }
    });

    it("sends what the org identity is refused through each owner's connection, and holds a rep without one", async () => {
      const [rep4, rep5, rep6] = reps as [string, string, string];
      for (const rep of [rep4, rep5]) {
        const connected = await connectRep(world.api, rep, { username: `${rep}@sia-emulator.example` });
        assert.equal(connected.status, 200, connected.body);
      }
      await service.engine.idle();
      // The admin takes Modify All Data away from the org identity; the service finds out by the
      // refusals, record by record.
      await grantOrgAccess(emulator, 'integration@sia-emulator.example', 'viewAllData');
      const tasks = new Map<string, string>();
      for (const rep of [rep4, rep5, rep6]) {
        const task = (
          await world.api.call<{ tasks: { id: string }[] }>('GET', `/api/v1/tasks?ownerId=${rep}`)
        ).body.tasks[0];
        assert.ok(task);
        tasks.set(rep, task.id);
        await world.patch(task.id, { name: `Renamed for ${rep}` });
      }
      await admin(emulator, 'DELETE', '/requests');
      await service.engine.drainOutbox();
      for (const rep of [rep4, rep5]) {
        const [record] = await world.salesforceTasks(`SIA_Task_Id__c = '${tasks.get(rep) ?? ''}'`);
        assert.equal(record?.Subject, `Renamed for ${rep}`);
        assert.equal(await lastModifiedBy(world, record.Id), repId(emulator, rep), 'written as the rep');
      }
      // (Beside them, the org identity writes the hold's Sync Health rows.)
      const upserts = (await requestLog(emulator)).filter((r) => r.path === COMPOSITE_PATH);
      assert.equal(upserts.length, 3, "the org identity's refused call, then one call per connected rep");
      const [kept] = await world.salesforceTasks(`SIA_Task_Id__c = '${tasks.get(rep6) ?? ''}'`);
      assert.equal(kept?.Subject, `Call for ${rep6}`);
      assert.equal(await service.store.outboxDepth(rep6), 1, 'held, not lost');
      assert.equal((await connection(world, rep6)).pushes.identity, 'none');
      assert.equal((await errorsOf(world, rep6)).filter((e) => e.code === HELD_CODE).length, 1);
      assert.deepEqual(await errorsOf(world, rep4), []);
    });
  });
}
