// Sharing rules from deployed SharingRules metadata: criteria-based rules (records whose fields match
// are shared) and owner-based rules (records owned by a role's users are shared), each granting Read
// or Edit to all internal users, a role, or a role and its subordinates. Metadata API, SharingRules:
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_sharingrules.htm
// Roles are named by their DeveloperName, as in the metadata.
import { isNode, list, text, type XmlNode } from '../org/xml.ts';
import type { Org } from '../org/org.ts';
import type { StoredRecord } from '../schema/types.ts';

export type RuleLevel = 'Read' | 'Edit';

interface Group {
  kind: 'allInternalUsers' | 'role' | 'roleAndSubordinates';
  /** Role DeveloperName, for role groups. */
  role?: string;
}

interface Criterion {
  field: string;
  operation: string;
  value: string;
}

export interface SharingRule {
  object: string;
  level: RuleLevel;
  sharedTo: Group;
  /** Criteria rules: every item must match (booleanFilter is not read). */
  criteria?: Criterion[];
  /** Owner rules: whose records are shared. */
  sharedFrom?: Group;
}

function groupOf(node: XmlNode | undefined): Group | undefined {
  if (node === undefined) return undefined;
  if ('allInternalUsers' in node) return { kind: 'allInternalUsers' };
  for (const kind of ['roleAndSubordinates', 'roleAndSubordinatesInternal'] as const) {
    const role = text(node, kind);
    if (role !== undefined) return { kind: 'roleAndSubordinates', role };
  }
  const role = text(node, 'role');
  if (role !== undefined) return { kind: 'role', role };
  // Public groups, queues and territories are not modelled: such a rule shares with no one here.
  return undefined;
}

function childNode(node: XmlNode, key: string): XmlNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

/** The org's deployed sharing rules for one object. */
export function sharingRulesOf(org: Org, object: string): SharingRule[] {
  const rules: SharingRule[] = [];
  const prefix = `${object.toLowerCase()}.`;
  for (const type of ['SharingCriteriaRule', 'SharingOwnerRule']) {
    for (const component of org.metadata.ofType(type)) {
      if (!component.fullName.toLowerCase().startsWith(prefix)) continue;
      const level: RuleLevel = text(component.xml, 'accessLevel') === 'Edit' ? 'Edit' : 'Read';
      const sharedTo = groupOf(childNode(component.xml, 'sharedTo'));
      if (sharedTo === undefined) continue;
      if (type === 'SharingCriteriaRule') {
        const criteria = list(component.xml, 'criteriaItems').map((item) => ({
          field: text(item, 'field') ?? '',
          operation: text(item, 'operation') ?? 'equals',
          value: text(item, 'value') ?? '',
        }));
        rules.push({ object, level, sharedTo, criteria });
      } else {
        const sharedFrom = groupOf(childNode(component.xml, 'sharedFrom'));
        if (sharedFrom !== undefined) rules.push({ object, level, sharedTo, sharedFrom });
      }
    }
  }
  return rules;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function matches(record: StoredRecord, criterion: Criterion): boolean {
  const actual = asText(record.fields[criterion.field]).toLowerCase();
  const wanted = criterion.value.toLowerCase();
  switch (criterion.operation) {
    case 'equals':
      return wanted.split(',').some((v) => v.trim() === actual);
    case 'notEqual':
      return !wanted.split(',').some((v) => v.trim() === actual);
    case 'contains':
      return actual.includes(wanted);
    case 'notContain':
      return !actual.includes(wanted);
    case 'startsWith':
      return actual.startsWith(wanted);
    case 'lessThan':
      return Number(actual) < Number(wanted);
    case 'greaterThan':
      return Number(actual) > Number(wanted);
    case 'lessOrEqual':
      return Number(actual) <= Number(wanted);
    case 'greaterOrEqual':
      return Number(actual) >= Number(wanted);
    default:
      return false;
  }
}

/** Role DeveloperName → id, for matching rule groups against users. */
export function roleIdsByDeveloperName(org: Org): Map<string, string> {
  const ids = new Map<string, string>();
  for (const role of org.store.records('UserRole')) {
    if (!role.isDeleted && typeof role.fields.DeveloperName === 'string')
      ids.set(role.fields.DeveloperName, role.Id);
  }
  return ids;
}

export interface RuleMembership {
  /** Role ids of the user's role and every role above it. */
  roleAndAbove: ReadonlySet<string>;
  roleId: string | null;
}

function inGroup(group: Group, member: RuleMembership, roles: Map<string, string>): boolean {
  if (group.kind === 'allInternalUsers') return true;
  const roleId = roles.get(group.role ?? '');
  if (roleId === undefined) return false;
  // A role and its subordinates: the user's role is that role or below it.
  return group.kind === 'role' ? member.roleId === roleId : member.roleAndAbove.has(roleId);
}

/** The access the rules give `user` to `record`, whose owner is `owner`. */
export function ruleLevel(
  rules: SharingRule[],
  record: StoredRecord,
  user: RuleMembership,
  owner: RuleMembership | undefined,
  roles: Map<string, string>,
): RuleLevel | undefined {
  let level: RuleLevel | undefined;
  for (const rule of rules) {
    if (!inGroup(rule.sharedTo, user, roles)) continue;
    const applies =
      rule.criteria !== undefined
        ? rule.criteria.every((c) => matches(record, c))
        : rule.sharedFrom !== undefined && owner !== undefined && inGroup(rule.sharedFrom, owner, roles);
    if (!applies) continue;
    if (rule.level === 'Edit') return 'Edit';
    level = 'Read';
  }
  return level;
}
