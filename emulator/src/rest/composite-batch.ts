// POST /composite/batch: up to 25 independent subrequests, each its own transaction and each counted
// against the API allowance; with haltOnError the ones after a failure answer 412 BATCH_PROCESSING_HALTED.
import { RequestError } from '../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';
import { isPlainObject, parseJsonBody } from './json-body.ts';

export const BATCH_LIMIT = 25;

type Dispatch = (ctx: ApiContext, req: ApiRequest) => ApiResponse;

interface BatchResult {
  statusCode: number;
  result: unknown;
}

export function compositeBatchRoute(ctx: ApiContext, req: ApiRequest, dispatch: Dispatch): ApiResponse {
  if (req.method !== 'POST') {
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are POST`,
    );
  }
  const body = parseJsonBody(req.rawBody);
  if (!isPlainObject(body) || !Array.isArray(body.batchRequests)) {
    throw new RequestError(400, 'INVALID_API_INPUT', 'batchRequests is required');
  }
  const subrequests = body.batchRequests;
  if (subrequests.length > BATCH_LIMIT) {
    throw new RequestError(
      400,
      'LIMIT_EXCEEDED',
      `Batch request size exceeds the limit of ${BATCH_LIMIT} subrequests`,
    );
  }
  for (const sub of subrequests) {
    if (!isPlainObject(sub) || typeof sub.method !== 'string' || typeof sub.url !== 'string') {
      throw new RequestError(400, 'INVALID_API_INPUT', 'Each batch request needs method and url');
    }
  }
  // The call itself was counted once; every further subrequest counts too.
  for (let i = 1; i < subrequests.length; i++) ctx.usage.tryCount();
  const haltOnError = body.haltOnError === true;
  const results: BatchResult[] = [];
  let halted = false;
  for (const sub of subrequests as Record<string, unknown>[]) {
    if (halted) {
      results.push({
        statusCode: 412,
        result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }],
      });
      continue;
    }
    const parsed = new URL(
      String(sub.url).replace(/^\/?(services\/data\/)?/, '/services/data/'),
      'http://batch.invalid',
    );
    const match = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(parsed.pathname);
    let response: ApiResponse;
    if (!match) {
      response = {
        status: 400,
        body: [{ errorCode: 'INVALID_API_INPUT', message: `Invalid batch request url: ${String(sub.url)}` }],
      };
    } else {
      response = dispatch(
        { ...ctx, version: match[1] ?? ctx.version },
        {
          method: String(sub.method).toUpperCase(),
          path: match[2] ?? '/',
          query: parsed.searchParams,
          headers: req.headers,
          rawBody: sub.richInput === undefined ? '' : JSON.stringify(sub.richInput),
        },
      );
    }
    results.push({ statusCode: response.status, result: response.body ?? null });
    if (response.status >= 400 && haltOnError) halted = true;
  }
  return { status: 200, body: { hasErrors: results.some((r) => r.statusCode >= 400), results } };
}
