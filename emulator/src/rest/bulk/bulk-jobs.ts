// The org's Bulk API 2.0 jobs: where they live, how their processing is scheduled (a step per
// event-loop turn, so a 100,000-row job never stalls other requests), and when they are forgotten:
// "Jobs that are older than 7 days are deleted if they are in a terminal state" (Bulk API 2.0
// Developer Guide, "Limits": https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_common_limits.htm).
import { formatDateTime } from '../../org/datetime.ts';
import type { ChangeRecord } from '../../org/dml.ts';
import { normalizeId } from '../../org/ids.ts';
import type { Org } from '../../org/org.ts';
import type { WriteGuard } from '../../org/write-guard.ts';
import type { RecordSource, Schema } from '../../schema/types.ts';
import { publishCommitted } from '../../org/change-events.ts';
import type { EventPublisher } from '../../streaming/types.ts';
import { BulkUsage, type BulkAllocations } from './bulk-usage.ts';
import type { CsvDialect } from './csv.ts';
import {
  TERMINAL_STATES,
  type BulkJob,
  type IngestJob,
  type JobCaller,
  type JobCommon,
  type QueryJob,
} from './jobs.ts';

const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What a job's creator sees and may change: jobs run with their access, as on the platform. */
export interface BulkUserView {
  schema: Schema;
  visible: RecordSource;
  guard?: WriteGuard;
}

export interface BulkJobsOptions {
  org: Org;
  bus: EventPublisher;
  /** The access of a job's creator; without it jobs see and change everything. */
  access?: (userId: string) => BulkUserView;
  /** Overrides of the platform's daily allocations (tests spend a small one). */
  allocations?: Partial<BulkAllocations>;
}

export class BulkJobs {
  readonly org: Org;
  readonly bus: EventPublisher;
  readonly usage: BulkUsage;
  private readonly jobs = new Map<string, BulkJob>();
  private readonly access: BulkJobsOptions['access'];
  private readonly pending = new Set<NodeJS.Immediate>();
  private closed = false;

  constructor(options: BulkJobsOptions) {
    this.org = options.org;
    this.bus = options.bus;
    this.usage = new BulkUsage(options.org.clock, options.allocations);
    this.access = options.access;
  }

  /** What the user sees and may change, for the job they created. */
  viewOf(userId: string): BulkUserView {
    return this.access?.(userId) ?? { schema: this.org.schema, visible: this.org.store };
  }

  /** What every new job starts with: an id, its creator and times, nothing processed yet. */
  newJob(caller: JobCaller, object: string, dialect: CsvDialect): JobCommon {
    const now = formatDateTime(this.org.clock.now());
    return {
      id: this.org.ids.next('750'),
      object,
      createdById: caller.userId,
      createdDate: now,
      systemModstamp: now,
      apiVersion: caller.version,
      dialect,
      numberRecordsProcessed: 0,
      retries: 0,
      totalProcessingTime: 0,
      client: caller.client,
    };
  }

  add(job: BulkJob): void {
    this.jobs.set(job.id, job);
  }

  query(id: string): QueryJob | undefined {
    const job = this.find(id);
    return job?.kind === 'query' ? job : undefined;
  }

  ingest(id: string): IngestJob | undefined {
    const job = this.find(id);
    return job?.kind === 'ingest' ? job : undefined;
  }

  list(kind: BulkJob['kind']): BulkJob[] {
    this.sweep();
    return [...this.jobs.values()].filter((job) => job.kind === kind);
  }

  delete(id: string): void {
    this.jobs.delete(id);
  }

  /**
   * Runs a step of `job` on a later turn of the event loop (never while a request is being answered).
   * A step that throws leaves nothing half-written: what it wrote is undone and the job fails, as a
   * job does on the platform when processing breaks.
   */
  schedule(job: BulkJob, step: () => void): void {
    if (this.closed) return;
    const handle = setImmediate(() => {
      this.pending.delete(handle);
      // Requests and steps commit before they end, so nothing is pending here.
      const savepoint = this.org.store.savepoint();
      try {
        step();
      } catch (error) {
        this.org.store.rollbackTo(savepoint);
        console.error(`emulator: bulk job ${job.id} failed`, error);
        job.state = 'Failed';
        if (job.kind === 'ingest') job.errorMessage = 'InternalServerError : An unexpected error occurred.';
        this.touch(job);
      }
    });
    this.pending.add(handle);
  }

  /** Marks a job finished now (for retention) and stamps its systemModstamp. */
  touch(job: BulkJob): void {
    const now = this.org.clock.now();
    job.systemModstamp = formatDateTime(now);
    if (TERMINAL_STATES.has(job.state)) job.finishedAt ??= now.getTime();
  }

  /**
   * Publishes the change events of one committed chunk: one transaction, `changeOrigin`
   * `com/salesforce/api/bulkapi/<version>` with the job creator's `client=` (ChangeEventHeader).
   */
  publish(job: BulkJob, changes: ChangeRecord[]): void {
    publishCommitted(this.bus, this.org.schema, changes, [], {
      api: 'bulkapi',
      version: job.apiVersion,
      client: job.client,
      userId: job.createdById,
    });
  }

  reset(): void {
    this.cancelPending();
    this.jobs.clear();
    this.usage.reset();
  }

  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  private find(id: string): BulkJob | undefined {
    this.sweep();
    const normalized = normalizeId(id);
    return normalized === undefined ? undefined : this.jobs.get(normalized);
  }

  private sweep(): void {
    const cutoff = this.org.clock.now().getTime() - RETENTION_MS;
    for (const [id, job] of this.jobs) {
      if (job.finishedAt !== undefined && job.finishedAt < cutoff) this.jobs.delete(id);
    }
  }

  private cancelPending(): void {
    for (const handle of this.pending) clearImmediate(handle);
    this.pending.clear();
  }
}
