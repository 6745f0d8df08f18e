// The setup objects that hold an org's access model, as the Object Reference describes them:
// Profile, UserRole (a hierarchy through ParentRoleId), PermissionSet (profiles own one each,
// IsOwnedByProfile), PermissionSetAssignment, ObjectPermissions, FieldPermissions, SetupEntityAccess
// and CustomPermission. Field names, types and create/update properties follow the Object Reference:
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_permissionset.htm
// (…_permissionsetassignment, _objectpermissions, _fieldpermissions, _setupentityaccess,
// _custompermission, _profile, _userrole, _connectedapplication). What the API writes, as on the
// platform: roles (create, update, delete), permission sets other than a profile's (create, update,
// delete) with their ObjectPermissions and FieldPermissions rows, assignments (create, delete) —
// how admins and `sf org assign permset` grant access — and SetupEntityAccess rows (create,
// delete), which grant custom permissions and pre-authorize users for a connected app.
import { field, object, picklist, readOnly, reference, systemFields } from './field-builders.ts';
import type { FieldDef, ObjectDef } from './types.ts';

/**
 * System (user) permissions the emulator knows, by Metadata API name (`<userPermissions><name>`);
 * PermissionSet and Profile carry each as a `Permissions<Name>` checkbox.
 */
export const USER_PERMISSIONS = [
  'ApiEnabled',
  'AssignPermissionSets',
  'CustomizeApplication',
  'EditEvent',
  'EditTask',
  'ManageProfilesPermissionsets',
  'ManageTranslation',
  'ManageUsers',
  'ModifyAllData',
  'RunReports',
  'ViewAllData',
  'ViewAllForecasts',
  'ViewAllUsers',
  'ViewDataLeakageEvents',
  'ViewPlatformEvents',
  'ViewRoles',
  'ViewSetup',
] as const;

export type UserPermission = (typeof USER_PERMISSIONS)[number];

const setupReadOnly = { createable: false, updateable: false };

function permissionFields(writable: boolean): FieldDef[] {
  return USER_PERMISSIONS.map((name) =>
    writable
      ? field(`Permissions${name}`, 'boolean', { label: name })
      : readOnly(`Permissions${name}`, 'boolean', { label: name }),
  );
}

function profile(): ObjectDef {
  return object(
    {
      name: 'Profile',
      label: 'Profile',
      labelPlural: 'Profiles',
      keyPrefix: '00e',
      createable: false,
      updateable: false,
      deletable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('Name', 'string', { length: 255, label: 'Name', nillable: false }),
      readOnly('Description', 'string', { length: 255 }),
      readOnly('UserType', 'picklist', { length: 40, label: 'User Type' }),
      reference('UserLicenseId', ['UserLicense'], 'UserLicense', {
        ...setupReadOnly,
        label: 'User License ID',
      }),
      ...permissionFields(false),
    ],
  );
}

function userRole(): ObjectDef {
  return object(
    {
      name: 'UserRole',
      label: 'Role',
      labelPlural: 'Roles',
      keyPrefix: '00E',
    },
    [
      ...systemFields({ owner: false }).filter(
        (f) => f.name !== 'IsDeleted' && f.name !== 'CreatedDate' && f.name !== 'CreatedById',
      ),
      field('Name', 'string', { length: 80, nillable: false }),
      field('DeveloperName', 'string', { length: 80, label: 'Developer Name', defaultedOnCreate: true }),
      reference('ParentRoleId', ['UserRole'], 'ParentRole', { label: 'Parent Role ID' }),
      field('RollupDescription', 'string', { length: 80, label: 'Description' }),
      picklist('OpportunityAccessForAccountOwner', ['None', 'Read', 'Edit'], {
        label: 'Opportunity Access Level',
        restrictedPicklist: true,
      }),
      picklist('ContactAccessForAccountOwner', ['None', 'Read', 'Edit'], {
        label: 'Contact Access Level',
        restrictedPicklist: true,
      }),
      picklist('CaseAccessForAccountOwner', ['None', 'Read', 'Edit'], {
        label: 'Case Access Level',
        restrictedPicklist: true,
      }),
      readOnly('PortalType', 'picklist', { length: 40, label: 'Portal Type' }),
    ],
  );
}

