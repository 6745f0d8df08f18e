// The sync health page's model, kept out of the component so it is testable on its own: sync errors
// (SIA_Sync_Error__c) grouped by SIA's four diagnostics categories, the Retry / Mark resolved writes,
// last sync per user and the org's API usage (SIA_Sync_Status__c, written by the sync service).
import type { RecordInput } from 'lightning/uiRecordApi';
import ERROR_ID_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Id';
import ERROR_NAME_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Name';
import CATEGORY_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Category__c';
import ERROR_CODE_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Error_Code__c';
import MESSAGE_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Message__c';
import DIRECTION_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Direction__c';
import OBJECT_API_NAME_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Object_Api_Name__c';
import RECORD_ID_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Record_Id__c';
import ERROR_SIA_TASK_ID_FIELD from '@salesforce/schema/SIA_Sync_Error__c.SIA_Task_Id__c';
import ERROR_USER_FIELD from '@salesforce/schema/SIA_Sync_Error__c.User__c';
import OCCURRED_AT_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Occurred_At__c';
import RETRY_REQUESTED_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Retry_Requested__c';
import RESOLVED_FIELD from '@salesforce/schema/SIA_Sync_Error__c.Resolved__c';
import STATUS_USER_FIELD from '@salesforce/schema/SIA_Sync_Status__c.User__c';
import LAST_SYNC_AT_FIELD from '@salesforce/schema/SIA_Sync_Status__c.Last_Sync_At__c';
import API_REQUESTS_USED_FIELD from '@salesforce/schema/SIA_Sync_Status__c.Api_Requests_Used__c';
import API_REQUESTS_ALLOWED_FIELD from '@salesforce/schema/SIA_Sync_Status__c.Api_Requests_Allowed__c';
import API_USAGE_AT_FIELD from '@salesforce/schema/SIA_Sync_Status__c.Api_Usage_At__c';
import API_BUDGET_PERCENT_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Api_Budget_Percent__c';
import { mergeSettings } from 'c/siaSyncSettingsData';
import { apiBudget, type ApiBudget } from 'c/siaApiBudget';
import { formatDateTime, formatNumber, formatPercent, formatRelative } from 'c/siaFormat';
import { isSalesforceId } from 'c/siaSalesforceId';

// ---- Categories ------------------------------------------------------------------------------

/** Category__c picklist values (API names), in the order SIA's Diagnostics page lists them. */
export const ERROR_CATEGORY_VALUES = ['Authentication', 'AccessValidation', 'Intermittent', 'Other'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORY_VALUES)[number];

export interface CategoryInfo {
  value: ErrorCategory;
  /** The alias of the category's connection in the errors query. */
  alias: string;
  label: string;
  /** What an admin does about errors of this kind, as SIA's own diagnostics page advises. */
  guidance: string;
}

export const ERROR_CATEGORIES: readonly CategoryInfo[] = [
  {
    value: 'Authentication',
    alias: 'authentication',
    label: 'Authentication',
    guidance:
      'The service could not log in as the integration user: its session expired, the user or org is inactive, or an IP restriction refused the login. Check the integration user and its External Client App (reconnect it, or allow the service IP addresses), then retry.',
  },
  {
    value: 'AccessValidation',
    alias: 'accessValidation',
    label: 'Access & Validation',
    guidance:
      'Salesforce refused the write: field-level security, a validation rule, a required field, a record lock or missing access. Fix what the message names (for example give the integration user the field, or relax the rule), then retry.',
  },
  {
    value: 'Intermittent',
    alias: 'intermittent',
    label: 'Intermittent',
    guidance:
      'Temporary failures (row locks, timeouts, maintenance, the daily API limit). The service retries these by itself with backoff; retry by hand only if one stays here.',
  },
  {
    value: 'Other',
    alias: 'other',
    label: 'Other',
    guidance:
      'Failures outside the other categories, such as a converted lead or an unknown Salesforce exception. Check the record, then retry or mark the error resolved.',
  },
];

