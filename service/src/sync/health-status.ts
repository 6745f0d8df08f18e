// What the service reports about itself for the SIA Sync Health page (README "Sync health"):
// SIA_Sync_Status__c rows upserted by Scope_Key__c, one per synced user (Last_Sync_At__c: the end
// of the user's last error-free pass, at most once a minute per user) and the ORG row (API usage
// from the latest Sforce-Limit-Info and the heartbeat, at most every five minutes), every due row
// in one sObject Collections upsert. Best effort: a failed write is logged and tried again after
// the same interval, never allowed to disturb the sync.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { RecordResult, SalesforceClient } from '../salesforce/client.ts';
import { inBatches } from '../salesforce/batches.ts';
import { toCaseSafeId } from '../sia/shared.ts';
import type { Store } from '../store/store.ts';

export const STATUS_OBJECT = 'SIA_Sync_Status__c';
export const ORG_SCOPE = 'ORG';
export const USER_INTERVAL_MS = 60_000;
export const ORG_INTERVAL_MS = 300_000;

export interface HealthStatusOptions {
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
  userIntervalMs?: number;
  orgIntervalMs?: number;
}

interface UserRow {
  /** End of the latest error-free pass (ISO), and the value last written. */
  lastSync: string;
  written: string | null;
  /** When the row was last sent (written or failed): the throttle. */
  attemptedAt: number | null;
}

interface OrgValues {
  used?: number;
  allowed?: number;
  usageAt?: string;
  lastSync?: string;
}

export class HealthStatus {
  readonly #options: HealthStatusOptions;
  readonly #users = new Map<string, UserRow>();
  #heartbeat: string | undefined;
  #orgWritten: OrgValues = {};
  #orgAttemptedAt: number | null = null;

  constructor(options: HealthStatusOptions) {
    this.#options = options;
  }

  /** A sync pass for this Salesforce user finished without an error (now). */
  passFinished(salesforceUserId: string): void {
    const at = this.#options.clock.now().toISOString();
    const key = toCaseSafeId(salesforceUserId);
    const row = this.#users.get(key);
    if (row) {
      if (at > row.lastSync) row.lastSync = at;
    } else {
      this.#users.set(key, { lastSync: at, written: null, attemptedAt: null });
    }
    if (this.#heartbeat === undefined || at > this.#heartbeat) this.#heartbeat = at;
  }

  #orgValues(): OrgValues {
    const usage = this.#options.salesforce.apiUsage();
    const usageAt = this.#options.salesforce.apiUsageAt();
    return {
      ...(usage && usageAt ? { used: usage.used, allowed: usage.limit, usageAt: usageAt.toISOString() } : {}),
      ...(this.#heartbeat === undefined ? {} : { lastSync: this.#heartbeat }),
    };
  }

  /** The rows due now: users whose newer pass waited a minute since their last write, the ORG row after five. */
  due(): Record<string, unknown>[] {
    const now = this.#options.clock.now().getTime();
    const userInterval = this.#options.userIntervalMs ?? USER_INTERVAL_MS;
    const orgInterval = this.#options.orgIntervalMs ?? ORG_INTERVAL_MS;
    const rows: Record<string, unknown>[] = [];
    const org = this.#orgValues();
    const orgChanged =
      org.used !== this.#orgWritten.used ||
      org.allowed !== this.#orgWritten.allowed ||
      org.usageAt !== this.#orgWritten.usageAt ||
      org.lastSync !== this.#orgWritten.lastSync;
    if (
      orgChanged &&
      Object.keys(org).length > 0 &&
      (this.#orgAttemptedAt === null || now - this.#orgAttemptedAt >= orgInterval)
    ) {
      rows.push({
        Scope_Key__c: ORG_SCOPE,
        User__c: null,
        ...(org.used === undefined
          ? {}
          : {
              Api_Requests_Used__c: org.used,
              Api_Requests_Allowed__c: org.allowed,
              Api_Usage_At__c: org.usageAt,
            }),
        ...(org.lastSync === undefined ? {} : { Last_Sync_At__c: org.lastSync }),
      });
    }
    for (const [key, row] of this.#users) {
      if (row.written === row.lastSync) continue;
      if (row.attemptedAt !== null && now - row.attemptedAt < userInterval) continue;
      rows.push({ Scope_Key__c: key, User__c: key, Last_Sync_At__c: row.lastSync });
    }
    return rows;
  }

  /** Writes every due row, ORG first, in collections of 200 (one call in the usual case). */
  async flush(): Promise<{ written: number; calls: number }> {
    const rows = this.due();
    if (rows.length === 0) return { written: 0, calls: 0 };
    const now = this.#options.clock.now().getTime();
    const org = this.#orgValues();
    let written = 0;
    let calls = 0;
    for (const chunk of inBatches(rows)) {
      let results: RecordResult[] = [];
      calls += 1;
      try {
        results = await this.#options.salesforce.upsertRecords(STATUS_OBJECT, 'Scope_Key__c', chunk);
      } catch (error) {
        this.#options.logger.warn({ err: error }, 'could not write SIA_Sync_Status__c');
      }
      for (const [index, record] of chunk.entries()) {
        const key = String(record['Scope_Key__c']);
        const result = results[index];
        if (result && !result.success)
          this.#options.logger.warn(
            { scope: key, errors: result.errors },
            'SIA_Sync_Status__c row refused by Salesforce',
          );
        const ok = result?.success === true;
        if (ok) written += 1;
        if (key === ORG_SCOPE) {
          this.#orgAttemptedAt = now;
          if (ok) this.#orgWritten = org;
        } else {
          const row = this.#users.get(key);
          if (!row) continue;
          row.attemptedAt = now;
          if (ok) row.written = String(record['Last_Sync_At__c']);
        }
      }
    }
    return { written, calls };
  }
}

/**
 * The newest local task-sync error of a SIA user (0 when none): a pass is error-free when this
 * did not move while it ran.
 */
export async function errorMark(store: Store, ownerId: string): Promise<number> {
  const row = await store.db
    .selectFrom('errors')
    .select((eb) => eb.fn.max<number | string | null>('id').as('id'))
    .where('owner_id', '=', ownerId)
    .where('task_id', 'is not', null)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** True when some of the user's outbox entries wait for a retry after a failed attempt. */
export async function retriesPending(store: Store, ownerId: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('outbox')
    .select('id')
    .where('owner_id', '=', ownerId)
    .where('attempts', '>', 0)
    .executeTakeFirst();
  return row !== undefined;
}
