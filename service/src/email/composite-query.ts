// Several SOQL queries in one API call: POST /composite with GET query subrequests. Salesforce
// takes up to five queries in a composite request and counts the request as one call, so the
// Contact and Lead lookups of a batch cost one call together.
import type { SalesforceClient } from '../salesforce/client.ts';

export const QUERIES_PER_COMPOSITE = 5;

type Row = Record<string, unknown>;

interface QueryPage {
  records?: Row[];
  done?: boolean;
  nextRecordsUrl?: string;
}

interface SubResponse {
  body: unknown;
  httpStatusCode: number;
  referenceId: string;
}

/** A subrequest's Salesforce error, thrown with its code so retry and classification see it. */
function subrequestError(body: unknown): Error {
  const first = (Array.isArray(body) ? body[0] : body) as
    { errorCode?: unknown; message?: unknown } | undefined;
  const error = new Error(typeof first?.message === 'string' ? first.message : 'composite query failed');
  return Object.assign(error, {
    errorCode: typeof first?.errorCode === 'string' ? first.errorCode : 'UNKNOWN_EXCEPTION',
  });
}

/** The records of each query, in order; pages past the first are fetched as Salesforce offers them. */
export async function queryTogether(salesforce: SalesforceClient, soqls: string[]): Promise<Row[][]> {
  const [only] = soqls;
  if (soqls.length === 1 && only !== undefined) return [await salesforce.query<Row>(only)];
  const results: Row[][] = [];
  for (let i = 0; i < soqls.length; i += QUERIES_PER_COMPOSITE) {
    const chunk = soqls.slice(i, i + QUERIES_PER_COMPOSITE);
    const pages = await salesforce.call(`composite query x${chunk.length}`, async (conn) => {
      const answer = await conn.requestPost<{ compositeResponse: SubResponse[] }>('/composite', {
        allOrNone: false,
        compositeRequest: chunk.map((soql, index) => ({
          method: 'GET',
          url: `/services/data/v${conn.version}/query?q=${encodeURIComponent(soql)}`,
          referenceId: `q${index}`,
        })),
      });
      return chunk.map((_, index) => {
        const sub = answer.compositeResponse.find((r) => r.referenceId === `q${index}`);
        if (!sub || sub.httpStatusCode >= 400) throw subrequestError(sub?.body);
        return sub.body as QueryPage;
      });
    });
    for (const first of pages) {
      const records = [...(first.records ?? [])];
      let page = first;
      while (page.done === false && typeof page.nextRecordsUrl === 'string') {
        const next = page.nextRecordsUrl;
        page = await salesforce.call('query more', (conn) => conn.request<QueryPage>(next));
        records.push(...(page.records ?? []));
      }
      results.push(records);
    }
  }
  return results;
}
