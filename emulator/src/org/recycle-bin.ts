// The Recycle Bin keeps deleted records for 15 days; after that they are purged for good and no
// longer visible to queryAll, retrieve or getDeleted.
import { parseDateTime } from './datetime.ts';
import type { Org } from './org.ts';

export const RECYCLE_BIN_DAYS = 15;
const DAY_MS = 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60_000;

export class RecycleBin {
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly org: Org;

  constructor(org: Org) {
    this.org = org;
  }

  /** Purges expired recycle-bin rows, at most once a minute of clock time. Returns how many went. */
  sweep(): number {
    const now = this.org.clock.now().getTime();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS && now >= this.lastSweep) return 0;
    this.lastSweep = now;
    const cutoff = now - RECYCLE_BIN_DAYS * DAY_MS;
    const expired = this.org.store
      .allRecords()
      .filter((r) => r.isDeleted && (parseDateTime(r.deletedDate ?? '')?.getTime() ?? now) < cutoff);
    for (const record of expired) this.org.store.purge(record.Id);
    this.org.store.commit();
    return expired.length;
  }
}
