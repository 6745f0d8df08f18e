// One org's access enforcement: for each user, what they hold (cached until a permission set, an
// assignment, a field or object permission row, a user or a role changes, or a deploy changes the
// schema), the schema as they see it (objects they cannot read and fields field-level security
// hides are absent, so describe, SOQL and the REST API answer as for names that do not exist), the
// records they can see, the guard their saves pass, and which change and platform events reach them.
import type { Org } from '../org/org.ts';
import type { WriteGuard } from '../org/write-guard.ts';
import type { FieldDef, ObjectDef, RecordSource, Schema, StoredRecord } from '../schema/types.ts';
import type { RetainedEvent } from '../streaming/types.ts';
import { ALL, EDIT, READ, RecordAccess } from './record-access.ts';
import type { SharingSettings } from './sharing-settings.ts';
import { isActivity, UserAccess } from './user-access.ts';

/** The types whose rows decide what a user holds. */
const ACCESS_TYPES = [
  'PermissionSet',
  'PermissionSetAssignment',
  'ObjectPermissions',
  'FieldPermissions',
  'User',
  'UserRole',
];

/** What one request works with: the user's access, schema, visible records and write guard. */
export interface UserView {
  user: UserAccess;
  schema: Schema;
  records: RecordAccess;
  visible: RecordSource;
  guard: WriteGuard;
}

interface Cached {
  key: string;
  user: UserAccess;
  schema: Schema;
}

function narrowField(field: FieldDef, editable: boolean): FieldDef {
  return editable ? field : { ...field, createable: false, updateable: false };
}

/** The schema as one user sees it. */
function schemaFor(org: Org, user: UserAccess): Schema {
  const objects = new Map<string, ObjectDef>();
  for (const [key, def] of org.schema.objects) {
    const access = user.objectAccess(def);
    // Publishing a platform event needs Create on it, subscribing Read.
    if (!access.read && !(def.kind === 'platformEvent' && access.create)) continue;
    const fields = new Map<string, FieldDef>();
    for (const [name, field] of def.fields) {
      const level = user.fieldAccess(def, field);
      if (level !== 'none') fields.set(name, narrowField(field, level === 'edit'));
    }
    objects.set(key, {
      ...def,
      fields,
      createable: def.createable && access.create,
      updateable: def.updateable && access.edit,
      deletable: def.deletable && access.delete,
    });
  }
  const changeDataCaptureEntities = new Set(
    [...org.schema.changeDataCaptureEntities].filter((entity) => objects.has(entity.toLowerCase())),
  );
  return { objects, changeDataCaptureEntities };
}

class VisibleRecords implements RecordSource {
  private readonly org: Org;
  private readonly access: RecordAccess;

  constructor(org: Org, access: RecordAccess) {
    this.org = org;
    this.access = access;
  }

  *records(objectName: string): Iterable<StoredRecord> {
    for (const record of this.org.store.records(objectName))
      if (this.access.level(record) >= READ) yield record;
  }

  byId(id: string): StoredRecord | undefined {
    const record = this.org.store.byId(id);
    return record !== undefined && this.access.level(record) >= READ ? record : undefined;
  }
}

export class AccessControl {
  private readonly org: Org;
  readonly sharing: SharingSettings;
  /** Per deploy (a deploy builds new object definitions), per user. */
  private readonly cache = new WeakMap<ObjectDef, Map<string, Cached>>();

  constructor(org: Org, sharing: SharingSettings) {
    this.org = org;
    this.sharing = sharing;
  }

  private cached(userId: string): Cached {
    const anchor = this.org.schema.objects.get('user');
    const key = ACCESS_TYPES.map((type) => this.org.store.revision(type)).join('|');
    if (anchor === undefined) {
      const user = new UserAccess(this.org, userId);
      return { key, user, schema: schemaFor(this.org, user) };
    }
    let perUser = this.cache.get(anchor);
    if (perUser === undefined) {
      perUser = new Map();
      this.cache.set(anchor, perUser);
    }
    const known = perUser.get(userId);
    if (known?.key === key) return known;
    const user = new UserAccess(this.org, userId);
    const fresh = { key, user, schema: schemaFor(this.org, user) };
    perUser.set(userId, fresh);
    return fresh;
  }

