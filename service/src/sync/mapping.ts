// SIA task ↔ Salesforce Task field mapping, built on the shared package modules.
// ActivityDate is a date with no time zone: it is copied as the same YYYY-MM-DD string both ways.
import { createHash } from 'node:crypto';
import type { SiaTask, SyncedField } from '../sia/model.ts';
import {
  renderSubject,
  salesforcePriorityToSia,
  salesforceStatusToSia,
  siaPriorityToSalesforce,
  siaStatusToSalesforce,
  siaTypeToSalesforce,
  activityTypeLabel,
  subjectIsTaskName,
  type PriorityCatalog,
  type StatusCatalog,
  type TaskSyncMode,
} from '../sia/shared.ts';

/** Salesforce Task fields the sync compares and writes after create. */
export const TASK_SYNC_FIELDS = [
  'Subject',
  'ActivityDate',
  'Status',
  'Priority',
  'Description',
  'WhoId',
  'WhatId',
] as const;
export type TaskSyncField = (typeof TASK_SYNC_FIELDS)[number];
export type TaskValues = Record<TaskSyncField, string | null>;

/** Fields read from Salesforce for a Task. */
export const TASK_QUERY_FIELDS = [
  'Id',
  'OwnerId',
  ...TASK_SYNC_FIELDS,
  'TaskSubtype',
  'Type',
  'SIA_Task_Id__c',
  'SIA_Activity_Type__c',
  'CreatedDate',
  'LastModifiedDate',
  'SystemModstamp',
] as const;

export const SIA_FIELD_FOR: Record<TaskSyncField, SyncedField> = {
  Subject: 'name',
  ActivityDate: 'dueDate',
  Status: 'status',
  Priority: 'priority',
  Description: 'details',
  WhoId: 'personSalesforceId',
  WhatId: 'relatedToId',
};

export const SALESFORCE_FIELD_FOR: Record<SyncedField, TaskSyncField> = {
  name: 'Subject',
  dueDate: 'ActivityDate',
  status: 'Status',
  priority: 'Priority',
  details: 'Description',
  personSalesforceId: 'WhoId',
  relatedToId: 'WhatId',
};

export interface MappingContext {
  statuses: StatusCatalog;
  priorities: PriorityCatalog;
  subjectTemplate: string;
  mode: TaskSyncMode;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The synced Task fields of a Salesforce record (REST record or change event payload). */
export function taskValues(record: Record<string, unknown>): TaskValues {
  const values = {} as TaskValues;
  for (const field of TASK_SYNC_FIELDS) values[field] = text(record[field]);
  // A dateTime-looking ActivityDate (never expected) is cut to its date: ActivityDate has no zone.
  if (values.ActivityDate !== null) values.ActivityDate = values.ActivityDate.slice(0, 10);
  return values;
}

export function valuesHash(values: TaskValues): string {
  return createHash('sha256')
    .update(JSON.stringify(TASK_SYNC_FIELDS.map((field) => values[field])))
    .digest('hex');
}

export function subjectFor(task: Pick<SiaTask, 'name' | 'type'>, template: string): string {
  return renderSubject(template, {
    activity_subject: task.name,
    activity_type: activityTypeLabel(task.type),
  });
}

/** What the Salesforce Task should hold for this SIA task, given what Salesforce holds now. */
export function desiredValues(
  task: SiaTask,
  ctx: MappingContext,
  current: TaskValues | undefined,
): TaskValues {
  const status = siaStatusToSalesforce(task.status, ctx.mode, ctx.statuses, current?.Status ?? null);
  return {
    Subject: subjectFor(task, ctx.subjectTemplate),
    ActivityDate: task.dueDate,
    Status:
      status.action === 'write' ? status.salesforceStatus : (current?.Status ?? ctx.statuses.defaultOpen),
    Priority:
      task.salesforcePriority ??
      siaPriorityToSalesforce(task.priority, ctx.priorities, {
        currentSalesforcePriority: current?.Priority ?? null,
      }),
    Description: task.details,
    WhoId: task.personSalesforceId,
    WhatId: task.relatedToId,
  };
}

/** The upsert record for a task: every field on create, only the changed ones after. */
export function upsertRecord(
  task: SiaTask,
  ctx: MappingContext,
  options: {
    ownerSalesforceId: string;
    current: TaskValues | undefined;
    changed: SyncedField[] | 'all';
    exists?: boolean;
  },
): { record: Record<string, unknown>; values: TaskValues } {
  const desired = desiredValues(task, ctx, options.current);
  const record: Record<string, unknown> = { SIA_Task_Id__c: task.id };
  if (options.changed === 'all' || options.current === undefined) {
    const present = Object.fromEntries(Object.entries(desired).filter(([, value]) => value !== null));
    const type = siaTypeToSalesforce(task.type);
    Object.assign(record, present, {
      OwnerId: options.ownerSalesforceId,
      SIA_Activity_Type__c: type.SIA_Activity_Type__c,
    });
    // TaskSubtype is create-only: sending it for a record that exists fails the upsert.
    if (!options.exists) record['TaskSubtype'] = type.TaskSubtype;
    return { record, values: desired };
  }
  const values = { ...options.current };
  for (const field of options.changed) {
    const sfField = SALESFORCE_FIELD_FOR[field];
    record[sfField] = desired[sfField];
    values[sfField] = desired[sfField];
  }
  return { record, values };
}

/** SIA field values for the Salesforce fields that changed (Subject only when it is the task name). */
export function siaChanges(
  changed: TaskSyncField[],
  remote: TaskValues,
  task: Pick<SiaTask, 'status'> | undefined,
  ctx: MappingContext,
): Partial<Pick<SiaTask, SyncedField | 'salesforcePriority'>> {
  const out: Partial<Pick<SiaTask, SyncedField | 'salesforcePriority'>> = {};
  for (const field of changed) {
    switch (field) {
      case 'Subject':
        if (subjectIsTaskName(ctx.subjectTemplate) && remote.Subject !== null)
          out.name = remote.Subject.slice(0, 255);
        break;
      case 'ActivityDate':
        if (remote.ActivityDate !== null) out.dueDate = remote.ActivityDate;
        break;
      case 'Status':
        out.status = salesforceStatusToSia(remote.Status, ctx.statuses, task?.status ?? null);
        break;
      case 'Priority': {
        out.priority = salesforcePriorityToSia(remote.Priority, ctx.priorities);
        const plain =
          remote.Priority === ctx.priorities.high ||
          remote.Priority === ctx.priorities.normal ||
          remote.Priority === null;
        out.salesforcePriority = plain ? null : remote.Priority;
        break;
      }
      case 'Description':
        out.details = remote.Description;
        break;
      case 'WhoId':
        out.personSalesforceId = remote.WhoId;
        break;
      case 'WhatId':
        out.relatedToId = remote.WhatId;
        break;
    }
  }
  return out;
}

/** Salesforce fields whose values differ between two snapshots. */
export function differingFields(a: TaskValues, b: TaskValues): TaskSyncField[] {
  return TASK_SYNC_FIELDS.filter((field) => a[field] !== b[field]);
}

export function parseValues(json: string | null): TaskValues | undefined {
  if (json === null) return undefined;
  return JSON.parse(json) as TaskValues;
}
