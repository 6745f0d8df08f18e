// /query and /queryAll with nextRecordsUrl paging. The SOQL engine returns every matching row; this
// layer cuts batches of 2,000 (or `Sforce-Query-Options: batchSize=N`, 200..2,000).
import { RequestError } from '../org/errors.ts';
import { SoqlError } from '../soql/types.ts';
import { queryColumns } from './query-columns.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;

function batchSize(headers: Record<string, string | undefined>): number {
  const options = headers['sforce-query-options'];
  const match = options === undefined ? null : /batchSize\s*=\s*(\d+)/i.exec(options);
  if (!match) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}

function userTimeZone(ctx: ApiContext): string {
  const zone = ctx.org.store.byId(ctx.session.userId)?.fields.TimeZoneSidKey;
  return typeof zone === 'string' ? zone : 'UTC';
}

function page(
  ctx: ApiContext,
  records: Record<string, unknown>[],
  offset: number,
  size: number,
  cursorId: string | undefined,
  totalSize: number,
): ApiResponse {
  const batch = records.slice(offset, offset + size);
  const next = offset + size;
  const body: Record<string, unknown> = { totalSize, done: next >= records.length, records: batch };
  if (next < records.length) {
    const id = cursorId ?? ctx.cursors.open(records, size);
    body.nextRecordsUrl = `/services/data/v${ctx.version}/query/${id}-${next}`;
  }
  return { status: 200, body };
}

function runQuery(ctx: ApiContext, req: ApiRequest, includeDeleted: boolean): ApiResponse {
  const soql = req.query.get('q');
  if (soql === null || soql.trim() === '') {
    throw new RequestError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  }
  try {
    const result = ctx.runSoql(soql, {
      schema: ctx.org.schema,
      // Records the user cannot see are absent, parents included.
      source: ctx.access.visible,
      includeDeleted,
      clock: ctx.org.clock,
      timeZone: userTimeZone(ctx),
      apiVersion: ctx.version,
    });
    if (req.query.get('columns') === 'true') return { status: 200, body: queryColumns(ctx.org.schema, soql) };
    if (result.isCount)
      return { status: 200, body: { totalSize: result.totalSize, done: true, records: [] } };
    return page(ctx, result.records, 0, batchSize(req.headers), undefined, result.totalSize);
  } catch (error) {
    if (error instanceof SoqlError) throw new RequestError(400, error.errorCode, error.message);
    throw error;
  }
}

function queryMore(ctx: ApiContext, locator: string): ApiResponse {
  const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
  const cursor = match?.[1] === undefined ? undefined : ctx.cursors.get(match[1]);
  if (match === null || cursor === undefined)
    throw new RequestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  const offset = Number(match[2]);
  return page(ctx, cursor.records, offset, cursor.batchSize, match[1], cursor.records.length);
}

/** `segments` = path parts after `query` / `queryAll`. */
export function queryRoute(
  ctx: ApiContext,
  segments: string[],
  req: ApiRequest,
  includeDeleted: boolean,
): ApiResponse {
  if (req.method !== 'GET') {
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`,
    );
  }
  const [locator] = segments;
  if (locator !== undefined) return queryMore(ctx, locator);
  return runQuery(ctx, req, includeDeleted);
}
