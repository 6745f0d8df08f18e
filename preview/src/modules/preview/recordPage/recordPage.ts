import { LightningElement, api, wire } from 'lwc';
import { getRecord } from 'lightning/uiRecordApi';
import { getObjectInfo } from 'lightning/uiObjectInfoApi';
import { NavigationMixin } from 'lightning/navigation';
import { formatDate, formatDateTime } from 'c/siaFormat';
import { reduceErrors } from 'c/siaReduceErrors';
import { fetchJson } from '../../../platform/fetch-json.ts';
import { dataPath, session } from '../../../platform/session.ts';

const ICONS: Readonly<Record<string, string>> = {
  Contact: 'standard:contact',
  Lead: 'standard:lead',
  Account: 'standard:account',
  Opportunity: 'standard:opportunity',
  Task: 'standard:task',
  User: 'standard:user',
};

/** The records an admin puts SIA Synced Tasks on. */
const TASK_PAGES: readonly string[] = ['Lead', 'Contact', 'Account', 'Opportunity'];

/** Bookkeeping fields Lightning's record detail leaves out. */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(['Id', 'IsDeleted', 'SystemModstamp', 'IsArchived']);

interface FieldInfo {
  label: string;
  dataType: string;
  referenceToInfos?: { apiName: string; nameFields: string[] }[];
}
interface ObjectInfo {
  label: string;
  nameFields: string[];
  fields: Record<string, FieldInfo | undefined>;
}
interface FieldValue {
  value: unknown;
  displayValue: string | null;
}
interface RecordAnswer {
  apiName: string;
  fields: Record<string, FieldValue | undefined>;
}
interface BatchAnswer {
  results: { statusCode: number; result: RecordAnswer & { id: string } }[];
}

interface DetailView {
  labelKey: string;
  valueKey: string;
  field: string;
  label: string;
  text: string;
  href: string | null;
  recordId: string | null;
  objectApiName: string | null;
}

function isObjectInfo(value: unknown): value is ObjectInfo {
  return typeof value === 'object' && value !== null && 'fields' in value && 'nameFields' in value;
}

function isRecordAnswer(value: unknown): value is RecordAnswer {
  return typeof value === 'object' && value !== null && 'fields' in value && 'apiName' in value;
}

/**
 * The standard record view the Lightning paths /lightning/r/<Object>/<id>/view lead to: the
 * record's highlights and its details (every field with a value, references as links), and, on
 * the pages an admin would place it, SIA Synced Tasks.
 */
export default class RecordPage extends NavigationMixin(LightningElement) {
  @api recordId?: string;
  @api objectApiName?: string;
  objectInfo: ObjectInfo | undefined = undefined;
  record: RecordAnswer | undefined = undefined;
  loadError: unknown = undefined;
  /** Names of the records the reference fields point to, by Id. */
  referenceNames: Record<string, string> = {};

  @wire(getObjectInfo, { objectApiName: '$objectApiName' })
  wiredObjectInfo({ data, error }: { data?: unknown; error?: unknown }): void {
    if (isObjectInfo(data)) {
      this.objectInfo = data;
      this.loadReferenceNames();
    }
    if (error !== undefined) this.loadError = error;
  }

  @wire(getRecord, { recordId: '$recordId', layoutTypes: ['Full'], modes: ['View'] })
  wiredRecord({ data, error }: { data?: unknown; error?: unknown }): void {
    this.record = isRecordAnswer(data) ? data : undefined;
    this.loadError = error;
    this.loadReferenceNames();
  }

  get objectLabel(): string {
    return this.objectInfo?.label ?? this.objectApiName ?? '';
  }

  get recordName(): string {
    const nameField = this.objectInfo?.nameFields[0];
    const name = nameField ? this.record?.fields[nameField]?.value : undefined;
    return typeof name === 'string' && name !== '' ? name : (this.recordId ?? '');
  }

  get iconName(): string {
    return ICONS[this.objectApiName ?? ''] ?? 'standard:record';
  }

