// Task sync and email logging read SIA_Sync_Setting__c through one reader: the org row and each
// user's row (keyed by the 18-character user id, whatever form the row or the user holds).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import { SETTING_FIELDS } from '../sia/shared.ts';
import { repId, salesforceUser, startTestEmulator, type Emulator } from '../../test/harness.ts';
import type { SalesforceClient } from './client.ts';
import { SETTINGS_SOQL, readSettingsRows, userSettingsRow } from './settings-rows.ts';

describe('settings rows', () => {
  let emulator: Emulator;
  let adminConnection: Connection;
  let reader: Pick<SalesforceClient, 'query'>;

  before(async () => {
    emulator = await startTestEmulator();
    adminConnection = await salesforceUser(emulator);
    reader = {
      query: async (soql) => (await adminConnection.query(soql)).records as never,
    };
  });

  after(async () => {
    await emulator.close();
  });

  it('selects every settings field both task sync and email logging merge', () => {
    for (const field of Object.values(SETTING_FIELDS))
      assert.match(SETTINGS_SOQL, new RegExp(`\\b${field}\\b`));
  });

  it('reads the org row and each user row in one query, found by 15- or 18-character user id', async () => {
    const rep = repId(emulator, 'rep1');
    await adminConnection.sobject('SIA_Sync_Setting__c').create([
      { Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'SyncCompleteSkipped' },
      { Scope_Key__c: rep, User__c: rep, Log_Email_Via_Api__c: true },
    ]);
    const rows = await readSettingsRows(reader);
    assert.equal(rows.org?.Task_Sync_Mode__c, 'SyncCompleteSkipped');
    assert.equal(userSettingsRow(rows, { salesforceUserId: rep })?.Log_Email_Via_Api__c, true);
    assert.equal(userSettingsRow(rows, { salesforceUserId: rep.slice(0, 15) })?.Log_Email_Via_Api__c, true);
    assert.equal(userSettingsRow(rows, { salesforceUserId: repId(emulator, 'rep2') }), undefined);
    assert.equal(userSettingsRow(rows, { salesforceUserId: 'not-an-id' }), undefined);
  });
});
