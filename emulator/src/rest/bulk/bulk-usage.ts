// Bulk API 2.0's rolling 24-hour allocations, as /limits reports them. Bulk API 2.0 Developer Guide,
// "Bulk API and Bulk API 2.0 Limits and Allocations":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_common_limits.htm
// - 10,000 query jobs (DailyBulkV2QueryJobs) and 1 TB of query results (DailyBulkV2QueryFileStorageMB);
// - 15,000 batches shared with Bulk API 1.0 (DailyBulkApiBatches): "only ingest jobs consume batches",
//   one per 10,000 records of job data;
// - 150,000,000 ingested records.
import type { Clock } from '../../schema/types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MEGABYTE = 1024 * 1024;

export interface BulkAllocations {
  queryJobs: number;
  /** In megabytes, as DailyBulkV2QueryFileStorageMB reports it. */
  queryResultMegabytes: number;
  batches: number;
  ingestRecords: number;
}

export const PLATFORM_ALLOCATIONS: BulkAllocations = {
  queryJobs: 10_000,
  queryResultMegabytes: 976_562,
  batches: 15_000,
  ingestRecords: 150_000_000,
};

/** Amounts spent over the last 24 hours of clock time. */
class RollingTotal {
  private readonly entries: { at: number; amount: number }[] = [];
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  total(): number {
    const cutoff = this.clock.now().getTime() - DAY_MS;
    while (this.entries.length > 0 && (this.entries[0]?.at ?? 0) <= cutoff) this.entries.shift();
    return this.entries.reduce((sum, entry) => sum + entry.amount, 0);
  }

  add(amount: number): void {
    if (amount > 0) this.entries.push({ at: this.clock.now().getTime(), amount });
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface Allocation {
  Max: number;
  Remaining: number;
}

export class BulkUsage {
  readonly allocations: BulkAllocations;
  private readonly queryJobs: RollingTotal;
  private readonly queryResultBytes: RollingTotal;
  private readonly batches: RollingTotal;
  private readonly ingestRecords: RollingTotal;

  constructor(clock: Clock, allocations: Partial<BulkAllocations> = {}) {
    this.allocations = { ...PLATFORM_ALLOCATIONS, ...allocations };
    this.queryJobs = new RollingTotal(clock);
    this.queryResultBytes = new RollingTotal(clock);
    this.batches = new RollingTotal(clock);
    this.ingestRecords = new RollingTotal(clock);
  }

  /** Counts a new query job; false when the day's allocation is spent. */
  tryQueryJob(): boolean {
    if (this.queryJobs.total() >= this.allocations.queryJobs) return false;
    this.queryJobs.add(1);
    return true;
  }

  /** Records the size of a query job's results; false (and nothing stored) when it does not fit. */
  tryQueryResults(bytes: number): boolean {
    const limit = this.allocations.queryResultMegabytes * MEGABYTE;
    if (this.queryResultBytes.total() + bytes > limit) return false;
    this.queryResultBytes.add(bytes);
    return true;
  }

  /** Counts one internal batch of an ingest job; false when the shared batch allocation is spent. */
  tryBatch(): boolean {
    if (this.batches.total() >= this.allocations.batches) return false;
    this.batches.add(1);
    return true;
  }

  /** How many of `wanted` records may still be ingested today (and counts them). */
  takeIngestRecords(wanted: number): number {
    const granted = Math.max(
      0,
      Math.min(wanted, this.allocations.ingestRecords - this.ingestRecords.total()),
    );
    this.ingestRecords.add(granted);
    return granted;
  }

  limits(): Record<
    'DailyBulkApiBatches' | 'DailyBulkV2QueryFileStorageMB' | 'DailyBulkV2QueryJobs',
    Allocation
  > {
    const { allocations } = this;
    const usedMegabytes = Math.ceil(this.queryResultBytes.total() / MEGABYTE);
    return {
      DailyBulkApiBatches: {
        Max: allocations.batches,
        Remaining: Math.max(0, allocations.batches - this.batches.total()),
      },
      DailyBulkV2QueryFileStorageMB: {
        Max: allocations.queryResultMegabytes,
        Remaining: Math.max(0, allocations.queryResultMegabytes - usedMegabytes),
      },
      DailyBulkV2QueryJobs: {
        Max: allocations.queryJobs,
        Remaining: Math.max(0, allocations.queryJobs - this.queryJobs.total()),
      },
    };
  }

  reset(): void {
    this.queryJobs.clear();
    this.queryResultBytes.clear();
    this.batches.clear();
    this.ingestRecords.clear();
  }
}
