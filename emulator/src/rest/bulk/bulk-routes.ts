// /services/data/vXX.X/jobs/query and /jobs/ingest: Bulk API 2.0's resources and methods (query jobs
// from API 47.0, ingest jobs from 41.0). Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0
// Query" and "Bulk API 2.0 Ingest" reference:
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
import { NOT_FOUND_MESSAGE, RequestError } from '../../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../api-types.ts';
import { callOptionsClient } from '../../org/change-events.ts';
import type { BulkJobs } from './bulk-jobs.ts';
import { changeIngestState, createIngestJob, deletableIngestJob, uploadJobData } from './ingest-jobs.ts';
import { ingestResults, type IngestResultKind } from './ingest-results.ts';
import { requestedState } from './job-requests.ts';
import {
  ingestJobInfo,
  ingestJobSummary,
  jobListEntry,
  queryJobInfo,
  queryJobSummary,
  TERMINAL_STATES,
  type BulkJob,
  type JobCaller,
} from './jobs.ts';
import { abortQueryJob, createQueryJob, queryResults } from './query-jobs.ts';

/** "Get All Jobs returns up to 1000 result rows per request." */
const JOBS_PER_PAGE = 1000;

const INGEST_RESULTS: ReadonlySet<string> = new Set([
  'successfulResults',
  'failedResults',
  'unprocessedrecords',
]);

function methodNotAllowed(method: string, allowed: string): never {
  throw new RequestError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
  );
}

function notFound(): never {
  throw new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

function caller(ctx: ApiContext, req: ApiRequest): JobCaller {
  return {
    userId: ctx.session.userId,
    version: ctx.version,
    client: callOptionsClient(req.headers['sforce-call-options']),
  };
}

/** GET /jobs/query or /jobs/ingest: every job of the kind, a thousand per page. */
function listJobs(ctx: ApiContext, req: ApiRequest, kind: BulkJob['kind']): ApiResponse {
  const jobType = req.query.get('jobType');
  const wanted = kind === 'query' ? 'V2Query' : 'V2Ingest';
  // Bulk API 1.0 (Classic) and PK-chunked jobs are never created here.
  const none = (jobType !== null && jobType !== wanted) || req.query.get('isPkChunkingEnabled') === 'true';
  const jobs = none ? [] : ctx.bulk.list(kind);
  const locator = req.query.get('queryLocator');
  const from = locator === null ? 0 : Number(Buffer.from(locator, 'base64').toString('utf8'));
  if (!Number.isSafeInteger(from) || from < 0) {
    throw new RequestError(400, 'INVALID_QUERY_LOCATOR', `Invalid locator: ${locator ?? ''}`);
  }
  const to = Math.min(jobs.length, from + JOBS_PER_PAGE);
  const done = to >= jobs.length;
  const next = Buffer.from(String(to)).toString('base64').replace(/=+$/, '');
  return {
    status: 200,
    body: {
      done,
      records: jobs.slice(from, to).map(jobListEntry),
      nextRecordsUrl: done ? null : `/services/data/v${ctx.version}/jobs/${kind}?queryLocator=${next}`,
    },
  };
}

function deleteJob(bulk: BulkJobs, job: BulkJob): ApiResponse {
  // "To be deleted, a job must have a state of UploadComplete, JobComplete, Aborted, or Failed."
  if (job.kind === 'ingest') deletableIngestJob(job);
  else if (!TERMINAL_STATES.has(job.state) && job.state !== 'UploadComplete') {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Job ${job.id} can't be deleted because its state is ${job.state}`,
    );
  }
  bulk.delete(job.id);
  return { status: 204 };
}

function queryRoute(ctx: ApiContext, req: ApiRequest, rest: string[]): ApiResponse {
  const [id, sub, ...extra] = rest;
  if (id === undefined) {
    if (req.method === 'POST')
      return { status: 200, body: queryJobSummary(createQueryJob(ctx.bulk, caller(ctx, req), req.rawBody)) };
    if (req.method === 'GET') return listJobs(ctx, req, 'query');
    methodNotAllowed(req.method, 'GET,HEAD,POST');
  }
  const job = ctx.bulk.query(id) ?? notFound();
  if (sub === undefined) {
    switch (req.method) {
      case 'GET':
        return { status: 200, body: queryJobInfo(job) };
      case 'PATCH':
        abortQueryJob(ctx.bulk, job, requestedState(req.rawBody));
        return { status: 200, body: queryJobSummary(job) };
      case 'DELETE':
        return deleteJob(ctx.bulk, job);
      default:
        methodNotAllowed(req.method, 'GET,HEAD,PATCH,DELETE');
    }
  }
  if (sub !== 'results' || extra.length > 0) notFound();
  if (req.method !== 'GET') methodNotAllowed(req.method, 'GET,HEAD');
  const page = queryResults(job, ctx.version, req.query);
  return { status: 200, headers: page.headers, text: page.text };
}

function ingestRoute(ctx: ApiContext, req: ApiRequest, rest: string[]): ApiResponse {
  const [id, sub, ...extra] = rest;
  if (id === undefined) {
    if (req.method === 'POST')
      return {
        status: 200,
        body: ingestJobSummary(createIngestJob(ctx.bulk, caller(ctx, req), req.rawBody)),
      };
    if (req.method === 'GET') return listJobs(ctx, req, 'ingest');
    methodNotAllowed(req.method, 'GET,HEAD,POST');
  }
  const job = ctx.bulk.ingest(id) ?? notFound();
  if (sub === undefined) {
    switch (req.method) {
      case 'GET':
        return { status: 200, body: ingestJobInfo(job) };
      case 'PATCH':
        changeIngestState(ctx.bulk, job, requestedState(req.rawBody));
        return { status: 200, body: ingestJobSummary(job) };
      case 'DELETE':
        return deleteJob(ctx.bulk, job);
      default:
        methodNotAllowed(req.method, 'GET,HEAD,PATCH,DELETE');
    }
  }
  if (extra.length > 0) notFound();
  if (sub === 'batches') {
    if (req.method !== 'PUT') methodNotAllowed(req.method, 'PUT');
    uploadJobData(job, req.headers['content-type'], req.rawBody);
    return { status: 201 };
  }
  if (!INGEST_RESULTS.has(sub)) notFound();
  if (req.method !== 'GET') methodNotAllowed(req.method, 'GET,HEAD');
  return {
    status: 200,
    headers: { 'Content-Type': 'text/csv' },
    text: ingestResults(job, sub as IngestResultKind),
  };
}

/** `segments` = path parts after `jobs`. */
export function bulkRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  const [kind, ...rest] = segments;
  const version = Number(ctx.version);
  // Query jobs exist from API 47.0, ingest jobs from 41.0.
  if (kind === 'query' && version >= 47) return queryRoute(ctx, req, rest);
  if (kind === 'ingest' && version >= 41) return ingestRoute(ctx, req, rest);
  notFound();
}