function permissionSet(): ObjectDef {
  return object(
    {
      name: 'PermissionSet',
      label: 'Permission Set',
      labelPlural: 'Permission Sets',
      keyPrefix: '0PS',
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      field('Name', 'string', { length: 80, label: 'Permission Set Name', nillable: false }),
      field('Label', 'string', { length: 80, label: 'Permission Set Label', nillable: false }),
      field('Description', 'string', { length: 255 }),
      readOnly('IsOwnedByProfile', 'boolean', { label: 'Is Owned By Profile' }),
      reference('ProfileId', ['Profile'], 'Profile', { ...setupReadOnly, label: 'Profile ID' }),
      readOnly('IsCustom', 'boolean', { label: 'Custom' }),
      field('HasActivationRequired', 'boolean', { label: 'Session Activation Required' }),
      readOnly('NamespacePrefix', 'string', { length: 15, label: 'Namespace Prefix' }),
      readOnly('Type', 'picklist', { length: 40 }),
      reference('LicenseId', ['PermissionSetLicense', 'UserLicense'], 'License', {
        ...setupReadOnly,
        label: 'License ID',
      }),
      reference('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup', {
        ...setupReadOnly,
        label: 'Permission Set Group ID',
      }),
      ...permissionFields(true),
    ],
  );
}

function permissionSetAssignment(): ObjectDef {
  return object(
    {
      name: 'PermissionSetAssignment',
      label: 'Permission Set Assignment',
      labelPlural: 'Permission Set Assignments',
      keyPrefix: '0Pa',
      updateable: true,
      replicateable: false,
    },
    [
      readOnly('Id', 'id', {
        label: 'Permission Set Assignment ID',
        nillable: false,
        defaultedOnCreate: true,
        idLookup: true,
        length: 18,
      }),
      reference('AssigneeId', ['User'], 'Assignee', {
        label: 'Assignee ID',
        nillable: false,
        updateable: false,
      }),
      reference('PermissionSetId', ['PermissionSet'], 'PermissionSet', {
        label: 'Permission Set ID',
        nillable: false,
        updateable: false,
      }),
      reference('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup', {
        label: 'Permission Set Group ID',
        updateable: false,
      }),
      field('ExpirationDate', 'datetime', { label: 'Expires On' }),
      // The Object Reference says "Defaults to false", but an ordinary assignment reads back as active;
      // false is for session-based sets not yet activated, which the emulator does not have.
      readOnly('IsActive', 'boolean', { label: 'Is Active', defaultValue: true }),
      field('IsRevoked', 'boolean', { label: 'Is Revoked', createable: false }),
      readOnly('SystemModstamp', 'datetime', {
        label: 'Date Assigned',
        nillable: false,
        defaultedOnCreate: true,
      }),
    ],
  );
}

function objectPermissions(): ObjectDef {
  return object(
    {
      name: 'ObjectPermissions',
      label: 'Object Permissions',
      labelPlural: 'Object Permissions',
      keyPrefix: '110',
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      reference('ParentId', ['PermissionSet'], 'Parent', {
        label: 'Parent ID',
        nillable: false,
        updateable: false,
      }),
      field('SobjectType', 'picklist', {
        length: 40,
        label: 'SObject Type Name',
        nillable: false,
        updateable: false,
      }),
      field('PermissionsCreate', 'boolean', { label: 'Create Records' }),
      field('PermissionsRead', 'boolean', { label: 'Read Records' }),
      field('PermissionsEdit', 'boolean', { label: 'Edit Records' }),
      field('PermissionsDelete', 'boolean', { label: 'Delete Records' }),
      field('PermissionsViewAllRecords', 'boolean', { label: 'Read All Records' }),
      field('PermissionsModifyAllRecords', 'boolean', { label: 'Edit All Records' }),
      field('PermissionsViewAllFields', 'boolean', { label: 'ViewAllFields' }),
    ],
  );
}

function fieldPermissions(): ObjectDef {
  return object(
    {
      name: 'FieldPermissions',
      label: 'Field Permissions',
      labelPlural: 'Field Permissions',
      keyPrefix: '01k',
    },
    [
      readOnly('Id', 'id', {
        label: 'Field Permissions ID',
        nillable: false,
        defaultedOnCreate: true,
        idLookup: true,
        length: 18,
      }),
      reference('ParentId', ['PermissionSet'], 'Parent', {
        label: 'Parent ID',
        nillable: false,
        updateable: false,
      }),
      field('SobjectType', 'picklist', {
        length: 40,
        label: 'SObject Type Name',
        nillable: false,
        updateable: false,
      }),
      field('Field', 'picklist', { length: 80, label: 'Field Name', nillable: false, updateable: false }),
      field('PermissionsRead', 'boolean', { label: 'Read Field' }),
      field('PermissionsEdit', 'boolean', { label: 'Edit Field' }),
      readOnly('SystemModstamp', 'datetime', {
        label: 'System Modstamp',
        nillable: false,
        defaultedOnCreate: true,
      }),
    ],
  );
}

