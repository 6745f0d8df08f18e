// Bulk API 2.0 query jobs: created UploadComplete, run through the emulator's SOQL engine on a later
// turn of the event loop (InProgress), their rows written as CSV a slice per turn (JobComplete), and
// read back in pages with `locator` and `maxRecords`. Bulk API 2.0 Developer Guide, "Create a Query
// Job" and "Get Results for a Query Job":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
import type { Query } from '@jetstreamapp/soql-parser-js';
import { RequestError } from '../../org/errors.ts';
import type { StoredRecord } from '../../schema/types.ts';
import { isAggregateQuery } from '../../soql/aggregates.ts';
import { QueryRun } from '../../soql/execute.ts';
import { leafOn, parentRecord, readField, type FieldPath } from '../../soql/field-paths.ts';
import { parseSoql } from '../../soql/parse-query.ts';
import { picklistLabel } from '../../soql/projection.ts';
import { planQuery, type QueryPlan } from '../../soql/query-plan.ts';
import { isCountOnly } from '../../soql/select-list.ts';
import { SoqlError, type SoqlOptions } from '../../soql/types.ts';
import type { BulkJobs } from './bulk-jobs.ts';
import { csvLine, lineBreak } from './csv.ts';
import { cellText } from './field-text.ts';
import { enumProperty, jobBody, jobDialect, stringProperty } from './job-requests.ts';
import type { JobCaller, QueryJob, QueryOperation } from './jobs.ts';

/** Rows written to CSV per turn of the event loop. */
const ROWS_PER_STEP = 2_000;

/**
 * Rows per results page when the request gives no maxRecords. The platform picks its own size ("the
 * server uses a default value based on performance considerations"); 50,000 keeps a page's CSV a few
 * megabytes.
 */
export const DEFAULT_MAX_RECORDS = 50_000;

/**
 * "Bulk API 2.0 doesn't support SOQL queries that include any of these items: GROUP BY, OFFSET, or
 * TYPEOF clauses; aggregate functions such as COUNT(); ... compound data, such as ... FIELDS();
 * parent-to-child relationship queries." The platform answers 400 API_ERROR; the subquery and
 * compound-data messages are the platform's own words.
 */
function unsupportedFeature(query: Query): string | undefined {
  const fields = query.fields ?? [];
  if (fields.some((item) => item.type === 'FieldSubquery'))
    return 'Aggregate Relationships not supported in Bulk V2 Query with CSV content type.';
  if (
    fields.some(
      (item) => item.type === 'FieldFunctionExpression' && item.functionName.toUpperCase() === 'FIELDS',
    )
  )
    return 'Selecting compound data not supported in Bulk Query';
  if (isCountOnly(fields) || isAggregateQuery(fields, query.groupBy))
    return 'Aggregate queries are not supported in Bulk V2 Query';
  if (fields.some((item) => item.type === 'FieldTypeof')) return 'TYPEOF is not supported in Bulk V2 Query';
  if (query.offset !== undefined) return 'OFFSET is not supported in Bulk V2 Query';
  return undefined;
}

/** "Bulk API 2.0 is optimized to chunk large query jobs if the object being queried supports chunking." */
const PK_CHUNKING_STANDARD = new Set([
  'account',
  'campaign',
  'campaignmember',
  'case',
  'contact',
  'event',
  'lead',
  'opportunity',
  'task',
  'user',
]);

function soqlOptions(
  jobs: BulkJobs,
  job: Pick<QueryJob, 'createdById' | 'operation' | 'apiVersion'>,
): SoqlOptions {
  const zone = jobs.org.store.byId(job.createdById)?.fields.TimeZoneSidKey;
  const view = jobs.viewOf(job.createdById);
  return {
    schema: view.schema,
    source: view.visible,
    includeDeleted: job.operation === 'queryAll',
    clock: jobs.org.clock,
    timeZone: typeof zone === 'string' ? zone : 'UTC',
    apiVersion: job.apiVersion,
  };
}

