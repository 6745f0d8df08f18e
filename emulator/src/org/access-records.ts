// The access model's rows: every org's profiles (each owning a permission set, IsOwnedByProfile)
// and role hierarchy, the rows deployed PermissionSet and CustomPermission metadata become
// (PermissionSet, ObjectPermissions, FieldPermissions, SetupEntityAccess, CustomPermission, with the
// component's id), and what a user holds through their profile and assignments. Nothing here
// enforces access; it is the data an enforcement layer reads.
import type { MetadataComponent } from './metadata-components.ts';
import type { OrgMetadata } from './org-metadata.ts';
import { flag, list, text } from './xml.ts';
import { formatDateTime } from './datetime.ts';
import { IdGenerator } from './ids.ts';
import type { Org } from './org.ts';
import type { StoredRecord } from '../schema/types.ts';
import { USER_PERMISSIONS, type UserPermission } from '../schema/access-objects.ts';

export const PROFILES = {
  'System Administrator': {
    userType: 'Standard',
    permissions: [
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
    ],
  },
  'Standard User': {
    userType: 'Standard',
    permissions: ['ApiEnabled', 'EditEvent', 'EditTask', 'RunReports'],
  },
  // The profile Salesforce recommends for integration users: no permissions of its own.
  'Minimum Access - Salesforce': { userType: 'Standard', permissions: [] },
} satisfies Record<string, { userType: string; permissions: UserPermission[] }>;

export type ProfileName = keyof typeof PROFILES;

/** The CRM objects whose access profiles grant through ObjectPermissions. */
const CRM_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity'];

/** What each standard profile's own permission set grants on them. */
const PROFILE_OBJECT_ACCESS: Record<ProfileName, { crud: boolean; all: boolean }> = {
  'System Administrator': { crud: true, all: true },
  'Standard User': { crud: true, all: false },
  'Minimum Access - Salesforce': { crud: false, all: false },
};

/** The role hierarchy of a new emulated org: name → parent. */
export const ROLES: { name: string; developerName: string; parent?: string }[] = [
  { name: 'CEO', developerName: 'CEO' },
  { name: 'VP, Sales', developerName: 'VPSales', parent: 'CEO' },
  { name: 'Sales Rep', developerName: 'SalesRep', parent: 'VP, Sales' },
];

const BASELINE_AT = formatDateTime(new Date(Date.UTC(2026, 0, 1)));

function systemValues(org: Org, at: string): Record<string, unknown> {
  const userId = org.users[0]?.id ?? null;
  return {
    CreatedDate: at,
    CreatedById: userId,
    LastModifiedDate: at,
    LastModifiedById: userId,
    SystemModstamp: at,
  };
}

function permissionValues(enabled: Iterable<string>): Record<string, boolean> {
  const on = new Set(enabled);
  return Object.fromEntries(USER_PERMISSIONS.map((name) => [`Permissions${name}`, on.has(name)]));
}

function putIfMissing(org: Org, id: string, type: string, fields: Record<string, unknown>): void {
  if (org.store.byId(id) !== undefined) return;
  org.store.put({
    Id: id,
    type,
    isDeleted: false,
    fields: { Id: id, ...systemValues(org, BASELINE_AT), ...fields },
  });
}

function findByName(org: Org, type: string, field: string, value: string): StoredRecord | undefined {
  for (const record of org.store.records(type))
    if (record.fields[field] === value && !record.isDeleted) return record;
  return undefined;
}

export function profileId(org: Org, name: string): string | undefined {
  return findByName(org, 'Profile', 'Name', name)?.Id;
}

export function roleId(org: Org, name: string): string | undefined {
  return findByName(org, 'UserRole', 'Name', name)?.Id;
}

/**
 * Profiles with their owned permission sets and the role hierarchy, with fixed ids from their own
 * generator (after the other baseline rows), so they survive resets and restarts; users get their
 * ProfileId and UserRoleId.
 */
