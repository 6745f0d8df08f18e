// Request and response shapes of the SIA API. Every body is a strict object (unknown fields are
// rejected) and every failure names the field it concerns.
import { z } from 'zod';
import { isIsoDate, isValidTimeZone } from '../sia/dates.ts';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../sia/model.ts';

const salesforceId = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');
const isoDate = z.string().refine((value) => isIsoDate(value), 'must be a calendar date written YYYY-MM-DD');
/** Salesforce Subject is 255 characters; Description (Comments) is 32,000. */
const taskName = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const details = z.string().max(32_000, 'must be at most 32000 characters');

export const userId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dot, dash, underscore or colon');
export const taskId = z.uuid('must be a task id (uuid)');

export const putUserBody = z.strictObject({
  email: z.email('must be an email address').max(254),
  salesforceUserId: salesforceId,
  timeZone: z
    .string()
    .refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as Europe/Berlin'),
});

export const createTaskBody = z.strictObject({
  ownerId: userId,
  type: z.enum(TASK_TYPES, `must be one of ${TASK_TYPES.join(', ')}`),
  name: taskName,
  dueDate: isoDate,
  priority: z.enum(TASK_PRIORITIES, `must be one of ${TASK_PRIORITIES.join(', ')}`).optional(),
  details: details.nullable().optional(),
  person: z
    .strictObject({
      salesforceId: salesforceId.optional(),
      email: z.email('must be an email address').max(254).optional(),
    })
    .optional(),
  relatedToId: salesforceId.nullable().optional(),
});

export const patchTaskBody = z
  .strictObject({
    name: taskName.optional(),
    dueDate: isoDate.optional(),
    priority: z.enum(TASK_PRIORITIES, `must be one of ${TASK_PRIORITIES.join(', ')}`).optional(),
    details: details.nullable().optional(),
    status: z.enum(TASK_STATUSES, `must be one of ${TASK_STATUSES.join(', ')}`).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

export const listTasksQuery = z.strictObject({
  ownerId: userId,
  view: z.enum(['command-center', 'all'], 'must be command-center or all').default('all'),
  cursor: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\|[0-9a-f-]{36}$/, 'must be a cursor returned by a previous page')
    .optional(),
  limit: z.coerce
    .number<string>('must be a number')
    .int('must be a whole number')
    .min(1)
    .max(200)
    .default(50),
});

export const ownerQuery = z.strictObject({ ownerId: userId });
export const optionalOwnerQuery = z.strictObject({
  ownerId: userId.optional(),
  limit: z.coerce.number<string>('must be a number').int().min(1).max(500).default(100),
});
export const reconcileBody = z.strictObject({ ownerId: userId.optional() }).optional();

export const taskResponse = z.object({
  id: z.uuid(),
  ownerId: z.string(),
  type: z.enum(TASK_TYPES),
  name: z.string(),
  dueDate: z.string(),
  priority: z.enum(TASK_PRIORITIES),
  details: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  person: z.object({ salesforceId: z.string().nullable(), email: z.string().nullable() }),
  relatedToId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  salesforceTaskId: z.string().nullable(),
});

export const userResponse = putUserBody.extend({
  id: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const errorResponse = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export interface FieldProblem {
  field: string;
  message: string;
}

/** zod issues as `{ field, message }` pairs; an unknown key is reported under its own name. */
export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ field: path === '' ? key : `${path}.${key}`, message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      problems.push({ field: path === '' ? '(body)' : path, message: 'is required' });
    } else {
      problems.push({ field: path === '' ? '(body)' : path, message: issue.message });
    }
  }
  return problems;
}
