// Faults against the emulator: a crash between the Salesforce write and the local commit,
// a token revoked in the middle of a batch, and a collection with one invalid record.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeWithin, type RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  requestLog,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

// Pushes go out as one composite call: the Task collection upsert and the batch's SIA_Sync_Notice__e.
const UPSERT_PATH = '/services/data/v66.0/composite';

for (const factory of testDatabases) {
  describe(`sync faults on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;
    let crashNextUpsert = false;
    /** Before the next upsert settles locally, a link of another task takes its first record's id. */
    let squatNextUpsert = false;

    /** The service under test, with the faults' hooks; restarts get them too. */
    function startFaultyService(): Promise<RunningService> {
      return startTestService(emulator, database, {
        requestTimeoutMs: 2_000,
        hooks: {
          afterSalesforceWrite: async (kind, ids) => {
            if (kind === 'upsert' && squatNextUpsert) {
              squatNextUpsert = false;
              await service.store.putLink({
                task_id: 'squatter',
                salesforce_id: ids[0] ?? null,
                owner_id: 'rep1',
                synced_hash: null,
                synced_values: null,
                synced_at: null,
                deleted_at: null,
                needs_stamp: 0,
              });
            }
            if (kind !== 'upsert' || !crashNextUpsert) return;
            crashNextUpsert = false;
            throw new Error('simulated crash after the Salesforce write');
          },
        },
      });
    }

    before(async () => {
      emulator = await startTestEmulator();
      database = factory.create();
      service = await startFaultyService();
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    it('creates no duplicate when the process dies between the Salesforce write and the local commit', async () => {
      await world.enable('rep1');
      await service.engine.idle();
      crashNextUpsert = true;
      const task = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Crash after write',
        dueDate: '2026-12-01',
      });
      await world.pushed(task.id);
      await waitFor('the crash', () => Promise.resolve(!crashNextUpsert));
      await service.close();
      assert.equal(
        await service.store.outboxDepth('rep1').catch(() => -1),
        -1,
        'the database is closed after shutdown',
      );

      // Restart on the same database: the outbox still holds the change and sends it again.
      service = await startFaultyService();
      world = new SyncWorld(emulator, service, world.sf);
      await world.settle('rep1');
      const records = await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`);
      assert.equal(records.length, 1, 'the retried upsert matched the record by SIA_Task_Id__c');
      assert.equal((await world.task(task.id))?.salesforceTaskId, records[0]?.Id);
      const errors = await world.api.call<{ errors: unknown[] }>('GET', '/api/v1/errors?ownerId=rep1');
      assert.deepEqual(errors.body.errors, [], 'the retry succeeded without an error');
    });

    it('settles a pushed batch record by record when the database refuses the batch, holding up only the refused', async () => {
      await world.enable('rep1');
      await world.settle('rep1');
      squatNextUpsert = true;
      // Created together, the three go out in one collection (the coalescing window outlasts them).
      const tasks = await Promise.all(
        ['Settle A', 'Settle B', 'Settle C'].map((name) =>
          world.createTask({ ownerId: 'rep1', type: 'call', name, dueDate: '2026-12-01' }),
        ),
      );
      await waitFor('the batch written and settled', async () => {
        if (squatNextUpsert) return false;
        const linked = await Promise.all(tasks.map(async (t) => (await world.task(t.id))?.salesforceTaskId));
        return linked.filter((id) => id !== null).length === 2;
      });
      const squatted = await service.store.getLink('squatter');
      assert.ok(squatted?.salesforce_id);
      const refused = (await world.salesforceTasks(`Id = '${squatted.salesforce_id}'`))[0];
      assert.ok(refused, 'the refused record was written to Salesforce');
      for (const task of tasks) {
        const linked = (await world.task(task.id))?.salesforceTaskId ?? null;
        if (task.id === refused['SIA_Task_Id__c']) {
          assert.equal(linked, null, 'the refused record is not linked');
          assert.ok(await service.store.outboxFor(task.id), 'and its change stays queued');
        } else {
          assert.notEqual(linked, null, `${task.name} is linked`);
          assert.equal(await service.store.outboxFor(task.id), undefined, `${task.name} is settled`);
        }
      }
      // Once the database takes the link, the queued change lands on the same record.
      await service.store.deleteLink('squatter');
      await world.settle('rep1');
      const records = await world.salesforceTasks(`SIA_Task_Id__c = '${String(refused['SIA_Task_Id__c'])}'`);
      assert.equal(records.length, 1);
      assert.equal(
        (await world.task(String(refused['SIA_Task_Id__c'])))?.salesforceTaskId,
        squatted.salesforce_id,
      );
    });

    it('abandons a batch stuck past the shutdown deadline, and the restart lands it once', async () => {
      await world.enable('rep7');
      await world.settle('rep7');
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const stuck = new Promise<void>((resolve) => {
        entered = resolve;
      });
      // A service whose next upsert hangs after Salesforce answered, before the local commit.
      await service.close();
      let hang = true;
      service = await startTestService(emulator, database, {
        hooks: {
          afterSalesforceWrite: async (kind) => {
            if (kind !== 'upsert' || !hang) return;
            hang = false;
            entered();
            await released;
          },
        },
      });
      world = new SyncWorld(emulator, service, world.sf);
      const task = await world.createTask({
        ownerId: 'rep7',
        type: 'call',
        name: 'Stuck at shutdown',
        dueDate: '2026-12-01',
      });
      await stuck;
      // SIGTERM: the batch does not finish, so the deadline abandons it and the process may exit.
      const { outcome, closing } = await closeWithin(service, 200);
      assert.equal(outcome, 'abandoned');
      release();
      await closing.catch(() => undefined);

      service = await startFaultyService();
      world = new SyncWorld(emulator, service, world.sf);
      await world.settle('rep7');
      const records = await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`);
      assert.equal(records.length, 1, 'sent again after the restart, matched by SIA_Task_Id__c');
      assert.equal((await world.task(task.id))?.salesforceTaskId, records[0]?.Id);
    });

    it('re-mints the token when it is revoked mid-batch and lands the batch', async () => {
      await world.enable('rep2');
      await world.settle('rep2');
      // rep2's tasks are written through rep2's own connection (the org identity may not edit them).
      const rep2 = await service.store.getUser('rep2');
      assert.ok(rep2);
      const writer = await service.connections.clientFor(rep2);
      assert.ok(writer);
      const refreshesBefore = writer.refreshCount;
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'revoke-token',
        times: 1,
      });
      const task = await world.createTask({
        ownerId: 'rep2',
        type: 'email',
        name: 'After a 401',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      assert.equal(record.Subject, 'After a 401');
      assert.ok(writer.refreshCount > refreshesBefore, 'the token was re-minted');
      const unauthorized = (await requestLog(emulator)).filter(
        (r) => r.path === UPSERT_PATH && r.status === 401,
      );
      assert.ok(unauthorized.length >= 1, 'the emulator answered 401 once');
      await world.settle('rep2');
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`)).length, 1);
    });

    it('lands the valid records of a collection and records the invalid one with its Salesforce error', async () => {
      await world.enable('rep3');
      await world.settle('rep3');
      // Three changes made together travel together: the coalescing window (500 ms) gathers them
      // into one collection, in which one record is invalid.
      await admin(emulator, 'DELETE', '/requests');
      const [good1, bad, good2] = await Promise.all([
        world.createTask({ ownerId: 'rep3', type: 'call', name: 'Good one', dueDate: '2026-12-01' }),
        world.createTask({
          ownerId: 'rep3',
          type: 'call',
          name: 'Bad person',
          dueDate: '2026-12-01',
          person: { salesforceId: '003000000000000AAA' },
        }),
        world.createTask({ ownerId: 'rep3', type: 'call', name: 'Good two', dueDate: '2026-12-01' }),
      ]);
      await world.settle('rep3');

      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${good1.id}'`)).length, 1);
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${good2.id}'`)).length, 1);
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${bad.id}'`)).length, 0);
      // settle() waited for an empty outbox: the refused record is reported, not queued for a retry.
      const upserts = (await requestLog(emulator)).filter((r) => r.path === UPSERT_PATH);
      assert.equal(upserts.length, 1, 'the three together in one collection; nothing re-sent');

      const errors = await world.api.call<{
        errors: { taskId: string; category: string; code: string; direction: string }[];
      }>('GET', '/api/v1/errors?ownerId=rep3');
      assert.deepEqual(
        errors.body.errors.map((e) => [e.taskId, e.category, e.code, e.direction]),
        [[bad.id, 'Access & Validation', 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', 'outbound']],
      );
      const recorded = await world.sf.query<{
        Category__c: string;
        Error_Code__c: string;
        SIA_Task_Id__c: string;
      }>(
        `SELECT Category__c, Error_Code__c, SIA_Task_Id__c FROM SIA_Sync_Error__c WHERE SIA_Task_Id__c = '${bad.id}'`,
      );
      const [row] = recorded.records;
      assert.ok(row, 'an SIA_Sync_Error__c row for the admin');
      assert.equal(row.Category__c, 'AccessValidation');
      assert.equal(row.Error_Code__c, 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY');
      assert.equal((await world.task(bad.id))?.salesforceTaskId, null, 'the SIA task stays, unlinked');
    });

    it('keeps creates and edits queued through two 500s and a later edit, and lands every field', async () => {
      await world.enable('rep5');
      await world.settle('rep5');
      const [old1, old2] = await Promise.all([
        world.createTask({ ownerId: 'rep5', type: 'call', name: 'Old one', dueDate: '2026-12-01' }),
        world.createTask({ ownerId: 'rep5', type: 'call', name: 'Old two', dueDate: '2026-12-01' }),
      ]);
      await world.pushed(old1.id);
      await world.pushed(old2.id);
      await world.settle('rep5');
      await admin(emulator, 'DELETE', '/requests');
      // 500 UNKNOWN_EXCEPTION: Salesforce's answer to an internal error, which a retry can get past.
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'status',
        status: 500,
        errorCode: 'UNKNOWN_EXCEPTION',
        times: 2,
      });
      // Then a dropped connection and an answer that comes after the request timeout.
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'drop',
        times: 1,
      });
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'delay',
        delayMs: 4_000,
        times: 1,
      });
      const created = await Promise.all(
        ['New one', 'New two', 'New three', 'New four'].map((name) =>
          world.createTask({ ownerId: 'rep5', type: 'call', name, dueDate: '2026-12-02' }),
        ),
      );
      await world.patch(old1.id, { name: 'Old one renamed' });
      await world.patch(old2.id, { details: 'Edited while Salesforce failed' });
      await waitFor('two 500s on the push', async () => {
        const failed = (await requestLog(emulator)).filter((r) => r.path === UPSERT_PATH && r.status === 500);
        return failed.length >= 2;
      });
      await waitFor('the dropped connection and the timeout', async () => {
        const armed = (await admin(emulator, 'GET', '/faults')) as { faults: unknown[] };
        return armed.faults.length === 0;
      });
      // A later edit of the same task: the earlier unsent name must still go with it.
      await world.patch(old1.id, { dueDate: '2026-12-09' });
      await world.settle('rep5');

      for (const task of created) assert.equal((await world.pushed(task.id)).Subject, task.name);
      const first = await world.pushed(old1.id);
      assert.equal(first.Subject, 'Old one renamed', 'the name edited before the 500s arrived');
      assert.equal(first.ActivityDate, '2026-12-09');
      assert.equal((await world.pushed(old2.id)).Description, 'Edited while Salesforce failed');
      const errors = await world.api.call<{ errors: unknown[] }>('GET', '/api/v1/errors?ownerId=rep5');
      assert.deepEqual(errors.body.errors, [], 'a transient failure is not settled as an error');
    });

    it('reports a failure that outlasts its retries (authentication, then a lock) and resolves it when a retry lands', async () => {
      // Not connected yet: the org identity writes rep6's new task (it may create it), so the
      // refused token is the org identity's, which is retried rather than ending a connection.
      await world.enableWithoutConnection('rep6');
      await world.settle('rep6');
      interface ListedError {
        category: string;
        code: string;
        attempts: number;
        firstSeenAt: string;
        lastSeenAt: string;
        taskId: string | null;
      }
      const listed = async (): Promise<ListedError[]> =>
        (await world.api.call<{ errors: ListedError[] }>('GET', '/api/v1/errors?ownerId=rep6')).body.errors;

      // The session is revoked and every new token is refused: the app's access was taken away.
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'revoke-token',
        times: 1,
      });
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: '/services/oauth2/token',
        action: 'status',
        status: 400,
        errorCode: 'invalid_grant',
        message: 'expired access/refresh token',
        times: 1_000,
      });
      const task = await world.createTask({
        ownerId: 'rep6',
        type: 'call',
        name: 'Waits for a token',
        dueDate: '2026-12-01',
      });
      const auth = await waitFor('the authentication failure reported', async () =>
        (await listed()).find((e) => e.category === 'Authentication'),
      );
      assert.equal(auth.code, 'INVALID_GRANT');
      assert.ok(auth.attempts >= 5, `reported after 5 attempts, not ${String(auth.attempts)}`);
      assert.ok(auth.firstSeenAt < auth.lastSeenAt, 'first and last seen');
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`)).length, 0);

      // Access comes back: the next retry lands the change and resolves the failure.
      await admin(emulator, 'DELETE', '/faults');
      await world.pushed(task.id);
      await world.settle('rep6');
      await waitFor('the authentication failure resolved', async () =>
        (await listed()).every((e) => e.category !== 'Authentication'),
      );
      // The change stream reconnected after its failed attempts: a Salesforce edit arrives.
      const record = await world.pushed(task.id);
      await world.sf
        .sobject('Task')
        .update({ Id: record.Id, Description: 'From Salesforce after the outage' });
      await waitFor(
        'the Salesforce edit in SIA',
        async () => (await world.task(task.id))?.details === 'From Salesforce after the outage',
      );

      // A row that stays locked: one record's failure, reported on Sync Health as Intermittent.
      // rep6 connects: the org identity (View All Data) may not edit the task, rep6 may.
      await world.connect('rep6');
      await world.patch(task.id, { name: 'Locked for a while' });
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'status',
        status: 400,
        errorCode: 'UNABLE_TO_LOCK_ROW',
        times: 1_000,
      });
      const locked = await waitFor('the lock failure reported', async () =>
        (await listed()).find((e) => e.code === 'UNABLE_TO_LOCK_ROW'),
      );
      assert.equal(locked.category, 'Intermittent');
      const row = await waitFor('the SIA_Sync_Error__c row', async () => {
        const rows = await world.sf.query<{ Id: string; Category__c: string; Error_Code__c: string }>(
          `SELECT Id, Category__c, Error_Code__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'UNABLE_TO_LOCK_ROW' AND Resolved__c = false`,
        );
        return rows.records[0];
      });
      assert.equal(row.Category__c, 'Intermittent');
      await admin(emulator, 'DELETE', '/faults');
      await waitFor('the rename in Salesforce', async () => {
        const [record] = await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`);
        return record?.Subject === 'Locked for a while';
      });
      await world.settle('rep6');
      await waitFor('the lock failure resolved, here and on Sync Health', async () => {
        const rows = await world.sf.query<{ Resolved__c: boolean }>(
          `SELECT Resolved__c FROM SIA_Sync_Error__c WHERE Id = '${row.Id}'`,
        );
        return rows.records[0]?.Resolved__c === true && (await listed()).length === 0;
      });
    });

    it('pushes a task again when an admin asks to retry its SIA_Sync_Error__c', async () => {
      await world.enable('rep4');
      await world.settle('rep4');
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'status',
        status: 400,
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Blocked by a validation rule',
        times: 1,
      });
      const task = await world.createTask({
        ownerId: 'rep4',
        type: 'call',
        name: 'Retry me',
        dueDate: '2026-12-01',
      });
      const row = await waitFor('the error row for the admin', async () => {
        const rows = await world.sf.query<{ Id: string; Category__c: string }>(
          `SELECT Id, Category__c FROM SIA_Sync_Error__c WHERE SIA_Task_Id__c = '${task.id}'`,
        );
        return rows.records[0];
      });
      assert.equal(row.Category__c, 'AccessValidation');
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${task.id}'`)).length, 0);

      await world.sf.sobject('SIA_Sync_Error__c').update({ Id: row.Id, Retry_Requested__c: true });
      await world.pushed(task.id);
      await waitFor('the error row closed', async () => {
        const rows = await world.sf.query<{ Retry_Requested__c: boolean; Resolved__c: boolean }>(
          `SELECT Retry_Requested__c, Resolved__c FROM SIA_Sync_Error__c WHERE Id = '${row.Id}'`,
        );
        return rows.records[0]?.Resolved__c === true && !rows.records[0].Retry_Requested__c;
      });
    });
  });
}
