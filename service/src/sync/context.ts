// What every part of the sync engine shares: the store, the Salesforce client, the clock, the
// logger, metrics, the org's status/priority catalogs and the effective per-user settings.
import type { RetryLaterBounds } from '../salesforce/retry-later-or-report.ts';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Metrics } from '../metrics.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { SiaUser } from '../sia/model.ts';
import type { PriorityCatalog, StatusCatalog, TaskSyncMode } from '../sia/shared.ts';
import type { Store } from '../store/store.ts';
import type { FirstSyncOptions, ImportProgress } from './import.ts';
import type { MappingContext } from './mapping.ts';
import type { WriteIdentities } from './write-identity.ts';

export interface UserSettings {
  mode: TaskSyncMode;
  enabledAt: string | null;
  subjectTemplate: string;
}

/** Test seams for fault injection at points no external fault can reach. */
export interface SyncHooks {
  /** Runs after Salesforce accepted a batch and before the local commit (a crash here must not duplicate). */
  afterSalesforceWrite?: (kind: 'upsert' | 'delete' | 'stamp', salesforceIds: string[]) => Promise<void>;
  /** Runs after each page of the first-sync import is committed (a throw here is a crash mid-import). */
  afterImportPage?: (progress: ImportProgress) => void;
  /** Runs once the stamp job's failed rows are queued, before links are marked stamped (a crash here). */
  afterStampRetriesQueued?: (progress: ImportProgress) => void;
}

export interface SyncContext {
  store: Store;
  /** The org-level identity: change events, org-wide reads, Sync Health rows, and writes it may make. */
  salesforce: SalesforceClient;
  /** Who writes each rep's changes (the org identity or the rep's own connection). */
  identities: WriteIdentities;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  statuses: StatusCatalog;
  priorities: PriorityCatalog;
  /** Effective settings per SIA user id, from SIA_Sync_Setting__c. */
  settings: Map<string, UserSettings>;
  orgSubjectTemplate: string;
  hooks: SyncHooks;
  /** Backoff of an outbox entry Salesforce refused for a cause that may pass (first delay, cap). */
  retryLater: RetryLaterBounds;
  /** How the first-sync import reads, writes and stamps. */
  firstSync: FirstSyncOptions;
  /** When a failure that keeps being retried is reported to admins. */
  failureReport: { afterAttempts: number; afterMs: number };
  /** Keys of retried failures noted and not yet resolved (loaded from the store when leading). */
  openFailures: Set<string>;
  /**
   * Throws unless this instance still leads (its lock held, its epoch the current one): called
   * before every batch written to Salesforce, so a stale leader sends nothing.
   */
  fence: () => Promise<void>;
}

export function mappingFor(ctx: SyncContext, user: SiaUser): MappingContext {
  const settings = ctx.settings.get(user.id);
  return {
    statuses: ctx.statuses,
    priorities: ctx.priorities,
    subjectTemplate: settings?.subjectTemplate ?? ctx.orgSubjectTemplate,
    mode: settings?.mode ?? 'DoNotSync',
  };
}

export function nowIso(ctx: Pick<SyncContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
