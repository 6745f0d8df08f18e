// Entry points of User Interface API (`/ui-api/...`, API 40.0+) and GraphQL API (`/graphql`, API
// 56.0+) under /services/data/vXX.X. Both run inside the REST layer's request (same session,
// allowance counting: "The User Interface API uses the Salesforce API limits", UI API Developer Guide,
// Authentication, Versioning, Limits), and their writes use the same DML and change events.
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../rest/api-types.ts';
import { graphqlRoute } from './graphql/graphql-route.ts';
import { objectInfoRoute } from './object-info.ts';
import { recordsRoute } from './records-route.ts';
import { UiApiError } from './save-errors.ts';

const notFound = (): RequestError => new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);

/** Runs a route; a UiApiError undoes the request's writes and answers with its own body. */
function answering(ctx: ApiContext, run: () => ApiResponse): ApiResponse {
  const savepoint = ctx.org.store.savepoint();
  const changesBefore = ctx.write.changes.length;
  try {
    return run();
  } catch (error) {
    if (!(error instanceof UiApiError)) throw error;
    ctx.org.store.rollbackTo(savepoint);
    ctx.write.changes.length = changesBefore;
    return { status: error.status, body: error.body };
  }
}

/** Routes `segments` = the path parts after `ui-api`. */
export function uiApiRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  if (Number(ctx.version) < 40) throw notFound();
  const [resource, ...rest] = segments;
  switch (resource) {
    case 'records':
      return answering(ctx, () => recordsRoute(ctx, rest, req));
    case 'object-info':
      return objectInfoRoute(ctx, rest, req);
    default:
      throw notFound();
  }
}

/** `/graphql`: GraphQL API, available from API 56.0. */
export function graphqlApiRoute(ctx: ApiContext, segments: string[], req: ApiRequest): ApiResponse {
  if (Number(ctx.version) < 56 || segments.length > 0) throw notFound();
  return graphqlRoute(ctx, req);
}
