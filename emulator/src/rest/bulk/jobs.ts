// Bulk API 2.0 jobs and the JobInfo bodies the platform returns for them, property for property.
// Bulk API 2.0 Developer Guide, "Get Information About a Query Job" and "Get Information About an
// Ingest Job": https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
import type { CsvDialect } from './csv.ts';

export type QueryOperation = 'query' | 'queryAll';
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
export type QueryJobState = 'UploadComplete' | 'InProgress' | 'Aborted' | 'JobComplete' | 'Failed';
export type IngestJobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed';

export interface JobCommon {
  id: string;
  /** The sObject the job reads or writes, with Salesforce's casing. */
  object: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  /** e.g. '62.0': results must be read with the same version. */
  apiVersion: string;
  dialect: CsvDialect;
  numberRecordsProcessed: number;
  retries: number;
  /** Milliseconds spent processing. */
  totalProcessingTime: number;
  /** `client=` of the creating request's Sforce-Call-Options, for the change events' changeOrigin. */
  client: string | undefined;
  /** Clock time the job reached a terminal state, for the 7-day retention. */
  finishedAt?: number;
}

export interface QueryJob extends JobCommon {
  kind: 'query';
  operation: QueryOperation;
  query: string;
  state: QueryJobState;
  isPkChunkingSupported: boolean;
  /** The header record and one record per result row, each without its line break. */
  header: string;
  rows: string[];
}

/** What happened to one uploaded row. */
export interface RowOutcome {
  row: number;
  /** The record's id (empty when a failed insert has none). */
  id: string;
  created: boolean;
  /** `STATUS_CODE:message:fields --` for a failed row. */
  error?: string;
}

export interface IngestJob extends JobCommon {
  kind: 'ingest';
  operation: IngestOperation;
  state: IngestJobState;
  externalIdFieldName?: string;
  assignmentRuleId?: string;
  /** The uploaded CSV: only one upload per job. */
  data?: string;
  /** Where each data row (after the header) starts and ends in `data`. */
  rowStarts: number[];
  rowEnds: number[];
  headerEnd: number;
  outcomes: RowOutcome[];
  /** Rows before this index were processed; the rest are the job's unprocessed records. */
  processedRows: number;
  /** False until every row was found: a job that failed before that returns its data as uploaded. */
  scanned: boolean;
  numberRecordsFailed: number;
  apiActiveProcessingTime: number;
  errorMessage?: string;
}

export type BulkJob = QueryJob | IngestJob;

/** Who creates a job, in which API version, with which Sforce-Call-Options client. */
export interface JobCaller {
  userId: string;
  version: string;
  client: string | undefined;
}

export const TERMINAL_STATES: ReadonlySet<string> = new Set(['JobComplete', 'Aborted', 'Failed']);

function apiVersionNumber(job: JobCommon): number {
  return Number(job.apiVersion);
}

/** The properties every JobInfo starts with. */
function jobHead(job: BulkJob): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
  };
}

/** The create / PATCH response of a query job. */
export function queryJobSummary(job: QueryJob): Record<string, unknown> {
  return {
    ...jobHead(job),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: apiVersionNumber(job),
    lineEnding: job.dialect.lineEnding,
    columnDelimiter: job.dialect.columnDelimiter,
  };
}

/** GET /jobs/query/{id}. */
export function queryJobInfo(job: QueryJob): Record<string, unknown> {
  const { lineEnding, columnDelimiter, ...summary } = queryJobSummary(job);
  return {
    ...summary,
    jobType: 'V2Query',
    lineEnding,
    columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    retries: job.retries,
    totalProcessingTime: job.totalProcessingTime,
    isPkChunkingSupported: job.isPkChunkingSupported,
  };
}

export function contentUrl(job: IngestJob): string {
  return `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`;
}

/** The create / PATCH response of an ingest job. */
export function ingestJobSummary(job: IngestJob): Record<string, unknown> {
  return {
    ...jobHead(job),
    ...(job.externalIdFieldName === undefined ? {} : { externalIdFieldName: job.externalIdFieldName }),
    ...(job.assignmentRuleId === undefined ? {} : { assignmentRuleId: job.assignmentRuleId }),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: apiVersionNumber(job),
    contentUrl: contentUrl(job),
    lineEnding: job.dialect.lineEnding,
    columnDelimiter: job.dialect.columnDelimiter,
  };
}

/** GET /jobs/ingest/{id}: the upload URL only while the job is open, the error of a failed job. */
export function ingestJobInfo(job: IngestJob): Record<string, unknown> {
  const { contentUrl: url, lineEnding, columnDelimiter, ...summary } = ingestJobSummary(job);
  return {
    ...summary,
    jobType: 'V2Ingest',
    ...(job.state === 'Open' ? { contentUrl: url } : {}),
    lineEnding,
    columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: job.retries,
    totalProcessingTime: job.totalProcessingTime,
    apiActiveProcessingTime: job.apiActiveProcessingTime,
    apexProcessingTime: 0,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}

/** One entry of GET /jobs/query or /jobs/ingest. */
export function jobListEntry(job: BulkJob): Record<string, unknown> {
  return job.kind === 'query'
    ? { ...queryJobSummary(job), jobType: 'V2Query' }
    : { ...ingestJobSummary(job), jobType: 'V2Ingest' };
}
