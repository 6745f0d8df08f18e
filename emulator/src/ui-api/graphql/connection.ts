// Resolves `<Object>(where, orderBy, first, after, upperBound)`: the filter and order run as SOQL
// through the emulator's engine (`SELECT Id FROM ... WHERE ... ORDER BY ...`), then the page is cut
// Relay-style. "GraphQL API returns the first 10 results of a query by default"; cursors are opaque
// and `after` continues after one (GraphQL API Developer Guide: Paginate Results).
import { GraphQLError, valueFromASTUntyped, type GraphQLResolveInfo } from 'graphql';
import type { ObjectDef, StoredRecord } from '../../schema/types.ts';
import { SoqlError } from '../../soql/types.ts';
import type { GraphqlContext } from './context.ts';
import { orderByTerms, whereCondition } from './where-to-soql.ts';

const DEFAULT_PAGE = 10;
/** "GraphQL queries can return up to 2000 records" (GraphQL API Developer Guide: Paginate Your Results). */
const MAX_PAGE = 2000;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  where?: unknown;
  orderBy?: unknown;
  upperBound?: number | null;
}

export interface Connection {
  edges: { node: StoredRecord; cursor: string }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
  pageResultCount: number;
}

function cursorAt(index: number): string {
  return Buffer.from(`v1:${index}`).toString('base64');
}

function indexOfCursor(cursor: string): number {
  const match = /^v1:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (match === null) throw new GraphQLError(`Invalid cursor: ${cursor}`);
  return Number(match[1]);
}

/** orderBy as written: coerced input objects lose the order of their keys, the request text keeps it. */
function orderByAsWritten(info: GraphQLResolveInfo, rawVariables: Record<string, unknown>): unknown {
  const argument = info.fieldNodes[0]?.arguments?.find((arg) => arg.name.value === 'orderBy');
  return argument === undefined ? undefined : valueFromASTUntyped(argument.value, rawVariables);
}

function userTimeZone(context: GraphqlContext): string {
  return context.format.timeZone;
}

/** `scope` narrows the rows before the filter: a child relationship's link to its parent record. */
export function resolveConnection(
  def: ObjectDef,
  args: ConnectionArgs,
  context: GraphqlContext,
  info: GraphQLResolveInfo,
  scope?: string,
): Connection {
  const first = args.first ?? DEFAULT_PAGE;
  // "When you use an upper-bound limit ... first can have a value from 200 to 2000 only" (GraphQL API
  // Developer Guide: Paginate with Upper-Bound Limit).
  if (typeof args.upperBound === 'number' && (first < 200 || first > MAX_PAGE))
    throw new GraphQLError(`With upperBound, first must be between 200 and ${MAX_PAGE}, not ${first}`);
  if (first < 0 || first > MAX_PAGE)
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}, not ${first}`);
  const { api } = context;
  const filter = whereCondition(api.org.schema, def, args.where);
  const where = scope === undefined ? filter : filter === undefined ? scope : `(${scope}) AND (${filter})`;
  const terms = orderByTerms(api.org.schema, def, orderByAsWritten(info, context.rawVariables));
  // Id breaks ties so that cursors stay stable from one page to the next.
  if (!terms.some((term) => /^Id(\s|$)/.test(term))) terms.push('Id ASC');
  const soql = `SELECT Id FROM ${def.name}${where === undefined ? '' : ` WHERE ${where}`} ORDER BY ${terms.join(', ')}`;
  let ids: string[];
  try {
    const result = api.runSoql(soql, {
      schema: api.org.schema,
      source: api.access.visible,
      includeDeleted: false,
      clock: api.org.clock,
      timeZone: userTimeZone(context),
      apiVersion: api.version,
    });
    ids = result.records.map((record) => record.Id).filter((id): id is string => typeof id === 'string');
  } catch (error) {
    if (error instanceof SoqlError)
      throw new GraphQLError(error.message, { extensions: { errorCode: error.errorCode } });
    throw error;
  }
  if (typeof args.upperBound === 'number') ids = ids.slice(0, args.upperBound);
  const start = args.after === undefined || args.after === null ? 0 : indexOfCursor(args.after) + 1;
  const page = ids.slice(start, start + first);
  const edges = page
    .map((id, offset) => ({ node: api.access.visible.byId(id), cursor: cursorAt(start + offset) }))
    .filter((edge): edge is { node: StoredRecord; cursor: string } => edge.node !== undefined);
  return {
    edges,
    pageInfo: {
      hasNextPage: start + page.length < ids.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: ids.length,
    pageResultCount: edges.length,
  };
}
