// The three result files of an ingest job, written from the uploaded rows as they were sent:
// successfulResults (`sf__Id`, `sf__Created`, then the row), failedResults (`sf__Id`, `sf__Error`,
// then the row) and unprocessedrecords (the rows never processed, under the original header).
// Bulk API 2.0 Developer Guide, "Get Job Successful Record Results" and its siblings:
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
import { RequestError } from '../../org/errors.ts';
import { COLUMN_DELIMITERS, csvLine, lineBreak } from './csv.ts';
import { TERMINAL_STATES, type IngestJob } from './jobs.ts';

export type IngestResultKind = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

/** Lines joined this many at a time, so a large file streams without one big string. */
const LINES_PER_CHUNK = 500;

function* chunked(lines: Iterable<string>, newline: string): Generator<string> {
  let chunk = '';
  let count = 0;
  for (const line of lines) {
    chunk += line + newline;
    count++;
    if (count % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

function rawRow(job: IngestJob, row: number): string {
  return (job.data ?? '').slice(job.rowStarts[row] ?? 0, job.rowEnds[row] ?? 0);
}

function* resultLines(job: IngestJob, kind: 'successfulResults' | 'failedResults'): Generator<string> {
  const delimiter = COLUMN_DELIMITERS[job.dialect.columnDelimiter];
  const header = (job.data ?? '').slice(0, job.headerEnd);
  const columns = csvLine(
    ['sf__Id', kind === 'successfulResults' ? 'sf__Created' : 'sf__Error'],
    job.dialect,
  );
  yield header === '' ? columns : columns + delimiter + header;
  for (const outcome of job.outcomes) {
    const failed = outcome.error !== undefined;
    if (failed !== (kind === 'failedResults')) continue;
    const prefix = csvLine([outcome.id, outcome.error ?? String(outcome.created)], job.dialect);
    yield prefix + delimiter + rawRow(job, outcome.row);
  }
}

function* unprocessedLines(job: IngestJob): Generator<string> {
  if (job.data === undefined || job.data === '') return;
  yield job.data.slice(0, job.headerEnd);
  for (let row = job.processedRows; row < job.rowStarts.length; row++) yield rawRow(job, row);
}

export function ingestResults(job: IngestJob, kind: IngestResultKind): Iterable<string> {
  if (!TERMINAL_STATES.has(job.state)) {
    throw new RequestError(
      400,
      'INVALIDJOBSTATE',
      `Results are available once job ${job.id} is complete, aborted or failed: its state is ${job.state}`,
    );
  }
  const newline = lineBreak(job.dialect);
  if (kind === 'unprocessedrecords') {
    // A job that failed before its rows were read gives back its data as it was uploaded.
    if (!job.scanned) return job.data === undefined ? [] : [job.data];
    return chunked(unprocessedLines(job), newline);
  }
  return chunked(resultLines(job, kind), newline);
}