export function seedAccessBaseline(org: Org, ids: IdGenerator): void {
  for (const [name, profile] of Object.entries(PROFILES)) {
    const id = ids.next('00e');
    putIfMissing(org, id, 'Profile', {
      Name: name,
      Description: null,
      UserType: profile.userType,
      UserLicenseId: null,
      ...permissionValues(profile.permissions),
    });
    // The permission set a profile owns holds its permissions; its name is the platform's X + id.
    const setId = ids.next('0PS');
    putIfMissing(org, setId, 'PermissionSet', {
      Name: `X${id.slice(0, 15)}`,
      Label: id.slice(0, 15),
      Description: null,
      IsOwnedByProfile: true,
      ProfileId: id,
      IsCustom: false,
      HasActivationRequired: false,
      NamespacePrefix: null,
      Type: 'Profile',
      LicenseId: null,
      PermissionSetGroupId: null,
      ...permissionValues(profile.permissions),
    });
  }
  for (const role of ROLES) {
    putIfMissing(org, ids.next('00E'), 'UserRole', {
      Name: role.name,
      DeveloperName: role.developerName,
      ParentRoleId: role.parent === undefined ? null : (roleId(org, role.parent) ?? null),
      RollupDescription: role.name,
      OpportunityAccessForAccountOwner: 'Edit',
      ContactAccessForAccountOwner: 'Edit',
      CaseAccessForAccountOwner: 'Edit',
      PortalType: 'None',
    });
  }
  // The profiles' object permissions come after the roles, so older data files keep their role ids.
  for (const [name, access] of Object.entries(PROFILE_OBJECT_ACCESS)) {
    const parent = [...org.store.records('PermissionSet')].find(
      (set) => set.fields.IsOwnedByProfile === true && set.fields.ProfileId === profileId(org, name),
    );
    for (const sobject of CRM_OBJECTS) {
      const id = ids.next('110');
      if (!access.crud || parent === undefined) continue;
      putIfMissing(org, id, 'ObjectPermissions', {
        ParentId: parent.Id,
        SobjectType: sobject,
        PermissionsCreate: true,
        PermissionsRead: true,
        PermissionsEdit: true,
        PermissionsDelete: true,
        PermissionsViewAllRecords: access.all,
        PermissionsModifyAllRecords: access.all,
        PermissionsViewAllFields: false,
      });
    }
  }
  for (const user of org.users) {
    const record = org.store.byId(user.id);
    if (record === undefined) continue;
    const wanted = {
      ProfileId: profileId(org, user.profile) ?? null,
      UserRoleId: user.role === undefined ? null : (roleId(org, user.role) ?? null),
    };
    if (record.fields.ProfileId !== undefined && record.fields.ProfileId !== null) continue;
    org.store.put({ ...record, fields: { ...record.fields, ...wanted } });
  }
}

function rowsOf(org: Org, type: string, parentId: string): StoredRecord[] {
  return [...org.store.records(type)].filter((r) => r.fields.ParentId === parentId);
}

/** Writes `fields` into the row matching `match` among `rows`, or a new row; returns its id. */
function upsertRow(
  org: Org,
  type: string,
  prefix: string,
  rows: StoredRecord[],
  match: (r: StoredRecord) => boolean,
  fields: Record<string, unknown>,
  at: string,
): string {
  const existing = rows.find(match);
  if (existing !== undefined) {
    const changed = Object.entries(fields).some(([k, v]) => existing.fields[k] !== v);
    if (changed) {
      org.store.put({
        ...existing,
        fields: { ...existing.fields, ...fields, LastModifiedDate: at, SystemModstamp: at },
      });
    }
    return existing.Id;
  }
  const id = org.ids.next(prefix);
  org.store.put({ Id: id, type, isDeleted: false, fields: { Id: id, ...systemValues(org, at), ...fields } });
  return id;
}

