// POST /composite: up to 25 subrequests in one call, later ones referring to earlier results with
// @{referenceId.path}; allOrNone rolls all of them back when one fails (PROCESSING_HALTED).
import { RequestError } from '../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';
import { isPlainObject, parseJsonBody } from './json-body.ts';

export const COMPOSITE_LIMIT = 25;

interface SubrequestResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

type Dispatch = (ctx: ApiContext, req: ApiRequest) => ApiResponse;

class UnresolvedReference extends Error {}

function halted(message: string): unknown {
  return [{ errorCode: 'PROCESSING_HALTED', message }];
}

function readReference(results: Map<string, SubrequestResult>, expression: string): unknown {
  const [refId, ...pathParts] = expression.split('.');
  const result = refId === undefined ? undefined : results.get(refId);
  if (result === undefined || result.httpStatusCode >= 400) throw new UnresolvedReference(expression);
  let value: unknown = result.body;
  for (const part of pathParts.join('.').split(/\.|(?=\[)/)) {
    if (part === '') continue;
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) value = Array.isArray(value) ? value[Number(index[1])] : undefined;
    else {
      const name = part.replace(/\[(\d+)\]$/, '');
      value = isPlainObject(value) ? value[name] : undefined;
      const trailing = /\[(\d+)\]$/.exec(part);
      if (trailing) value = Array.isArray(value) ? value[Number(trailing[1])] : undefined;
    }
  }
  if (value === undefined) throw new UnresolvedReference(expression);
  return value;
}

function substitute(text: string, results: Map<string, SubrequestResult>): string {
  return text.replace(/@\{([^}]+)\}/g, (_, expression: string) => {
    const value = readReference(results, expression);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function substituteBody(value: unknown, results: Map<string, SubrequestResult>): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([^}]+)\}$/.exec(value);
    if (whole?.[1] !== undefined) return readReference(results, whole[1]);
    return substitute(value, results);
  }
  if (Array.isArray(value)) return value.map((v) => substituteBody(v, results));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteBody(v, results)]));
  return value;
}

function location(path: string, response: ApiResponse): Record<string, string> {
  const body = response.body;
  const match = /^(\/services\/data\/v\d+\.\d\/sobjects\/[^/]+)/.exec(path);
  if (
    response.status === 201 &&
    match?.[1] !== undefined &&
    isPlainObject(body) &&
    typeof body.id === 'string'
  ) {
    return { Location: `${match[1]}/${body.id}` };
  }
  return {};
}

export function compositeRoute(ctx: ApiContext, req: ApiRequest, dispatch: Dispatch): ApiResponse {
  if (req.method !== 'POST')
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are POST`,
    );
  const body = parseJsonBody(req.rawBody);
  if (!isPlainObject(body) || !Array.isArray(body.compositeRequest)) {
    throw new RequestError(400, 'INVALID_API_INPUT', 'compositeRequest is required');
  }
  const subrequests = body.compositeRequest;
  if (subrequests.length > COMPOSITE_LIMIT) {
    throw new RequestError(
      400,
      'LIMIT_EXCEEDED',
      `Composite request size exceeds the limit of ${COMPOSITE_LIMIT} subrequests`,
    );
  }
  const allOrNone = body.allOrNone === true;
  const ids = new Set<string>();
  for (const sub of subrequests) {
    if (
      !isPlainObject(sub) ||
      typeof sub.method !== 'string' ||
      typeof sub.url !== 'string' ||
      typeof sub.referenceId !== 'string'
    ) {
      throw new RequestError(400, 'INVALID_API_INPUT', 'Each subrequest needs method, url and referenceId');
    }
    if (ids.has(sub.referenceId))
      throw new RequestError(400, 'INVALID_API_INPUT', `Duplicate referenceId: ${sub.referenceId}`);
    ids.add(sub.referenceId);
  }
  const savepoint = ctx.org.store.savepoint();
  const changesBefore = ctx.write.changes.length;
  const eventsBefore = ctx.platformEvents.length;
  const results = new Map<string, SubrequestResult>();
  const ordered: SubrequestResult[] = [];
  let failedAt = -1;
  for (const [index, sub] of subrequests.entries()) {
    if (!isPlainObject(sub)) continue;
    const referenceId = String(sub.referenceId);
    if (failedAt >= 0 && allOrNone) {
      ordered.push({
        body: halted(
          'The transaction was rolled back since another operation in the same transaction failed.',
        ),
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId,
      });
      continue;
    }
    let result: SubrequestResult;
    try {
      const url = substitute(String(sub.url), results);
      const subBody = sub.body === undefined ? '' : JSON.stringify(substituteBody(sub.body, results));
      const parsed = new URL(url, 'http://composite.invalid');
      const prefix = `/services/data/v${ctx.version}`;
      const versionMatch = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(parsed.pathname);
      if (!versionMatch)
        throw new RequestError(400, 'INVALID_API_INPUT', `The url must start with ${prefix}`);
      const response = dispatch(
        { ...ctx, version: versionMatch[1] ?? ctx.version },
        {
          method: String(sub.method).toUpperCase(),
          path: versionMatch[2] ?? '/',
          query: parsed.searchParams,
          headers: req.headers,
          rawBody: subBody,
        },
      );
      result = {
        body: response.body ?? null,
        httpHeaders: location(parsed.pathname, response),
        httpStatusCode: response.status,
        referenceId,
      };
    } catch (error) {
      if (error instanceof UnresolvedReference) {
        const refId = error.message.split('.')[0] ?? error.message;
        result = {
          body: halted(
            `Invalid reference specified. No value for ${error.message} found in ${refId}. Provided referenceId ('${refId}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`,
          ),
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId,
        };
      } else if (error instanceof RequestError) {
        result = { body: error.body, httpHeaders: {}, httpStatusCode: error.status, referenceId };
      } else throw error;
    }
    results.set(referenceId, result);
    ordered.push(result);
    if (result.httpStatusCode >= 400 && failedAt < 0) failedAt = index;
  }
  if (allOrNone && failedAt >= 0) {
    ctx.org.store.rollbackTo(savepoint);
    ctx.write.changes.length = changesBefore;
    ctx.platformEvents.length = eventsBefore;
    for (const [index, result] of ordered.entries()) {
      if (index < failedAt) {
        ordered[index] = {
          ...result,
          body: halted(
            'The transaction was rolled back since another operation in the same transaction failed.',
          ),
          httpHeaders: {},
          httpStatusCode: 400,
        };
      }
    }
  }
  return { status: 200, body: { compositeResponse: ordered } };
}
