// Each deploy rule, tested the way a real org would catch it: a copy of force-app broken in one
// place is deployed to an org that already has the package; the deploy fails with the platform's
// problem on the right component, and the org is unchanged (metadata and setup rows).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import {
  deployZip,
  FORCE_APP,
  installPackage,
  packageZip,
  type DeployMessageSummary,
} from '../../scripts/package-install.ts';
import { startEmulator, type RunningEmulator } from '../src/index.ts';

const DEFAULT = join('main', 'default');
const dirs: string[] = [];

/** A copy of force-app with `edits` applied: file (below main/default) → new text or a text transform. */
function brokenCopy(edits: Record<string, string | ((text: string) => string)>): string {
  const root = mkdtempSync(join(tmpdir(), 'sia-broken-'));
  dirs.push(root);
  cpSync(FORCE_APP, root, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(root, DEFAULT, path);
    mkdirSync(dirname(file), { recursive: true });
    const next = typeof edit === 'string' ? edit : edit(readFileSync(file, 'utf8'));
    if (typeof edit !== 'string')
      assert.notEqual(next, readFileSync(file, 'utf8'), `the edit of ${path} changed nothing`);
    writeFileSync(file, next);
  }
  return root;
}

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const long = (n: number): string => 'x'.repeat(n);

function orgState(emulator: RunningEmulator): string {
  const { org } = emulator.state;
  const setup = [
    'PermissionSet',
    'ObjectPermissions',
    'FieldPermissions',
    'SetupEntityAccess',
    'CustomPermission',
  ].flatMap((type) => [...org.store.records(type)].map((r) => JSON.stringify(r)));
  return JSON.stringify({
    metadata: org.metadata.snapshot(),
    objects: [...org.schema.objects.keys()].sort(),
    setup: setup.sort(),
  });
}

