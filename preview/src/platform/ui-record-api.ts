// lightning/uiRecordApi over the UI API (/ui-api/records): the getRecord wire adapter and the
// createRecord / updateRecord / deleteRecord functions, with the documented inputs and outputs.
import { fetchJson } from './fetch-json.ts';
import { qualifiedFieldName } from './schema-ids.ts';
import { dataPath } from './session.ts';
import { RequestWireAdapter, type WireConfig } from './wire-adapter.ts';

interface FieldValue {
  value: unknown;
  displayValue: string | null;
}
interface RecordLike {
  id?: string;
  fields: Record<string, FieldValue | undefined>;
}
export interface RecordInput {
  apiName?: string;
  fields: Record<string, unknown>;
}

function fieldList(value: unknown): string {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return list.map(qualifiedFieldName).join(',');
}

const openRecordWires = new Set<GetRecordAdapter>();

class GetRecordAdapter extends RequestWireAdapter {
  recordId: string | undefined;

  override update(config: WireConfig): void {
    this.recordId = typeof config.recordId === 'string' ? config.recordId : undefined;
    super.update(config);
  }

  override connect(): void {
    openRecordWires.add(this);
    super.connect();
  }

  override disconnect(): void {
    openRecordWires.delete(this);
    super.disconnect();
  }

  protected load(config: WireConfig): Promise<unknown> {
    const query = new URLSearchParams();
    const fields = fieldList(config.fields);
    const optionalFields = fieldList(config.optionalFields);
    if (fields) query.set('fields', fields);
    if (optionalFields) query.set('optionalFields', optionalFields);
    if (!fields && !optionalFields) query.set('layoutTypes', 'Full');
    const id = encodeURIComponent(String(config.recordId));
    return fetchJson(dataPath(`/ui-api/records/${id}?${query.toString()}`));
  }
}

export const getRecord = GetRecordAdapter;

function isRecordLike(value: unknown): value is RecordLike {
  return typeof value === 'object' && value !== null && 'fields' in value;
}

/** Follows `Object.Rel.Field` through nested record values; the first segment is the object. */
function fieldValueOf(record: unknown, field: unknown): FieldValue | undefined {
  if (!isRecordLike(record)) return undefined;
  const path = qualifiedFieldName(field).split('.').slice(1);
  let current: RecordLike = record;
  for (const [index, name] of path.entries()) {
    const cell = current.fields[name];
    if (cell === undefined) return undefined;
    if (index === path.length - 1) return cell;
    if (!isRecordLike(cell.value)) return undefined;
    current = cell.value;
  }
  return undefined;
}

export function getFieldValue(record: unknown, field: unknown): unknown {
  return fieldValueOf(record, field)?.value;
}

export function getFieldDisplayValue(record: unknown, field: unknown): unknown {
  return fieldValueOf(record, field)?.displayValue;
}

export async function createRecord(recordInput: RecordInput): Promise<unknown> {
  return fetchJson(dataPath('/ui-api/records'), {
    method: 'POST',
    body: { apiName: recordInput.apiName, fields: recordInput.fields },
  });
}

export async function updateRecord(
  recordInput: RecordInput,
  clientOptions?: { ifUnmodifiedSince?: string },
): Promise<unknown> {
  const { Id: id, ...fields } = recordInput.fields;
  if (typeof id !== 'string' || id === '') throw new TypeError('updateRecord needs fields.Id');
  const record = await fetchJson(dataPath(`/ui-api/records/${encodeURIComponent(id)}`), {
    method: 'PATCH',
    body: { fields },
    headers:
      clientOptions?.ifUnmodifiedSince === undefined
        ? {}
        : { 'if-unmodified-since': clientOptions.ifUnmodifiedSince },
  });
  await notifyRecordUpdateAvailable([{ recordId: id }]);
  return record;
}

export async function deleteRecord(recordId: string): Promise<void> {
  await fetchJson(dataPath(`/ui-api/records/${encodeURIComponent(recordId)}`), { method: 'DELETE' });
}

/** Open getRecord wires of these records load them again. */
export async function notifyRecordUpdateAvailable(items: { recordId: string }[]): Promise<void> {
  const ids = new Set(items.map((item) => item.recordId.slice(0, 15)));
  const stale = [...openRecordWires].filter(
    (wire) => wire.recordId !== undefined && ids.has(wire.recordId.slice(0, 15)),
  );
  await Promise.all(stale.map((wire) => wire.refetch()));
}
