// Fields the platform computes from others on every save: Task IsClosed/IsHighPriority/
// CompletedDateTime (from TaskStatus/TaskPriority), Task AccountId, Opportunity IsClosed/IsWon, Name of
// person objects, Event ActivityDate.
import type { Org } from './org.ts';
import { OPPORTUNITY_STAGES } from '../schema/standard-objects.ts';

type Fields = Record<string, unknown>;

function taskStatusIsClosed(org: Org, status: unknown): boolean {
  for (const row of org.store.records('TaskStatus')) {
    if (row.fields.ApiName === status || row.fields.MasterLabel === status)
      return row.fields.IsClosed === true;
  }
  return false;
}

function taskPriorityIsHigh(org: Org, priority: unknown): boolean {
  for (const row of org.store.records('TaskPriority')) {
    if (row.fields.ApiName === priority || row.fields.MasterLabel === priority)
      return row.fields.IsHighPriority === true;
  }
  return false;
}

function accountOf(org: Org, id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const record = org.store.byId(id);
  if (record === undefined) return null;
  if (record.type === 'Account') return record.Id;
  const accountId = record.fields.AccountId;
  return typeof accountId === 'string' ? accountId : null;
}

/** SetupEntityAccess.SetupEntityType, from the key prefix of the entity it grants. */
function setupEntityType(id: unknown): string | null {
  const prefixes: Record<string, string> = {
    '0CP': 'CustomPermission',
    '0H4': 'ConnectedApplication',
    '01p': 'ApexClass',
    '066': 'ApexPage',
    '02u': 'TabSet',
  };
  return typeof id === 'string' ? (prefixes[id.slice(0, 3)] ?? null) : null;
}

/** Applies derived values to `next` (the full field map after the write); `previous` is undefined on create. */
export function applyDerivedFields(
  org: Org,
  type: string,
  next: Fields,
  previous: Fields | undefined,
  now: string,
): void {
  switch (type) {
    case 'Task': {
      const closed = taskStatusIsClosed(org, next.Status);
      const wasClosed = previous?.IsClosed === true;
      next.IsClosed = closed;
      // CompletedDateTime: set when saved with a closed status, cleared when reopened, kept while it stays closed.
      if (closed && !wasClosed) next.CompletedDateTime = now;
      else if (!closed) next.CompletedDateTime = null;
      next.IsHighPriority = taskPriorityIsHigh(org, next.Priority);
      next.AccountId = accountOf(org, next.WhatId) ?? accountOf(org, next.WhoId);
      break;
    }
    case 'Event': {
      const at = next.StartDateTime ?? next.ActivityDateTime;
      next.ActivityDate = typeof at === 'string' ? at.slice(0, 10) : null;
      next.ActivityDateTime = next.StartDateTime ?? next.ActivityDateTime ?? null;
      next.AccountId = accountOf(org, next.WhatId) ?? accountOf(org, next.WhoId);
      break;
    }
    case 'Opportunity': {
      const stage = OPPORTUNITY_STAGES.find((s) => s.value === next.StageName);
      next.IsClosed = stage?.isClosed ?? false;
      next.IsWon = stage?.isWon ?? false;
      if ((next.Probability === null || next.Probability === undefined) && stage)
        next.Probability = stage.probability;
      break;
    }
    case 'Lead':
    case 'Contact':
    case 'User':
      next.Name = [next.FirstName, next.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
      break;
    case 'SetupEntityAccess':
      next.SetupEntityType = setupEntityType(next.SetupEntityId);
      break;
    case 'PermissionSet':
      // A permission set made over the API is a custom, regular one (profiles own theirs from the start).
      if (previous === undefined)
        Object.assign(next, { IsOwnedByProfile: false, IsCustom: true, Type: 'Regular' });
      break;
    case 'UserRole':
      if (typeof next.DeveloperName !== 'string' || next.DeveloperName === '')
        next.DeveloperName = typeof next.Name === 'string' ? next.Name.replace(/\W+/g, '_') : null;
      break;
    default:
      break;
  }
}
