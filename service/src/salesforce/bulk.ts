// Bulk API 2.0 through the service's Salesforce client: query jobs read page by page, ingest jobs
// for many updates in a few calls. Every request goes through SalesforceClient.call (retries,
// limit tracking, metrics) on the client's jsforce connection (its token refresh and its
// Sforce-Call-Options, so the change events of an ingest job name us as their origin).
//
// Results are read with `locator` and `maxRecords` one page at a time rather than through jsforce's
// bulk2.query(), which fails on the second page of a result
// (https://github.com/jsforce/jsforce/issues/1546).
// Bulk API 2.0 Developer Guide, "Get Results for a Query Job" and "Upload Job Data":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm
import { HttpApi } from 'jsforce/lib/http-api.js';
import type { Connection } from 'jsforce';
import type { SalesforceClient } from './client.ts';

export type BulkJobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface BulkJobInfo {
  id: string;
  state: BulkJobState;
  errorMessage?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  /** When the job last changed (the platform's time, ISO). */
  systemModstamp?: string;
}

/** One page of a query job's results as CSV (read it with csvRecords), and the next page's locator. */
export interface BulkResultPage {
  csv: string;
  /** null after the last page. */
  locator: string | null;
}

export interface BulkOptions {
  /** First wait between two job status polls; it grows by half each poll up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** How long a job may take before the wait gives up (the job keeps its id: a later run resumes it). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const TERMINAL: ReadonlySet<BulkJobState> = new Set(['JobComplete', 'Failed', 'Aborted']);

/**
 * jsforce's HttpApi (token refresh, call options, error bodies parsed from JSON) that hands a CSV
 * body back as text: jsforce's own CSV parsing accepts six delimiters at once, so a field holding
 * a `;` or `|` would split (Bulk API 2.0 quotes only fields that hold the job's own delimiter).
 */
class CsvHttpApi extends HttpApi<never> {
  override async parseResponseBody(response: {
    body: string;
    headers: Record<string, string>;
  }): Promise<unknown> {
    if (/^text\/csv(;|$)/.test(response.headers['content-type'] ?? '')) return response.body;
    return super.parseResponseBody(response as never);
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The records of CSV as Bulk API 2.0 writes it with COMMA and LF (RFC 4180: quoted fields may hold
 * commas, doubled quotes and line breaks), one at a time: the first row names the columns; ''
 * stands for null. A generator, so a caller can stop after a slice and let other work run. Fields
 * are cut out of the text by position rather than built a character at a time: a results page is
 * tens of thousands of fields, and the per-character garbage made the scavenger promote the slice
 * being written to the old generation.
 */
export function* csvRecords(text: string): Generator<Record<string, string>> {
  let header: string[] | undefined;
  const end = text.length;
  let at = 0;
  while (at < end) {
    const values: string[] = [];
    for (;;) {
      // One field: unquoted runs and quoted runs up to a comma or a line break outside quotes.
      let field = '';
      for (;;) {
        const char = text.charCodeAt(at);
        if (char === QUOTE) {
          let from = at + 1;
          for (;;) {
            const close = text.indexOf('"', from);
            if (close === -1) throw new Error('CSV ends inside a quoted field');
            if (text.charCodeAt(close + 1) === QUOTE) {
              field += text.slice(from, close + 1);
              from = close + 2;
              continue;
            }
            field += text.slice(from, close);
            at = close + 1;
            break;
          }
          continue;
        }
        let stop = at;
        while (stop < end) {
          const c = text.charCodeAt(stop);
          if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
          stop += 1;
        }
        field += text.slice(at, stop);
        at = stop;
        if (text.charCodeAt(at) !== QUOTE) break;
      }
      values.push(field);
      const char = text.charCodeAt(at);
      if (char === COMMA) {
        at += 1;
        continue;
      }
      if (char === CR) at += text.charCodeAt(at + 1) === LF ? 2 : 1;
      else if (char === LF) at += 1;
      break;
    }
    if (header === undefined) {
      header = values;
      continue;
    }
    if (values.length !== header.length)
      throw new Error(`CSV row has ${String(values.length)} fields, the header ${String(header.length)}`);
    const record: Record<string, string> = {};
    for (let index = 0; index < header.length; index += 1) record[header[index] ?? ''] = values[index] ?? '';
    yield record;
  }
}

/** A CSV field as Bulk API 2.0 reads it: quoted when it holds a delimiter, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function jobInfo(raw: unknown): BulkJobInfo {
  const body = raw as Partial<BulkJobInfo> | undefined;
  if (typeof body?.id !== 'string' || typeof body.state !== 'string')
    throw new Error('Bulk API 2.0 answered without a job id and state');
  return body as BulkJobInfo;
}

export class BulkApi {
  readonly #client: SalesforceClient;
  readonly #pollMs: number;
  readonly #maxPollMs: number;
  readonly #timeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(client: SalesforceClient, options: BulkOptions = {}) {
    this.#client = client;
    this.#pollMs = options.pollMs ?? 500;
    this.#maxPollMs = options.maxPollMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 30 * 60_000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  #path(conn: Connection, rest: string): string {
    return `/services/data/v${conn.version}/jobs/${rest}`;
  }

  async createQueryJob(soql: string): Promise<BulkJobInfo> {
    return this.#client.call('bulk query job', async (conn) =>
      jobInfo(
        await conn.request({
          method: 'POST',
          url: this.#path(conn, 'query'),
          body: JSON.stringify({ operation: 'query', query: soql, contentType: 'CSV', lineEnding: 'LF' }),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
  }

  async job(kind: 'query' | 'ingest', id: string): Promise<BulkJobInfo> {
    return this.#client.call(`bulk ${kind} job status`, async (conn) =>
      jobInfo(await conn.request({ method: 'GET', url: this.#path(conn, `${kind}/${id}`) })),
    );
  }

  /** Polls until the job is complete, failed or aborted (backing off between polls). */
  async waitForJob(kind: 'query' | 'ingest', id: string): Promise<BulkJobInfo> {
    const started = Date.now();
    let wait = this.#pollMs;
    for (;;) {
      const info = await this.job(kind, id);
      if (TERMINAL.has(info.state)) return info;
      if (Date.now() - started > this.#timeoutMs)
        throw new Error(
          `Bulk API 2.0 ${kind} job ${id} still ${info.state} after ${String(this.#timeoutMs)} ms`,
        );
      await this.#sleep(wait);
      wait = Math.min(this.#maxPollMs, Math.round(wait * 1.5));
    }
  }

  /** One page of a complete query job's results, from `locator` (null: the first page). */
  async queryResults(id: string, locator: string | null, maxRecords: number): Promise<BulkResultPage> {
    return this.#client.call('bulk query results', async (conn) => {
      const params = new URLSearchParams({ maxRecords: String(maxRecords) });
      if (locator !== null) params.set('locator', locator);
      let next: string | null = null;
      // The locator of the next page comes in a response header, which conn.request does not return.
      const api = new CsvHttpApi(conn as never, {});
      api.on('response', (response: { headers?: Record<string, string | undefined> }) => {
        const header = response.headers?.['sforce-locator'];
        next = header === undefined || header === 'null' || header === '' ? null : header;
        const usage = /api-usage=(\d+)\/(\d+)/.exec(response.headers?.['sforce-limit-info'] ?? '');
        if (usage) conn.limitInfo = { apiUsage: { used: Number(usage[1]), limit: Number(usage[2]) } };
      });
      const url = `${conn.instanceUrl}${this.#path(conn, `query/${id}/results`)}?${params.toString()}`;
      const body: unknown = await api.request({ method: 'GET', url, headers: { Accept: 'text/csv' } });
      return { csv: typeof body === 'string' ? body : '', locator: next };
    });
  }

  async createIngestJob(object: string, operation: 'update'): Promise<BulkJobInfo> {
    return this.#client.call('bulk ingest job', async (conn) =>
      jobInfo(
        await conn.request({
          method: 'POST',
          url: this.#path(conn, 'ingest'),
          body: JSON.stringify({ object, operation, contentType: 'CSV', lineEnding: 'LF' }),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
  }

  /** Uploads the job's CSV (one upload per job) and marks the upload complete. */
  async uploadAndClose(id: string, csv: string): Promise<BulkJobInfo> {
    await this.#client.call('bulk ingest upload', async (conn) =>
      conn.request({
        method: 'PUT',
        url: this.#path(conn, `ingest/${id}/batches`),
        body: csv,
        headers: { 'Content-Type': 'text/csv' },
      }),
    );
    return this.setIngestState(id, 'UploadComplete');
  }

  async setIngestState(id: string, state: 'UploadComplete' | 'Aborted'): Promise<BulkJobInfo> {
    return this.#client.call(`bulk ingest ${state}`, async (conn) =>
      jobInfo(
        await conn.request({
          method: 'PATCH',
          url: this.#path(conn, `ingest/${id}`),
          body: JSON.stringify({ state }),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
  }

  /** The failed rows of a finished ingest job: sf__Id, sf__Error, then the uploaded columns. */
  async failedResults(id: string): Promise<Record<string, string>[]> {
    return this.#client.call('bulk ingest failed results', async (conn) => {
      const api = new CsvHttpApi(conn as never, {});
      const url = `${conn.instanceUrl}${this.#path(conn, `ingest/${id}/failedResults`)}`;
      const body: unknown = await api.request({ method: 'GET', url, headers: { Accept: 'text/csv' } });
      return typeof body === 'string' ? [...csvRecords(body)] : [];
    });
  }
}
