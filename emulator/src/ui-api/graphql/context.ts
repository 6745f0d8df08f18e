// What the GraphQL resolvers of one request share.
import type { ApiContext } from '../../rest/api-types.ts';
import type { UserFormat } from '../field-values.ts';

export interface GraphqlContext {
  api: ApiContext;
  format: UserFormat;
  /** The request's variables as sent: input-object key order matters for orderBy. */
  rawVariables: Record<string, unknown>;
  /** Ids made by the creates run so far, by response name, for `@{alias}` references. */
  createdIds: Map<string, string>;
  /** A mutation's `uiapi(input: { allOrNone })` (default true: one failure undoes every write); unset for queries. */
  allOrNone: boolean | undefined;
}
