// Record-level access: how much of one record a user may see and change, as the sharing model
// decides it (Sharing and Visibility: "Record-level access"): the owner has full access; users above
// the owner in the role hierarchy have the owner's access; Modify All Data (or Modify All Records for
// the object) edits and deletes everything, View All Data (or View All Records) reads everything; the
// organization-wide default gives everyone Read or Read/Write; sharing rules add Read or Edit; a
// Controlled-by-Parent record takes its parent's access. Activities: their owner and the users above
// them have full access; otherwise, Controlled by Parent, a user may do with a task what they may do
// with both its Who and its What, and a task with neither is private to its owner; with Private
// activities, read access to the Who and What lets a user read the task, never change it.
// https://help.salesforce.com/s/articleView?id=platform.sharing_model_fields.htm
// https://help.salesforce.com/s/articleView?id=sales.activities_view.htm
import type { Org } from '../org/org.ts';
import { findObject, type ObjectDef, type StoredRecord } from '../schema/types.ts';
import type { SharingSettings } from './sharing-settings.ts';
import {
  roleIdsByDeveloperName,
  ruleLevel,
  sharingRulesOf,
  type RuleMembership,
  type SharingRule,
} from './sharing-rules.ts';
import { isActivity, isPermissioned, type UserAccess } from './user-access.ts';

/** None < Read < Edit < All (All: delete and transfer too). */
export type AccessLevel = 0 | 1 | 2 | 3;
export const NONE: AccessLevel = 0;
export const READ: AccessLevel = 1;
export const EDIT: AccessLevel = 2;
export const ALL: AccessLevel = 3;

function max(a: AccessLevel, b: AccessLevel): AccessLevel {
  return a > b ? a : b;
}

function min(a: AccessLevel, b: AccessLevel): AccessLevel {
  return a < b ? a : b;
}

/** Record access for one user during one request (answers are remembered for the request). */
export class RecordAccess {
  private readonly org: Org;
  private readonly user: UserAccess;
  private readonly sharing: SharingSettings;
  private readonly levels = new Map<string, AccessLevel>();
  private readonly rules = new Map<string, SharingRule[]>();
  private readonly owners = new Map<string, RuleMembership | undefined>();
  private roles: Map<string, string> | undefined;

  constructor(org: Org, user: UserAccess, sharing: SharingSettings) {
    this.org = org;
    this.user = user;
    this.sharing = sharing;
  }

  /** Access to the record with this id; None when there is no such record. */
  levelOfId(id: string): AccessLevel {
    const record = this.org.store.byId(id);
    return record === undefined ? NONE : this.level(record);
  }

  level(record: StoredRecord): AccessLevel {
    const known = this.levels.get(record.Id);
    if (known !== undefined) return known;
    // Guard against a cycle of parents while this record's level is being worked out.
    this.levels.set(record.Id, NONE);
    const level = this.compute(record);
    this.levels.set(record.Id, level);
    return level;
  }

  /** Forgets what was worked out (after a write changed ownership or parents). */
  forget(): void {
    this.levels.clear();
  }

  private compute(record: StoredRecord): AccessLevel {
    const def = findObject(this.org.schema, record.type);
    if (def === undefined) return NONE;
    const object = this.user.objectAccess(def);
    if (!object.read) return NONE;
    if (object.modifyAll) return ALL;
    let level: AccessLevel = object.viewAll ? READ : NONE;
    const owner = record.fields.OwnerId;
    if (typeof owner === 'string') {
      if (owner === this.user.userId || this.user.subordinates.has(owner)) return ALL;
    }
    if (isActivity(def)) return max(level, this.activityLevel(record));
    switch (def.name) {
      case 'User':
        return record.Id === this.user.userId ? EDIT : READ;
      case 'OpportunityContactRole':
        return max(level, this.parentLevel(record.fields.OpportunityId));
      case 'EmailMessage':
        return max(level, this.emailLevel(record));
      default:
        break;
    }
    // Records sharing does not govern (setup rows, picklist rows) are open; object permissions decide.
    if (!isPermissioned(def) || def.kind === 'platformEvent') return ALL;
    const model = this.sharing.modelOf(this.org, def.name);
    switch (model) {
      case 'Read':
        level = max(level, READ);
        break;
      case 'ReadWrite':
      case 'ReadWriteTransfer':
        level = max(level, EDIT);
        break;
      case 'ControlledByParent':
        level = max(level, this.controllingParentLevel(def, record));
        break;
      case 'Private':
        break;
    }
    return max(level, this.ruleLevel(def, record));
  }

  /** Contacts follow their account; a contact without one is private to its owner. */
  private controllingParentLevel(def: ObjectDef, record: StoredRecord): AccessLevel {
    if (def.name === 'Contact') return this.parentLevel(record.fields.AccountId);
    return NONE;
  }

  private parentLevel(id: unknown): AccessLevel {
    return typeof id === 'string' ? this.levelOfId(id) : NONE;
  }

  private activityLevel(record: StoredRecord): AccessLevel {
    const parents = [record.fields.WhoId, record.fields.WhatId].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
    if (parents.length === 0) return NONE;
    let level: AccessLevel = ALL;
    for (const id of parents) level = min(level, this.levelOfId(id));
    if (this.sharing.modelOf(this.org, 'Activity') === 'Private') return min(level, READ);
    return level;
  }

  private emailLevel(record: StoredRecord): AccessLevel {
    if (record.fields.CreatedById === this.user.userId) return ALL;
    const activity = record.fields.ActivityId;
    if (typeof activity === 'string') return this.levelOfId(activity);
    return this.parentLevel(record.fields.RelatedToId) > NONE ? READ : NONE;
  }

  private ruleLevel(def: ObjectDef, record: StoredRecord): AccessLevel {
    let rules = this.rules.get(def.name);
    if (rules === undefined) {
      rules = sharingRulesOf(this.org, def.name);
      this.rules.set(def.name, rules);
    }
    if (rules.length === 0) return NONE;
    this.roles ??= roleIdsByDeveloperName(this.org);
    const granted = ruleLevel(
      rules,
      record,
      this.user,
      this.ownerMembership(record.fields.OwnerId),
      this.roles,
    );
    return granted === 'Edit' ? EDIT : granted === 'Read' ? READ : NONE;
  }

  private ownerMembership(ownerId: unknown): RuleMembership | undefined {
    if (typeof ownerId !== 'string') return undefined;
    if (this.owners.has(ownerId)) return this.owners.get(ownerId);
    const owner = this.org.store.byId(ownerId);
    const roleId = typeof owner?.fields.UserRoleId === 'string' ? owner.fields.UserRoleId : null;
    const roleAndAbove = new Set<string>();
    const seen = new Set<string>();
    for (let role: string | null = roleId; role !== null && !seen.has(role);) {
      seen.add(role);
      roleAndAbove.add(role);
      const parent = this.org.store.byId(role)?.fields.ParentRoleId;
      role = typeof parent === 'string' ? parent : null;
    }
    const membership = { roleId, roleAndAbove };
    this.owners.set(ownerId, membership);
    return membership;
  }
}
