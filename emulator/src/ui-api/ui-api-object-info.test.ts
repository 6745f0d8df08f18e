// UI API object info and picklist values through HTTP, for the picklists the LWCs read: Task.Status
// (getPicklistValues in siaSyncedTasks and siaCommandCenter) and SIA_Sync_Setting__c.Task_Sync_Mode__c.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VERSION, withUiApi } from '../../test/ui-api-kit.ts';

interface PicklistValues {
  controllerValues: Record<string, number>;
  defaultValue: { attributes: null; label: string; validFor: number[]; value: string } | null;
  eTag: string;
  url: string;
  values: { attributes: null; label: string; validFor: number[]; value: string }[];
}

interface ObjectInfo {
  apiName: string;
  defaultRecordTypeId: string;
  keyPrefix: string;
  nameFields: string[];
  createable: boolean;
  recordTypeInfos: Record<string, { master: boolean; name: string; recordTypeId: string }>;
  fields: Record<
    string,
    {
      apiName: string;
      dataType: string;
      required: boolean;
      reference: boolean;
      referenceToInfos: { apiName: string; nameFields: string[] }[];
      relationshipName: string | null;
      updateable: boolean;
    }
  >;
  childRelationships: { childObjectApiName: string; fieldName: string; relationshipName: string | null }[];
}

describe('UI API object info', () => {
  it('describes Task with its fields, name field and master record type', async () => {
    await withUiApi(async ({ call }) => {
      const reply = await call<ObjectInfo>('GET', '/ui-api/object-info/Task');
      assert.equal(reply.status, 200);
      const info = reply.body;
      assert.equal(info.apiName, 'Task');
      assert.equal(info.keyPrefix, '00T');
      assert.equal(info.defaultRecordTypeId, '012000000000000AAA');
      assert.deepEqual(info.nameFields, ['Subject']);
      assert.deepEqual(info.recordTypeInfos['012000000000000AAA'], {
        available: true,
        defaultRecordTypeMapping: true,
        master: true,
        name: 'Master',
        recordTypeId: '012000000000000AAA',
      });
      assert.equal(info.fields.Status?.dataType, 'Picklist');
      assert.equal(info.fields.ActivityDate?.dataType, 'Date');
      assert.equal(info.fields.IsClosed?.updateable, false);
      assert.equal(info.fields.WhoId?.relationshipName, 'Who');
      assert.deepEqual(
        info.fields.WhoId.referenceToInfos.map((r) => r.apiName),
        ['Contact', 'Lead'],
      );
      assert.equal(info.fields.SIA_Task_Id__c?.dataType, 'String');
    });
  });

  it('lists a custom object with its lookup to User and child relationships of Contact', async () => {
    await withUiApi(async ({ call }) => {
      const settings = await call<ObjectInfo>('GET', '/ui-api/object-info/SIA_Sync_Setting__c');
      assert.equal(settings.status, 200);
      assert.equal(settings.body.fields.User__c?.relationshipName, 'User__r');
      assert.equal(settings.body.fields.Task_Sync_Mode__c?.dataType, 'Picklist');
      assert.equal(settings.body.fields.Scope_Key__c?.required, true);
      const contact = await call<ObjectInfo>('GET', '/ui-api/object-info/Contact');
      assert.ok(
        contact.body.childRelationships.some(
          (c) => c.childObjectApiName === 'Task' && c.fieldName === 'WhoId' && c.relationshipName === 'Tasks',
        ),
      );
      const directory = await call<{ objects: Record<string, { url: string }> }>(
        'GET',
        '/ui-api/object-info',
      );
      assert.equal(directory.body.objects.Task?.url, `/services/data/v${VERSION}/ui-api/object-info/Task`);
      assert.equal((await call('GET', '/ui-api/object-info/No_Such__c')).status, 404);
      const batch = await call<{ results: { result: { apiName?: string }; statusCode: number }[] }>(
        'GET',
        '/ui-api/object-info/batch/Task,No_Such__c,SIA_Sync_Error__c',
      );
      assert.deepEqual(
        batch.body.results.map((r) => [r.statusCode, r.result.apiName]),
        [
          [200, 'Task'],
          [404, undefined],
          [200, 'SIA_Sync_Error__c'],
        ],
      );
    });
  });

  it('answers Task.Status picklist values with the default open status the components read', async () => {
    await withUiApi(async ({ call }) => {
      const reply = await call<PicklistValues>(
        'GET',
        '/ui-api/object-info/Task/picklist-values/012000000000000AAA/Status',
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.controllerValues, {});
      assert.equal(
        reply.body.url,
        `/services/data/v${VERSION}/ui-api/object-info/Task/picklist-values/012000000000000AAA/Status`,
      );
      assert.deepEqual(
        reply.body.values.map((v) => v.value),
        ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      );
      assert.deepEqual(reply.body.defaultValue, {
        attributes: null,
        label: 'Not Started',
        validFor: [],
        value: 'Not Started',
      });
    });
  });

  it('answers SIA_Sync_Setting__c.Task_Sync_Mode__c values with their metadata labels', async () => {
    await withUiApi(async ({ call }) => {
      const reply = await call<PicklistValues>(
        'GET',
        '/ui-api/object-info/SIA_Sync_Setting__c/picklist-values/012000000000000/Task_Sync_Mode__c',
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(
        reply.body.values.map((v) => [v.value, v.label]),
        [
          ['DoNotSync', 'Do not sync to Salesforce tasks'],
          ['SyncCompleteSkipped', 'Sync; skipped SIA tasks become Completed in Salesforce'],
          ['SyncDeleteSkipped', 'Sync; skipped SIA tasks are deleted in Salesforce'],
        ],
      );
      assert.equal(reply.body.defaultValue?.value, 'DoNotSync');
      const all = await call<{ picklistFieldValues: Record<string, PicklistValues> }>(
        'GET',
        '/ui-api/object-info/SIA_Sync_Setting__c/picklist-values/012000000000000AAA',
      );
      assert.ok('Task_Sync_Mode__c' in all.body.picklistFieldValues);
      assert.ok(!('Scope_Key__c' in all.body.picklistFieldValues));
    });
  });

  it('answers 404 for an unknown record type or a field that is not a picklist', async () => {
    await withUiApi(async ({ call }) => {
      const base = '/ui-api/object-info/Task/picklist-values';
      assert.equal((await call('GET', `${base}/012000000000001AAA/Status`)).status, 404);
      assert.equal((await call('GET', `${base}/012000000000000AAA/ActivityDate`)).status, 404);
      assert.equal((await call('POST', '/ui-api/object-info/Task', {})).status, 405);
    });
  });
});