describe('deploy rules, each refusing a broken copy of the package', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    await installPackage(emulator);
  });
  after(async () => {
    await emulator.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Deploys `zip`, expects it Failed with `expected` among its failures and the org unchanged. */
  async function refused(zip: Buffer, expected: Partial<DeployMessageSummary>): Promise<void> {
    const state = orgState(emulator);
    const result = await deployZip(emulator, zip);
    assert.equal(result.status, 'Failed', JSON.stringify(result.failures));
    const match = result.failures.find((f) =>
      Object.entries(expected).every(([key, value]) => f[key as keyof DeployMessageSummary] === value),
    );
    assert.ok(match, `no failure ${JSON.stringify(expected)} in ${JSON.stringify(result.failures, null, 1)}`);
    assert.equal((match as unknown as { problemType: string }).problemType, 'Error');
    assert.equal(orgState(emulator), state, 'a failed deploy leaves the org unchanged');
  }
  const refuse = async (
    edits: Record<string, string | ((text: string) => string)>,
    expected: Partial<DeployMessageSummary>,
  ): Promise<void> => refused(await packageZip(brokenCopy(edits)), expected);

  it('permission set description: 255 characters', async () => {
    await refuse(
      {
        'permissionsets/SIA_Sync_User.permissionset-meta.xml': (t) =>
          t.replace(/<description>[^<]*<\/description>/, `<description>${long(256)}</description>`),
      },
      {
        componentType: 'PermissionSet',
        fullName: 'SIA_Sync_User',
        fileName: 'permissionsets/SIA_Sync_User.permissionset',
        problem: `Description: data value too large: ${long(256)} (max length=255)`,
      },
    );
  });

  it('LWC bundle description: 255 characters', async () => {
    await refuse(
      {
        'lwc/siaSyncHealth/siaSyncHealth.js-meta.xml': (t) =>
          t.replace(/<description>[^<]*<\/description>/, `<description>${long(300)}</description>`),
      },
      {
        componentType: 'LightningComponentBundle',
        fullName: 'siaSyncHealth',
        problem: `Description: data value too large: ${long(300)} (max length=255)`,
      },
    );
  });

  it('field label: 40 characters; field description: 1,000', async () => {
    const field = 'objects/SIA_Sync_Error__c/fields/Error_Code__c.field-meta.xml';
    await refuse(
      { [field]: (t) => t.replace(/<label>[^<]*<\/label>/, `<label>${long(41)}</label>`) },
      {
        componentType: 'CustomField',
        fullName: 'SIA_Sync_Error__c.Error_Code__c',
        fileName: 'objects/SIA_Sync_Error__c.object',
        problem: `Field Label: data value too large: ${long(41)} (max length=40)`,
      },
    );
    await refuse(
      {
        [field]: (t) =>
          t.replace(/<description>[^<]*<\/description>/, `<description>${long(1001)}</description>`),
      },
      {
        fullName: 'SIA_Sync_Error__c.Error_Code__c',
        problem: `Description: data value too large: ${long(1001)} (max length=1000)`,
      },
    );
  });

  it('validation rule error message: 255 characters', async () => {
    await refuse(
      {
        'objects/SIA_Sync_Setting__c/validationRules/Own_Row_Only.validationRule-meta.xml': (t) =>
          t.replace(/<errorMessage>[^<]*<\/errorMessage>/, `<errorMessage>${long(256)}</errorMessage>`),
      },
      {
        componentType: 'ValidationRule',
        fullName: 'SIA_Sync_Setting__c.Own_Row_Only',
        problem: `Error Message: data value too large: ${long(256)} (max length=255)`,
      },
    );
  });

  it('Unique is not available on activity fields', async () => {
    await refuse(
      {
        'objects/Activity/fields/SIA_Task_Id__c.field-meta.xml': (t) =>
          t.replace('<unique>false</unique>', '<unique>true</unique>'),
      },
      {
        componentType: 'CustomField',
        fullName: 'Activity.SIA_Task_Id__c',
        problem: 'Unique is not available for activity custom fields',
      },
    );
  });

  it('field types and their lengths', async () => {
    const field = 'objects/SIA_Sync_Error__c/fields/Error_Code__c.field-meta.xml';
    await refuse(
      { [field]: (t) => t.replace('<type>Text</type>', '<type>Textt</type>') },
      {
        fullName: 'SIA_Sync_Error__c.Error_Code__c',
        problem: "'Textt' is not a valid value for the enum 'FieldType'",
      },
    );
    await refuse(
      { [field]: (t) => t.replace(/<length>\d+<\/length>/, '<length>300</length>') },
      { fullName: 'SIA_Sync_Error__c.Error_Code__c', problem: 'Length must be between 1 and 255' },
    );
  });

  it('a lookup to an object that does not exist', async () => {
    await refuse(
      {
        'objects/SIA_Sync_Error__c/fields/User__c.field-meta.xml': (t) =>
          t.replace('<referenceTo>User</referenceTo>', '<referenceTo>Nope__c</referenceTo>'),
      },
      {
        fullName: 'SIA_Sync_Error__c.User__c',
        problem: "referenceTo value of 'Nope__c' does not resolve to a valid sObject type",
      },
    );
  });

  it('a picklist with two default values', async () => {
    await refuse(
      {
        'objects/SIA_Sync_Setting__c/fields/Task_Sync_Mode__c.field-meta.xml': (t) =>
          t.replaceAll('<default>false</default>', '<default>true</default>'),
      },
      {
        fullName: 'SIA_Sync_Setting__c.Task_Sync_Mode__c',
        problem:
          'Picklist can only have one default value: DoNotSync, SyncCompleteSkipped, SyncDeleteSkipped',
      },
    );
  });

  it('validation rule formulas: syntax, unknown fields and functions, a result that is not true or false', async () => {
    const rule = 'objects/SIA_Sync_Setting__c/validationRules/Bcc_Address_Required.validationRule-meta.xml';
    const formula = (f: string) => (t: string) =>
      t.replace(
        /<errorConditionFormula>[^<]*<\/errorConditionFormula>/,
        `<errorConditionFormula>${f}</errorConditionFormula>`,
      );
    const fullName = 'SIA_Sync_Setting__c.Bcc_Address_Required';
    await refuse(
      { [rule]: formula('Bcc_Enabled__c &amp;&amp; (ISBLANK(Bcc_Address__c)') },
      { fullName, problem: 'Syntax error.' },
    );
    await refuse(
      { [rule]: formula('Bcc_Enabled__c &amp;&amp; ISBLANK(Bcc_Adress__c)') },
      { fullName, problem: 'Field Bcc_Adress__c does not exist. Check spelling.' },
    );
    await refuse(
      { [rule]: formula('ISBLANKK(Bcc_Address__c)') },
      { fullName, problem: 'Unknown function ISBLANKK. Check spelling.' },
    );
    await refuse(
      { [rule]: formula('Bcc_Address__c') },
      {
        fullName,
        problem: 'Formula result is data type (Text), incompatible with expected data type (true or false).',
      },
    );
    await refuse(
      { [rule]: formula('ISCHANGED(Bcc_Adress__c)') },
      { fullName, problem: 'Field Bcc_Adress__c does not exist. Check spelling.' },
    );
  });

  it('field permissions: never on a required field, only on fields that exist', async () => {
    const set = 'permissionsets/SIA_Sync_User.permissionset-meta.xml';
    const grant = (field: string) => (t: string) =>
      t.replace(
        '<fieldPermissions>',
        `<fieldPermissions><editable>true</editable><field>${field}</field><readable>true</readable></fieldPermissions><fieldPermissions>`,
      );
    await refuse(
      { [set]: grant('SIA_Sync_Setting__c.Scope_Key__c') },
      {
        fullName: 'SIA_Sync_User',
        problem: 'You cannot deploy to a required field: SIA_Sync_Setting__c.Scope_Key__c',
      },
    );
    await refuse(
      { [set]: grant('SIA_Sync_Setting__c.Nope__c') },
      {
        fullName: 'SIA_Sync_User',
        problem: 'In field: field - no CustomField named SIA_Sync_Setting__c.Nope__c found',
      },
    );
  });

  it('system permissions: known names, and the permissions each depends on (ViewAllData)', async () => {
    const set = 'permissionsets/SIA_Sync_Integration.permissionset-meta.xml';
    const add = (name: string) => (t: string) =>
      t.replace(
        '</PermissionSet>',
        `<userPermissions><enabled>true</enabled><name>${name}</name></userPermissions></PermissionSet>`,
      );
    await refuse(
      { [set]: add('ViewAllData') },
      {
        fullName: 'SIA_Sync_Integration',
        problem:
          'Permission ViewAllData depends on permission(s): ViewAllForecasts, ViewDataLeakageEvents, ViewPlatformEvents',
      },
    );
    await refuse(
      { [set]: add('ReadAllTheThings') },
      { fullName: 'SIA_Sync_Integration', problem: 'Unknown user permission: ReadAllTheThings' },
    );
  });

  it('a custom permission that does not exist', async () => {
    await refuse(
      {
        'permissionsets/SIA_Sync_Admin.permissionset-meta.xml': (t) =>
          t.replace('<name>SIA_Sync_Admin</name>', '<name>SIA_Sync_Boss</name>'),
      },
      {
        fullName: 'SIA_Sync_Admin',
        problem: 'In field: name - no CustomPermission named SIA_Sync_Boss found',
      },
    );
  });

  it('change data capture: entities that exist, and at most the org’s allowance across all channels', async () => {
    await refuse(
      {
        'platformEventChannelMembers/ChangeEvents_TaskChangeEvent.platformEventChannelMember-meta.xml': (t) =>
          t.replace('<selectedEntity>TaskChangeEvent', '<selectedEntity>Nope__ChangeEvent'),
      },
      {
        componentType: 'PlatformEventChannelMember',
        fullName: 'ChangeEvents_TaskChangeEvent',
        problem: 'In field: selectedEntity - no change event entity named Nope__ChangeEvent found',
      },
    );
    const member = (entity: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<PlatformEventChannelMember ${NS}><eventChannel>ChangeEvents</eventChannel><selectedEntity>${entity}ChangeEvent</selectedEntity></PlatformEventChannelMember>\n`;
    const sixEntities = {
      'platformEventChannelMembers/ChangeEvents_AccountChangeEvent.platformEventChannelMember-meta.xml':
        member('Account'),
      'platformEventChannelMembers/ChangeEvents_ContactChangeEvent.platformEventChannelMember-meta.xml':
        member('Contact'),
      'platformEventChannelMembers/ChangeEvents_LeadChangeEvent.platformEventChannelMember-meta.xml':
        member('Lead'),
    };
    await refuse(sixEntities, {
      fullName: 'ChangeEvents_AccountChangeEvent',
      problem:
        'You can select up to 5 entities for change data capture across all channels; this deploy would select 6. To select more entities, purchase the Change Data Capture add-on license.',
    });
    // An org with the add-on takes them.
    const withAddOn = await startEmulator({ port: 0, changeDataCaptureEntities: 10 });
    try {
      const result = await deployZip(withAddOn, await packageZip(brokenCopy(sixEntities)));
      assert.equal(result.status, 'Succeeded', JSON.stringify(result.failures));
      assert.equal(withAddOn.state.org.schema.changeDataCaptureEntities.size, 6);
    } finally {
      await withAddOn.close();
    }
  });

  it('references to components that do not exist: a tab’s LWC, an app’s tab', async () => {
    await refuse(
      {
        'tabs/SIA_Sync_Health.tab-meta.xml': (t) =>
          t.replace('<lwcComponent>siaSyncHealth</lwcComponent>', '<lwcComponent>siaNope</lwcComponent>'),
      },
      {
        componentType: 'CustomTab',
        fullName: 'SIA_Sync_Health',
        problem: 'In field: lwcComponent - no LightningComponentBundle named siaNope found',
      },
    );
    await refuse(
      {
        'applications/SIA_Sync.app-meta.xml': (t) =>
          t.replace('<tabs>SIA_Sync_Health</tabs>', '<tabs>SIA_Nope</tabs>'),
      },
      {
        componentType: 'CustomApplication',
        fullName: 'SIA_Sync',
        problem: 'In field: tabs - no CustomTab named SIA_Nope found',
      },
    );
  });

  it('an LWC bundle without its compiled .js', async () => {
    await refused(
      await packageZip(brokenCopy({ 'lwc/siaErrorPanel/siaErrorPanel.js': '' })).then((zip) => {
        const files = unzipSync(zip);
        delete files['lwc/siaErrorPanel/siaErrorPanel.js'];
        return Buffer.from(zipSync(files));
      }),
      {
        componentType: 'LightningComponentBundle',
        fullName: 'siaErrorPanel',
        problem: 'No base file for markup://c:siaErrorPanel',
      },
    );
  });

  it('a package.xml member that is not in the zip', async () => {
    const files = unzipSync(await packageZip());
    delete files['tabs/SIA_Sync_Settings.tab'];
    files['package.xml'] = strToU8(new TextDecoder().decode(files['package.xml']));
    await refused(Buffer.from(zipSync(files)), {
      componentType: 'CustomTab',
      fullName: 'SIA_Sync_Settings',
      problem:
        "An object 'SIA_Sync_Settings' of type CustomTab was named in package.xml, but was not found in zipped directory",
    });
  });

  it('list views and compact layouts name fields and layouts that exist', async () => {
    await refuse(
      {
        'objects/SIA_Sync_Error__c/listViews/Open_Errors.listView-meta.xml': (t) =>
          t.replace('<columns>Error_Code__c</columns>', '<columns>Eror_Code__c</columns>'),
      },
      {
        componentType: 'ListView',
        fullName: 'SIA_Sync_Error__c.Open_Errors',
        problem: 'In field: columns - no CustomField named SIA_Sync_Error__c.Eror_Code__c found',
      },
    );
    await refuse(
      {
        'objects/SIA_Sync_Error__c/SIA_Sync_Error__c.object-meta.xml': (t) =>
          t.replace(
            '<compactLayoutAssignment>SIA_Sync_Error_Compact',
            '<compactLayoutAssignment>Nope_Compact',
          ),
      },
      {
        componentType: 'CustomObject',
        fullName: 'SIA_Sync_Error__c',
        problem: 'In field: compactLayoutAssignment - no CompactLayout named Nope_Compact found',
      },
    );
  });

  it('custom object label, plural label and description lengths', async () => {
    const object = 'objects/SIA_Sync_Error__c/SIA_Sync_Error__c.object-meta.xml';
    await refuse(
      {
        [object]: (t) =>
          t.replace(/<description>[^<]*<\/description>/, `<description>${long(1001)}</description>`),
      },
      {
        componentType: 'CustomObject',
        fullName: 'SIA_Sync_Error__c',
        problem: `Description: data value too large: ${long(1001)} (max length=1000)`,
      },
    );
    await refuse(
      {
        [object]: (t) =>
          t.replace(/<pluralLabel>[^<]*<\/pluralLabel>/, `<pluralLabel>${long(41)}</pluralLabel>`),
      },
      {
        componentType: 'CustomObject',
        fullName: 'SIA_Sync_Error__c',
        problem: `Plural Label: data value too large: ${long(41)} (max length=40)`,
      },
    );
  });

  it('number precision and scale, Unique and External ID only on the types that take them', async () => {
    const number = 'objects/SIA_Sync_Setting__c/fields/Api_Budget_Percent__c.field-meta.xml';
    await refuse(
      { [number]: (t) => t.replace(/<precision>\d+<\/precision>/, '<precision>19</precision>') },
      {
        fullName: 'SIA_Sync_Setting__c.Api_Budget_Percent__c',
        problem: 'Precision must be between 1 and 18',
      },
    );
    const checkbox = 'objects/SIA_Sync_Error__c/fields/Resolved__c.field-meta.xml';
    await refuse(
      { [checkbox]: (t) => t.replace('</CustomField>', '<externalId>true</externalId></CustomField>') },
      {
        fullName: 'SIA_Sync_Error__c.Resolved__c',
        problem: 'External ID is not available for fields of type Checkbox',
      },
    );
  });

  it('picklists: duplicate values, and a defaultValue formula instead of a default value', async () => {
    const field = 'objects/SIA_Sync_Setting__c/fields/Task_Sync_Mode__c.field-meta.xml';
    await refuse(
      {
        [field]: (t) =>
          t.replace('<fullName>SyncDeleteSkipped</fullName>', '<fullName>syncCompleteSkipped</fullName>'),
      },
      {
        fullName: 'SIA_Sync_Setting__c.Task_Sync_Mode__c',
        problem: 'Duplicate picklist value: syncCompleteSkipped',
      },
    );
    await refuse(
      {
        [field]: (t) =>
          t.replace('<type>Picklist</type>', "<type>Picklist</type><defaultValue>'DoNotSync'</defaultValue>"),
      },
      {
        fullName: 'SIA_Sync_Setting__c.Task_Sync_Mode__c',
        problem: 'Picklist fields take their default from a value marked default, not a defaultValue formula',
      },
    );
  });

  it('references to fields that do not exist: a layout’s, a validation rule’s error field, a sharing rule’s criteria', async () => {
    await refuse(
      {
        'layouts/SIA_Sync_Error__c-SIA Sync Error Layout.layout-meta.xml': (t) =>
          t.replace('<field>Category__c</field>', '<field>Categry__c</field>'),
      },
      {
        componentType: 'Layout',
        fullName: 'SIA_Sync_Error__c-SIA Sync Error Layout',
        problem: 'In field: field - no CustomField named SIA_Sync_Error__c.Categry__c found',
      },
    );
    await refuse(
      {
        'objects/SIA_Sync_Setting__c/validationRules/Bcc_Address_Required.validationRule-meta.xml': (t) =>
          t.replace('<errorDisplayField>Bcc_Address__c', '<errorDisplayField>Bcc_Adress__c'),
      },
      {
        componentType: 'ValidationRule',
        fullName: 'SIA_Sync_Setting__c.Bcc_Address_Required',
        problem: 'In field: errorDisplayField - no CustomField named SIA_Sync_Setting__c.Bcc_Adress__c found',
      },
    );
    await refuse(
      {
        'sharingRules/SIA_Sync_Setting__c.sharingRules-meta.xml': (t) =>
          t.replace('<field>Scope_Key__c</field>', '<field>Scope__c</field>'),
      },
      {
        componentType: 'SharingCriteriaRule',
        fullName: 'SIA_Sync_Setting__c.Org_Defaults_Readable_By_Everyone',
        problem: 'In field: field - no CustomField named SIA_Sync_Setting__c.Scope__c found',
      },
    );
  });

  it('change data capture: a channel that does not exist', async () => {
    await refuse(
      {
        'platformEventChannelMembers/ChangeEvents_TaskChangeEvent.platformEventChannelMember-meta.xml': (t) =>
          t.replace(
            '<eventChannel>ChangeEvents</eventChannel>',
            '<eventChannel>SIA_Nope__chn</eventChannel>',
          ),
      },
      {
        componentType: 'PlatformEventChannelMember',
        fullName: 'ChangeEvents_TaskChangeEvent',
        problem: 'In field: eventChannel - no PlatformEventChannel named SIA_Nope__chn found',
      },
    );
  });

  it('Task Status values: one default and at least one closed value', async () => {
    const statuses = (values: [string, boolean, boolean][]): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<StandardValueSet ${NS}><sorted>false</sorted>${values
        .map(
          ([name, isDefault, closed]) =>
            `<standardValue><fullName>${name}</fullName><default>${String(isDefault)}</default><label>${name}</label><closed>${String(closed)}</closed></standardValue>`,
        )
        .join('')}</StandardValueSet>\n`;
    const file = 'standardValueSets/TaskStatus.standardValueSet-meta.xml';
    await refuse(
      {
        [file]: statuses([
          ['Not Started', true, false],
          ['In Progress', false, false],
        ]),
      },
      {
        componentType: 'StandardValueSet',
        fullName: 'TaskStatus',
        problem: 'TaskStatus must have at least one closed value',
      },
    );
    await refuse(
      {
        [file]: statuses([
          ['Not Started', false, false],
          ['Done', false, true],
        ]),
      },
      {
        componentType: 'StandardValueSet',
        fullName: 'TaskStatus',
        problem: 'TaskStatus must have exactly one default value',
      },
    );
  });
});
