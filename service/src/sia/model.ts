// The SIA side of the sync: users and reminder tasks as the service stores and serves them.

export const TASK_TYPES = ['call', 'email', 'inmail', 'custom'] as const;
export const TASK_STATUSES = ['open', 'completed', 'skipped'] as const;
export const TASK_PRIORITIES = ['normal', 'high'] as const;
/** Task fields that are synced field by field (create-only ones like `type` are not). */
export const SYNCED_FIELDS = [
  'name',
  'dueDate',
  'priority',
  'details',
  'status',
  'personSalesforceId',
  'relatedToId',
] as const;

export type TaskType = (typeof TASK_TYPES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type SyncedField = (typeof SYNCED_FIELDS)[number];

export interface SiaUser {
  id: string;
  email: string;
  salesforceUserId: string;
  /** IANA zone, e.g. Europe/Berlin: Command Center days are the user's days. */
  timeZone: string;
  createdAt: string;
  updatedAt: string;
}

export interface SiaTask {
  id: string;
  ownerId: string;
  type: TaskType;
  name: string;
  /** YYYY-MM-DD: a date, never a timestamp. */
  dueDate: string;
  priority: TaskPriority;
  /** A Salesforce `Low` priority survives until SIA changes the priority. */
  salesforcePriority: string | null;
  details: string | null;
  status: TaskStatus;
  personSalesforceId: string | null;
  personEmail: string | null;
  relatedToId: string | null;
  createdAt: string;
  updatedAt: string;
  /** The Salesforce Task this one is linked to, once synced. */
  salesforceTaskId: string | null;
}

export const ERROR_CATEGORIES = ['Authentication', 'Access & Validation', 'Intermittent', 'Other'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/**
 * Prefix of SIA_Task_Id__c on the Tasks that email logging writes (reminder tasks carry a bare uuid
 * there): the task sync leaves those Tasks alone.
 */
export const EMAIL_TASK_ID_PREFIX = 'sia-email:';
