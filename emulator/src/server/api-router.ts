// Dispatch of /services/data/vXX.X/... to its resource, with Salesforce's error responses. Each call
// runs against a savepoint: a request that fails leaves no partial write behind.
import { bulkRoute } from '../rest/bulk/bulk-routes.ts';
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../rest/api-types.ts';
import { collectionsRoute } from '../rest/collections.ts';
import { compositeBatchRoute } from '../rest/composite-batch.ts';
import { compositeRoute } from '../rest/composite.ts';
import { limitsResource } from '../rest/limits.ts';
import { queryRoute } from '../rest/query-routes.ts';
import { sobjectRoute } from '../rest/sobject-routes.ts';
import { resources } from '../rest/versions.ts';
import { graphqlApiRoute, uiApiRoute } from '../ui-api/ui-api-route.ts';

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

function route(ctx: ApiContext, req: ApiRequest, identityUrl: string): ApiResponse {
  const [resource, ...rest] = segmentsOf(req.path);
  switch (resource) {
    case undefined:
      return { status: 200, body: resources(ctx.version, identityUrl) };
    case 'limits':
      return limitsResource(ctx);
    case 'sobjects':
      return sobjectRoute(ctx, rest, req);
    case 'query':
      return queryRoute(ctx, rest, req, false);
    case 'queryAll':
      return queryRoute(ctx, rest, req, true);
    case 'ui-api':
      return uiApiRoute(ctx, rest, req);
    case 'jobs':
      return bulkRoute(ctx, rest, req);
    case 'graphql':
      return graphqlApiRoute(ctx, rest, req);
    case 'composite':
      if (rest[0] === 'sobjects') return collectionsRoute(ctx, rest.slice(1), req);
      if (rest[0] === 'batch' && rest.length === 1) {
        return compositeBatchRoute(ctx, req, (subCtx, subReq) => executeApi(subCtx, subReq, identityUrl));
      }
      if (rest.length === 0)
        return compositeRoute(ctx, req, (subCtx, subReq) => executeApi(subCtx, subReq, identityUrl));
      break;
    default:
      break;
  }
  throw new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

/** Runs one API call; RequestErrors become their responses and undo whatever the call wrote. */
export function executeApi(ctx: ApiContext, req: ApiRequest, identityUrl: string): ApiResponse {
  const savepoint = ctx.org.store.savepoint();
  const changesBefore = ctx.write.changes.length;
  const eventsBefore = ctx.platformEvents.length;
  const previousBody = ctx.write.rawBody;
  ctx.write.rawBody = req.rawBody;
  try {
    return route(ctx, req, identityUrl);
  } catch (error) {
    ctx.org.store.rollbackTo(savepoint);
    ctx.write.changes.length = changesBefore;
    ctx.platformEvents.length = eventsBefore;
    if (error instanceof RequestError) return { status: error.status, body: error.body };
    throw error;
  } finally {
    ctx.write.rawBody = previousBody;
  }
}