function syncPermissionSet(
  org: Org,
  component: MetadataComponent & { id: string },
  metadata: OrgMetadata,
  at: string,
): void {
  const { xml } = component;
  const enabled = list(xml, 'userPermissions')
    .filter((p) => flag(p, 'enabled'))
    .map((p) => text(p, 'name') ?? '');
  const fields = {
    Name: component.fullName,
    Label: text(xml, 'label') ?? component.fullName,
    Description: text(xml, 'description') ?? null,
    IsOwnedByProfile: false,
    ProfileId: null,
    IsCustom: true,
    HasActivationRequired: flag(xml, 'hasActivationRequired'),
    NamespacePrefix: null,
    Type: 'Regular',
    LicenseId: null,
    PermissionSetGroupId: null,
    ...permissionValues(enabled),
  };
  const existing = org.store.byId(component.id);
  org.store.put({
    Id: component.id,
    type: 'PermissionSet',
    isDeleted: false,
    fields: {
      Id: component.id,
      ...systemValues(org, at),
      ...(existing === undefined ? {} : { CreatedDate: existing.fields.CreatedDate }),
      ...fields,
    },
  });
  // A deployed permission set replaces what the org had: rows it no longer grants go.
  const keep = new Set<string>();
  const objectRows = rowsOf(org, 'ObjectPermissions', component.id);
  for (const p of list(xml, 'objectPermissions')) {
    const sobject = text(p, 'object') ?? '';
    keep.add(
      upsertRow(
        org,
        'ObjectPermissions',
        '110',
        objectRows,
        (r) => r.fields.SobjectType === sobject,
        {
          ParentId: component.id,
          SobjectType: sobject,
          PermissionsCreate: flag(p, 'allowCreate'),
          PermissionsRead: flag(p, 'allowRead'),
          PermissionsEdit: flag(p, 'allowEdit'),
          PermissionsDelete: flag(p, 'allowDelete'),
          PermissionsViewAllRecords: flag(p, 'viewAllRecords'),
          PermissionsModifyAllRecords: flag(p, 'modifyAllRecords'),
          PermissionsViewAllFields: flag(p, 'viewAllFields'),
        },
        at,
      ),
    );
  }
  const fieldRows = rowsOf(org, 'FieldPermissions', component.id);
  for (const p of list(xml, 'fieldPermissions')) {
    const fieldName = text(p, 'field') ?? '';
    // "A FieldPermissions record must have at minimum PermissionsRead set to true, or it will be deleted."
    if (!flag(p, 'readable') && !flag(p, 'editable')) continue;
    keep.add(
      upsertRow(
        org,
        'FieldPermissions',
        '01k',
        fieldRows,
        (r) => r.fields.Field === fieldName,
        {
          ParentId: component.id,
          SobjectType: fieldName.slice(0, fieldName.indexOf('.')),
          Field: fieldName,
          PermissionsRead: true,
          PermissionsEdit: flag(p, 'editable'),
        },
        at,
      ),
    );
  }
  const entityRows = rowsOf(org, 'SetupEntityAccess', component.id);
  for (const p of list(xml, 'customPermissions')) {
    if (!flag(p, 'enabled')) continue;
    const permission = metadata.get('CustomPermission', text(p, 'name') ?? '');
    if (permission === undefined) continue;
    keep.add(
      upsertRow(
        org,
        'SetupEntityAccess',
        '0J0',
        entityRows,
        (r) => r.fields.SetupEntityId === permission.id,
        {
          ParentId: component.id,
          SetupEntityId: permission.id,
          SetupEntityType: 'CustomPermission',
        },
        at,
      ),
    );
  }
  for (const row of [...objectRows, ...fieldRows, ...entityRows])
    if (!keep.has(row.Id)) org.store.purge(row.Id);
}

