import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';

const ICONS: Readonly<Record<string, string>> = {
  Contact: 'standard:contact',
  Lead: 'standard:lead',
  Account: 'standard:account',
  Opportunity: 'standard:opportunity',
};

/** A record page: the record's highlights and, as an admin would place it, SIA Synced Tasks. */
export default class RecordPage extends LightningElement {
  @api recordId?: string;
  @api objectApiName?: string;
  record: unknown = undefined;
  loadError: unknown = undefined;

  get nameFields(): string[] | undefined {
    return this.objectApiName ? [`${this.objectApiName}.Name`] : undefined;
  }

  @wire(getRecord, { recordId: '$recordId', fields: '$nameFields' })
  wiredRecord({ data, error }: { data?: unknown; error?: unknown }): void {
    this.record = data;
    this.loadError = error;
  }

  get recordName(): string {
    const name = this.objectApiName
      ? getFieldValue(this.record as never, `${this.objectApiName}.Name`)
      : undefined;
    return typeof name === 'string' ? name : (this.recordId ?? '');
  }

  get iconName(): string {
    return ICONS[this.objectApiName ?? ''] ?? 'standard:record';
  }

  get hasLoadError(): boolean {
    return this.loadError !== undefined;
  }
}