function plan(soql: string, options: SoqlOptions): QueryPlan {
  try {
    const parsed = parseSoql(soql);
    const refusal = unsupportedFeature(parsed);
    if (refusal !== undefined) throw new RequestError(400, 'API_ERROR', refusal);
    return planQuery(soql, parsed, options);
  } catch (error) {
    if (error instanceof SoqlError) throw new RequestError(400, error.errorCode, error.message);
    throw error;
  }
}

export function createQueryJob(jobs: BulkJobs, caller: JobCaller, rawBody: string): QueryJob {
  const body = jobBody(rawBody, ['operation', 'query', 'contentType', 'columnDelimiter', 'lineEnding']);
  const operation = enumProperty(
    body,
    'operation',
    (value): value is QueryOperation => value === 'query' || value === 'queryAll',
  );
  const query = stringProperty(body, 'query') ?? '';
  const dialect = jobDialect(body);
  const options = soqlOptions(jobs, { createdById: caller.userId, operation, apiVersion: caller.version });
  // The query is checked when the job is created: a bad one never becomes a job.
  const object = plan(query, options).object;
  if (!jobs.usage.tryQueryJob()) {
    throw new RequestError(
      400,
      'LIMIT_EXCEEDED',
      `Max number of Bulk API 2.0 query jobs (${jobs.usage.allocations.queryJobs}) in a rolling 24-hour period exceeded.`,
    );
  }
  const job: QueryJob = {
    ...jobs.newJob(caller, object.name, dialect),
    kind: 'query',
    operation,
    query,
    state: 'UploadComplete',
    isPkChunkingSupported: object.custom || PK_CHUNKING_STANDARD.has(object.name.toLowerCase()),
    header: '',
    rows: [],
  };
  jobs.add(job);
  jobs.schedule(job, () => {
    runQueryJob(jobs, job);
  });
  return job;
}

interface OutputColumn {
  name: string;
  path: FieldPath;
  label: boolean;
}

/** Column names as the header writes them: relationship fields dotted (`Who.Name`). */
function outputColumns(queryPlan: QueryPlan): OutputColumn[] {
  return queryPlan.columns.flatMap((column) =>
    column.kind === 'field'
      ? [
          {
            name: [...column.path.hops.map((hop) => hop.relationshipName), column.path.leaf.name].join('.'),
            path: column.path,
            label: column.label === true,
          },
        ]
      : [],
  );
}

function columnText(options: SoqlOptions, record: StoredRecord, column: OutputColumn): string {
  let current: StoredRecord | undefined = record;
  for (const hop of column.path.hops) {
    current = parentRecord(options.source, current, hop);
    if (current === undefined) return '';
  }
  // Through a polymorphic reference the field is the parent's own (Who → Lead.Name).
  const field =
    column.path.hops.length === 0 ? column.path.leaf : leafOn(options.schema, current, column.path);
  if (field === undefined) return '';
  const value = readField(current, field);
  return cellText(field, column.label ? picklistLabel(field, value) : value);
}

function finish(jobs: BulkJobs, job: QueryJob, state: QueryJob['state'], started: number): void {
  job.state = state;
  job.totalProcessingTime += Math.round(performance.now() - started);
  jobs.touch(job);
}

