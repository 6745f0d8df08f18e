// The synced-task screens' model (siaSyncedTasks, siaCommandCenter and their siaTaskList): the shape
// of a synced Task read through the UI API GraphQL wire, the row model the task list renders, the
// writes behind complete / reopen / change due date, and the watch on the user's calendar day.
import { updateRecord, type RecordInput } from 'lightning/uiRecordApi';
import TASK_ID_FIELD from '@salesforce/schema/Task.Id';
import TASK_STATUS_FIELD from '@salesforce/schema/Task.Status';
import TASK_ACTIVITY_DATE_FIELD from '@salesforce/schema/Task.ActivityDate';
import { isIsoDate, todayIn, type DatedTask, type IsoDate } from 'c/siaDateBuckets';
import { formatDate } from 'c/siaFormat';
import { salesforceTypeToSia, statusCatalog, type SiaTaskType, type TaskStatusValue } from 'c/siaTaskMapping';

// Orgs rename Task Status values and add closed ones, so completing a task writes the org's own
// default closed status: the task queries read the org's TaskStatus rows (IsClosed) through UI API
// GraphQL alongside the tasks (alias `taskStatuses`), and closedStatusFrom picks the closed value
// the sync service also uses (siaTaskMapping's statusCatalog). A UI API GraphQL record's `ApiName`
// is its object's name, which hides TaskStatus.ApiName, so the rows are read by MasterLabel and
// matched to the Status picklist's values (getPicklistValues) when those are known. Reopening writes
// the org's picklist default (openStatusFrom). Until the org's values are known, the standard ones
// stand in.
const STANDARD_STATUSES = statusCatalog();
/** The closed status while the org's TaskStatus rows are not known (the standard "Completed"). */
export const FALLBACK_CLOSED_STATUS = STANDARD_STATUSES.defaultClosed;
/** Task.Status when the org's picklist declares no default (standard: Not Started). */
export const FALLBACK_OPEN_STATUS = STANDARD_STATUSES.defaultOpen;
/** Task record types are optional; the master record type carries the org-wide picklist default. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

/** One row of the task list. */
export interface TaskRow extends DatedTask {
  id: string;
  subject: string;
  statusLabel: string;
  priority: string;
  isHighPriority: boolean;
  /** The SIA task type, from SIA_Activity_Type__c or, for imported tasks, TaskSubtype / Type. */
  activityType: SiaTaskType;
  typeLabel: string;
  typeIcon: string;
  ownerName: string;
  /** The person (Who) or, failing that, the record (What) the task is about. */
  relatedName: string;
  whoId: string | null;
  whatId: string | null;
}

export interface TaskPage {
  rows: TaskRow[];
  /** How many tasks match on the server; more than `rows.length` when the page is cut. */
  totalCount: number;
}

