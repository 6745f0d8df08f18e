// Bulk API 2.0 ingest jobs: Open → (one CSV upload) → UploadComplete → InProgress → JobComplete, or
// Aborted / Failed. Rows go through the emulator's DML (field checks, required fields, validation
// rules, duplicate and external-id rules, the recycle bin, change events) in chunks of 200, one
// transaction each, a chunk per turn of the event loop. Bulk API 2.0 Developer Guide, "Create a Job",
// "Upload Job Data", "Upload Complete", "Understanding Bulk API 2.0 Ingest":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_understanding_bulk2_ingest.htm
import { RequestError } from '../../org/errors.ts';
import type { WriteContext } from '../../org/dml.ts';
import { findField, findObject, type FieldDef, type ObjectDef } from '../../schema/types.ts';
import type { BulkJobs } from './bulk-jobs.ts';
import { CsvReader } from './csv.ts';
import { resolveColumns, type IngestColumn } from './ingest-columns.ts';
import { applyRow, type RowInput } from './ingest-rows.ts';
import { enumProperty, jobBody, jobDialect, stringProperty } from './job-requests.ts';
import type { IngestJob, IngestOperation, JobCaller, RowOutcome } from './jobs.ts';

/** "Batches are processed in chunks ... 200 records": each chunk is one transaction. */
const CHUNK_SIZE = 200;
/** "Salesforce creates a separate batch for every 10,000 records in your job data." */
const BATCH_SIZE = 10_000;
/** Records read per turn of the event loop when a job's data is first checked. */
const SCAN_PER_STEP = 10_000;

const OPERATIONS: readonly IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

function isOperation(value: unknown): value is IngestOperation {
  return typeof value === 'string' && (OPERATIONS as readonly string[]).includes(value);
}

function jobObject(jobs: BulkJobs, name: string, userId: string): ObjectDef {
  const object = findObject(jobs.viewOf(userId).schema, name);
  if (object === undefined || object.kind === 'changeEvent' || !object.createable) {
    throw new RequestError(400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${name}`);
  }
  return object;
}

/** Upserts match on an external-id field or on Id. */
function externalIdField(object: ObjectDef, name: string): FieldDef {
  const field = findField(object, name);
  if (field === undefined || !(field.externalId || field.name === 'Id')) {
    throw new RequestError(
      400,
      'INVALIDJOB',
      `InvalidJob : Field name provided, ${name} does not match an External ID for ${object.name}`,
    );
  }
  return field;
}

export function createIngestJob(jobs: BulkJobs, caller: JobCaller, rawBody: string): IngestJob {
  const body = jobBody(rawBody, [
    'object',
    'operation',
    'externalIdFieldName',
    'assignmentRuleId',
    'contentType',
    'columnDelimiter',
    'lineEnding',
  ]);
  const operation = enumProperty(body, 'operation', isOperation);
  const object = jobObject(jobs, stringProperty(body, 'object') ?? '', caller.userId);
  const externalIdFieldName =
    operation === 'upsert'
      ? externalIdField(object, stringProperty(body, 'externalIdFieldName') ?? '').name
      : undefined;
  const assignmentRuleId = stringProperty(body, 'assignmentRuleId');
  const dialect = jobDialect(body);
  const job: IngestJob = {
    ...jobs.newJob(caller, object.name, dialect),
    kind: 'ingest',
    operation,
    state: 'Open',
    numberRecordsFailed: 0,
    apiActiveProcessingTime: 0,
    rowStarts: [],
    rowEnds: [],
    headerEnd: 0,
    outcomes: [],
    processedRows: 0,
    scanned: false,
    ...(externalIdFieldName === undefined ? {} : { externalIdFieldName }),
    ...(assignmentRuleId === undefined ? {} : { assignmentRuleId }),
  };
  jobs.add(job);
  return job;
}

/** PUT /jobs/ingest/{id}/batches: the job's CSV, once, while the job is open. */
export function uploadJobData(job: IngestJob, contentType: string | undefined, data: string): void {
  if (!/^text\/csv\s*(;|$)/i.test(contentType ?? '')) {
    throw new RequestError(
      400,
      'INVALIDCONTENTTYPE',
      `Unsupported content type: ${contentType ?? '(none)'}. Job data must be sent as text/csv.`,
    );
  }
  if (job.state !== 'Open') {
    throw new RequestError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not open: its state is ${job.state}`);
  }
  if (job.data !== undefined) {
    // The platform's words, typo included.
    throw new RequestError(
      400,
      'BULK_API_ERROR',
      `Found multipe contents for job: <${job.id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
    );
  }
  job.data = data;
}

/** PATCH /jobs/ingest/{id}: UploadComplete starts processing; Aborted stops it. */
export function changeIngestState(jobs: BulkJobs, job: IngestJob, state: string): void {
  if (state === 'UploadComplete') {
    if (job.state !== 'Open') {
      throw new RequestError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} can't be closed because its state is ${job.state}`,
      );
    }
    job.state = 'UploadComplete';
    jobs.touch(job);
    jobs.schedule(job, () => {
      scanJobData(jobs, job);
    });
    return;
  }
  if (state === 'Aborted') {
    if (job.state !== 'Open' && job.state !== 'UploadComplete' && job.state !== 'InProgress') {
      throw new RequestError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} can't be aborted because its state is ${job.state}`,
      );
    }
    job.state = 'Aborted';
    jobs.touch(job);
    return;
  }
  throw new RequestError(
    400,
    'INVALIDJOBSTATE',
    `Invalid state transition: ${state}. A job can be set to UploadComplete or Aborted.`,
  );
}

