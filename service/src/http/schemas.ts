// Request and response shapes of the SIA API. Every body is a strict object (unknown fields are
// rejected) and every failure names the field it concerns.
import { z } from 'zod';
import { isIsoDate, isValidTimeZone } from '../sia/dates.ts';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../sia/model.ts';
import { SALESFORCE_ID_PATTERN, subjectText } from '../sia/shared.ts';

/** A 15- or 18-character Salesforce Id (the shape; the Id rule itself is in siaSalesforceId). */
export const salesforceId = z
  .string()
  .regex(SALESFORCE_ID_PATTERN, 'must be a 15- or 18-character Salesforce id');

// Without the u flag a regular expression sees UTF-16 code units, so half a pair is visible.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text as both stores and Salesforce keep it: PostgreSQL text cannot hold a NUL character,
 * and a lone UTF-16 surrogate is no character at all (it would be replaced on its way to
 * Salesforce). Both are refused, naming the field, on SQLite and PostgreSQL alike.
 */
export function freeText() {
  return z
    .string()
    .refine((value) => !value.includes('\u0000'), 'must not contain a NUL character (\\u0000)')
    .refine(
      (value) => !LONE_SURROGATE.test(value),
      'must not contain a lone surrogate (half of a UTF-16 pair)',
    );
}

/**
 * The dates Salesforce stores, 1700-01-01 to 4000-12-31: a value outside is refused by the org, so
 * it would be accepted here and then fail forever.
 * https://developer.salesforce.com/docs/atlas.en-us.dataLoader.meta/dataLoader/data_loader_dates.htm
 */
export const SALESFORCE_DATE_RANGE = { from: '1700-01-01', to: '4000-12-31' } as const;
export const DATE_RANGE_MESSAGE = `must be between ${SALESFORCE_DATE_RANGE.from} and ${SALESFORCE_DATE_RANGE.to} (the dates Salesforce stores)`;

export function inSalesforceDateRange(isoDate: string): boolean {
  const day = isoDate.slice(0, 10);
  return day >= SALESFORCE_DATE_RANGE.from && day <= SALESFORCE_DATE_RANGE.to;
}

const isoDate = z.string().superRefine((value, ctx) => {
  if (!isIsoDate(value))
    ctx.addIssue({ code: 'custom', message: 'must be a calendar date written YYYY-MM-DD' });
  else if (!inSalesforceDateRange(value)) ctx.addIssue({ code: 'custom', message: DATE_RANGE_MESSAGE });
});

/**
 * Salesforce Subject is 255 characters. The name is stored as the Subject will hold it: ends
 * trimmed (sObject string fields "can never include leading and trailing whitespace":
 * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_primitives.htm),
 * line breaks as one space and runs of spaces as one (the subject rendering SIA documents), so
 * both sides hold the same text.
 */
const taskName = freeText()
  .overwrite(subjectText)
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .describe(
    'Stored as the Salesforce Subject keeps it: leading and trailing whitespace removed, each line break and each run of spaces becomes one space.',
  );
/** Description (Comments) is 32,000 characters. */
const details = freeText().max(32_000, 'must be at most 32000 characters');

/** The largest JSON body a task request can need: every character escaped as \uXXXX. */
export const TASK_BODY_LIMIT = 6 * (32_000 + 255 + 1_000) + 64 * 1024;

// Canonical IANA names are Area/Location (America/New_York, Etc/GMT+5) or UTC. Intl also accepts
// legacy abbreviations and backward-compatible names (EST, US/Eastern, GMT) and any letter case;
// those are refused so every stored zone is the name the tz database and Salesforce use.
const IANA_AREAS = 'Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc';
const IANA_NAME = new RegExp(`^(?:UTC|(?:${IANA_AREAS})(?:/[A-Z][A-Za-z0-9_+-]*){1,2})$`);

export function isCanonicalTimeZone(zone: string): boolean {
  return IANA_NAME.test(zone) && isValidTimeZone(zone);
}

export const userId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dot, dash, underscore or colon');
export const taskId = z.uuid('must be a task id (uuid)');

export const putUserBody = z.strictObject({
  email: z.email('must be an email address').max(254),
  salesforceUserId: salesforceId,
  timeZone: z
    .string()
    .refine(
      (zone) => isCanonicalTimeZone(zone),
      'must be a canonical IANA time zone name such as Europe/Berlin or UTC',
    ),
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
  limit: queryLimit(200, 50),
});

function queryLimit(max: number, fallback: number) {
  const range = `must be between 1 and ${max}`;
  return z.coerce
    .number<string>('must be a number')
    .int('must be a whole number')
    .min(1, range)
    .max(max, range)
    .default(fallback);
}

export const ownerQuery = z.strictObject({ ownerId: userId });
export const optionalOwnerQuery = z.strictObject({
  ownerId: userId.optional(),
  limit: queryLimit(500, 100),
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

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  date: 'a date',
};

/**
 * Messages for the issues a schema leaves to zod's defaults, in the words of the API: a missing
 * value "is required", a value of the wrong type says what it must be. Pass as the `error` option
 * of every parse of request input.
 */
export function inputIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string')
    return `must be at least ${issue.minimum} characters`;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `must be at most ${issue.maximum} characters`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be at least ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be at most ${issue.maximum}`;
  return undefined;
}

/** zod issues as `{ field, message }` pairs; an unknown key is reported under its own name. */
export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ field: path === '' ? key : `${path}.${key}`, message: 'is not a known field' });
    } else {
      problems.push({ field: path === '' ? '(body)' : path, message: issue.message });
    }
  }
  return problems;
}
