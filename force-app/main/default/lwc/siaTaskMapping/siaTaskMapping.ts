// Status, priority and type mapping between SIA tasks and Salesforce Tasks, shared by the LWCs and
// the sync service (which imports this file by relative path, so it stays self-contained: no value
// imports, erasable TypeScript only, no DOM). It is the one home of what a task skipped in SIA
// becomes in Salesforce (skippedTaskOutcome).
//
// Salesforce orgs define their own Task Status and Priority values (TaskStatus, TaskPriority), so
// nothing here hard-codes "Completed" as the only closed status: closedness is read from
// TaskStatus.IsClosed and "high" from TaskPriority.IsHighPriority.

import type { TaskSyncMode } from 'c/siaSyncSettingsData';

export type { TaskSyncMode };
export type SiaTaskStatus = 'open' | 'completed' | 'skipped';
export type SiaPriority = 'normal' | 'high';
export type SiaTaskType = 'call' | 'email' | 'inmail' | 'custom';

/** One row of `SELECT ApiName, MasterLabel, IsClosed, IsDefault, SortOrder FROM TaskStatus`. */
export interface TaskStatusValue {
  ApiName?: string | null;
  MasterLabel: string;
  IsClosed: boolean;
  IsDefault: boolean;
  SortOrder?: number | null;
}

/** One row of `SELECT ApiName, MasterLabel, IsHighPriority, IsDefault, SortOrder FROM TaskPriority`. */
export interface TaskPriorityValue {
  ApiName?: string | null;
  MasterLabel: string;
  IsHighPriority: boolean;
  IsDefault: boolean;
  SortOrder?: number | null;
}

/** The standard values of a new org, for when the org's own lists have not been read. */
export const STANDARD_TASK_STATUSES: readonly TaskStatusValue[] = [
  { ApiName: 'Not Started', MasterLabel: 'Not Started', IsClosed: false, IsDefault: true, SortOrder: 1 },
  { ApiName: 'In Progress', MasterLabel: 'In Progress', IsClosed: false, IsDefault: false, SortOrder: 2 },
  { ApiName: 'Completed', MasterLabel: 'Completed', IsClosed: true, IsDefault: false, SortOrder: 3 },
  {
    ApiName: 'Waiting on someone else',
    MasterLabel: 'Waiting on someone else',
    IsClosed: false,
    IsDefault: false,
    SortOrder: 4,
  },
  { ApiName: 'Deferred', MasterLabel: 'Deferred', IsClosed: false, IsDefault: false, SortOrder: 5 },
];
export const STANDARD_TASK_PRIORITIES: readonly TaskPriorityValue[] = [
  { ApiName: 'High', MasterLabel: 'High', IsHighPriority: true, IsDefault: false, SortOrder: 1 },
  { ApiName: 'Normal', MasterLabel: 'Normal', IsHighPriority: false, IsDefault: true, SortOrder: 2 },
  { ApiName: 'Low', MasterLabel: 'Low', IsHighPriority: false, IsDefault: false, SortOrder: 3 },
];

/** The value stored in Task.Status / Task.Priority: the API name, which older API versions lack. */
function storedValue(value: { ApiName?: string | null; MasterLabel: string }): string {
  return value.ApiName ?? value.MasterLabel;
}

function bySortOrder<T extends { SortOrder?: number | null }>(values: readonly T[]): T[] {
  return [...values].sort(
    (a, b) => (a.SortOrder ?? Number.MAX_SAFE_INTEGER) - (b.SortOrder ?? Number.MAX_SAFE_INTEGER),
  );
}

export interface StatusCatalog {
  /** Status for an open SIA task: the org's default status when it is open (standard: Not Started). */
  defaultOpen: string;
  /** Status for a completed SIA task: "Completed" when the org has it as a closed value, else the first closed value. */
  defaultClosed: string;
  /** Every closed status value. */
  closedValues: ReadonlySet<string>;
  /** Every status value the org defines. */
  known: ReadonlySet<string>;
}