  get hasLoadError(): boolean {
    return this.loadError !== undefined;
  }

  get loadErrorText(): string {
    return reduceErrors(this.loadError).join(' ');
  }

  get showsSyncedTasks(): boolean {
    return TASK_PAGES.includes(this.objectApiName ?? '');
  }

  get hasDetails(): boolean {
    return this.details.length > 0;
  }

  get details(): DetailView[] {
    const info = this.objectInfo;
    const record = this.record;
    if (!info || !record) return [];
    const views: DetailView[] = [];
    for (const [name, cell] of Object.entries(record.fields)) {
      const field = info.fields[name];
      if (!field || !cell || HIDDEN_FIELDS.has(name)) continue;
      const { value } = cell;
      if (value === null || value === undefined || value === '') continue;
      // A lookup reads by its relationship, as on a Lightning record page ("Assigned To", not "Assigned To ID").
      const label = field.dataType === 'Reference' ? field.label.replace(/ ID$/, '') : field.label;
      const keys = { labelKey: `${name}-label`, valueKey: `${name}-value`, field: name, label };
      if (field.dataType === 'Reference' && typeof value === 'string') {
        const objectApiName = this.referenceObjects[value] ?? field.referenceToInfos?.[0]?.apiName ?? null;
        views.push({
          ...keys,
          text: this.referenceNames[value] ?? value,
          href: objectApiName ? `/lightning/r/${objectApiName}/${value}/view` : null,
          recordId: value,
          objectApiName,
        });
      } else {
        views.push({
          ...keys,
          text: this.display(field, cell),
          href: null,
          recordId: null,
          objectApiName: null,
        });
      }
    }
    return views;
  }

  /** A value as Lightning shows it: dates in the user's locale and time zone, checkboxes in words. */
  private display(field: FieldInfo, cell: FieldValue): string {
    const { value } = cell;
    try {
      if (field.dataType === 'Date' && typeof value === 'string') return formatDate(value, session.locale);
      if (field.dataType === 'DateTime' && typeof value === 'string')
        return formatDateTime(value, session.locale, session.timeZone);
    } catch {
      // Not a date after all: show what the org holds.
    }
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    return cell.displayValue ?? String(value);
  }

  /** The object of each referenced record, once read (a Who may be a Contact or a Lead). */
  private readonly referenceObjects: Record<string, string> = {};

  /** One batch read of the referenced records' names (each target object's name field). */
  private loadReferenceNames(): void {
    const info = this.objectInfo;
    const record = this.record;
    if (!info || !record) return;
    const ids = new Set<string>();
    const nameFields = new Set<string>();
    for (const [name, cell] of Object.entries(record.fields)) {
      const field = info.fields[name];
      if (field?.dataType !== 'Reference' || typeof cell?.value !== 'string') continue;
      ids.add(cell.value);
      for (const target of field.referenceToInfos ?? []) {
        const nameField = target.nameFields[0];
        if (nameField) nameFields.add(`${target.apiName}.${nameField}`);
      }
    }
    if (ids.size === 0) return;
    const path = `/ui-api/records/batch/${[...ids].map(encodeURIComponent).join(',')}?optionalFields=${[...nameFields].join(',')}`;
    fetchJson(dataPath(path)).then(
      (answer) => {
        const names: Record<string, string> = {};
        for (const { statusCode, result } of (answer as BatchAnswer).results) {
          if (statusCode !== 200) continue;
          this.referenceObjects[result.id] = result.apiName;
          const name = Object.values(result.fields).find((cell) => typeof cell?.value === 'string')?.value;
          if (typeof name === 'string') names[result.id] = name;
        }
        this.referenceNames = names;
      },
      (error: unknown) => {
        this.loadError = error;
      },
    );
  }

  handleOpenReference(event: Event): void {
    const { recordId, objectApiName } = (event.currentTarget as HTMLElement).dataset;
    if (!recordId || !objectApiName) return;
    event.preventDefault();
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId, objectApiName, actionName: 'view' },
    });
  }
}