function setupEntityAccess(): ObjectDef {
  return object(
    {
      name: 'SetupEntityAccess',
      label: 'Setup Entity Access',
      labelPlural: 'Setup Entity Access',
      keyPrefix: '0J0',
      updateable: false,
    },
    [
      readOnly('Id', 'id', {
        label: 'SetupEntityAccess ID',
        nillable: false,
        defaultedOnCreate: true,
        idLookup: true,
        length: 18,
      }),
      reference('ParentId', ['PermissionSet'], 'Parent', {
        label: 'Parent ID',
        nillable: false,
        updateable: false,
      }),
      reference(
        'SetupEntityId',
        ['CustomPermission', 'ConnectedApplication', 'ApexClass', 'ApexPage', 'TabSet'],
        'SetupEntity',
        { label: 'Setup Entity ID', nillable: false, updateable: false },
      ),
      picklist(
        'SetupEntityType',
        [
          'ApexClass',
          'ApexPage',
          'ConnectedApplication',
          'CustomPermission',
          'ServiceProvider',
          'TabSet',
          'CustomEntityDefinition',
        ],
        {
          ...setupReadOnly,
          restrictedPicklist: true,
          label: 'Setup Entity Type',
        },
      ),
      readOnly('SystemModstamp', 'datetime', {
        label: 'System Modstamp',
        nillable: false,
        defaultedOnCreate: true,
      }),
    ],
  );
}

function customPermission(): ObjectDef {
  return object(
    {
      name: 'CustomPermission',
      label: 'Custom Permission',
      labelPlural: 'Custom Permissions',
      keyPrefix: '0CP',
      createable: false,
      updateable: false,
      deletable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('DeveloperName', 'string', { length: 80, label: 'Name', nillable: false }),
      readOnly('MasterLabel', 'string', { length: 80, label: 'Label', nillable: false }),
      readOnly('Description', 'textarea', { length: 255 }),
      readOnly('IsLicensed', 'boolean', { label: 'Is Licensed' }),
      readOnly('NamespacePrefix', 'string', { length: 15, label: 'Namespace Prefix' }),
      readOnly('Language', 'picklist', { length: 40, label: 'Master Language' }),
    ],
  );
}

function connectedApplication(): ObjectDef {
  return object(
    {
      name: 'ConnectedApplication',
      label: 'Connected App',
      labelPlural: 'Connected Apps',
      keyPrefix: '0H4',
      createable: false,
      updateable: false,
      deletable: false,
      replicateable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('Name', 'string', { length: 80, label: 'Connected App Name', nillable: false }),
      readOnly('OptionsAllowAdminApprovedUsersOnly', 'boolean', {
        label: 'Admin Approved Users Are Pre-Authorized',
      }),
      readOnly('OptionsRefreshTokenValidityMetric', 'boolean', {
        label: 'Refresh Token Expires If Not Used',
      }),
      readOnly('RefreshTokenValidityPeriod', 'int', { label: 'Refresh Token Validity Period' }),
      readOnly('OptionsIsInternal', 'boolean', { label: 'Is Internal' }),
      readOnly('OptionsFullContentPushNotifications', 'boolean', {
        label: 'Full Content Push Notifications',
      }),
      readOnly('OptionsHasSessionLevelPolicy', 'boolean', { label: 'Has Session Level Policy' }),
      readOnly('MobileSessionTimeout', 'picklist', { length: 40, label: 'Mobile Session Timeout' }),
      readOnly('PinLength', 'picklist', { length: 40, label: 'Pin Length' }),
      readOnly('StartUrl', 'url', { length: 1000, label: 'Start URL' }),
      readOnly('MobileStartUrl', 'url', { length: 1000, label: 'Mobile Start URL' }),
    ],
  );
}

/** The access-model objects, added to every org's standard-object catalogue. */
export function accessObjects(): ObjectDef[] {
  const defs = [
    profile(),
    userRole(),
    permissionSet(),
    permissionSetAssignment(),
    objectPermissions(),
    fieldPermissions(),
    setupEntityAccess(),
    customPermission(),
    connectedApplication(),
  ];
  const children: Record<string, Record<string, string>> = {
    PermissionSetAssignment: { AssigneeId: 'PermissionSetAssignments', PermissionSetId: 'Assignments' },
    ObjectPermissions: { ParentId: 'ObjectPerms' },
    FieldPermissions: { ParentId: 'FieldPerms' },
    SetupEntityAccess: { ParentId: 'SetupEntityAccessItems' },
  };
  for (const def of defs) {
    for (const [fieldName, childName] of Object.entries(children[def.name] ?? {})) {
      const f = def.fields.get(fieldName.toLowerCase());
      if (f) f.childRelationshipName = childName;
    }
  }
  return defs;
}
