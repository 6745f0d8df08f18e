// Child relationships for parent-to-child subqueries (`SELECT Id, (SELECT Id FROM Tasks) FROM Lead`).
// Standard ones carry Salesforce's fixed names; a custom lookup's child relationship is the
// <relationshipName> of its metadata plus __r, which the schema keeps as the field's relationshipName.
import type { FieldDef, ObjectDef, Schema } from '../schema/types.ts';
import { parentRelationshipName } from './field-paths.ts';

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
  const standard = STANDARD_CHILD_RELATIONSHIPS[child.name.toLowerCase()]?.[field.name.toLowerCase()];
  if (standard !== undefined) return standard;
  // For a custom lookup the parent path is Field__r; a different relationshipName is the child name.
  const parentName = parentRelationshipName(field);
  return field.custom && field.relationshipName !== parentName ? field.relationshipName : undefined;
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