/** Reads the org's TaskStatus rows into what the mapping needs. Throws when the org has no open or no closed value. */
export function statusCatalog(statuses: readonly TaskStatusValue[] = STANDARD_TASK_STATUSES): StatusCatalog {
  const sorted = bySortOrder(statuses);
  const open = sorted.filter((s) => !s.IsClosed);
  const closed = sorted.filter((s) => s.IsClosed);
  const firstOpen = open.find((s) => s.IsDefault) ?? open[0];
  const firstClosed = closed.find((s) => storedValue(s) === 'Completed') ?? closed[0];
  if (!firstOpen || !firstClosed) {
    throw new Error('TaskStatus needs at least one open and one closed value to sync task status');
  }
  return {
    defaultOpen: storedValue(firstOpen),
    defaultClosed: storedValue(firstClosed),
    closedValues: new Set(closed.map(storedValue)),
    known: new Set(sorted.map(storedValue)),
  };
}

export function isClosedStatus(status: string | null | undefined, catalog: StatusCatalog): boolean {
  return typeof status === 'string' && catalog.closedValues.has(status);
}

/**
 * What a task skipped in SIA becomes in Salesforce. Salesforce has no skipped status, so the sync
 * mode decides: a closed status (SyncCompleteSkipped) or no Task at all (SyncDeleteSkipped). With
 * DoNotSync nothing reaches Salesforce.
 */
export function skippedTaskOutcome(mode: TaskSyncMode): 'completed' | 'deleted' | 'untouched' {
  if (mode === 'SyncCompleteSkipped') return 'completed';
  if (mode === 'SyncDeleteSkipped') return 'deleted';
  return 'untouched';
}

/** What a push does with the Salesforce Task for an SIA status. */
export type StatusWrite =
  { action: 'write'; salesforceStatus: string } | { action: 'delete' } | { action: 'none' };

/**
 * Salesforce Status for an SIA status. A current Salesforce status of the right kind is kept (an
 * open "In Progress" stays In Progress while the SIA task is open). A skipped task becomes what
 * skippedTaskOutcome says: a closed status, or a delete of the Task. With DoNotSync nothing is
 * written.
 */
export function siaStatusToSalesforce(
  status: SiaTaskStatus,
  mode: TaskSyncMode,
  catalog: StatusCatalog,
  currentSalesforceStatus?: string | null,
): StatusWrite {
  if (mode === 'DoNotSync') return { action: 'none' };
  if (status === 'skipped' && skippedTaskOutcome(mode) === 'deleted') return { action: 'delete' };
  const wantClosed = status !== 'open';
  const current = currentSalesforceStatus ?? null;
  if (current !== null && catalog.known.has(current) && isClosedStatus(current, catalog) === wantClosed) {
    return { action: 'write', salesforceStatus: current };
  }
  return { action: 'write', salesforceStatus: wantClosed ? catalog.defaultClosed : catalog.defaultOpen };
}

/**
 * SIA status for a Salesforce Status: closed means completed, anything else open. A task SIA
 * already has as skipped stays skipped while Salesforce shows it closed (that is how a skip was
 * written), so the echo of our own write never turns a skip into a completion. A value the org
 * does not define counts as open.
 */
export function salesforceStatusToSia(
  status: string | null | undefined,
  catalog: StatusCatalog,
  currentSiaStatus?: SiaTaskStatus | null,
): SiaTaskStatus {
  if (!isClosedStatus(status, catalog)) return 'open';
  return currentSiaStatus === 'skipped' ? 'skipped' : 'completed';
}

export interface PriorityCatalog {
  high: string;
  normal: string;
  highValues: ReadonlySet<string>;
}