function fail(jobs: BulkJobs, job: IngestJob, errorMessage: string): void {
  job.state = 'Failed';
  job.errorMessage = errorMessage;
  jobs.touch(job);
}

function active(jobs: BulkJobs, job: IngestJob): boolean {
  return job.state === 'InProgress' && jobs.ingest(job.id) === job;
}

function timed<T>(job: IngestJob, step: () => T): T {
  const started = performance.now();
  const result = step();
  const elapsed = Math.round(performance.now() - started);
  job.totalProcessingTime += elapsed;
  job.apiActiveProcessingTime += elapsed;
  return result;
}

/** Reads the header and finds every row, failing the job when the data cannot be read. */
function scanJobData(jobs: BulkJobs, job: IngestJob): void {
  if (job.state !== 'UploadComplete' || jobs.ingest(job.id) !== job) return;
  job.state = 'InProgress';
  jobs.touch(job);
  const data = job.data ?? '';
  if (data === '') {
    job.scanned = true;
    complete(jobs, job);
    return;
  }
  const reader = new CsvReader(data, job.dialect);
  const lineEndingError = `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${job.dialect.lineEnding}`;
  const header = reader.read(0);
  if (header.lineEndingMismatch === true) {
    fail(jobs, job, lineEndingError);
    return;
  }
  const { schema } = jobs.viewOf(job.createdById);
  const object = findObject(schema, job.object);
  const resolved = object === undefined ? undefined : resolveColumns(schema, object, header.cells);
  if (object === undefined || resolved === undefined || !resolved.ok) {
    fail(
      jobs,
      job,
      resolved?.ok === false ? resolved.errorMessage : `InvalidJob : Unable to find object: ${job.object}`,
    );
    return;
  }
  job.headerEnd = header.end;
  let offset = header.next;
  const step = (): void => {
    if (!active(jobs, job)) return;
    const failed = timed(job, () => {
      for (let read = 0; read < SCAN_PER_STEP && offset < reader.length; read++) {
        const record = reader.read(offset);
        offset = record.next;
        if (record.lineEndingMismatch === true) return true;
        job.rowStarts.push(record.start);
        job.rowEnds.push(record.end);
      }
      return false;
    });
    if (failed) {
      fail(jobs, job, lineEndingError);
      return;
    }
    if (offset < reader.length) {
      jobs.schedule(job, step);
      return;
    }
    job.scanned = true;
    processRows(jobs, job, object, resolved.columns, reader);
  };
  step();
}

function processRows(
  jobs: BulkJobs,
  job: IngestJob,
  object: ObjectDef,
  columns: IngestColumn[],
  reader: CsvReader,
): void {
  const total = job.rowStarts.length;
  const input: RowInput = { jobs, job, object, columns };
  const step = (): void => {
    if (!active(jobs, job)) return;
    const from = job.processedRows;
    if (from >= total) {
      complete(jobs, job);
      return;
    }
    if (from % BATCH_SIZE === 0 && !jobs.usage.tryBatch()) {
      fail(
        jobs,
        job,
        `Exceeded the maximum of ${jobs.usage.allocations.batches} Bulk API batches in a rolling 24-hour period`,
      );
      return;
    }
    const wanted = Math.min(CHUNK_SIZE, total - from);
    const granted = jobs.usage.takeIngestRecords(wanted);
    timed(job, () => {
      processChunk(input, reader, from, from + granted);
    });
    if (granted < wanted) {
      // "If the limit is exceeded while processing your job data, the remaining data isn't processed.
      // The ingest job is marked as having failed."
      fail(
        jobs,
        job,
        `Exceeded the maximum of ${jobs.usage.allocations.ingestRecords} records ingested in a rolling 24-hour period`,
      );
      return;
    }
    jobs.schedule(job, step);
  };
  step();
}

/** Rows [from, to) in one transaction: each row succeeds or fails alone, the chunk commits together. */
function processChunk(input: RowInput, reader: CsvReader, from: number, to: number): void {
  const { jobs, job } = input;
  const store = jobs.org.store;
  const { guard } = jobs.viewOf(job.createdById);
  const write: WriteContext = {
    org: jobs.org,
    userId: job.createdById,
    changes: [],
    ...(guard === undefined ? {} : { guard }),
  };
  const outcomes: RowOutcome[] = [];
  for (let row = from; row < to; row++) {
    const record = reader.read(job.rowStarts[row] ?? 0);
    const savepoint = store.savepoint();
    const before = write.changes.length;
    const outcome = applyRow(input, write, record);
    if (outcome.error !== undefined) {
      store.rollbackTo(savepoint);
      write.changes.length = before;
    }
    outcomes.push({ row, ...outcome });
  }
  store.commit();
  // The job counts the chunk only once it is committed.
  job.outcomes.push(...outcomes);
  job.numberRecordsFailed += outcomes.filter((outcome) => outcome.error !== undefined).length;
  job.processedRows = to;
  job.numberRecordsProcessed = to;
  jobs.publish(job, write.changes);
}

function complete(jobs: BulkJobs, job: IngestJob): void {
  job.state = 'JobComplete';
  jobs.touch(job);
}

/** DELETE is refused while a job is open or being processed. */
export function deletableIngestJob(job: IngestJob): void {
  if (job.state === 'Open' || job.state === 'InProgress') {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Job ${job.id} can't be deleted because its state is ${job.state}`,
    );
  }
}
