// lightning/graphql over the GraphQL API (POST /services/data/vXX.X/graphql): the gql tag and the
// graphql wire adapter, which emits `{ data, errors, refresh }`.
import { fetchJson } from './fetch-json.ts';
import { dataPath } from './session.ts';
import { RequestWireAdapter, type WireConfig } from './wire-adapter.ts';

interface GraphQLAnswer {
  data?: unknown;
  errors?: unknown[];
}

/** The platform's gql parses at compile time; the server parses here, so the source is the document. */
export function gql(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce(
    (text, part, index) => text + part + (index < values.length ? String(values[index]) : ''),
    '',
  );
}

function answerErrors(error: unknown): unknown[] {
  const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : undefined;
  if (Array.isArray(body)) return body as unknown[];
  if (typeof body === 'object' && body !== null && Array.isArray((body as GraphQLAnswer).errors))
    return (body as Required<GraphQLAnswer>).errors;
  return [error];
}

class GraphQLAdapter extends RequestWireAdapter {
  private readonly refresh = (): Promise<void> => this.refetch();

  protected load(config: WireConfig): Promise<unknown> {
    return fetchJson(dataPath('/graphql'), {
      method: 'POST',
      body: {
        query: config.query,
        variables: config.variables ?? {},
        ...(typeof config.operationName === 'string' ? { operationName: config.operationName } : {}),
      },
    });
  }

  protected override result(answer: unknown, error: unknown): unknown {
    if (error !== undefined) return { data: undefined, errors: answerErrors(error), refresh: this.refresh };
    const { data, errors } = (answer ?? {}) as GraphQLAnswer;
    const failed = Array.isArray(errors) && errors.length > 0;
    // Partial answers (an @optional field the user cannot read) carry both data and errors.
    return { data, errors: failed ? errors : undefined, refresh: this.refresh };
  }
}

export const graphql = GraphQLAdapter;

export async function refreshGraphQL(result: { refresh?: () => Promise<void> }): Promise<void> {
  await result.refresh?.();
}