/** Reads the org's TaskPriority rows: "High"/"Normal" when present, else the first high / the default non-high value. */
export function priorityCatalog(
  priorities: readonly TaskPriorityValue[] = STANDARD_TASK_PRIORITIES,
): PriorityCatalog {
  const sorted = bySortOrder(priorities);
  const highs = sorted.filter((p) => p.IsHighPriority);
  const others = sorted.filter((p) => !p.IsHighPriority);
  const high = highs.find((p) => storedValue(p) === 'High') ?? highs[0];
  const normal =
    others.find((p) => storedValue(p) === 'Normal') ?? others.find((p) => p.IsDefault) ?? others[0];
  if (!high || !normal) {
    throw new Error('TaskPriority needs a high and a non-high value to sync task priority');
  }
  return {
    high: storedValue(high),
    normal: storedValue(normal),
    highValues: new Set(highs.map(storedValue)),
  };
}

/**
 * Salesforce Priority for an SIA priority: High for high, otherwise Normal. A Salesforce priority
 * other than High/Normal (such as Low) is kept while SIA leaves the priority unchanged: SIA has no
 * low priority, and only a change made in SIA may overwrite it.
 */
export function siaPriorityToSalesforce(
  priority: SiaPriority,
  catalog: PriorityCatalog,
  options: { currentSalesforcePriority?: string | null; previousSiaPriority?: SiaPriority | null } = {},
): string {
  if (priority === 'high') return catalog.high;
  const current = options.currentSalesforcePriority ?? null;
  const siaChanged = options.previousSiaPriority === 'high';
  if (current !== null && !catalog.highValues.has(current) && !siaChanged) return current;
  return catalog.normal;
}

export function salesforcePriorityToSia(
  priority: string | null | undefined,
  catalog: PriorityCatalog,
): SiaPriority {
  return typeof priority === 'string' && catalog.highValues.has(priority) ? 'high' : 'normal';
}

/** SIA_Activity_Type__c picklist values (also the text of {{activity_type}}). */
export type SiaActivityTypeValue = 'Call' | 'Email' | 'InMail' | 'Custom';
/** Task.TaskSubtype values SIA writes; TaskSubtype can be set on create only. */
export type TaskSubtypeValue = 'Call' | 'Email' | 'Task';

const ACTIVITY_TYPE_VALUES: Readonly<Record<SiaTaskType, SiaActivityTypeValue>> = {
  call: 'Call',
  email: 'Email',
  inmail: 'InMail',
  custom: 'Custom',
};

/**
 * Salesforce fields for an SIA task type. InMail and custom reminders are plain to-dos in
 * Salesforce (TaskSubtype Task); SIA_Activity_Type__c keeps the SIA type exact.
 */
export function siaTypeToSalesforce(type: SiaTaskType): {
  TaskSubtype: TaskSubtypeValue;
  SIA_Activity_Type__c: SiaActivityTypeValue;
} {
  const subtype: TaskSubtypeValue = type === 'call' ? 'Call' : type === 'email' ? 'Email' : 'Task';
  return { TaskSubtype: subtype, SIA_Activity_Type__c: ACTIVITY_TYPE_VALUES[type] };
}

/** The text {{activity_type}} renders for an SIA task type. */
export function activityTypeLabel(type: SiaTaskType): SiaActivityTypeValue {
  return ACTIVITY_TYPE_VALUES[type];
}

/**
 * SIA task type for a Salesforce Task: SIA_Activity_Type__c when set (tasks SIA wrote), otherwise
 * from TaskSubtype (Call, Email/ListEmail, LinkedIn for InMail) or the Type picklist, else custom.
 */
export function salesforceTypeToSia(task: {
  SIA_Activity_Type__c?: string | null;
  TaskSubtype?: string | null;
  Type?: string | null;
}): SiaTaskType {
  switch (task.SIA_Activity_Type__c) {
    case 'Call':
      return 'call';
    case 'Email':
      return 'email';
    case 'InMail':
      return 'inmail';
    case 'Custom':
      return 'custom';
    default:
      break;
  }
  switch (task.TaskSubtype) {
    case 'Call':
      return 'call';
    case 'Email':
    case 'ListEmail':
      return 'email';
    case 'LinkedIn':
      return 'inmail';
    default:
      break;
  }
  if (task.Type === 'Call') return 'call';
  if (task.Type === 'Email') return 'email';
  return 'custom';
}