const TYPE_ICONS: Readonly<Record<SiaTaskType, { icon: string; label: string }>> = {
  call: { icon: 'utility:call', label: 'Call' },
  email: { icon: 'utility:email', label: 'Email' },
  inmail: { icon: 'utility:chat', label: 'InMail' },
  custom: { icon: 'utility:task', label: 'Task' },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `{ value, displayValue }` of a UI API field, as its value when it has the expected type. */
function fieldValue(node: Record<string, unknown>, name: string): unknown {
  const field = node[name];
  return isObject(field) ? field.value : undefined;
}

function stringField(node: Record<string, unknown>, name: string): string | null {
  const value = fieldValue(node, name);
  return typeof value === 'string' && value !== '' ? value : null;
}

function displayField(node: Record<string, unknown>, name: string): string | null {
  const field = node[name];
  if (!isObject(field)) return null;
  if (typeof field.displayValue === 'string' && field.displayValue) return field.displayValue;
  return typeof field.value === 'string' && field.value ? field.value : null;
}

/** Name of a polymorphic parent (Owner, Who, What): the inline fragments all select `Name`. */
function parentName(node: Record<string, unknown>, relationship: string): string | null {
  const parent = node[relationship];
  return isObject(parent) ? stringField(parent, 'Name') : null;
}

/** One Task node of the GraphQL answer as a row, or null when the node lacks an Id. */
export function taskRowFrom(node: unknown): TaskRow | null {
  if (!isObject(node) || typeof node.Id !== 'string') return null;
  const activityType = salesforceTypeToSia({
    SIA_Activity_Type__c: stringField(node, 'SIA_Activity_Type__c'),
    TaskSubtype: stringField(node, 'TaskSubtype'),
    Type: stringField(node, 'Type'),
  });
  const type = TYPE_ICONS[activityType];
  const activityDate = stringField(node, 'ActivityDate');
  const priority = stringField(node, 'Priority') ?? 'Normal';
  return {
    id: node.Id,
    subject: stringField(node, 'Subject') ?? '(no subject)',
    statusLabel: displayField(node, 'Status') ?? '',
    priority: displayField(node, 'Priority') ?? priority,
    isHighPriority: fieldValue(node, 'IsHighPriority') === true || priority === 'High',
    // A date field arrives as YYYY-MM-DD; anything else is treated as "no due date" rather than guessed.
    activityDate: isIsoDate(activityDate) ? activityDate : null,
    isClosed: fieldValue(node, 'IsClosed') === true,
    activityType,
    typeLabel: type.label,
    typeIcon: type.icon,
    ownerName: parentName(node, 'Owner') ?? '',
    relatedName: parentName(node, 'Who') ?? parentName(node, 'What') ?? '',
    whoId: stringField(node, 'WhoId'),
    whatId: stringField(node, 'WhatId'),
  };
}

/** The rows of a Task connection (`{ totalCount, edges: [{ node }] }`) from `data.uiapi.query`. */
export function taskPageFrom(connection: unknown): TaskPage {
  if (!isObject(connection) || !Array.isArray(connection.edges)) return { rows: [], totalCount: 0 };
  const rows = connection.edges
    .map((edge: unknown) => (isObject(edge) ? taskRowFrom(edge.node) : null))
    .filter((row): row is TaskRow => row !== null);
  const totalCount = typeof connection.totalCount === 'number' ? connection.totalCount : rows.length;
  return { rows, totalCount: Math.max(totalCount, rows.length) };
}

/** `data.uiapi.query[alias]` of a GraphQL wire value, or undefined. */
export function queryResult(data: unknown, alias: string): unknown {
  if (!isObject(data) || !isObject(data.uiapi) || !isObject(data.uiapi.query)) return undefined;
  return data.uiapi.query[alias];
}

/** Open tasks first by due date, then high priority, then subject: the order reps work them in. */
export function compareTaskRows(a: TaskRow, b: TaskRow): number {
  return Number(b.isHighPriority) - Number(a.isHighPriority) || a.subject.localeCompare(b.subject);
}

export type TaskAction =
  | { kind: 'complete'; taskId: string }
  | { kind: 'reopen'; taskId: string }
  | { kind: 'reschedule'; taskId: string; activityDate: IsoDate };

/** The org's default open Task.Status from a getPicklistValues answer, or the platform default. */
export function openStatusFrom(picklist: unknown): string {
  if (isObject(picklist) && isObject(picklist.defaultValue)) {
    const value = picklist.defaultValue.value;
    if (typeof value === 'string' && value && value !== FALLBACK_CLOSED_STATUS) return value;
  }
  return FALLBACK_OPEN_STATUS;
}

/**
 * The org's default closed Task.Status from the `taskStatuses` alias of a task query's answer (rows
 * of TaskStatus), or the standard "Completed" while they are not known.
 */
export function closedStatusFrom(data: unknown, picklist?: unknown): string {
  const connection = queryResult(data, 'taskStatuses');
  if (!isObject(connection) || !Array.isArray(connection.edges)) return FALLBACK_CLOSED_STATUS;
  const values: TaskStatusValue[] = [];
  for (const edge of connection.edges as unknown[]) {
    if (!isObject(edge) || !isObject(edge.node)) continue;
    const label = fieldValue(edge.node, 'MasterLabel');
    if (typeof label !== 'string') continue;
    const sortOrder = fieldValue(edge.node, 'SortOrder');
    values.push({
      ApiName: picklistValueFor(label, picklist),
      MasterLabel: label,
      IsClosed: fieldValue(edge.node, 'IsClosed') === true,
      IsDefault: fieldValue(edge.node, 'IsDefault') === true,
      SortOrder: typeof sortOrder === 'number' ? sortOrder : null,
    });
  }
  try {
    return statusCatalog(values).defaultClosed;
  } catch {
    // No closed (or no open) value among the rows: keep the standard one rather than guess.
    return FALLBACK_CLOSED_STATUS;
  }
}

/** The Status picklist value whose value or label is `masterLabel` (getPicklistValues), else the label itself. */
function picklistValueFor(masterLabel: string, picklist: unknown): string {
  if (!isObject(picklist) || !Array.isArray(picklist.values)) return masterLabel;
  const entries = (picklist.values as unknown[]).filter(isObject);
  const match =
    entries.find((entry) => entry.value === masterLabel) ??
    entries.find((entry) => entry.label === masterLabel);
  return match !== undefined && typeof match.value === 'string' ? match.value : masterLabel;
}

/** The statuses an action writes: the org's default open and default closed Task.Status. */
export interface TaskStatuses {
  openStatus: string;
  closedStatus: string;
}

/** The updateRecord input of an action. ActivityDate is sent as the bare date: it has no time zone. */
export function recordInputFor(action: TaskAction, statuses: TaskStatuses): RecordInput {
  const fields: Record<string, unknown> = { [TASK_ID_FIELD.fieldApiName]: action.taskId };
  if (action.kind === 'complete') fields[TASK_STATUS_FIELD.fieldApiName] = statuses.closedStatus;
  else if (action.kind === 'reopen') fields[TASK_STATUS_FIELD.fieldApiName] = statuses.openStatus;
  else {
    if (!isIsoDate(action.activityDate)) throw new RangeError(`Not a due date: ${action.activityDate}`);
    fields[TASK_ACTIVITY_DATE_FIELD.fieldApiName] = action.activityDate;
  }
  return { fields };
}

/** Writes an action through Lightning Data Service (which also updates every cached copy of the task). */
export async function saveTaskAction(action: TaskAction, statuses: TaskStatuses): Promise<void> {
  await updateRecord(recordInputFor(action, statuses));
}

/** What a screen reader hears once an action is saved (the row may move to another group). */
export function announcementFor(action: TaskAction, locale: string): string {
  if (action.kind === 'complete') return 'Task completed.';
  if (action.kind === 'reopen') return 'Task reopened.';
  return `Due date changed to ${formatDate(action.activityDate, locale)}.`;
}

/**
 * A task card's title, saying what its number counts: "SIA Tasks (2 open, 1 completed)", or only
 * the open ones when completed tasks are not listed.
 */
export function taskCardTitle(title: string, open: number, completed: number | null): string {
  return completed === null ? `${title} (${open} open)` : `${title} (${open} open, ${completed} completed)`;
}

/** Type guard for the `taskaction` event detail the task list dispatches. */
export function isTaskAction(value: unknown): value is TaskAction {
  if (!isObject(value) || typeof value.taskId !== 'string' || !value.taskId) return false;
  if (value.kind === 'complete' || value.kind === 'reopen') return true;
  return value.kind === 'reschedule' && isIsoDate(value.activityDate);
}

/**
 * Tells when the user's calendar day changes while a page stays open, so Today becomes Overdue
 * and Tomorrow becomes Today at the user's midnight, not at the next page load.
 */
export class DayWatcher {
  static readonly CHECK_INTERVAL_MS = 60_000;
  private timer: ReturnType<typeof setInterval> | undefined;
  private today: IsoDate;
  private readonly timeZone: string;
  private readonly onChange: (today: IsoDate) => void;

  constructor(timeZone: string, onChange: (today: IsoDate) => void) {
    this.timeZone = timeZone;
    this.onChange = onChange;
    this.today = todayIn(timeZone, Date.now());
  }

  /** The user's calendar date now. */
  current(): IsoDate {
    return this.today;
  }

  start(): void {
    this.stop();
    // A minute's delay at midnight is fine; an exact timer would have to follow DST rules.
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.timer = setInterval(() => this.check(), DayWatcher.CHECK_INTERVAL_MS);
    this.check();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const today = todayIn(this.timeZone, Date.now());
    if (today === this.today) return;
    this.today = today;
    this.onChange(today);
  }
}