const CATEGORY_BY_VALUE = new Map<string, CategoryInfo>(ERROR_CATEGORIES.map((info) => [info.value, info]));

/** A Category__c value as one of the four categories; a blank or unknown value files under Other. */
export function categoryOf(value: unknown): ErrorCategory {
  return typeof value === 'string' && CATEGORY_BY_VALUE.has(value) ? (value as ErrorCategory) : 'Other';
}

// ---- Reading UI API GraphQL nodes ------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface FieldRef {
  fieldApiName: string;
}

/** `node.Field.value` of a UI API GraphQL node (fields arrive as `{ value, displayValue }`). */
function valueOf(node: Record<string, unknown>, field: FieldRef): unknown {
  const cell = node[field.fieldApiName];
  return isObject(cell) ? cell.value : undefined;
}

function textOf(node: Record<string, unknown>, field: FieldRef): string | null {
  const value = valueOf(node, field);
  return typeof value === 'string' && value !== '' ? value : null;
}

function displayOf(node: Record<string, unknown>, field: FieldRef): string | null {
  const cell = node[field.fieldApiName];
  if (!isObject(cell)) return null;
  if (typeof cell.displayValue === 'string' && cell.displayValue) return cell.displayValue;
  return typeof cell.value === 'string' && cell.value ? cell.value : null;
}