/** UploadComplete → InProgress → JobComplete, unless aborted or deleted on the way. */
function runQueryJob(jobs: BulkJobs, job: QueryJob): void {
  if (job.state !== 'UploadComplete') return;
  job.state = 'InProgress';
  jobs.touch(job);
  let started = performance.now();
  let queryPlan: QueryPlan;
  let records: StoredRecord[];
  const options = soqlOptions(jobs, job);
  try {
    queryPlan = plan(job.query, options);
    records = new QueryRun(options).rows(queryPlan);
  } catch {
    // The schema can change between creation and processing; the platform gives no message here.
    finish(jobs, job, 'Failed', started);
    return;
  }
  const columns = outputColumns(queryPlan);
  const rows: string[] = [];
  let bytes = 0;
  const newline = lineBreak(job.dialect).length;
  const step = (): void => {
    if (job.state !== 'InProgress') return;
    const end = Math.min(records.length, rows.length + ROWS_PER_STEP);
    for (let index = rows.length; index < end; index++) {
      const record = records[index];
      if (record === undefined) continue;
      const line = csvLine(
        columns.map((column) => columnText(options, record, column)),
        job.dialect,
      );
      rows.push(line);
      bytes += Buffer.byteLength(line) + newline;
    }
    if (rows.length < records.length) {
      job.totalProcessingTime += Math.round(performance.now() - started);
      jobs.schedule(job, () => {
        started = performance.now();
        step();
      });
      return;
    }
    job.header = csvLine(
      columns.map((column) => column.name),
      job.dialect,
    );
    bytes += Buffer.byteLength(job.header) + newline;
    if (!jobs.usage.tryQueryResults(bytes)) {
      // DailyBulkV2QueryFileStorageMB is spent: the results cannot be stored.
      finish(jobs, job, 'Failed', started);
      return;
    }
    job.rows = rows;
    job.numberRecordsProcessed = rows.length;
    finish(jobs, job, 'JobComplete', started);
  };
  step();
}

/** The state a PATCH may set: only Aborted, and only before the job completes. */
export function abortQueryJob(jobs: BulkJobs, job: QueryJob, state: string): void {
  if (state !== 'Aborted') {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Invalid state transition: query jobs can only be Aborted`,
    );
  }
  if (job.state !== 'UploadComplete' && job.state !== 'InProgress') {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Job ${job.id} can't be aborted because its state is ${job.state}`,
    );
  }
  job.state = 'Aborted';
  job.rows = [];
  jobs.touch(job);
}

/** Locators are the base64 of the row a page starts at, as the guide's example `MTAwMDA` (10000) is. */
function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(locator: string, total: number): number {
  const text = /^[A-Za-z0-9+/]+$/.test(locator) ? Buffer.from(locator, 'base64').toString('utf8') : '';
  const offset = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= total || encodeLocator(offset) !== locator) {
    throw new RequestError(400, 'INVALID_QUERY_LOCATOR', `Invalid locator: ${locator}`);
  }
  return offset;
}

function maxRecordsParam(value: string | null): number {
  if (value === null) return DEFAULT_MAX_RECORDS;
  const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RequestError(400, 'API_ERROR', `Invalid value: '${value}' supplied for property: 'maxRecords'`);
  }
  return count;
}

/** Lines joined a few hundred at a time, so a page streams without one big string. */
function* pageText(job: QueryJob, from: number, to: number): Generator<string> {
  const newline = lineBreak(job.dialect);
  let chunk = job.header + newline;
  for (let index = from; index < to; index++) {
    chunk += (job.rows[index] ?? '') + newline;
    if ((index - from) % 500 === 499) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export interface ResultsPage {
  headers: Record<string, string>;
  text: Iterable<string>;
}

/** GET /jobs/query/{id}/results: one page of rows after the header, with the next page's locator. */
export function queryResults(job: QueryJob, version: string, query: URLSearchParams): ResultsPage {
  // "Use the same API version to get query results that you used to create the query. Otherwise,
  // the call returns a 409 error."
  if (version !== job.apiVersion) {
    throw new RequestError(
      409,
      'API_ERROR',
      `Query job ${job.id} was created in API version ${job.apiVersion}; get its results with the same version.`,
    );
  }
  if (job.state !== 'JobComplete') {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Job ${job.id} is not complete: its state is ${job.state}`,
    );
  }
  const total = job.rows.length;
  const locator = query.get('locator');
  const from = locator === null ? 0 : decodeLocator(locator, total);
  const to = Math.min(total, from + maxRecordsParam(query.get('maxRecords')));
  return {
    headers: {
      'Content-Type': 'text/csv',
      'Sforce-Locator': to < total ? encodeLocator(to) : 'null',
      'Sforce-NumberOfRecords': String(to - from),
    },
    text: pageText(job, from, to),
  };
}
