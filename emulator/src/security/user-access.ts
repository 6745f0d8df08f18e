// What one user may do, from their profile's own permission set and their assigned sets: system
// permissions, object permissions (ObjectPermissions rows) and field-level security (FieldPermissions
// rows), and where they sit in the role hierarchy. Object Reference, ObjectPermissions and
// FieldPermissions: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_objectpermissions.htm
// "View All Data" reads every object and "Modify All Data" edits every object; neither opens a field
// that field-level security hides, as on the platform (FLS governs custom fields for every profile,
// the System Administrator's included: a field deployed without a grant is hidden from everyone).
import { permissionSetIdsOf } from '../org/access-records.ts';
import type { UserPermission } from '../schema/access-objects.ts';
import { USER_PERMISSIONS } from '../schema/access-objects.ts';
import type { Org } from '../org/org.ts';
import type { FieldDef, ObjectDef } from '../schema/types.ts';

export interface ObjectAccess {
  read: boolean;
  create: boolean;
  edit: boolean;
  delete: boolean;
  /** View All Records (for the object), or View All Data. */
  viewAll: boolean;
  /** Modify All Records (for the object), or Modify All Data. */
  modifyAll: boolean;
}

export type FieldAccess = 'none' | 'read' | 'edit';

/** Objects whose access comes from object permissions (profiles and permission sets). */
const PERMISSIONED_STANDARD = new Set(['account', 'contact', 'lead', 'opportunity', 'case', 'campaign']);

/** Setup objects: readable by everyone; writes need an admin permission. */
const SETUP_WRITES: Record<string, UserPermission[]> = {
  user: ['ManageUsers'],
  userrole: ['ManageUsers'],
  permissionset: ['ManageProfilesPermissionsets'],
  objectpermissions: ['ManageProfilesPermissionsets'],
  fieldpermissions: ['ManageProfilesPermissionsets'],
  setupentityaccess: ['ManageProfilesPermissionsets'],
  permissionsetassignment: ['AssignPermissionSets', 'ManageUsers'],
};

const NONE: ObjectAccess = {
  read: false,
  create: false,
  edit: false,
  delete: false,
  viewAll: false,
  modifyAll: false,
};

/** Whether object permissions decide access to an object (CRM objects, custom objects, platform events). */
export function isPermissioned(def: ObjectDef): boolean {
  return (
    def.kind === 'custom' || def.kind === 'platformEvent' || PERMISSIONED_STANDARD.has(def.name.toLowerCase())
  );
}

/** Activities: Task and Event, governed by Edit Tasks / Edit Events and their Who and What. */
export function isActivity(def: ObjectDef | string): boolean {
  const name = typeof def === 'string' ? def : def.name;
  return name === 'Task' || name === 'Event';
}

/** Fields whose visibility field-level security decides: custom fields that may be left empty. */
function isSecured(def: ObjectDef, field: FieldDef): boolean {
  if (!field.custom || def.kind === 'platformEvent') return false;
  // A required field is visible and editable to everyone who sees the object (it cannot be hidden).
  const required = !field.nillable && field.type !== 'boolean' && field.createable;
  return !required;
}

export class UserAccess {
  readonly userId: string;
  readonly active: boolean;
  readonly roleId: string | null;
  readonly permissions: ReadonlySet<UserPermission>;
  /** Users whose role is below this user's in the hierarchy. */
  readonly subordinates: ReadonlySet<string>;
  /** This user's role and every role above it (for sharing rules shared to roles and subordinates). */
  readonly roleAndAbove: ReadonlySet<string>;
  private readonly objects = new Map<string, ObjectAccess>();
  /** `object.field` (lower case) → read or edit, from FieldPermissions rows. */
  private readonly fields = new Map<string, FieldAccess>();
  private readonly viewAllFields = new Set<string>();

