// Shared set-up for the Bulk API 2.0 tests: raw requests with a jsforce connection's token (jsforce's
// bulk2 client hides response headers such as Sforce-Locator), polling a job's state through the API,
// and reading CSV bodies.
import type { Connection } from 'jsforce';
import { CsvReader, type CsvDialect } from '../src/rest/bulk/csv.ts';
import type { RunningEmulator } from '../src/index.ts';
import { dataPath } from './helpers.ts';

export const POLL = { pollInterval: 10, pollTimeout: 60_000 };

export interface TextResponse {
  status: number;
  headers: Headers;
  text: string;
}

export async function bulkRequest(
  emulator: RunningEmulator,
  conn: Connection,
  method: string,
  path: string,
  options: { body?: string; contentType?: string; version?: string } = {},
): Promise<TextResponse> {
  const headers: Record<string, string> = { Authorization: `Bearer ${conn.accessToken ?? ''}` };
  if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const url = options.version === undefined ? dataPath(path) : `/services/data/v${options.version}${path}`;
  const response = await fetch(`${emulator.url}${url}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function json(response: TextResponse): unknown {
  return JSON.parse(response.text) as unknown;
}

/** GETs a job until it reaches a terminal state; each round trip gives the emulator a turn. */
export async function waitForJob(
  emulator: RunningEmulator,
  conn: Connection,
  kind: 'query' | 'ingest',
  id: string,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const info = json(await bulkRequest(emulator, conn, 'GET', `/jobs/${kind}/${id}`)) as Record<
      string,
      unknown
    >;
    if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted') return info;
  }
  throw new Error(`job ${id} never finished`);
}

export interface BulkLimits {
  DailyBulkApiBatches: { Max: number; Remaining: number };
  DailyBulkV2QueryFileStorageMB: { Max: number; Remaining: number };
  DailyBulkV2QueryJobs: { Max: number; Remaining: number };
}

export async function bulkLimits(conn: Connection): Promise<BulkLimits> {
  return conn.request<BulkLimits>(`/services/data/v${conn.version}/limits`);
}

/** A column of a jsforce bulk result row (its type names only the sf__ columns). */
export function column(row: object, name: string): unknown {
  return (row as Record<string, unknown>)[name];
}

/** A CSV body as records of strings keyed by the header. */
export function parseCsv(
  text: string,
  dialect: CsvDialect = { columnDelimiter: 'COMMA', lineEnding: 'LF' },
): Record<string, string>[] {
  const reader = new CsvReader(text, dialect);
  if (reader.length === 0) return [];
  const header = reader.read(0);
  const rows: Record<string, string>[] = [];
  for (let at = header.next; at < reader.length;) {
    const record = reader.read(at);
    if (record.rowProblem !== undefined || record.lineEndingMismatch === true)
      throw new Error(`unreadable CSV at ${at}: ${record.rowProblem ?? 'line ending'}`);
    rows.push(Object.fromEntries(header.cells.map((name, index) => [name, record.cells[index] ?? ''])));
    at = record.next;
  }
  return rows;
}
