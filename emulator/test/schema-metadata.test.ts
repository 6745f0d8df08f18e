// The schema an org gets from deployed metadata: a fresh org has the standard objects only; a
// Metadata API deploy brings custom objects, field types and attributes, platform events, Activity
// fields on Task and Event and change-data-capture members; a field never deployed is unknown; a
// later deploy updates what is there; --data keeps it across restarts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { deploySource } from '../../scripts/package-install.ts';
import { findField, findObject } from '../src/schema/types.ts';
import { withEmulator } from './helpers.ts';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

function write(root: string, path: string, xml: string): void {
  const full = join(root, 'main', 'default', path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`);
}

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'sia-force-app-'));
  write(
    root,
    'objects/Widget__c/Widget__c.object-meta.xml',
    `<CustomObject ${NS}><label>Widget</label><pluralLabel>Widgets</pluralLabel><nameField><label>Widget Number</label><type>AutoNumber</type><displayFormat>W-{0000}</displayFormat></nameField><sharingModel>ReadWrite</sharingModel></CustomObject>`,
  );
  write(
    root,
    'objects/Widget__c/fields/Color__c.field-meta.xml',
    `<CustomField ${NS}><fullName>Color__c</fullName><label>Color</label><type>Picklist</type><required>true</required><valueSet><restricted>true</restricted><valueSetDefinition><sorted>false</sorted><value><fullName>Red</fullName><default>true</default><label>Red</label></value><value><fullName>Blue</fullName><default>false</default><label>Blue</label></value></valueSetDefinition></valueSet></CustomField>`,
  );
  write(
    root,
    'objects/Widget__c/fields/Owner_User__c.field-meta.xml',
    `<CustomField ${NS}><fullName>Owner_User__c</fullName><label>Owner User</label><type>Lookup</type><referenceTo>User</referenceTo><relationshipName>Widgets</relationshipName><deleteConstraint>SetNull</deleteConstraint></CustomField>`,
  );
  write(
    root,
    'objects/Widget__c/fields/Weight__c.field-meta.xml',
    `<CustomField ${NS}><fullName>Weight__c</fullName><label>Weight</label><type>Number</type><precision>5</precision><scale>2</scale></CustomField>`,
  );
  write(
    root,
    'objects/Widget__c/validationRules/Heavy.validationRule-meta.xml',
    `<ValidationRule ${NS}><fullName>Heavy</fullName><active>true</active><errorConditionFormula>Weight__c &gt; 100</errorConditionFormula><errorMessage>Too heavy</errorMessage></ValidationRule>`,
  );
  write(
    root,
    'objects/Ping__e/Ping__e.object-meta.xml',
    `<CustomObject ${NS}><deploymentStatus>Deployed</deploymentStatus><eventType>HighVolume</eventType><label>Ping</label><pluralLabel>Pings</pluralLabel><publishBehavior>PublishAfterCommit</publishBehavior></CustomObject>`,
  );
  write(
    root,
    'objects/Ping__e/fields/Note__c.field-meta.xml',
    `<CustomField ${NS}><fullName>Note__c</fullName><label>Note</label><type>Text</type><length>50</length></CustomField>`,
  );
  write(
    root,
    'objects/Activity/fields/Ext_Key__c.field-meta.xml',
    `<CustomField ${NS}><fullName>Ext_Key__c</fullName><label>Ext Key</label><type>Text</type><length>40</length><externalId>true</externalId></CustomField>`,
  );
  write(
    root,
    'platformEventChannelMembers/ChangeEvents_Widget.platformEventChannelMember-meta.xml',
    `<PlatformEventChannelMember ${NS}><eventChannel>ChangeEvents</eventChannel><selectedEntity>Widget__ChangeEvent</selectedEntity></PlatformEventChannelMember>`,
  );
  write(
    root,
    'platformEventChannelMembers/ChangeEvents_Task.platformEventChannelMember-meta.xml',
    `<PlatformEventChannelMember ${NS}><eventChannel>ChangeEvents</eventChannel><selectedEntity>TaskChangeEvent</selectedEntity></PlatformEventChannelMember>`,
  );
  return root;
}

describe('schema from deployed metadata', () => {
  it('starts with the standard objects only', async () => {
    await withEmulator({ installPackage: false }, (emulator) => {
      const { schema } = emulator.state.org;
      assert.ok(findObject(schema, 'Task'));
      assert.ok(findObject(schema, 'PermissionSet'));
      assert.equal(findObject(schema, 'SIA_Sync_Setting__c'), undefined);
      assert.equal(
        findField(findObject(schema, 'Task') ?? ({ fields: new Map() } as never), 'SIA_Task_Id__c'),
        undefined,
      );
      assert.equal(schema.changeDataCaptureEntities.size, 0);
      return Promise.resolve();
    });
  });

  it('reads custom objects, fields, rules, platform events, Activity fields and CDC members', async () => {
    const root = fixture();
    try {
      await withEmulator({ installPackage: false }, async (emulator) => {
        await deploySource(emulator, root);
        const { schema } = emulator.state.org;
        const widget = findObject(schema, 'widget__c');
        assert.ok(widget);
        assert.equal(widget.kind, 'custom');
        assert.match(widget.keyPrefix, /^a[0-9A-Za-z]{2}$/);
        const color = findField(widget, 'Color__c');
        assert.equal(color?.type, 'picklist');
        assert.equal(color.restrictedPicklist, true);
        assert.equal(color.nillable, false);
        assert.equal(color.defaultValue, 'Red');
        assert.deepEqual(
          color.picklistValues?.map((p) => p.value),
          ['Red', 'Blue'],
        );
        const lookup = findField(widget, 'Owner_User__c');
        assert.deepEqual(lookup?.referenceTo, ['User']);
        assert.equal(
          lookup.relationshipName,
          'Owner_User__r',
          'the parent relationship is the field name with __r',
        );
        assert.equal(
          lookup.childRelationshipName,
          'Widgets__r',
          "the metadata's relationshipName names the child side",
        );
        assert.deepEqual(
          [findField(widget, 'Weight__c')?.precision, findField(widget, 'Weight__c')?.scale],
          [5, 2],
        );
        assert.equal(findField(widget, 'Name')?.createable, false, 'an auto-number name is read-only');
        assert.ok(findField(widget, 'OwnerId'));
        assert.equal(widget.validationRules[0]?.errorConditionFormula, 'Weight__c > 100');

        const ping = findObject(schema, 'Ping__e');
        assert.equal(ping?.kind, 'platformEvent');
        assert.equal(findField(ping, 'Note__c')?.updateable, false);

        for (const activity of ['Task', 'Event']) {
          const def = findObject(schema, activity);
          assert.ok(def);
          assert.equal(findField(def, 'Ext_Key__c')?.externalId, true, `${activity} has the Activity field`);
          assert.equal(
            findField(def, 'SIA_Task_Id__c'),
            undefined,
            'fields absent from the metadata are unknown',
          );
        }
        assert.deepEqual([...schema.changeDataCaptureEntities].sort(), ['Task', 'Widget__c']);
        assert.ok(
          findField(findObject(schema, 'Task') ?? widget, 'WhatId')?.referenceTo.includes('Widget__c'),
        );
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads the package in this repository', async () => {
    await withEmulator({}, async (emulator) => {
      const { schema } = emulator.state.org;
      const task = findObject(schema, 'Task');
      assert.ok(task);
      assert.equal(findField(task, 'SIA_Task_Id__c')?.externalId, true);
      assert.equal(findField(task, 'Subject')?.length, 255);
      assert.equal(findField(task, 'Description')?.length, 32000);
      assert.equal(findField(task, 'Status')?.defaultValue, 'Not Started');
      assert.equal(findField(task, 'TaskSubtype')?.updateable, false);
      assert.equal(findField(task, 'WhoId')?.relationshipName, 'Who');
      assert.ok(schema.changeDataCaptureEntities.has('Task'));
      assert.equal(findObject(schema, 'SIA_Sync_Notice__e')?.kind, 'platformEvent');
      return Promise.resolve();
    });
  });
});
