// UI API record resources through HTTP: get with fields/optionalFields, create, update, delete, the
// save-error shape the LWCs read (body.output.fieldErrors), rollback, change events and API counting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  reduceErrors,
  reduceFieldErrors,
} from '../../../force-app/main/default/lwc/siaReduceErrors/siaReduceErrors.ts';
import { ADMIN, REP, withUiApi } from '../../test/ui-api-kit.ts';

interface FieldValue {
  displayValue: string | null;
  value: unknown;
}

interface RecordRep {
  apiName: string;
  id: string;
  fields: Record<string, FieldValue & { value: unknown }>;
  lastModifiedById: string;
  lastModifiedDate: string;
  recordTypeId: string;
  recordTypeInfo: unknown;
  systemModstamp: string;
  weakEtag: number;
  childRelationships: Record<string, unknown>;
}

interface SaveError {
  enhancedErrorType: string;
  message: string;
  output: {
    errors: { errorCode: string; message: string; field: string | null }[];
    fieldErrors: Record<string, { errorCode: string; field: string; fieldLabel: string; message: string }[]>;
  };
}

describe('UI API records', () => {
  it('creates a record and answers 201 with the Record representation', async () => {
    await withUiApi(async ({ call, userId }) => {
      const reply = await call<RecordRep>('POST', '/ui-api/records', {
        apiName: 'Task',
        fields: { Subject: 'Call Ada', ActivityDate: '2026-11-21', Priority: 'High' },
      });
      assert.equal(reply.status, 201);
      const record = reply.body;
      assert.equal(record.apiName, 'Task');
      assert.match(record.id, /^00T[0-9A-Za-z]{15}$/);
      assert.deepEqual(record.childRelationships, {});
      assert.equal(record.recordTypeId, '012000000000000AAA');
      assert.equal(record.recordTypeInfo, null);
      assert.equal(record.lastModifiedById, userId(ADMIN));
      assert.equal(record.lastModifiedDate, '2026-11-20T15:00:00.000Z');
      assert.equal(record.systemModstamp, '2026-11-20T15:00:00.000Z');
      assert.equal(record.weakEtag, Date.parse('2026-11-20T15:00:00.000Z'));
      assert.deepEqual(record.fields.Subject, { displayValue: null, value: 'Call Ada' });
      assert.deepEqual(record.fields.ActivityDate, { displayValue: '11/21/2026', value: '2026-11-21' });
      // Defaults and derived fields come back as the org computed them.
      assert.deepEqual(record.fields.Status, { displayValue: 'Not Started', value: 'Not Started' });
      assert.deepEqual(record.fields.IsHighPriority, { displayValue: null, value: true });
      assert.deepEqual(record.fields.OwnerId, { displayValue: null, value: userId(ADMIN) });
    });
  });

  it('gets the requested fields, parent relationships and optional fields', async () => {
    await withUiApi(async ({ call, insert, userId }) => {
      const contactId = await insert('Contact', { FirstName: 'Grace', LastName: 'Hopper' });
      const taskId = await insert('Task', { Subject: 'Intro', WhoId: contactId, OwnerId: userId(REP) });
      const reply = await call<RecordRep>(
        'GET',
        `/ui-api/records/${taskId}?fields=Task.Subject,Task.Who.Name,Task.Owner.Name&optionalFields=Task.No_Such_Field__c,Task.Status`,
      );
      assert.equal(reply.status, 200);
      assert.ok(reply.headers.get('sforce-limit-info')?.startsWith('api-usage='));
      const { fields } = reply.body;
      assert.deepEqual(Object.keys(fields).sort(), ['Owner', 'Status', 'Subject', 'Who']);
      assert.equal(fields.Who?.displayValue, 'Grace Hopper');
      const who = fields.Who.value as RecordRep;
      assert.equal(who.apiName, 'Contact');
      assert.equal(who.id, contactId);
      assert.deepEqual(who.fields, { Name: { displayValue: null, value: 'Grace Hopper' } });
      assert.equal(fields.Owner?.displayValue, 'Riley Rep');
      assert.equal((fields.Owner.value as RecordRep).apiName, 'User');
    });
  });

  it('refuses unknown fields, unknown and deleted records with UI API read errors', async () => {
    await withUiApi(async ({ call, insert }) => {
      const taskId = await insert('Task', { Subject: 'Intro' });
      const unknown = await call('GET', `/ui-api/records/${taskId}?fields=Task.No_Such_Field__c`);
      assert.equal(unknown.status, 400);
      assert.deepEqual(
        (unknown.body as { errorCode: string }[]).map((e) => e.errorCode),
        ['INVALID_FIELD'],
      );
      const wrongObject = await call('GET', `/ui-api/records/${taskId}?fields=Contact.Name`);
      assert.equal(wrongObject.status, 400);
      const missing = await call('GET', '/ui-api/records/00T000000000000AAA?fields=Task.Subject');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, [
        { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
      ]);
      assert.equal((await call('DELETE', `/ui-api/records/${taskId}`)).status, 204);
      const deleted = await call('GET', `/ui-api/records/${taskId}?fields=Task.Subject`);
      assert.equal(deleted.status, 404);
    });
  });

  it('updates a record and answers 200 with the saved record', async () => {
    await withUiApi(async ({ call, insert, clock }) => {
      const taskId = await insert('Task', { Subject: 'Follow up' });
      clock.advance(60_000);
      const reply = await call<RecordRep>('PATCH', `/ui-api/records/${taskId}`, {
        fields: { Id: taskId, Status: 'Completed' },
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.fields.Status?.value, 'Completed');
      assert.equal(reply.body.fields.IsClosed?.value, true);
      assert.equal(reply.body.lastModifiedDate, '2026-11-20T15:01:00.000Z');
      assert.equal(reply.body.weakEtag, Date.parse('2026-11-20T15:01:00.000Z'));
    });
  });

  it('answers read-only fields in a save with an Error with Output (API 43.0+)', async () => {
    await withUiApi(async ({ call, insert }) => {
      const taskId = await insert('Task', { Subject: 'Read-only' });
      const reply = await call<SaveError>('PATCH', `/ui-api/records/${taskId}`, {
        fields: { IsClosed: true, Subject: 'Changed' },
      });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.output.fieldErrors.IsClosed?.[0]?.errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
      const after = await call<RecordRep>('GET', `/ui-api/records/${taskId}?fields=Task.Subject`);
      assert.equal(after.body.fields.Subject?.value, 'Read-only');
    });
  });

  it('refuses an update of a record changed after If-Unmodified-Since with 412 and the current record', async () => {
    await withUiApi(async ({ call, insert, clock }) => {
      const taskId = await insert('Task', { Subject: 'Version 1' });
      const read = await call<RecordRep>('GET', `/ui-api/records/${taskId}?fields=Task.LastModifiedDate`);
      const seen = String(read.body.fields.LastModifiedDate?.value);
      clock.advance(5_000);
      await call('PATCH', `/ui-api/records/${taskId}`, { fields: { Subject: 'Version 2' } });
      const stale = await call<{ enhancedErrorType: null; message: string; output: RecordRep }>(
        'PATCH',
        `/ui-api/records/${taskId}`,
        { fields: { Subject: 'Version 3' } },
        { 'If-Unmodified-Since': new Date(seen).toUTCString() },
      );
      assert.equal(stale.status, 412);
      assert.equal(stale.body.enhancedErrorType, null);
      assert.equal(stale.body.output.fields.Subject?.value, 'Version 2');
      const fresh = await call<RecordRep>(
        'PATCH',
        `/ui-api/records/${taskId}`,
        { fields: { Subject: 'Version 3' } },
        { 'If-Unmodified-Since': new Date(Date.parse(seen) + 5_000).toUTCString() },
      );
      assert.equal(fresh.status, 200);
      assert.equal(fresh.body.fields.Subject?.value, 'Version 3');
    });
  });

  it('answers a failed save with output.fieldErrors keyed by field, which c/siaReduceErrors reads', async () => {
    await withUiApi(async ({ call, insert }) => {
      const taskId = await insert('Task', { Subject: 'Follow up' });
      const reply = await call<SaveError>('PATCH', `/ui-api/records/${taskId}`, {
        fields: { Status: 'Nope', Subject: 'x'.repeat(256) },
      });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.enhancedErrorType, 'RecordError');
      assert.deepEqual(reply.body.output.errors, []);
      assert.deepEqual(Object.keys(reply.body.output.fieldErrors).sort(), ['Status', 'Subject']);
      const [status] = reply.body.output.fieldErrors.Status ?? [];
      assert.deepEqual(status, {
        constituentField: null,
        duplicateRecordError: null,
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        field: 'Status',
        fieldLabel: 'Status',
        message: 'Status: bad value for restricted picklist field: Nope',
      });
      assert.deepEqual(
        reduceFieldErrors({ body: reply.body })
          .map((e) => e.field)
          .sort(),
        ['Status', 'Subject'],
      );
      assert.ok(reduceErrors({ body: reply.body }).includes(status.message));
      // Nothing was written.
      const after = await call<RecordRep>('GET', `/ui-api/records/${taskId}?fields=Task.Status,Task.Subject`);
      assert.equal(after.body.fields.Status?.value, 'Not Started');
      assert.equal(after.body.fields.Subject?.value, 'Follow up');
    });
  });

  it('reports required fields, unknown fields and bad input of a create', async () => {
    await withUiApi(async ({ call }) => {
      const required = await call<SaveError>('POST', '/ui-api/records', {
        apiName: 'Contact',
        fields: { FirstName: 'No last name' },
      });
      assert.equal(required.status, 400);
      assert.equal(required.body.output.fieldErrors.LastName?.[0]?.errorCode, 'REQUIRED_FIELD_MISSING');
      const unknown = await call<SaveError>('POST', '/ui-api/records', {
        apiName: 'Contact',
        fields: { LastName: 'Lovelace', Nope__c: 1 },
      });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.output.errors[0]?.errorCode, 'INVALID_FIELD');
      const noObject = await call('POST', '/ui-api/records', { apiName: 'Nope__c', fields: {} });
      assert.equal(noObject.status, 400);
      assert.deepEqual(
        (noObject.body as { errorCode: string }[]).map((e) => e.errorCode),
        ['INVALID_TYPE'],
      );
      const noFields = await call('POST', '/ui-api/records', { apiName: 'Contact' });
      assert.equal(noFields.status, 400);
      const count = await call<{ totalSize: number }>('GET', '/query?q=SELECT+COUNT()+FROM+Contact');
      assert.equal(count.body.totalSize, 0);
    });
  });

  it('enforces the package validation rules on UI API saves, as general or field errors', async () => {
    await withUiApi(
      async ({ call }) => {
        const orgRow = await call<SaveError>('POST', '/ui-api/records', {
          apiName: 'SIA_Sync_Setting__c',
          fields: { Scope_Key__c: 'ORG' },
        });
        assert.equal(orgRow.status, 400);
        assert.deepEqual(
          orgRow.body.output.errors.map((e) => [e.errorCode, e.message, e.field]),
          [
            [
              'FIELD_CUSTOM_VALIDATION_EXCEPTION',
              'Only SIA Sync admins can change the org-wide settings.',
              null,
            ],
          ],
        );
      },
      { username: REP },
    );
    await withUiApi(async ({ call }) => {
      const budget = await call<SaveError>('POST', '/ui-api/records', {
        apiName: 'SIA_Sync_Setting__c',
        fields: { Scope_Key__c: 'ORG', Api_Budget_Percent__c: 150 },
      });
      assert.equal(budget.status, 400);
      // The rule's errorDisplayField puts its message under that field.
      assert.deepEqual(reduceFieldErrors({ body: budget.body }), [
        { field: 'Api_Budget_Percent__c', message: 'The API budget must be between 1 and 100 percent.' },
      ]);
      const created = await call<RecordRep>('POST', '/ui-api/records', {
        apiName: 'SIA_Sync_Setting__c',
        fields: { Scope_Key__c: 'ORG', Api_Budget_Percent__c: 50, Task_Sync_Mode__c: 'SyncCompleteSkipped' },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.fields.Task_Sync_Mode__c, {
        displayValue: 'Sync; skipped SIA tasks become Completed in Salesforce',
        value: 'SyncCompleteSkipped',
      });
    });
  });

  it('gets a batch of records of several objects, with an error result for a missing one', async () => {
    await withUiApi(async ({ call, insert }) => {
      const taskId = await insert('Task', { Subject: 'Batch me' });
      const contactId = await insert('Contact', { LastName: 'Batch' });
      const reply = await call<{ results: { result: unknown; statusCode: number }[] }>(
        'GET',
        `/ui-api/records/batch/${taskId},00Q000000000000AAA,${contactId}?fields=Task.Subject&optionalFields=Contact.LastName`,
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(
        reply.body.results.map((r) => r.statusCode),
        [200, 404, 200],
      );
      const [task, , contact] = reply.body.results.map((r) => r.result as RecordRep);
      assert.deepEqual(task?.fields, { Subject: { displayValue: null, value: 'Batch me' } });
      assert.deepEqual(contact?.fields, { LastName: { displayValue: null, value: 'Batch' } });
    });
  });

  it('writes through the same DML as REST: a change event with the request client as changeOrigin', async () => {
    await withUiApi(async ({ call, emulator, userId }) => {
      const reply = await call<RecordRep>(
        'POST',
        '/ui-api/records',
        { apiName: 'Task', fields: { Subject: 'From the preview' } },
        { 'Sforce-Call-Options': 'client=SIAPreview' },
      );
      assert.equal(reply.status, 201);
      await call('PATCH', `/ui-api/records/${reply.body.id}`, { fields: { Status: 'Completed' } });
      const events = emulator.state.bus.since('/data/TaskChangeEvent', -2);
      const headers = events.map(
        (event) => (event.payload as { ChangeEventHeader: Record<string, unknown> }).ChangeEventHeader,
      );
      assert.deepEqual(
        headers.map((h) => [h.changeType, h.changeOrigin, h.commitUser]),
        [
          ['CREATE', 'com/salesforce/api/rest/66.0;client=SIAPreview', userId(ADMIN)],
          ['UPDATE', 'com/salesforce/api/rest/66.0', userId(ADMIN)],
        ],
      );
      assert.deepEqual(headers[0]?.recordIds, [reply.body.id]);
    });
  });

  it('counts UI API calls against the API allowance and logs them', async () => {
    await withUiApi(async ({ call, insert, emulator }) => {
      const taskId = await insert('Task', { Subject: 'Counted' });
      const before = emulator.state.usage.header();
      await call('GET', `/ui-api/records/${taskId}?fields=Task.Subject`);
      await call('GET', '/ui-api/object-info/Task');
      const used = (header: string): number => Number(/api-usage=(\d+)/.exec(header)?.[1]);
      assert.equal(used(emulator.state.usage.header()), used(before) + 2);
      const logged = emulator.state.requestLog.list().filter((entry) => entry.path.includes('/ui-api/'));
      assert.deepEqual(
        logged.map((entry) => [entry.method, entry.status, entry.counted]),
        [
          ['GET', 200, true],
          ['GET', 200, true],
        ],
      );
    });
  });
});
