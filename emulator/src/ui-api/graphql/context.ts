// What the GraphQL resolvers of one request share.
import type { ApiContext } from '../../rest/api-types.ts';
import type { UserFormat } from '../field-values.ts';

export interface GraphqlContext {
  api: ApiContext;
  format: UserFormat;
  /** The request's variables as sent: input-object key order matters for orderBy. */
  rawVariables: Record<string, unknown>;
}
