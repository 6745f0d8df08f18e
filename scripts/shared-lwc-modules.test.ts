// The sync service imports the template-less LWC modules by relative path and runs them with Node's
// type stripping. This keeps them honest: each must load in plain Node (erasable TypeScript only, no
// 'lwc' imports and no c/* value imports; a c/* type import is erased) and give the same answers
// there as in the LWC tests.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { apiBudget } from '../force-app/main/default/lwc/siaApiBudget/siaApiBudget.ts';
import { idKey, sameId } from '../force-app/main/default/lwc/siaSalesforceId/siaSalesforceId.ts';
import { renderSubject } from '../force-app/main/default/lwc/siaSubjectTemplate/siaSubjectTemplate.ts';
import {
  decodeSyncNotice,
  encodeSyncNotices,
} from '../force-app/main/default/lwc/siaSyncNotice/siaSyncNotice.ts';
import {
  isTaskSyncOn,
  mergeSettings,
  validateSettings,
} from '../force-app/main/default/lwc/siaSyncSettingsData/siaSyncSettingsData.ts';
import {
  siaStatusToSalesforce,
  skippedTaskOutcome,
  statusCatalog,
} from '../force-app/main/default/lwc/siaTaskMapping/siaTaskMapping.ts';

const root = resolve(import.meta.dirname, '..');
const seamDir = join(root, 'service', 'src', 'sia');

/** The force-app modules the service's seam files (service/src/sia/*.ts) import. */
function sharedModules(): string[] {
  const paths = new Set<string>();
  for (const file of readdirSync(seamDir).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(seamDir, file), 'utf8');
    for (const match of text.matchAll(/from '(\.\.\/\.\.\/\.\.\/force-app\/[^']+)'/g))
      paths.add(resolve(seamDir, match[1] ?? ''));
  }
  return [...paths].sort();
}

describe('shared LWC modules under Node', () => {
  it('import no values: nothing but erased type imports', () => {
    const modules = sharedModules();
    assert.ok(modules.length >= 7, `found ${modules.length} shared modules`);
    for (const path of modules) {
      const text = readFileSync(path, 'utf8');
      const valueImports = [...text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*\bfrom\s+'[^']+'/gm)];
      assert.deepEqual(
        valueImports.map((m) => m[0]),
        [],
        `${path} imports values, which the service cannot load`,
      );
    }
  });

  it('c/siaSyncSettingsData merges and validates, and says when task sync is on', () => {
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
    assert.equal(isTaskSyncOn('SyncCompleteSkipped', '2026-11-28T13:00:00.000Z'), true);
    assert.equal(isTaskSyncOn('SyncCompleteSkipped', null), false);
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

  it('c/siaTaskMapping maps status and says what a skipped task becomes', () => {
    assert.deepEqual(siaStatusToSalesforce('skipped', 'SyncDeleteSkipped', statusCatalog()), {
      action: 'delete',
    });
    assert.equal(skippedTaskOutcome('SyncCompleteSkipped'), 'completed');
  });

  it('c/siaSalesforceId, c/siaApiBudget and c/siaSyncNotice answer as in the LWC tests', () => {
    assert.equal(sameId('001A0000006Vm9r', '001A0000006Vm9rIAC'), true);
    assert.equal(idKey('001A0000006Vm9rIAC'), '001A0000006Vm9r');
    assert.equal(apiBudget(7_500, 15_001, 50).overBudget, true);
    const [notice] = encodeSyncNotices('005000000000001AAA', 'pushed', ['00T000000000001AAA']);
    assert.deepEqual(decodeSyncNotice(notice), {
      userId: '005000000000001AAA',
      recordIds: ['00T000000000001AAA'],
      kind: 'pushed',
    });
  });
});
