// The org's records in memory, with an undo log so a request that fails part-way (allOrNone,
// composite rollback) leaves the data exactly as it was, and value indexes for external-id and
// unique-field lookups.
import { normalizeId } from './ids.ts';
import type { RecordSource, StoredRecord } from '../schema/types.ts';

interface UndoEntry {
  id: string;
  previous: StoredRecord | undefined;
}

interface ValueIndex {
  type: string;
  field: string;
  caseSensitive: boolean;
  ids: Map<string, Set<string>>;
}

export interface Savepoint {
  readonly position: number;
}

function indexKey(value: unknown, caseSensitive: boolean): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return caseSensitive ? text : text.toLowerCase();
}

export class RecordStore implements RecordSource {
  private readonly byType = new Map<string, Map<string, StoredRecord>>();
  private readonly all = new Map<string, StoredRecord>();
  private readonly indexes = new Map<string, ValueIndex>();
  private undoLog: UndoEntry[] = [];
  private changeListener: (() => void) | undefined;
  /** Writes so far per type (lower-cased), so what is derived from a type's rows knows when to recompute. */
  private readonly revisions = new Map<string, number>();
  private clears = 0;

  /** Called after every change, so persistence can schedule a save. */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  records(objectName: string): Iterable<StoredRecord> {
    return this.byType.get(objectName.toLowerCase())?.values() ?? [];
  }

  byId(id: string): StoredRecord | undefined {
    const normalized = normalizeId(id);
    return normalized === undefined ? undefined : this.all.get(normalized);
  }

  /** A number that changes whenever a record of the type is written, purged, rolled back or cleared. */
  revision(objectName: string): string {
    return `${this.clears}.${this.revisions.get(objectName.toLowerCase()) ?? 0}`;
  }

  count(objectName: string): number {
    return this.byType.get(objectName.toLowerCase())?.size ?? 0;
  }

  allRecords(): StoredRecord[] {
    return [...this.all.values()];
  }

  /** Records of a type whose field equals value (case-insensitively unless caseSensitive), deleted ones included. */
  findByField(type: string, field: string, value: unknown, caseSensitive: boolean): StoredRecord[] {
    const key = indexKey(value, caseSensitive);
    if (key === undefined) return [];
    const index = this.index(type, field, caseSensitive);
    const ids = index.ids.get(key);
    if (ids === undefined) return [];
    return [...ids].map((id) => this.all.get(id)).filter((r): r is StoredRecord => r !== undefined);
  }

  /** Inserts or replaces a record (records are never mutated in place: updates store a new object). */
  put(record: StoredRecord): void {
    const previous = this.all.get(record.Id);
    this.undoLog.push({ id: record.Id, previous });
    this.write(record.Id, previous, record);
  }

  /** Removes a record for good (recycle-bin purge, reset); ordinary deletes set isDeleted instead. */
  purge(id: string): void {
    const previous = this.all.get(id);
    if (previous === undefined) return;
    this.undoLog.push({ id, previous });
    this.write(id, previous, undefined);
  }

  savepoint(): Savepoint {
    return { position: this.undoLog.length };
  }

  rollbackTo(savepoint: Savepoint): void {
    while (this.undoLog.length > savepoint.position) {
      const entry = this.undoLog.pop();
      if (entry === undefined) break;
      this.write(entry.id, this.all.get(entry.id), entry.previous);
    }
  }

  /** Forgets the undo log once a request has committed. */
  commit(): void {
    this.undoLog = [];
  }

  clear(): void {
    this.clears++;
    this.byType.clear();
    this.all.clear();
    this.indexes.clear();
    this.undoLog = [];
    this.changeListener?.();
  }

  private index(type: string, field: string, caseSensitive: boolean): ValueIndex {
    const key = `${type.toLowerCase()}.${field.toLowerCase()}.${caseSensitive}`;
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = { type: type.toLowerCase(), field, caseSensitive, ids: new Map() };
      for (const record of this.records(type)) this.addToIndex(index, record);
      this.indexes.set(key, index);
    }
    return index;
  }

  private addToIndex(index: ValueIndex, record: StoredRecord): void {
    const key = indexKey(record.fields[index.field], index.caseSensitive);
    if (key === undefined) return;
    let ids = index.ids.get(key);
    if (ids === undefined) {
      ids = new Set();
      index.ids.set(key, ids);
    }
    ids.add(record.Id);
  }

  private removeFromIndex(index: ValueIndex, record: StoredRecord): void {
    const key = indexKey(record.fields[index.field], index.caseSensitive);
    if (key === undefined) return;
    index.ids.get(key)?.delete(record.Id);
  }

  private write(id: string, previous: StoredRecord | undefined, next: StoredRecord | undefined): void {
    const record = next ?? previous;
    if (record === undefined) return;
    const typeKey = record.type.toLowerCase();
    this.revisions.set(typeKey, (this.revisions.get(typeKey) ?? 0) + 1);
    for (const index of this.indexes.values()) {
      if (index.type !== typeKey) continue;
      if (previous) this.removeFromIndex(index, previous);
      if (next) this.addToIndex(index, next);
    }
    let ofType = this.byType.get(typeKey);
    if (ofType === undefined) {
      ofType = new Map();
      this.byType.set(typeKey, ofType);
    }
    if (next === undefined) {
      this.all.delete(id);
      ofType.delete(id);
    } else {
      this.all.set(id, next);
      ofType.set(id, next);
    }
    this.changeListener?.();
  }
}
