// Steady state against the emulator: edits, completion and deletes both ways, echo
// suppression, conflicts, delete-beats-edit, skipped-task modes and switching sync off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  nextMillisecond,
  requestLog,
  salesforceUser,
  setTaskSync,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

// Pushes go out as one composite call: the Task collection upsert and the batch's SIA_Sync_Notice__e.
const UPSERT_PATH = '/services/data/v66.0/composite';

for (const factory of testDatabases) {
  describe(`steady-state sync on ${factory.name}`, () => {
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

    it('carries edits, completion and reopening both ways, keeping a Salesforce Low priority', async () => {
      await world.enable('rep1');
      const task = await world.createTask({
        ownerId: 'rep1',
        type: 'call',
        name: 'Call Ada',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      assert.equal(record.Status, 'Not Started');
      // The LWCs refresh on SIA_Sync_Notice__e, published with the batch (naming the user; the new
      // task's own id is not known before the call, an existing task's is).
      await waitFor('the sync notice', async () => {
        const { events } = (await admin(emulator, 'GET', '/events')) as {
          events: { channel: string; payload: Record<string, unknown> }[];
        };
        return events.some(
          (e) =>
            e.channel === '/event/SIA_Sync_Notice__e' &&
            e.payload['Kind__c'] === 'pushed' &&
            e.payload['User_Id__c'] === record.OwnerId,
        );
      });

      await world.patch(task.id, {
        name: 'Call Ada back',
        dueDate: '2026-12-04',
        priority: 'high',
        details: 'about the renewal',
      });
      await waitFor('the SIA edit in Salesforce', async () => {
        const [row] = await world.salesforceTasks(`Id = '${record.Id}'`);
        return (
          row?.Subject === 'Call Ada back' &&
          row.ActivityDate === '2026-12-04' &&
          row.Priority === 'High' &&
          row.Description === 'about the renewal'
        );
      });

      await world.sf.sobject('Task').update({
        Id: record.Id,
        Subject: 'Call Ada (edited in Salesforce)',
        ActivityDate: '2026-12-07',
        Priority: 'Low',
        Description: null,
      });
      const edited = await waitFor('the Salesforce edit in SIA', async () => {
        const now = await world.task(task.id);
        return now?.name === 'Call Ada (edited in Salesforce)' ? now : undefined;
      });
      assert.equal(edited.dueDate, '2026-12-07');
      assert.equal(edited.priority, 'normal');
      assert.equal(edited.details, null);

      await world.sf.sobject('Task').update({ Id: record.Id, Status: 'Completed' });
      await waitFor('completed in SIA', async () => (await world.task(task.id))?.status === 'completed');
      await world.patch(task.id, { status: 'open', details: 'reopened' });
      await waitFor('reopened in Salesforce', async () => {
        const [row] = await world.salesforceTasks(`Id = '${record.Id}'`);
        return row?.Status === 'Not Started' && row.Description === 'reopened';
      });
      const [final] = await world.salesforceTasks(`Id = '${record.Id}'`);
      assert.equal(final?.Priority, 'Low', 'a Salesforce Low priority survives SIA edits of other fields');
    });

    it('deletes both ways', async () => {
      await world.enable('rep2');
      const fromSia = await world.createTask({
        ownerId: 'rep2',
        type: 'email',
        name: 'Delete me in SIA',
        dueDate: '2026-12-01',
      });
      const sfRecord = await world.pushed(fromSia.id);
      assert.equal((await world.api.call('DELETE', `/api/v1/tasks/${fromSia.id}`)).status, 204);
      await waitFor(
        'the Salesforce delete',
        async () => (await world.salesforceTasks(`Id = '${sfRecord.Id}'`)).length === 0,
      );

      const created = await world.sf.sobject('Task').create({
        Subject: 'Made in Salesforce',
        OwnerId: emulator.users.find((u) => u.username.startsWith('rep2@'))?.id,
        ActivityDate: '2026-12-02',
        Status: 'Not Started',
        Priority: 'Normal',
      });
      assert.ok(created.success);
      const imported = await waitFor('the Salesforce task in SIA', async () => {
        const res = await world.api.call<{ tasks: { id: string; name: string }[] }>(
          'GET',
          '/api/v1/tasks?ownerId=rep2&view=all',
        );
        return res.body.tasks.find((t) => t.name === 'Made in Salesforce');
      });
      await waitFor(
        'the SIA id stamp',
        async () => (await world.salesforceTasks(`Id = '${created.id}'`))[0]?.SIA_Task_Id__c === imported.id,
      );
      await world.sf.sobject('Task').destroy(created.id);
      await waitFor('the SIA delete', async () => (await world.task(imported.id)) === undefined);
      await world.settle('rep2');
    });

    it('writes nothing back for the echo of its own push or for an applied Salesforce edit (request log)', async () => {
      await world.enable('rep3');
      const task = await world.createTask({
        ownerId: 'rep3',
        type: 'custom',
        name: 'Echo check',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep3');
      await admin(emulator, 'DELETE', '/requests');
      await world.patch(task.id, { name: 'Echo check 2' });
      await waitFor(
        'the push',
        async () => (await world.salesforceTasks(`Id = '${record.Id}'`))[0]?.Subject === 'Echo check 2',
      );
      await world.sf.sobject('Task').update({ Id: record.Id, Description: 'from Salesforce' });
      await waitFor(
        'the Salesforce edit in SIA',
        async () => (await world.task(task.id))?.details === 'from Salesforce',
      );
      // The push's echo and the Salesforce edit are both applied: neither may cause a write.
      await world.caughtUp();
      await world.settle('rep3');
      const writes = (await requestLog(emulator)).filter(
        (r) =>
          r.method !== 'GET' &&
          !r.path.includes('SIA_Sync_Notice__e') &&
          !r.path.startsWith('/cometd') &&
          !r.path.includes('/oauth2/'),
      );
      const upserts = writes.filter((r) => r.path === UPSERT_PATH);
      assert.equal(
        upserts.length,
        1,
        'one upsert for the SIA edit, none for its echo or the Salesforce edit',
      );
      const taskWrites = writes.filter((r) => r.path.includes('/sobjects/Task') && r.path !== UPSERT_PATH);
      assert.equal(
        taskWrites.length,
        1,
        `only the Salesforce user's own update: ${JSON.stringify(taskWrites.map((w) => `${w.method} ${w.path}`))}`,
      );
    });

    it('merges conflicting edits field by field: the later write wins and the conflict is recorded', async () => {
      await world.enable('rep4');
      const task = await world.createTask({
        ownerId: 'rep4',
        type: 'call',
        name: 'Conflict',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep4');
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'status',
        status: 503,
        errorCode: 'SERVER_UNAVAILABLE',
        times: 1000,
      });
      try {
        await world.patch(task.id, { name: 'SIA name', details: 'SIA details' });
        await nextMillisecond();
        await world.sf
          .sobject('Task')
          .update({ Id: record.Id, Subject: 'Salesforce name', ActivityDate: '2026-12-09' });
        await waitFor(
          'the Salesforce edit in SIA',
          async () => (await world.task(task.id))?.dueDate === '2026-12-09',
        );
      } finally {
        await admin(emulator, 'DELETE', '/faults');
      }
      await world.settle('rep4');
      const local = await world.task(task.id);
      assert.equal(local?.name, 'Salesforce name', 'the later Salesforce write of the same field wins');
      assert.equal(local.details, 'SIA details', 'a field only SIA changed keeps the SIA value');
      const [remote] = await world.salesforceTasks(`Id = '${record.Id}'`);
      assert.deepEqual(
        [remote?.Subject, remote?.Description, remote?.ActivityDate],
        ['Salesforce name', 'SIA details', '2026-12-09'],
      );
      const conflicts = await world.api.call<{
        conflicts: { taskId: string; field: string; winner: string }[];
      }>('GET', '/api/v1/conflicts?ownerId=rep4');
      assert.deepEqual(
        conflicts.body.conflicts.map((c) => [c.taskId, c.field, c.winner]),
        [[task.id, 'name', 'salesforce']],
      );
    });

    it('lets a delete beat an edit on either side', async () => {
      await world.enable('rep5');
      const owner = emulator.users.find((u) => u.username.startsWith('rep5@'))?.id;
      // SIA edits while Salesforce deletes: the SIA task goes, nothing is re-created.
      const first = await world.createTask({
        ownerId: 'rep5',
        type: 'call',
        name: 'Edit vs delete',
        dueDate: '2026-12-01',
      });
      const firstRecord = await world.pushed(first.id);
      await world.settle('rep5');
      await admin(emulator, 'POST', '/faults', {
        method: 'POST',
        path: UPSERT_PATH,
        action: 'status',
        status: 503,
        errorCode: 'SERVER_UNAVAILABLE',
        times: 1000,
      });
      try {
        await world.patch(first.id, { name: 'edited in SIA' });
        await world.sf.sobject('Task').destroy(firstRecord.Id);
        await waitFor('the SIA task gone', async () => (await world.task(first.id)) === undefined);
      } finally {
        await admin(emulator, 'DELETE', '/faults');
      }
      await world.settle('rep5');
      assert.equal(
        (await world.salesforceTasks(`SIA_Task_Id__c = '${first.id}'`)).length,
        0,
        'the pending edit re-created the deleted task',
      );
      const conflicts = await world.api.call<{ conflicts: { taskId: string; field: string }[] }>(
        'GET',
        '/api/v1/conflicts?ownerId=rep5',
      );
      assert.ok(conflicts.body.conflicts.some((c) => c.taskId === first.id && c.field === '*delete'));

      // Salesforce edits while SIA deletes: the Salesforce task goes.
      const second = await world.createTask({
        ownerId: 'rep5',
        type: 'call',
        name: 'Delete vs edit',
        dueDate: '2026-12-01',
      });
      const secondRecord = await world.pushed(second.id);
      await world.settle('rep5');
      await admin(emulator, 'POST', '/faults', {
        method: 'DELETE',
        path: '/services/data/v66.0/composite/sobjects*',
        action: 'status',
        status: 503,
        errorCode: 'SERVER_UNAVAILABLE',
        times: 1000,
      });
      try {
        assert.equal((await world.api.call('DELETE', `/api/v1/tasks/${second.id}`)).status, 204);
        await world.sf.sobject('Task').update({ Id: secondRecord.Id, Subject: 'edited in Salesforce' });
        await world.caughtUp();
        assert.equal(
          await world.task(second.id),
          undefined,
          'the Salesforce edit brought the deleted SIA task back',
        );
      } finally {
        await admin(emulator, 'DELETE', '/faults');
      }
      await world.settle('rep5');
      assert.equal((await world.salesforceTasks(`Id = '${secondRecord.Id}'`)).length, 0);
      assert.ok(owner);
    });

    it('completes skipped tasks in Salesforce in SyncCompleteSkipped mode and deletes them in SyncDeleteSkipped mode', async () => {
      await world.enable('rep6', 'SyncCompleteSkipped');
      const complete = await world.createTask({
        ownerId: 'rep6',
        type: 'call',
        name: 'Skip → Completed',
        dueDate: '2026-12-01',
      });
      const completeRecord = await world.pushed(complete.id);
      await world.patch(complete.id, { status: 'skipped' });
      await waitFor(
        'Completed in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${completeRecord.Id}'`))[0]?.Status === 'Completed',
      );
      await world.settle('rep6');
      assert.equal(
        (await world.task(complete.id))?.status,
        'skipped',
        'the echo of Completed must not turn the skip into a completion',
      );

      await world.enable('rep7', 'SyncDeleteSkipped');
      const remove = await world.createTask({
        ownerId: 'rep7',
        type: 'call',
        name: 'Skip → deleted',
        dueDate: '2026-12-01',
      });
      const removeRecord = await world.pushed(remove.id);
      await world.patch(remove.id, { status: 'skipped' });
      await waitFor(
        'deleted in Salesforce',
        async () => (await world.salesforceTasks(`Id = '${removeRecord.Id}'`)).length === 0,
      );
      await world.settle('rep7');
      const kept = await world.task(remove.id);
      assert.equal(kept?.status, 'skipped', 'the SIA task stays, skipped');
      assert.equal(kept.salesforceTaskId, null);
    });

    it('stops both directions when sync is switched off, and keeps the links', async () => {
      const owner = await world.enable('rep8');
      const task = await world.createTask({
        ownerId: 'rep8',
        type: 'call',
        name: 'Before off',
        dueDate: '2026-12-01',
      });
      const record = await world.pushed(task.id);
      await world.settle('rep8');
      await setTaskSync(
        await salesforceUser(emulator, 'rep8@sia-emulator.example'),
        owner,
        'DoNotSync',
        null,
      );
      await world.waitForMode('rep8', 'DoNotSync');
      await world.patch(task.id, { name: 'Edited while off' });
      await world.sf.sobject('Task').update({ Id: record.Id, Description: 'Salesforce edit while off' });
      const fresh = await world.createTask({
        ownerId: 'rep8',
        type: 'call',
        name: 'Created while off',
        dueDate: '2026-12-01',
      });
      // The Salesforce edit's event has reached the service, and a drain pass (what the outbox
      // timer runs) has run: with sync off, neither moves anything.
      await world.caughtUp();
      await service.engine.drainOutbox();
      const [row] = await world.salesforceTasks(`Id = '${record.Id}'`);
      assert.equal(row?.Subject, 'Before off');
      const local = await world.task(task.id);
      assert.equal(local?.details, null);
      assert.equal(local.salesforceTaskId, record.Id, 'the link is kept');
      assert.equal((await world.salesforceTasks(`SIA_Task_Id__c = '${fresh.id}'`)).length, 0);
    });

    it('sends a queued change once when two drains are asked for at once', async () => {
      await world.enable('rep9');
      await world.settle('rep9');
      const logged = (await requestLog(emulator)).length;
      const task = await world.createTask({
        ownerId: 'rep9',
        type: 'call',
        name: 'Drained twice at once',
        dueDate: '2026-12-01',
      });
      // Both drains queue behind each other: the second finds the change sent, not still queued.
      const sent = await Promise.all([service.engine.drainOutbox(), service.engine.drainOutbox()]);
      assert.ok(sent[0] + sent[1] <= 1, `sent ${String(sent[0])} + ${String(sent[1])}`);
      await world.pushed(task.id);
      await world.settle('rep9');
      const upserts = (await requestLog(emulator))
        .slice(logged)
        .filter((r) => r.method === 'POST' && r.path === UPSERT_PATH);
      assert.equal(upserts.length, 1, 'one collection call for the one change');
    });

    it('recorded no sync error along the way', async () => {
      const errors = await world.api.call<{ errors: { code: string; message: string }[] }>(
        'GET',
        '/api/v1/errors',
      );
      assert.deepEqual(
        errors.body.errors.map((e) => `${e.code}: ${e.message}`),
        [],
      );
    });
  });
}
