// Server-side query cursors behind `nextRecordsUrl` (`/query/01g...-2000`).
import { randomBytes } from 'node:crypto';

interface Cursor {
  records: Record<string, unknown>[];
  batchSize: number;
}

const MAX_OPEN_CURSORS = 500;

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  open(records: Record<string, unknown>[], batchSize: number): string {
    const id = `01g5g${randomBytes(8).toString('hex').slice(0, 13)}`;
    this.cursors.set(id, { records, batchSize });
    // Salesforce limits open cursors per user; the oldest are dropped first.
    while (this.cursors.size > MAX_OPEN_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return id;
  }

  get(id: string): Cursor | undefined {
    return this.cursors.get(id);
  }

  clear(): void {
    this.cursors.clear();
  }
}
