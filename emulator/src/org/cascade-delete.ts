// What else goes to the Recycle Bin with a deleted record: Salesforce deletes an account's contacts
// and opportunities, the activities (tasks, events) of a deleted contact, lead, account, opportunity
// or custom record, opportunity contact roles of a deleted contact or opportunity, and the detail
// records of a master-detail relationship.
import type { Org } from './org.ts';
import type { StoredRecord } from '../schema/types.ts';

/** Standard cascades: parent object → [child object, reference field]. */
const STANDARD_CASCADES: Record<string, [string, string][]> = {
  Account: [
    ['Contact', 'AccountId'],
    ['Opportunity', 'AccountId'],
    ['Task', 'WhatId'],
    ['Event', 'WhatId'],
  ],
  Contact: [
    ['Task', 'WhoId'],
    ['Event', 'WhoId'],
    ['OpportunityContactRole', 'ContactId'],
  ],
  Lead: [
    ['Task', 'WhoId'],
    ['Event', 'WhoId'],
  ],
  Opportunity: [
    ['Task', 'WhatId'],
    ['Event', 'WhatId'],
    ['OpportunityContactRole', 'OpportunityId'],
  ],
};

function cascadesOf(org: Org, parentType: string): [string, string][] {
  const standard = STANDARD_CASCADES[parentType];
  if (standard !== undefined) return standard;
  const cascades: [string, string][] = [];
  const parent = org.schema.objects.get(parentType.toLowerCase());
  if (parent?.kind !== 'custom') return cascades;
  cascades.push(['Task', 'WhatId'], ['Event', 'WhatId']);
  for (const child of org.schema.objects.values()) {
    for (const field of child.fields.values()) {
      // A master-detail field (a required custom reference) takes its details along.
      if (
        field.custom &&
        field.type === 'reference' &&
        !field.nillable &&
        field.referenceTo.includes(parentType)
      ) {
        cascades.push([child.name, field.name]);
      }
    }
  }
  return cascades;
}

/** Live records that must be deleted along with `parent`. */
export function cascadedChildren(org: Org, parent: StoredRecord): StoredRecord[] {
  const children: StoredRecord[] = [];
  for (const [childType, field] of cascadesOf(org, parent.type)) {
    if (!org.schema.objects.has(childType.toLowerCase())) continue;
    for (const child of org.store.findByField(childType, field, parent.Id, false)) {
      if (!child.isDeleted) children.push(child);
    }
  }
  return children;
}