  user(userId: string): UserAccess {
    return this.cached(userId).user;
  }

  /** Everything one request needs, for the user it runs as. */
  view(userId: string): UserView {
    const { user, schema } = this.cached(userId);
    const records = new RecordAccess(this.org, user, this.sharing);
    const visible = new VisibleRecords(this.org, records);
    const org = this.org;
    const sharing = this.sharing;
    const guard: WriteGuard = {
      mayCreate: (def) => user.objectAccess(def).create,
      mayEdit: (def) => user.objectAccess(def).edit,
      mayDelete: (def) => user.objectAccess(def).delete,
      fieldAccess: (def, field) => user.fieldAccess(def, field),
      visible,
      mayEditRecord: (record) => records.level(record) >= EDIT,
      mayDeleteRecord: (record) => records.level(record) >= ALL,
      mayTransfer: (record) => {
        const level = records.level(record);
        if (level >= ALL) return true;
        // Anyone who may edit a task may assign it; Public Read/Write/Transfer lets editors transfer.
        return (
          level >= EDIT &&
          (isActivity(record.type) || sharing.modelOf(org, record.type) === 'ReadWriteTransfer')
        );
      },
      changed: () => {
        records.forget();
      },
    };
    return { user, schema, records, visible, guard };
  }

  /**
   * What of an event reaches a CometD subscriber. Change data capture ignores sharing but needs, per
   * entity, View All Data for Task and Event, View All Users for User, View All Records (or View All
   * Data) for the others, and drops the fields field-level security hides; a platform event needs
   * Read on the event ("Required Permissions for Change Event Subscribers", "Field-Level Security",
   * Change Data Capture Developer Guide:
   * https://developer.salesforce.com/docs/platform/change-data-capture/guide/cdc-security-perms.html).
   */
  deliverable(userId: string, event: RetainedEvent): RetainedEvent | undefined {
    const user = this.user(userId);
    if (!user.active || !user.has('ApiEnabled')) return undefined;
    if (event.channel.startsWith('/event/')) {
      const def = this.org.schema.objects.get(event.channel.slice('/event/'.length).toLowerCase());
      return def !== undefined && user.objectAccess(def).read ? event : undefined;
    }
    const header = event.payload.ChangeEventHeader;
    const entity =
      typeof header === 'object' && header !== null && 'entityName' in header ? header.entityName : undefined;
    const def = typeof entity === 'string' ? this.org.schema.objects.get(entity.toLowerCase()) : undefined;
    if (def === undefined) return undefined;
    const viewAllData = user.has('ViewAllData') || user.has('ModifyAllData');
    const allowed = isActivity(def)
      ? viewAllData
      : def.name === 'User'
        ? viewAllData || user.has('ViewAllUsers')
        : user.objectAccess(def).viewAll;
    if (!allowed) return undefined;
    const hidden = new Set(
      [...def.fields.values()].filter((f) => user.fieldAccess(def, f) === 'none').map((f) => f.name),
    );
    if (hidden.size === 0) return event;
    const payload = Object.fromEntries(Object.entries(event.payload).filter(([key]) => !hidden.has(key)));
    if (typeof header === 'object' && header !== null) {
      const without = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.filter((name) => !(typeof name === 'string' && hidden.has(name)))
          : value;
      const fields = header as Record<string, unknown>;
      payload.ChangeEventHeader = {
        ...fields,
        changedFields: without(fields.changedFields),
        nulledFields: without(fields.nulledFields),
        diffFields: without(fields.diffFields),
      };
    }
    return { ...event, payload };
  }
}
