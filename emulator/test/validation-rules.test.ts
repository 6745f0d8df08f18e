// The package's validation rules on SIA_Sync_Setting__c, enforced once deployed, with
// FIELD_CUSTOM_VALIDATION_EXCEPTION, through jsforce as the admin, the rep and the integration user.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploySource } from '../../scripts/package-install.ts';
import { connect, connectAs, withEmulator } from './helpers.ts';

/** Every error of a failed call: jsforce reports several as MULTIPLE_API_ERRORS with an array in `data`. */
function messagesOf(error: unknown): string[] {
  const data = (error as { data?: unknown }).data;
  const list = Array.isArray(data) ? data : [data];
  return list.map((e) => (e as { message?: string } | undefined)?.message ?? '');
}

function firstError(error: unknown): { errorCode?: string; message?: string; fields?: string[] } {
  const data = (error as { data?: { errorCode?: string; message?: string; fields?: string[] } }).data;
  return data ?? {};
}

describe('validation rules from metadata', () => {
  it('guards the org-wide settings row and user rows as the package rules say', async () => {
    await withEmulator({}, async (emulator) => {
      const [, , rep] = emulator.users;
      assert.ok(rep);
      const settings = 'SIA_Sync_Setting__c';
      const integration = await connect(emulator);
      await assert.rejects(
        integration.sobject(settings).create({ Scope_Key__c: 'ORG' }),
        (error: unknown) => {
          assert.deepEqual(firstError(error), {
            errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: 'Only SIA Sync admins can change the org-wide settings.',
            fields: [],
          });
          return true;
        },
      );

      const adminConn = await connectAs(emulator, 'admin@sia-emulator.example');
      await assert.rejects(
        adminConn.sobject(settings).create({ Scope_Key__c: 'ORG', Api_Budget_Percent__c: 150 }),
        (error: unknown) => {
          assert.equal(firstError(error).message, 'The API budget must be between 1 and 100 percent.');
          assert.deepEqual(firstError(error).fields, ['Api_Budget_Percent__c']);
          return true;
        },
      );
      const orgRow = await adminConn
        .sobject(settings)
        .create({ Scope_Key__c: 'ORG', Api_Budget_Percent__c: 50 });
      assert.equal(orgRow.success, true);
      await assert.rejects(
        adminConn.sobject(settings).update({ Id: orgRow.id, Task_Subject_Template__c: 'line\nbreak' }),
        (error: unknown) => firstError(error).message === 'Subject templates cannot contain line breaks.',
      );

      const repConn = await connectAs(emulator, 'rep@sia-emulator.example');
      const own = await repConn
        .sobject(settings)
        .create({ Scope_Key__c: rep.id, User__c: rep.id, Task_Sync_Mode__c: 'SyncCompleteSkipped' });
      assert.equal(own.success, true);
      await assert.rejects(
        repConn.sobject(settings).update({ Id: own.id, Bcc_Enabled__c: true }),
        (error: unknown) =>
          firstError(error).message === 'Enter your Email to Salesforce address to activate BCC logging.',
      );
      await assert.rejects(
        repConn.sobject(settings).update({ Id: own.id, Scope_Key__c: 'ORG', User__c: null }),
        (error: unknown) => {
          // Salesforce reports every rule that fails, not just the first.
          assert.deepEqual(messagesOf(error).sort(), [
            'Only SIA Sync admins can change the org-wide settings.',
            'The scope of a settings row cannot change; create a new row instead.',
          ]);
          return true;
        },
      );
      const adminUser = emulator.users[0];
      assert.ok(adminUser);
      await assert.rejects(
        repConn.sobject(settings).create({ Scope_Key__c: adminUser.id, User__c: adminUser.id }),
        (error: unknown) => firstError(error).message === 'You can only change your own SIA Sync settings.',
      );
      const rows = await adminConn.query('SELECT Id FROM SIA_Sync_Setting__c');
      assert.equal(rows.totalSize, 2, 'only the valid rows were saved');
    });
  });

  it('reads $Permission from the permission sets assigned to the user, not from the profile alone', async () => {
    const users = [
      { username: 'boss@example.com', firstName: 'B', lastName: 'Oss' },
      { username: 'worker@example.com', firstName: 'W', lastName: 'Orker' },
    ];
    await withEmulator(
      { users, runAsUsername: 'worker@example.com', installPackage: false },
      async (emulator) => {
        await deploySource(emulator);
        const boss = await connectAs(emulator, 'boss@example.com');
        await assert.rejects(boss.sobject('SIA_Sync_Setting__c').create({ Scope_Key__c: 'ORG' }), {
          name: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        });
        const [set] = (
          await boss.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'SIA_Sync_Admin'")
        ).records;
        const bossId = emulator.users[0]?.id;
        assert.ok(set && bossId);
        const assigned = await boss
          .sobject('PermissionSetAssignment')
          .create({ AssigneeId: bossId, PermissionSetId: set.Id });
        assert.equal(assigned.success, true);
        assert.equal(
          (await boss.sobject('SIA_Sync_Setting__c').create({ Scope_Key__c: 'ORG' })).success,
          true,
        );
        // The worker may edit every settings row (a permission set with Modify All Records and the
        // field, made over the API as an admin does), yet holds no SIA_Sync_Admin: the rule refuses.
        const editor = await boss
          .sobject('PermissionSet')
          .create({ Name: 'Settings_Editor', Label: 'Settings Editor' });
        assert.equal(editor.success, true);
        await boss.sobject('ObjectPermissions').create({
          ParentId: editor.id,
          SobjectType: 'SIA_Sync_Setting__c',
          PermissionsRead: true,
          PermissionsCreate: true,
          PermissionsEdit: true,
          PermissionsDelete: true,
          PermissionsViewAllRecords: true,
          PermissionsModifyAllRecords: true,
        });
        await boss.sobject('FieldPermissions').create({
          ParentId: editor.id,
          SobjectType: 'SIA_Sync_Setting__c',
          Field: 'SIA_Sync_Setting__c.Log_Replies__c',
          PermissionsRead: true,
          PermissionsEdit: true,
        });
        const workerId = emulator.users[1]?.id;
        assert.ok(workerId);
        await boss
          .sobject('PermissionSetAssignment')
          .create({ AssigneeId: workerId, PermissionSetId: editor.id });
        const worker = await connect(emulator);
        await assert.rejects(
          worker.sobject('SIA_Sync_Setting__c').update({
            Id: (await boss.query<{ Id: string }>('SELECT Id FROM SIA_Sync_Setting__c')).records[0]?.Id ?? '',
            Log_Replies__c: true,
          }),
          { name: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' },
        );
      },
    );
  });
});
