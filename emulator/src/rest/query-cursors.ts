// Server-side query cursors behind `nextRecordsUrl` (`/query/01g...-2000`). Like Salesforce's query
// locators they expire after 15 minutes without use, and only so many stay open at once.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../schema/types.ts';

interface Cursor {
  records: Record<string, unknown>[];
  batchSize: number;
  lastUsed: number;
}

const MAX_OPEN_CURSORS = 500;
export const CURSOR_IDLE_MS = 15 * 60 * 1000;

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  open(records: Record<string, unknown>[], batchSize: number): string {
    const id = `01g5g${randomBytes(8).toString('hex').slice(0, 13)}`;
    this.cursors.set(id, { records, batchSize, lastUsed: this.clock.now().getTime() });
    // The oldest cursors are dropped first when too many are open.
    while (this.cursors.size > MAX_OPEN_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return id;
  }

  get(id: string): Omit<Cursor, 'lastUsed'> | undefined {
    const cursor = this.cursors.get(id);
    if (cursor === undefined) return undefined;
    const now = this.clock.now().getTime();
    if (now - cursor.lastUsed > CURSOR_IDLE_MS) {
      this.cursors.delete(id);
      return undefined;
    }
    cursor.lastUsed = now;
    return cursor;
  }

  clear(): void {
    this.cursors.clear();
  }
}
