// The sync service imports the template-less LWC modules by relative path and runs them with Node's
// type stripping. This keeps them honest: each must load in plain Node (erasable TypeScript only, no
// 'lwc' or c/* imports) and give the same answers there as in the LWC tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSettings, validateSettings } from '../force-app/main/default/lwc/siaSettings/siaSettings.ts';
import { renderSubject } from '../force-app/main/default/lwc/siaSubjectTemplate/siaSubjectTemplate.ts';
import {
  siaStatusToSalesforce,
  statusCatalog,
} from '../force-app/main/default/lwc/siaTaskMapping/siaTaskMapping.ts';

describe('shared LWC modules under Node', () => {
  it('c/siaSettings merges and validates', () => {
    const merged = mergeSettings(
      { Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'SyncCompleteSkipped', Team_Logging_Override__c: 'BccOnly' },
      { Scope_Key__c: '005xx000001SvQaAAK', Log_Email_Via_Api__c: true },
    );
    assert.equal(merged.taskSyncMode.value, 'SyncCompleteSkipped');
    assert.deepEqual(merged.bccEnabled, { value: true, source: 'org', forcedByTeam: true });
    assert.deepEqual(
      validateSettings({ Bcc_Enabled__c: true }, 'user', null).map((m) => m.field),
      ['Bcc_Address__c'],
    );
  });

  it('c/siaSubjectTemplate renders', () => {
    assert.equal(
      renderSubject('[SIA] {{Activity_type}}:\n{{activity_subject}}', {
        activity_type: 'Call',
        activity_subject: 'Intro',
      }),
      '[SIA] Call: Intro',
    );
  });

  it('c/siaTaskMapping maps status', () => {
    assert.deepEqual(siaStatusToSalesforce('skipped', 'SyncDeleteSkipped', statusCatalog()), {
      action: 'delete',
    });
  });
});
