import { LightningElement } from 'lwc';
import { fetchJson } from '../../../platform/fetch-json.ts';
import { dataPath } from '../../../platform/session.ts';
import { urlOf } from '../../../platform/navigation.ts';
import { reduceErrors } from 'c/siaReduceErrors';

interface RecordLink {
  id: string;
  name: string;
  type: string;
  href: string;
}

const OBJECTS = ['Contact', 'Lead', 'Account', 'Opportunity'] as const;

/** The org's people and deals, so the record pages are one click away (a REST query per object). */
export default class RecordList extends LightningElement {
  records: RecordLink[] = [];
  errorText = '';

  override connectedCallback(): void {
    this.load().catch((error: unknown) => {
      this.errorText = reduceErrors(error).join(' ');
    });
  }

  private async load(): Promise<void> {
    const pages = await Promise.all(
      OBJECTS.map(async (type) => {
        const soql = `SELECT Id, Name FROM ${type} ORDER BY Name LIMIT 10`;
        const answer = (await fetchJson(dataPath(`/query?q=${encodeURIComponent(soql)}`))) as {
          records: { Id: string; Name: string }[];
        };
        return answer.records.map((record) => ({
          id: record.Id,
          name: record.Name,
          type,
          href: urlOf({
            type: 'standard__recordPage',
            attributes: { recordId: record.Id, objectApiName: type },
          }),
        }));
      }),
    );
    this.records = pages.flat();
  }

  get hasError(): boolean {
    return this.errorText !== '';
  }
}