  constructor(org: Org, userId: string) {
    this.userId = userId;
    const user = org.store.byId(userId);
    this.active = user?.type === 'User' && user.fields.IsActive !== false;
    this.roleId = typeof user?.fields.UserRoleId === 'string' ? user.fields.UserRoleId : null;
    const sets = new Set(permissionSetIdsOf(org, userId));
    const permissions = new Set<UserPermission>();
    for (const id of sets) {
      const set = org.store.byId(id);
      if (set === undefined || set.isDeleted) continue;
      for (const name of USER_PERMISSIONS)
        if (set.fields[`Permissions${name}`] === true) permissions.add(name);
    }
    this.permissions = permissions;
    for (const row of org.store.records('ObjectPermissions')) {
      if (row.isDeleted || !sets.has(String(row.fields.ParentId))) continue;
      const key = String(row.fields.SobjectType).toLowerCase();
      const was = this.objects.get(key) ?? NONE;
      const f = row.fields;
      this.objects.set(key, {
        read: was.read || f.PermissionsRead === true,
        create: was.create || f.PermissionsCreate === true,
        edit: was.edit || f.PermissionsEdit === true,
        delete: was.delete || f.PermissionsDelete === true,
        viewAll: was.viewAll || f.PermissionsViewAllRecords === true,
        modifyAll: was.modifyAll || f.PermissionsModifyAllRecords === true,
      });
      if (f.PermissionsViewAllFields === true) this.viewAllFields.add(key);
    }
    for (const row of org.store.records('FieldPermissions')) {
      if (row.isDeleted || !sets.has(String(row.fields.ParentId))) continue;
      const name = String(row.fields.Field).toLowerCase();
      const level: FieldAccess =
        row.fields.PermissionsEdit === true ? 'edit' : row.fields.PermissionsRead === true ? 'read' : 'none';
      // Activity custom fields are granted as Task.<field>; Salesforce mirrors the grant onto Event.
      const names =
        name.startsWith('task.') || name.startsWith('event.') || name.startsWith('activity.')
          ? ['task', 'event'].map((object) => `${object}.${name.slice(name.indexOf('.') + 1)}`)
          : [name];
      for (const key of names)
        if (level === 'edit' || this.fields.get(key) !== 'edit') this.fields.set(key, level);
    }
    const roles = new Map<string, string | null>();
    for (const role of org.store.records('UserRole')) {
      if (!role.isDeleted)
        roles.set(role.Id, typeof role.fields.ParentRoleId === 'string' ? role.fields.ParentRoleId : null);
    }
    const above = new Set<string>();
    for (let role = this.roleId; role !== null && !above.has(role); role = roles.get(role) ?? null)
      above.add(role);
    this.roleAndAbove = above;
    const below = new Set<string>();
    if (this.roleId !== null) {
      for (const roleId of roles.keys()) {
        // A role is below this user's when walking up from it meets this user's role.
        for (
          let up = roles.get(roleId) ?? null, seen = 0;
          up !== null && seen < roles.size;
          up = roles.get(up) ?? null, seen++
        ) {
          if (up === this.roleId) {
            below.add(roleId);
            break;
          }
        }
      }
    }
    const subordinates = new Set<string>();
    for (const other of org.store.records('User')) {
      const role = other.fields.UserRoleId;
      if (typeof role === 'string' && below.has(role)) subordinates.add(other.Id);
    }
    this.subordinates = subordinates;
  }

  has(permission: UserPermission): boolean {
    return this.permissions.has(permission);
  }

  /** Object-level access: what the user may do with records of the object at all. */
  objectAccess(def: ObjectDef): ObjectAccess {
    const modifyAllData = this.has('ModifyAllData');
    const viewAllData = modifyAllData || this.has('ViewAllData');
    const name = def.name.toLowerCase();
    let access: ObjectAccess;
    if (isPermissioned(def)) {
      access = modifyAllData
        ? { read: true, create: true, edit: true, delete: true, viewAll: true, modifyAll: true }
        : (this.objects.get(name) ?? NONE);
      if (viewAllData) access = { ...access, read: true, viewAll: true };
      // Modify All implies View All; View All implies Read.
      if (access.modifyAll) access = { ...access, viewAll: true };
      if (access.viewAll) access = { ...access, read: true };
    } else if (isActivity(def)) {
      const edit = this.has(def.name === 'Task' ? 'EditTask' : 'EditEvent') || modifyAllData;
      access = {
        read: true,
        create: edit,
        edit,
        delete: edit,
        viewAll: viewAllData,
        modifyAll: modifyAllData,
      };
    } else if (name === 'opportunitycontactrole') {
      const opportunity = this.objects.get('opportunity') ?? NONE;
      const edit = modifyAllData || opportunity.edit;
      access = {
        read: viewAllData || opportunity.read,
        create: edit,
        edit,
        delete: edit,
        viewAll: viewAllData || opportunity.viewAll,
        modifyAll: modifyAllData || opportunity.modifyAll,
      };
    } else {
      const needs = SETUP_WRITES[name];
      const write = needs === undefined || modifyAllData || needs.some((p) => this.has(p));
      access = {
        read: true,
        create: write,
        edit: write,
        delete: write,
        viewAll: true,
        modifyAll: modifyAllData,
      };
    }
    return access;
  }

  /** Field-level security for a field of an object the user can read. */
  fieldAccess(def: ObjectDef, field: FieldDef): FieldAccess {
    if (!isSecured(def, field)) return 'edit';
    const granted = this.fields.get(`${def.name}.${field.name}`.toLowerCase()) ?? 'none';
    if (granted === 'none' && this.viewAllFields.has(def.name.toLowerCase())) return 'read';
    return granted;
  }
}
