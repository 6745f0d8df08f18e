// Child relationships for parent-to-child subqueries (`SELECT Id, (SELECT Id FROM Tasks) FROM Lead`).
// FieldDef.childRelationshipName names them when the schema knows it; otherwise standard lookups carry
// Salesforce's fixed names and a custom lookup the name Setup proposes for it: the child object's
// plural label with underscores, plus __r (its metadata <relationshipName> + __r).
import type { FieldDef, ObjectDef, Schema } from '../schema/types.ts';

/** Standard child relationship names, by child object and reference field (Object Reference). */
const STANDARD_CHILD_RELATIONSHIPS: Record<string, Record<string, string>> = {
  task: { whoid: 'Tasks', whatid: 'Tasks' },
  event: { whoid: 'Events', whatid: 'Events' },
  contact: { accountid: 'Contacts' },
  opportunity: { accountid: 'Opportunities' },
  case: { accountid: 'Cases', contactid: 'Cases' },
  opportunitycontactrole: { opportunityid: 'OpportunityContactRoles', contactid: 'OpportunityContactRoles' },
  account: { parentid: 'ChildAccounts' },
};

export interface ChildRelationship {
  name: string;
  child: ObjectDef;
  /** The child's reference field pointing at the parent. */
  field: FieldDef;
}

function childRelationshipName(child: ObjectDef, field: FieldDef): string | undefined {
  if (field.childRelationshipName !== undefined) return field.childRelationshipName;
  const standard = STANDARD_CHILD_RELATIONSHIPS[child.name.toLowerCase()]?.[field.name.toLowerCase()];
  if (standard !== undefined) return standard;
  return field.custom ? `${child.labelPlural.trim().replace(/\W+/g, '_')}__r` : undefined;
}

export function findChildRelationship(
  schema: Schema,
  parent: ObjectDef,
  name: string,
): ChildRelationship | undefined {
  const wanted = name.toLowerCase();
  for (const child of schema.objects.values()) {
    for (const field of child.fields.values()) {
      if (field.type !== 'reference' || !field.referenceTo.includes(parent.name)) continue;
      const relationship = childRelationshipName(child, field);
      if (relationship?.toLowerCase() === wanted) return { name: relationship, child, field };
    }
  }
  return undefined;
}