/** A Number field; the UI API sends numbers as JSON numbers. */
function numberOf(node: Record<string, unknown>, field: FieldRef): number | null {
  const value = valueOf(node, field);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** `Name` of a lookup's parent: a custom lookup `X__c` is selected through its relationship `X__r`. */
function parentName(node: Record<string, unknown>, lookup: FieldRef): string | null {
  const parent = node[lookup.fieldApiName.replace(/__c$/, '__r')];
  if (!isObject(parent) || !isObject(parent.Name)) return null;
  return typeof parent.Name.value === 'string' && parent.Name.value ? parent.Name.value : null;
}

/** `data.uiapi.query[alias]` of a GraphQL wire value, or undefined. */
export function connectionOf(data: unknown, alias: string): unknown {
  if (!isObject(data) || !isObject(data.uiapi) || !isObject(data.uiapi.query)) return undefined;
  return data.uiapi.query[alias];
}

/** The nodes of a connection (`{ totalCount, edges: [{ node }] }`) and its total. */
function nodesOf(connection: unknown): { nodes: Record<string, unknown>[]; totalCount: number } {
  if (!isObject(connection) || !Array.isArray(connection.edges)) return { nodes: [], totalCount: 0 };
  const nodes = connection.edges
    .map((edge: unknown) => (isObject(edge) && isObject(edge.node) ? edge.node : null))
    .filter((node): node is Record<string, unknown> => node !== null);
  const total = typeof connection.totalCount === 'number' ? connection.totalCount : nodes.length;
  return { nodes, totalCount: Math.max(total, nodes.length) };
}

const OBJECT_API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The Lightning record page URL, as the href behind a link NavigationMixin follows on click. */
export function recordPageUrl(objectApiName: string, recordId: string): string {
  return `/lightning/r/${objectApiName}/${recordId}/view`;
}

// ---- Sync errors -----------------------------------------------------------------------------

export interface SyncErrorRow {
  id: string;
  /** The error's auto-number (SIAE-000123). */
  errorNumber: string;
  category: ErrorCategory;
  code: string;
  message: string;
  direction: string;
  /** The affected record, when the error names a valid record id. */
  recordId: string | null;
  objectApiName: string | null;
  recordLabel: string;
  siaTaskId: string | null;
  userId: string | null;
  userName: string;
  occurredAt: string | null;
  retryRequested: boolean;
  resolved: boolean;
}

/** One SIA_Sync_Error__c node as a row, or null without an Id. */
export function syncErrorRowFrom(node: unknown): SyncErrorRow | null {
  if (!isObject(node) || typeof node[ERROR_ID_FIELD.fieldApiName] !== 'string') return null;
  const id = node[ERROR_ID_FIELD.fieldApiName] as string;
  const rawRecordId = textOf(node, RECORD_ID_FIELD);
  const recordId = isSalesforceId(rawRecordId) ? rawRecordId : null;
  const rawObject = textOf(node, OBJECT_API_NAME_FIELD);
  const objectApiName = rawObject && OBJECT_API_NAME.test(rawObject) ? rawObject : null;
  const siaTaskId = textOf(node, ERROR_SIA_TASK_ID_FIELD);
  let recordLabel = 'No record';
  if (recordId) recordLabel = `${objectApiName ?? 'Record'} ${recordId}`;
  else if (siaTaskId) recordLabel = `SIA task ${siaTaskId}`;
  return {
    id,
    errorNumber: textOf(node, ERROR_NAME_FIELD) ?? id,
    category: categoryOf(valueOf(node, CATEGORY_FIELD)),
    code: textOf(node, ERROR_CODE_FIELD) ?? 'UNKNOWN',
    message: textOf(node, MESSAGE_FIELD) ?? '',
    direction: displayOf(node, DIRECTION_FIELD) ?? '',
    recordId,
    objectApiName,
    recordLabel,
    siaTaskId,
    userId: textOf(node, ERROR_USER_FIELD),
    userName: parentName(node, ERROR_USER_FIELD) ?? '',
    occurredAt: textOf(node, OCCURRED_AT_FIELD),
    retryRequested: valueOf(node, RETRY_REQUESTED_FIELD) === true,
    resolved: valueOf(node, RESOLVED_FIELD) === true,
  };
}

export interface ErrorGroup extends CategoryInfo {
  rows: SyncErrorRow[];
  /** How many errors of the category match on the server; more than rows.length when cut. */
  totalCount: number;
}

/** The four category groups of an errors-query answer (one connection per category alias). */
export function errorGroupsFrom(data: unknown): ErrorGroup[] {
  return ERROR_CATEGORIES.map((info) => {
    const { nodes, totalCount } = nodesOf(connectionOf(data, info.alias));
    const rows = nodes.map(syncErrorRowFrom).filter((row): row is SyncErrorRow => row !== null);
    return { ...info, rows, totalCount: Math.max(totalCount, rows.length) };
  });
}

/** What an admin changed here since the last answer from the server. */
export interface LocalErrorChange {
  retryRequested?: true;
  resolved?: true;
}

/**
 * The groups with this page's own saves applied until the refreshed answer arrives: a resolved
 * error leaves the unresolved view (and its count) at once, a retried one shows Retry requested.
 */
export function applyLocalChanges(
  groups: ErrorGroup[],
  changes: Readonly<Record<string, LocalErrorChange>>,
  includeResolved: boolean,
): ErrorGroup[] {
  return groups.map((group) => {
    let hidden = 0;
    const rows: SyncErrorRow[] = [];
    for (const row of group.rows) {
      const change = changes[row.id];
      const updated = change
        ? {
            ...row,
            retryRequested: row.retryRequested || change.retryRequested === true,
            resolved: row.resolved || change.resolved === true,
          }
        : row;
      if (updated.resolved && !row.resolved && !includeResolved) hidden += 1;
      else rows.push(updated);
    }
    return { ...group, rows, totalCount: Math.max(group.totalCount - hidden, rows.length) };
  });
}

export type ErrorAction = 'retry' | 'resolve';

export function isErrorAction(value: unknown): value is ErrorAction {
  return value === 'retry' || value === 'resolve';
}

/** Retry can be asked for an open error that is not already waiting for one. */
export function canRetry(row: SyncErrorRow): boolean {
  return !row.resolved && !row.retryRequested;
}

/**
 * The updateRecord input of an action. Retry sets Retry_Requested__c, which reaches the service
 * through SIA_Sync_Error__ChangeEvent; Mark resolved sets Resolved__c, which hides the error here.
 */
export function errorActionInput(action: ErrorAction, errorId: string): RecordInput {
  const field = action === 'retry' ? RETRY_REQUESTED_FIELD : RESOLVED_FIELD;
  return {
    fields: { [ERROR_ID_FIELD.fieldApiName]: errorId, [field.fieldApiName]: true },
  };
}

/** The local change a saved action stands for. */
export function localChangeFor(action: ErrorAction): LocalErrorChange {
  return action === 'retry' ? { retryRequested: true } : { resolved: true };
}

/** What a screen reader hears (and the toast says) once `count` errors are saved. */
export function actionAnnouncement(action: ErrorAction, count: number): string {
  const errors = count === 1 ? '1 sync error' : `${count} sync errors`;
  return action === 'retry'
    ? `Retry requested for ${errors}. The sync service will try again shortly.`
    : `${errors} marked resolved.`;
}

// ---- Last sync per user ----------------------------------------------------------------------

export interface UserSyncRow {
  id: string;
  userId: string | null;
  userName: string;
  /** ISO date-time of the user's last sync, or null when the service has not finished one. */
  lastSyncAt: string | null;
  lastSyncMs: number | null;
  isStale: boolean;
  statusLabel: string;
}

const HOUR_MS = 3_600_000;

/**
 * One per-user SIA_Sync_Status__c node as a row. `staleAfterHours` without a sync marks the user
 * as stale: the service finishes a pass for every synced user at each reconciliation sweep, so a
 * long silence means it is not reaching them.
 */
export function userSyncRowFrom(node: unknown, nowMs: number, staleAfterHours: number): UserSyncRow | null {
  if (!isObject(node) || typeof node.Id !== 'string') return null;
  const lastSyncAt = textOf(node, LAST_SYNC_AT_FIELD);
  const parsed = lastSyncAt ? Date.parse(lastSyncAt) : Number.NaN;
  const lastSyncMs = Number.isFinite(parsed) ? parsed : null;
  const isStale = lastSyncMs === null || nowMs - lastSyncMs > staleAfterHours * HOUR_MS;
  let statusLabel = 'Syncing';
  if (lastSyncMs === null) statusLabel = 'Never synced';
  else if (isStale) statusLabel = `No sync in ${staleAfterHours} h`;
  return {
    id: node.Id,
    userId: textOf(node, STATUS_USER_FIELD),
    userName: parentName(node, STATUS_USER_FIELD) ?? textOf(node, STATUS_USER_FIELD) ?? 'Unknown user',
    lastSyncAt: lastSyncMs === null ? null : lastSyncAt,
    lastSyncMs,
    isStale,
    statusLabel,
  };
}

export function userSyncRowsFrom(
  connection: unknown,
  nowMs: number,
  staleAfterHours: number,
): { rows: UserSyncRow[]; totalCount: number } {
  const { nodes, totalCount } = nodesOf(connection);
  const rows = nodes
    .map((node) => userSyncRowFrom(node, nowMs, staleAfterHours))
    .filter((row): row is UserSyncRow => row !== null);
  return { rows, totalCount: Math.max(totalCount, rows.length) };
}

/** When the service last finished a sync pass for anyone: Last_Sync_At__c of the ORG status row. */
export function serviceHeartbeatFrom(orgStatusConnection: unknown): string | null {
  const status = nodesOf(orgStatusConnection).nodes[0];
  return status ? textOf(status, LAST_SYNC_AT_FIELD) : null;
}

// ---- API usage -------------------------------------------------------------------------------

export interface ApiUsage extends ApiBudget {
  used: number;
  allowed: number;
  /** used / allowed, 0..1 (may pass 1: Salesforce lets an org run over its allowance for a while). */
  allowanceFraction: number;
  budgetPercent: number;
  /** True when the budget is the built-in default because the org row leaves it blank (or invalid). */
  budgetIsDefault: boolean;
  readAt: string | null;
}

/**
 * The org's API usage from the ORG status row and the budget from the ORG settings row, or null
 * when the service has not reported usage yet. Sforce-Limit-Info counts the whole org's requests,
 * so "used" is everyone's, which is also what the service's budget is measured against; the
 * budget itself is c/siaApiBudget's rule, the one the service slows down by.
 */
export function apiUsageFrom(orgStatusConnection: unknown, orgSettingsConnection: unknown): ApiUsage | null {
  const status = nodesOf(orgStatusConnection).nodes[0];
  if (!status) return null;
  const used = numberOf(status, API_REQUESTS_USED_FIELD);
  const allowed = numberOf(status, API_REQUESTS_ALLOWED_FIELD);
  if (used === null || allowed === null || allowed <= 0 || used < 0) return null;
  const settings = nodesOf(orgSettingsConnection).nodes[0];
  const configured = settings ? numberOf(settings, API_BUDGET_PERCENT_FIELD) : null;
  const budget = mergeSettings(
    { [API_BUDGET_PERCENT_FIELD.fieldApiName]: configured },
    null,
  ).apiBudgetPercent;
  return {
    used,
    allowed,
    allowanceFraction: used / allowed,
    budgetPercent: budget.value,
    budgetIsDefault: budget.source === 'default',
    ...apiBudget(used, allowed, budget.value),
    readAt: textOf(status, API_USAGE_AT_FIELD),
  };
}

/** The API usage lines as they read, in the user's locale and time zone. */
export interface ApiUsageText {
  /** "5,620 of 15,000 requests (37.5%)" */
  used: string;
  /** "6,000 requests: 40% of the allowance (Admin settings)" */
  budget: string;
  /** "94%" */
  budgetUsed: string;
  /** When the service read the numbers, or '' when it did not say. */
  reported: string;
}

export function apiUsageText(usage: ApiUsage, locale: string, timeZone: string): ApiUsageText {
  const source = usage.budgetIsDefault ? 'built-in default; set it in SIA Sync Settings' : 'Admin settings';
  let reported = '';
  if (usage.readAt) {
    try {
      reported = formatDateTime(usage.readAt, locale, timeZone);
    } catch {
      reported = '';
    }
  }
  return {
    used: `${formatNumber(usage.used, locale)} of ${formatNumber(usage.allowed, locale)} requests (${formatPercent(usage.allowanceFraction, locale, 1)})`,
    budget: `${formatNumber(usage.budgetRequests, locale)} requests: ${formatPercent(usage.budgetPercent / 100, locale)} of the allowance (${source})`,
    budgetUsed: formatPercent(usage.budgetFraction, locale),
    reported,
  };
}

/** When a user last synced, as it reads: "Mar 10, 2026, 9:52 AM (8 minutes ago)", or "Never". */
export function lastSyncText(row: UserSyncRow, nowMs: number, locale: string, timeZone: string): string {
  if (row.lastSyncMs === null) return 'Never';
  return `${formatDateTime(row.lastSyncMs, locale, timeZone)} (${formatRelative(row.lastSyncMs, nowMs, locale)})`;
}

/** The service's heartbeat as it reads: "Last sync for anyone: 3 minutes ago", or '' without one. */
export function heartbeatText(heartbeat: string | null, nowMs: number, locale: string): string {
  const at = heartbeat ? Date.parse(heartbeat) : Number.NaN;
  return Number.isFinite(at) ? `Last sync for anyone: ${formatRelative(at, nowMs, locale)}` : '';
}

/** When an error happened, in the user's locale and time zone, or '' when unknown. */
export function occurredText(row: SyncErrorRow, locale: string, timeZone: string): string {
  const at = row.occurredAt ? Date.parse(row.occurredAt) : Number.NaN;
  return Number.isFinite(at) ? formatDateTime(at, locale, timeZone) : '';
}

/** A 0..1 fraction as a whole percent for a bar's width and aria-valuenow, capped at 100. */
export function barPercent(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction <= 0) return 0;
  return Math.min(100, Math.round(fraction * 100));
}
