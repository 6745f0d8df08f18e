// What siaSyncedTasks and siaCommandCenter share: the shape of a synced Task read through the UI API
// GraphQL wire, the row model the task list renders, the writes behind complete / reopen / change
// due date, and the live-refresh listener on SIA_Sync_Notice__e.
import { updateRecord, type RecordInput } from 'lightning/uiRecordApi';
import { isEmpEnabled, subscribe, unsubscribe, type EmpSubscription } from 'lightning/empApi';
import TASK_ID_FIELD from '@salesforce/schema/Task.Id';
import TASK_STATUS_FIELD from '@salesforce/schema/Task.Status';
import TASK_ACTIVITY_DATE_FIELD from '@salesforce/schema/Task.ActivityDate';
import { isIsoDate, todayIn, type DatedTask, type IsoDate } from 'c/siaDateBuckets';
import { salesforceTypeToSia, statusCatalog, type SiaTaskType } from 'c/siaTaskMapping';

// The standard TaskStatus values, which the sync service also falls back to. LDS has no TaskStatus
// (IsClosed) adapter, so the component completes with the standard closed value and reopens with
// the org's picklist default (see openStatusFrom).
const STANDARD_STATUSES = statusCatalog();
/** The closed status a completed SIA task maps to (DESIGN 4.1: "default Completed"). */
export const COMPLETED_STATUS = STANDARD_STATUSES.defaultClosed;
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
    if (typeof value === 'string' && value && value !== COMPLETED_STATUS) return value;
  }
  return FALLBACK_OPEN_STATUS;
}

/** The updateRecord input of an action. ActivityDate is sent as the bare date: it has no time zone. */
export function recordInputFor(action: TaskAction, openStatus: string): RecordInput {
  const fields: Record<string, unknown> = { [TASK_ID_FIELD.fieldApiName]: action.taskId };
  if (action.kind === 'complete') fields[TASK_STATUS_FIELD.fieldApiName] = COMPLETED_STATUS;
  else if (action.kind === 'reopen') fields[TASK_STATUS_FIELD.fieldApiName] = openStatus;
  else {
    if (!isIsoDate(action.activityDate)) throw new RangeError(`Not a due date: ${action.activityDate}`);
    fields[TASK_ACTIVITY_DATE_FIELD.fieldApiName] = action.activityDate;
  }
  return { fields };
}

/** Writes an action through Lightning Data Service (which also updates every cached copy of the task). */
export async function saveTaskAction(action: TaskAction, openStatus: string): Promise<void> {
  await updateRecord(recordInputFor(action, openStatus));
}

/** What a screen reader hears once an action is saved (the row may move to another group). */
export function announcementFor(action: TaskAction): string {
  if (action.kind === 'complete') return 'Task completed.';
  if (action.kind === 'reopen') return 'Task reopened.';
  return `Due date changed to ${action.activityDate}.`;
}

/** Type guard for the `taskaction` event detail the task list dispatches. */
export function isTaskAction(value: unknown): value is TaskAction {
  if (!isObject(value) || typeof value.taskId !== 'string' || !value.taskId) return false;
  if (value.kind === 'complete' || value.kind === 'reopen') return true;
  return value.kind === 'reschedule' && isIsoDate(value.activityDate);
}

// ---- Live refresh on SIA_Sync_Notice__e ------------------------------------------------------

export const SYNC_NOTICE_CHANNEL = '/event/SIA_Sync_Notice__e';
/** -1: only notices published from now on; an open page has just read the current state. */
export const SYNC_NOTICE_REPLAY_ID = -1;

export interface SyncNotice {
  userId: string | null;
  recordIds: string[];
  kind: string | null;
}

/** A notice from an empApi message; the payload is keyed by field API name. */
export function noticeFrom(message: unknown): SyncNotice | null {
  if (!isObject(message) || !isObject(message.data) || !isObject(message.data.payload)) return null;
  const payload = message.data.payload;
  const ids = typeof payload.Record_Ids__c === 'string' ? payload.Record_Ids__c : '';
  return {
    userId: typeof payload.User_Id__c === 'string' && payload.User_Id__c ? payload.User_Id__c : null,
    recordIds: ids
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length >= 15),
    kind: typeof payload.Kind__c === 'string' ? payload.Kind__c : null,
  };
}

/**
 * Salesforce Ids compare on their first 15 characters: the 18-character form only appends a
 * case-insensitivity checksum, and either form may reach us.
 */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length < 15 || b.length < 15) return false;
  return a.slice(0, 15) === b.slice(0, 15);
}

/** True when the notice names any of `ids` (records or tasks). */
export function noticeNamesAny(notice: SyncNotice, ids: Iterable<string | null | undefined>): boolean {
  const named = new Set(notice.recordIds.map((id) => id.slice(0, 15)));
  for (const id of ids) {
    if (id && id.length >= 15 && named.has(id.slice(0, 15))) return true;
  }
  return false;
}

/**
 * One empApi subscription to SIA_Sync_Notice__e for the life of a component: start() in
 * connectedCallback, stop() in disconnectedCallback, also when stop() comes before subscribe
 * has resolved.
 */
export class SyncNoticeListener {
  private subscription: EmpSubscription | null = null;
  /** Bumped by every start() and stop(), so a start that a later call overtook backs out. */
  private generation = 0;
  private readonly onNotice: (notice: SyncNotice) => void;

  constructor(onNotice: (notice: SyncNotice) => void) {
    this.onNotice = onNotice;
  }

  /** Resolves true once subscribed, false when streaming is unavailable here (e.g. mobile). */
  async start(): Promise<boolean> {
    this.stop();
    const generation = ++this.generation;
    // empApi works in Lightning Experience on desktop only; elsewhere subscribe would fail.
    if (!(await isEmpEnabled())) return false;
    if (generation !== this.generation) return false;
    const subscription = await subscribe(SYNC_NOTICE_CHANNEL, SYNC_NOTICE_REPLAY_ID, (message) => {
      const notice = noticeFrom(message);
      if (notice && generation === this.generation) this.onNotice(notice);
    });
    if (generation !== this.generation) {
      await unsubscribe(subscription);
      return false;
    }
    this.subscription = subscription;
    return true;
  }

  stop(): void {
    this.generation++;
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) {
      // Nothing waits on the answer: the component is leaving the page.
      unsubscribe(subscription).catch(() => undefined);
    }
  }
}

/**
 * Runs `refresh` for a burst of notices at most twice: once now and once more if notices arrived
 * while it ran, so a batch of notices does not queue a refresh each.
 */
export class RefreshCoalescer {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly refresh: () => Promise<void>;

  constructor(refresh: () => Promise<void>) {
    this.refresh = refresh;
  }

  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // Sequential on purpose: the next refresh must see what the previous one missed.
          // eslint-disable-next-line no-await-in-loop
          await this.refresh();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
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