/** Brings the setup rows in line with the org's deployed CustomPermission and PermissionSet metadata. */
export function syncSetupRecords(org: Org, before: OrgMetadata | undefined): void {
  const at = formatDateTime(org.clock.now());
  for (const component of org.metadata.ofType('CustomPermission')) {
    const previous = before?.get('CustomPermission', component.fullName);
    if (
      previous !== undefined &&
      previous.lastModifiedDate === component.lastModifiedDate &&
      org.store.byId(component.id)
    )
      continue;
    const existing = org.store.byId(component.id);
    org.store.put({
      Id: component.id,
      type: 'CustomPermission',
      isDeleted: false,
      fields: {
        Id: component.id,
        ...systemValues(org, component.createdDate),
        ...(existing === undefined ? {} : { CreatedDate: existing.fields.CreatedDate }),
        LastModifiedDate: component.lastModifiedDate,
        SystemModstamp: component.lastModifiedDate,
        DeveloperName: component.fullName,
        MasterLabel: text(component.xml, 'label') ?? component.fullName,
        Description: text(component.xml, 'description') ?? null,
        IsLicensed: flag(component.xml, 'isLicensed'),
        NamespacePrefix: null,
        Language: 'en_US',
      },
    });
  }
  for (const component of org.metadata.ofType('PermissionSet')) {
    const previous = before?.get('PermissionSet', component.fullName);
    const unchanged =
      previous !== undefined &&
      previous.lastModifiedDate === component.lastModifiedDate &&
      org.store.byId(component.id) !== undefined;
    // A custom permission deployed after the set that grants it still needs its access row.
    if (
      !unchanged ||
      org.metadata
        .ofType('CustomPermission')
        .some((c) => before?.get('CustomPermission', c.fullName) === undefined)
    ) {
      syncPermissionSet(org, component, org.metadata, at);
    }
  }
}

/** The permission sets a user holds: their profile's own set and every active assignment. */
export function permissionSetIdsOf(org: Org, userId: string): string[] {
  const user = org.store.byId(userId);
  const profile = user?.fields.ProfileId;
  const ids = new Set<string>();
  for (const set of org.store.records('PermissionSet')) {
    if (set.fields.IsOwnedByProfile === true && set.fields.ProfileId === profile) ids.add(set.Id);
  }
  const now = org.clock.now().getTime();
  for (const assignment of org.store.records('PermissionSetAssignment')) {
    if (assignment.isDeleted || assignment.fields.AssigneeId !== userId) continue;
    const expires = assignment.fields.ExpirationDate;
    if (typeof expires === 'string' && new Date(expires.replace('+0000', 'Z')).getTime() <= now) continue;
    ids.add(String(assignment.fields.PermissionSetId));
  }
  return [...ids];
}

/** The custom permissions (DeveloperName) a user holds: `$Permission.<name>` in formulas. */
export function customPermissionsOf(org: Org, userId: string): Set<string> {
  const sets = new Set(permissionSetIdsOf(org, userId));
  const names = new Set<string>();
  for (const access of org.store.records('SetupEntityAccess')) {
    if (access.fields.SetupEntityType !== 'CustomPermission' || !sets.has(String(access.fields.ParentId)))
      continue;
    const permission = org.store.byId(String(access.fields.SetupEntityId));
    if (permission !== undefined) names.add(String(permission.fields.DeveloperName));
  }
  return names;
}

/** The system permissions a user holds through their profile and permission sets. */
export function userPermissionsOf(org: Org, userId: string): Set<UserPermission> {
  const held = new Set<UserPermission>();
  for (const id of permissionSetIdsOf(org, userId)) {
    const set = org.store.byId(id);
    if (set === undefined) continue;
    for (const name of USER_PERMISSIONS) if (set.fields[`Permissions${name}`] === true) held.add(name);
  }
  return held;
}

/**
 * Checks a new PermissionSetAssignment as the platform does: one assignment per user and set, and
 * never a profile's own set (it comes with the profile).
 */
export function assignmentProblem(
  org: Org,
  fields: Record<string, unknown>,
  selfId: string | undefined,
): { code: string; message: string } | undefined {
  const set = typeof fields.PermissionSetId === 'string' ? org.store.byId(fields.PermissionSetId) : undefined;
  if (set?.fields.IsOwnedByProfile === true) {
    return {
      code: 'INVALID_CROSS_REFERENCE_KEY',
      message: "You can't assign or unassign this permission set because it's associated with a profile.",
    };
  }
  for (const other of org.store.records('PermissionSetAssignment')) {
    if (other.isDeleted || other.Id === selfId) continue;
    if (
      other.fields.AssigneeId === fields.AssigneeId &&
      other.fields.PermissionSetId === fields.PermissionSetId
    ) {
      return {
        code: 'DUPLICATE_VALUE',
        message: `Duplicate PermissionSetAssignment. Assignee: ${String(fields.AssigneeId).slice(0, 15)}, PermissionSet: ${String(fields.PermissionSetId).slice(0, 15)}`,
      };
    }
  }
  return undefined;
}
