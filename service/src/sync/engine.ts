// The sync engine: one serial work queue per service instance through which settings changes,
// change events, the first-sync import, the outbox drain and the reconciliation sweep run in
// order, plus the timers that feed it and a graceful stop.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock.ts';
import type { Metrics } from '../metrics.ts';
import type { ApiUsage, SyncControl } from './sync-control.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import { COLLECTION_SIZE } from '../salesforce/batches.ts';
import { DEFAULT_RETRY_LATER, type RetryLaterBounds } from '../salesforce/retry-later-or-report.ts';
import { readSettingsRows } from '../salesforce/settings-rows.ts';
import {
  STANDARD_TASK_PRIORITIES,
  STANDARD_TASK_STATUSES,
  priorityCatalog,
  idKey,
  sameId,
  statusCatalog,
  type TaskPriorityValue,
  type TaskStatusValue,
} from '../sia/shared.ts';
import { isSyncOn } from '../tasks/task-service.ts';
import { StaleLeaderError, type Store } from '../store/store.ts';
import type { Leadership } from '../store/leadership.ts';
import { activateUser } from './activation.ts';
import { ChangeStream, checkpointName, type ChangeEventMessage, type StreamStatus } from './change-stream.ts';
import { syncLag, type SyncLag } from './lag.ts';
import type { SyncContext, SyncHooks } from './context.ts';
import { HealthStatus, errorMark, retriesPending } from './health-status.ts';
import { ReadAheadStore } from '../store/read-ahead.ts';
import { applyRemoteChange, deletedInSalesforce, type ApplyResult, type RemoteChange } from './inbound.ts';
import { isOurChange, isStaleEdit } from './inbound-decision.ts';
import { pushRouted } from './outbound.ts';
import { WriteIdentities } from './write-identity.ts';
import type { SiaUser } from '../sia/model.ts';
import { DEFAULT_FIRST_SYNC, type FirstSyncOptions } from './import.ts';
import { applyCurrentTasks, reconcile } from './reconcile.ts';
import { DrainAlarm, coalesceDecision, type CoalescePolicy } from './coalesce.ts';
import { tasksByIds } from './records.ts';
import { applyRetryRequests, type EmailRetry } from './retry-requests.ts';
import { applySettings } from './settings.ts';
import {
  DEFAULT_FAILURE_REPORT,
  noteRetry,
  retriesSucceeded,
  type FailureReportBounds,
} from './retried-failures.ts';
import { categorize, errorCodeOf } from '../salesforce/errors.ts';
import { backoffDelay, defaultRetryPolicy } from '../salesforce/retry.ts';

export const TASK_CHANNEL = '/data/TaskChangeEvent';
export const SETTINGS_CHANNEL = '/data/SIA_Sync_Setting__ChangeEvent';
export const ERRORS_CHANNEL = '/data/SIA_Sync_Error__ChangeEvent';
/** Checkpoint holding when the follow-up sweep of an event gap is due ('' when none is pending). */
export const GAP_SWEEP = 'gap-sweep:due';
/** The leadership epoch's row: one per database (schema). */
const LEADERSHIP = 'sync';
/**
 * Default of SyncEngineOptions.outboxCoalesceMs, the latency bound of the outbox: the oldest queued
 * change waits at most 1.2 s, so with a collection call of up to 0.8 s a SIA change is in Salesforce
 * within 2 s, while a slow stream (10 changes/s) still leaves a dozen changes to a call, not five.
 */
export const DEFAULT_OUTBOX_COALESCE_MS = 1_200;
/** Change events applied in one transaction before the event loop gets a turn (a big delivery). */
export const DELIVERY_SLICE = 100;

export interface SyncEngineOptions {
  store: Store;
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  hooks?: SyncHooks;
  reconcileIntervalMs: number;
  outboxIntervalMs: number;
  retryLater?: RetryLaterBounds;
  /** Who leads (holds the subscriptions and drains the outbox) when several instances share a database. */
  leadership?: Leadership;
  /** How often a follower tries to take over. */
  leadershipPollMs?: number;
  /** Follow change events over CometD (tests of the sweep alone switch it off). */
  streaming?: boolean;
  /**
   * How long queued changes wait for company before a drain (from the oldest one; the latency
   * bound): a stream of changes goes out in full collections of 200 (one API call each) at once,
   * a slower one in as large collections as the bound allows, not a few at a time.
   */
  outboxCoalesceMs?: number;
  /** How often due SIA_Sync_Status__c rows are written (each row is throttled on its own). */
  healthIntervalMs?: number;
  /** Runs an admin's Retry of an email logging error (the email logging side of the service). */
  emailRetry?: EmailRetry;
  /** How the first-sync import reads and stamps (thresholds, page sizes); defaults DEFAULT_FIRST_SYNC. */
  firstSync?: Partial<FirstSyncOptions>;
  /** Backoff between attempts to reconnect a change stream (default 1 s doubling to 60 s). */
  streamReconnect?: { baseDelayMs: number; maxDelayMs: number };
  /** When a failure that keeps being retried is reported (default: 5 attempts or 5 minutes). */
  failureReport?: Partial<FailureReportBounds>;
  /**
   * Change events received and not yet applied, per channel, beyond which its stream pauses until
   * they are applied and then resumes from the last applied replay id (default 5,000).
   */
  inboundBacklogMax?: number;
}

export class SyncEngine implements SyncControl {
  readonly #options: SyncEngineOptions;
  readonly ctx: SyncContext;
  /** SIA_Sync_Status__c: last sync per user, API usage and heartbeat for Sync health. */
  readonly health: HealthStatus;
  #tail: Promise<unknown> = Promise.resolve();
  /** Set while work of the serial queue runs (work it calls must not queue behind itself). */
  readonly #inSerial = new AsyncLocalStorage<boolean>();
  #streams: ChangeStream[] = [];
  #timers: Timer[] = [];
  /** The one timer of the next outbox drain (see coalesce.ts). */
  readonly #drainAlarm: DrainAlarm;
  /** A coalesced drain is queued and has not started: another would find nothing more. */
  #drainQueued = false;
  /** The latest alarm time the queued drain decides as of (0: the clock's now). */
  #drainAsOf = 0;
  #gapSweepTimer: Timer | undefined;
  /** Changes queued since the last drain read the outbox: at a full collection a drain looks now. */
  #queuedChanges = 0;
  /** Called when SIA_Sync_Setting__c changes (email logging drops its cached settings then). */
  onSettingsChanged: () => void = () => undefined;
  #reconcileQueued = false;
  #stopping = false;
  #leading = false;
  #takingOver = false;
  #followTimer: Timer | undefined;
  /** This instance's leadership epoch while it leads. */
  #epoch: number | undefined;

  constructor(options: SyncEngineOptions) {
    this.#options = options;
    this.ctx = {
      store: options.store,
      salesforce: options.salesforce,
      identities: new WriteIdentities(options.salesforce),
      clock: options.clock,
      logger: options.logger.child({ component: 'sync' }),
      metrics: options.metrics,
      statuses: statusCatalog(),
      priorities: priorityCatalog(),
      settings: new Map(),
      orgSubjectTemplate: '{{activity_subject}}',
      hooks: options.hooks ?? {},
      retryLater: options.retryLater ?? DEFAULT_RETRY_LATER,
      firstSync: { ...DEFAULT_FIRST_SYNC, ...options.firstSync },
      failureReport: { ...DEFAULT_FAILURE_REPORT, ...options.failureReport },
      openFailures: new Set(),
      fence: () => this.#fence(),
    };
    if (options.leadership)
      options.leadership.onLost = () => {
        this.#stepDown('the leadership lock connection was lost');
      };
    this.#drainAlarm = new DrainAlarm(options.clock, (at) => {
      this.#drainNow({ coalesced: true, asOf: at });
    });
    this.health = new HealthStatus({
      salesforce: options.salesforce,
      clock: options.clock,
      logger: this.ctx.logger,
    });
  }

  /** The sweep; every sync-on user without a new error meanwhile has had an error-free pass. */
  /** The reconciliation sweep, of every user whose sync is on or only of `onlyOwner` (a SIA user id). */
  async #sweep(onlyOwner?: string): Promise<void> {
    // Ask the org identity again: an admin may have granted it access to more reps' records.
    await this.ctx.identities.refresh();
    await this.#resumeImports();
    const users = [];
    for (const user of await this.ctx.store.listUsers())
      if (
        (onlyOwner === undefined || user.id === onlyOwner) &&
        isSyncOn(await this.ctx.store.getSyncState(user.id))
      )
        users.push({ user, mark: await errorMark(this.ctx.store, user.id) });
    await reconcile(this.ctx, onlyOwner);
    for (const { user, mark } of users) await this.#passFinished(user, mark);
  }

  async #passFinished(user: { id: string; salesforceUserId: string }, mark: number): Promise<void> {
    if ((await errorMark(this.ctx.store, user.id)) !== mark) return;
    if (await retriesPending(this.ctx.store, user.id)) return;
    this.health.passFinished(user.salesforceUserId);
  }

  /** Runs work after everything queued before it; failures are returned to the caller. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const queued = (): Promise<T> => this.#inSerial.run(true, work);
    const run = this.#tail.then(queued, queued);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Queues background work whose failure is logged (the next timer tick or sweep retries it) and
   * noted, so one that keeps failing is reported to admins; its next success resolves that.
   */
  #background(name: string, work: () => Promise<unknown>): void {
    if (this.#stopping) return;
    const key = `work:${name}`;
    this.#serial(work).then(
      () => retriesSucceeded(this.ctx, [key]),
      async (error: unknown) => {
        if (error instanceof StaleLeaderError) {
          this.ctx.logger.info({ work: name }, 'sync work refused: this instance no longer leads');
          return;
        }
        this.ctx.logger.error({ err: error, work: name }, 'sync work failed');
        const { code, message } = errorCodeOf(error);
        await noteRetry(this.ctx, undefined, {
          key,
          category: categorize(code, message),
          code,
          message: `${name}: ${message}`,
          direction: name === 'outbox' ? 'outbound' : 'inbound',
          taskId: null,
          salesforceId: null,
        });
      },
    );
  }

  async #loadCatalogs(): Promise<void> {
    try {
      const statuses = await this.ctx.salesforce.query<TaskStatusValue & Record<string, unknown>>(
        'SELECT ApiName, MasterLabel, IsClosed, IsDefault, SortOrder FROM TaskStatus',
      );
      this.ctx.statuses = statusCatalog(statuses.length > 0 ? statuses : STANDARD_TASK_STATUSES);
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'TaskStatus not readable; using the standard values');
    }
    try {
      const priorities = await this.ctx.salesforce.query<TaskPriorityValue & Record<string, unknown>>(
        'SELECT ApiName, MasterLabel, IsHighPriority, IsDefault, SortOrder FROM TaskPriority',
      );
      this.ctx.priorities = priorityCatalog(priorities.length > 0 ? priorities : STANDARD_TASK_PRIORITIES);
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'TaskPriority not readable; using the standard values');
    }
  }

  async #fence(): Promise<void> {
    const epoch = this.#epoch;
    if (!this.#leading || epoch === undefined || this.#options.leadership?.held === false) {
      this.#stepDown('leadership not held');
      throw new StaleLeaderError(epoch ?? 0, undefined);
    }
    try {
      await this.ctx.store.fenceLeadership(LEADERSHIP, epoch);
    } catch (error) {
      if (error instanceof StaleLeaderError) this.#stepDown('another instance took over');
      throw error;
    }
  }

  /**
   * Stops leading at once (the lock is gone or another instance took over): no timer fires, no
   * stream applies another event, every later batch is refused by the fence, and this instance
   * goes back to following (it may lead again once it wins the lock).
   */
  #stepDown(reason: string): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#epoch = undefined;
    this.ctx.logger.warn({ reason }, 'no longer leading: stopping all sync work');
    for (const timer of this.#timers) timer.cancel();
    this.#timers = [];
    this.#drainAlarm.cancel();
    this.#gapSweepTimer?.cancel();
    this.#gapSweepTimer = undefined;
    const streams = this.#streams;
    this.#streams = [];
    void Promise.all(streams.map((s) => s.stop())).catch((error: unknown) => {
      this.ctx.logger.warn({ err: error }, 'stopping the change streams failed');
    });
    if (this.#stopping || this.#followTimer !== undefined) return;
    this.#followTimer = this.ctx.clock.every(this.#options.leadershipPollMs ?? 5_000, () => {
      this.#tryToLead();
    });
  }

  /** True while this instance leads (see Leadership); followers serve the API only. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** The PostgreSQL backend holding this instance's leadership lock, if it holds one. */
  get leadershipBackendPid(): number | undefined {
    return this.#options.leadership?.backendPid;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    const leadership = this.#options.leadership;
    if (leadership && !(await leadership.tryAcquire())) {
      this.ctx.logger.info('another instance leads: following');
      this.#followTimer = this.ctx.clock.every(this.#options.leadershipPollMs ?? 5_000, () => {
        this.#tryToLead();
      });
      return;
    }
    await this.#lead();
  }

  #tryToLead(): void {
    if (this.#leading || this.#stopping || this.#takingOver) return;
    this.#takingOver = true;
    (this.#options.leadership?.tryAcquire() ?? Promise.resolve(true))
      .then(async (acquired) => {
        if (!acquired || this.#stopping) return;
        this.#followTimer?.cancel();
        this.#followTimer = undefined;
        this.ctx.logger.info('taking over as leader');
        await this.#lead();
      })
      .catch((error: unknown) => {
        this.ctx.logger.warn({ err: error }, 'could not take over');
      })
      .finally(() => {
        this.#takingOver = false;
      });
  }

  async #lead(): Promise<void> {
    this.#epoch = await this.ctx.store.takeLeadershipEpoch(LEADERSHIP, this.ctx.clock.now().toISOString());
    this.#leading = true;
    this.#drainQueued = false;
    this.#drainAsOf = 0;
    for (const key of await this.ctx.store.openFailureKeys()) this.ctx.openFailures.add(key);
    await this.#serial(async () => {
      await this.#loadCatalogs();
      await this.#refreshSettings();
    });
    if (this.#options.streaming ?? true) {
      for (const channel of [SETTINGS_CHANNEL, ERRORS_CHANNEL, TASK_CHANNEL]) {
        const stream = new ChangeStream({
          channel,
          salesforce: this.ctx.salesforce,
          store: this.ctx.store,
          logger: this.ctx.logger,
          now: () => this.ctx.clock.now(),
          onEvents: (messages) =>
            this.#serial(async () => {
              if (channel === TASK_CHANNEL) return this.#applyTaskEvents(messages);
              for (const message of messages)
                await (channel === ERRORS_CHANNEL
                  ? this.#applyErrorEvent(message)
                  : this.#applySettingsEvent(message));
            }),
          onGap: (reason) => {
            this.ctx.logger.warn({ channel, reason }, 'event gap: sweeping');
            // The sweep reads Tasks only: a lost settings change (a rep switching sync on or off)
            // is found by reading the settings rows again, before the sweep of whoever is on.
            if (channel === SETTINGS_CHANNEL) this.#settingsChanged();
            this.#sweepAfterGap();
          },
          onOutage: (error) => {
            const { code, message } = errorCodeOf(error);
            void noteRetry(this.ctx, undefined, {
              key: `stream:${channel}`,
              category: categorize(code, message),
              code,
              message: `following ${channel} stopped: ${message}`,
              direction: 'inbound',
              taskId: null,
              salesforceId: null,
            });
          },
          onRecovered: () => {
            void retriesSucceeded(this.ctx, [`stream:${channel}`]);
          },
          ...(this.#options.streamReconnect === undefined
            ? {}
            : { reconnectBackoff: this.#options.streamReconnect }),
          ...(this.#options.inboundBacklogMax === undefined
            ? {}
            : { maxBacklog: this.#options.inboundBacklogMax }),
          onPause: () => {
            this.ctx.metrics.streamPauses.inc({ channel });
          },
          onBacklog: (backlog) => {
            this.ctx.metrics.inboundBacklog.set({ channel }, backlog);
          },
        });
        await stream.start();
        this.#streams.push(stream);
      }
    }
    await this.#serial(() => this.#sweep());
    await this.#resumeGapSweep();
    this.#drainNow({ coalesced: true });
    const { clock } = this.ctx;
    this.#timers.push(
      clock.every(this.#options.healthIntervalMs ?? 15_000, () => {
        if (this.#leading) this.#background('health', () => this.health.flush());
      }),
      clock.every(this.#options.reconcileIntervalMs, () => {
        this.requestReconcile();
      }),
      clock.every(this.#options.outboxIntervalMs, () => {
        // Retries that fell due and followers' changes (this instance hears only of its own).
        this.#checkOutbox();
      }),
    );
  }

  async #refreshSettings(): Promise<void> {
    const snapshot = await readSettingsRows(this.ctx.salesforce);
    for (const transition of await applySettings(this.ctx, snapshot)) {
      if (transition.kind === 'switched-on') {
        if (transition.queued > 0) this.#scheduleDrain(transition.queued);
        await activateUser(this.ctx, transition.user, transition.enabledAt, transition.previouslyOffSince);
        this.#checkOutbox();
      }
    }
    await this.#resumeImports();
  }

  /**
   * Finishes a switch-on whose import did not (a crash or an outage stopped it): it resumes from its
   * stored progress. Runs with every settings reading and before every sweep.
   */
  async #resumeImports(): Promise<void> {
    for (const user of await this.ctx.store.listUsers()) {
      const state = await this.ctx.store.getSyncState(user.id);
      if (!isSyncOn(state) || state.imported_for === state.enabled_at) continue;
      await activateUser(this.ctx, user, state.enabled_at, state.disabled_at);
      this.#checkOutbox();
    }
  }

  async #applyErrorEvent(message: ChangeEventMessage): Promise<void> {
    const owners = await applyRetryRequests(this.ctx, message, this.#options.emailRetry);
    await this.ctx.store.setCheckpoint(
      checkpointName(ERRORS_CHANNEL),
      String(message.event.replayId),
      this.ctx.clock.now().toISOString(),
    );
    if (owners.length > 0) this.#checkOutbox();
  }

  async #applySettingsEvent(message: ChangeEventMessage): Promise<void> {
    this.onSettingsChanged();
    await this.#refreshSettings();
    await this.ctx.store.setCheckpoint(
      checkpointName(SETTINGS_CHANNEL),
      String(message.event.replayId),
      this.ctx.clock.now().toISOString(),
    );
  }

  /**
   * Applies one CometD delivery of Task change events: one transaction (and one checkpoint) per
   * delivery, or per DELIVERY_SLICE events of a big one with a turn of the event loop between, so
   * the SIA API keeps answering. Stale events (committed before the record's last sync) are checked
   * against the records as they are now, read for the whole delivery at up to 200 ids a query.
   */
  async #applyTaskEvents(messages: ChangeEventMessage[]): Promise<void> {
    let run: ChangeEventMessage[] = [];
    for (const message of messages) {
      const header = message.payload.ChangeEventHeader;
      if (header.changeType.startsWith('GAP_')) {
        await this.#applyTaskRun(run);
        run = [];
        await this.#applyGapRecords(
          header.changeType,
          header.recordIds,
          new Date(header.commitTimestamp).toISOString(),
        );
        this.#sweepAfterGap();
        await this.ctx.store.setCheckpoint(
          checkpointName(TASK_CHANNEL),
          String(message.event.replayId),
          this.ctx.clock.now().toISOString(),
        );
        continue;
      }
      run.push(message);
      if (run.length < DELIVERY_SLICE) continue;
      await this.#applyTaskRun(run);
      run = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#applyTaskRun(run);
  }

  async #applyTaskRun(messages: ChangeEventMessage[]): Promise<void> {
    const last = messages.at(-1);
    if (last === undefined) return;
    const events = messages.map((message) => {
      const header = message.payload.ChangeEventHeader;
      const record: Record<string, unknown> = { ...message.payload };
      delete record['ChangeEventHeader'];
      const ours = isOurChange(header.changeOrigin);
      const changedFields = header.changeType === 'UPDATE' ? header.changedFields : undefined;
      return { header, record, ours, changedFields, at: new Date(header.commitTimestamp).toISOString() };
    });
    // A stale edit (committed before our last sync of the record) is checked against the record
    // as it is now: what our later push overwrote is a conflict SIA won, not a change.
    const updated = events.filter((e) => e.changedFields !== undefined && !e.ours);
    const links = await this.ctx.store.linksBySalesforceIds([
      ...new Set(updated.flatMap((e) => e.header.recordIds)),
    ]);
    const stale = new Set<string>();
    for (const event of updated)
      for (const salesforceId of event.header.recordIds) {
        if (isStaleEdit(event, links.get(salesforceId))) stale.add(salesforceId);
      }
    const current = new Map<string, Record<string, unknown>>();
    if (stale.size > 0) {
      for (const record of await tasksByIds(this.ctx, [...stale]))
        current.set(idKey(record.Id) ?? record.Id, record);
      this.ctx.metrics.staleRereads.inc(stale.size);
    }
    const now = this.ctx.clock.now().toISOString();
    // What each change came to, counted once the transaction committed (a transaction PostgreSQL
    // aborted as a deadlock victim runs again, and its first run must not count).
    const recordIds = events.flatMap((e) => e.header.recordIds);
    const outcomes = await this.ctx.store.transaction((plain) =>
      // The run's links, tasks and outbox entries are read in a few queries, not per event.
      ReadAheadStore.run(plain, recordIds, async (tx) => {
        const applied: { result: ApplyResult; ownerId: string | undefined }[] = [];
        for (const { header, record, ours, changedFields, at } of events) {
          const kind = header.changeType === 'DELETE' ? 'delete' : 'upsert';
          const owner =
            typeof record['OwnerId'] === 'string'
              ? await tx.getUserBySalesforceId(record['OwnerId'])
              : undefined;
          for (const salesforceId of header.recordIds) {
            const change: RemoteChange = {
              salesforceId,
              kind,
              record,
              changedFields,
              nulledFields: header.nulledFields,
              at,
              ours,
            };
            const held = stale.has(salesforceId)
              ? current.get(idKey(salesforceId) ?? salesforceId)
              : undefined;
            if (held !== undefined) change.current = held;
            const ownerId = owner?.id ?? (await tx.getLinkBySalesforceId(salesforceId))?.owner_id;
            const result = await applyRemoteChange(tx, this.ctx, change, {
              importUnknown: header.changeType !== 'UPDATE',
            });
            applied.push({ result, ownerId });
          }
        }
        // The replay id commits with the effect: after a crash the events are replayed, never lost or doubled.
        await tx.setCheckpoint(checkpointName(TASK_CHANNEL), String(last.event.replayId), now);
        return applied;
      }),
    );
    const pulled = new Set<string>();
    for (const { result, ownerId } of outcomes) {
      this.ctx.metrics.appliedEvents.inc({ kind: result });
      if (result !== 'ignored' && ownerId !== undefined) pulled.add(ownerId);
    }
    for (const ownerId of pulled) {
      const user = await this.ctx.store.getUser(ownerId);
      if (user) this.health.passFinished(user.salesforceUserId);
    }
    if (outcomes.some((o) => o.result === 'imported')) this.#checkOutbox();
  }

  /**
   * A gap event names the records whose changes were not captured: they are read and applied at
   * once (the sweep covers whole minutes only, so an edit of this minute would wait for the next
   * sweep); a GAP_DELETE record that is gone is deleted.
   */
  async #applyGapRecords(changeType: string, recordIds: string[], at: string): Promise<void> {
    const ids = recordIds.filter((id) => !id.startsWith('000000000000000'));
    if (ids.length === 0) return;
    const records = await tasksByIds(this.ctx, ids);
    if ((await applyCurrentTasks(this.ctx, records)) > 0) this.#checkOutbox();
    if (changeType !== 'GAP_DELETE') return;
    const found = records.map((r) => r.Id);
    for (const salesforceId of ids.filter((id) => !found.some((f) => sameId(f, id)))) {
      await this.ctx.store.transaction((tx) =>
        applyRemoteChange(tx, this.ctx, deletedInSalesforce(salesforceId, at), { importUnknown: false }),
      );
    }
  }

  /**
   * Sweeps now and again once the current minute is covered: getUpdated/getDeleted answer whole
   * minutes, so a change lost in this minute (an overflow names no records) is found by the second.
   * The follow-up is stored (checkpoint GAP_SWEEP) until a sweep after its time succeeds, so a
   * restart resumes it and a refused sweep (REQUEST_LIMIT_EXCEEDED, an outage) is tried again.
   */
  #sweepAfterGap(): void {
    this.requestReconcile();
    if (this.#stopping) return;
    const now = this.ctx.clock.now().getTime();
    const due = new Date(now - (now % 60_000) + 62_000);
    this.ctx.store
      .setCheckpoint(GAP_SWEEP, due.toISOString(), new Date(now).toISOString())
      .catch((error: unknown) => {
        this.ctx.logger.warn({ err: error }, 'could not store the follow-up sweep');
      });
    this.#scheduleGapSweep(due, 0);
  }

  #scheduleGapSweep(due: Date, failures: number): void {
    if (this.#stopping || !this.#leading) return;
    this.#gapSweepTimer?.cancel();
    this.#gapSweepTimer = this.ctx.clock.after(
      Math.max(0, due.getTime() - this.ctx.clock.now().getTime()),
      () => {
        this.#gapSweepTimer = undefined;
        this.#followUpSweep(due, failures);
      },
    );
  }

  #followUpSweep(due: Date, failures: number): void {
    if (this.#stopping || !this.#leading) return;
    const key = 'work:gap-sweep';
    this.#serial(() => this.#sweep()).then(
      async () => {
        // Done, unless a newer gap moved the follow-up later meanwhile.
        const stored = await this.ctx.store.getCheckpoint(GAP_SWEEP);
        if (stored !== undefined && stored !== '' && Date.parse(stored) <= due.getTime())
          await this.ctx.store.setCheckpoint(GAP_SWEEP, '', this.ctx.clock.now().toISOString());
        await retriesSucceeded(this.ctx, [key]);
      },
      async (error: unknown) => {
        if (error instanceof StaleLeaderError) return;
        const { code, message } = errorCodeOf(error);
        this.ctx.logger.warn({ err: error, failures: failures + 1 }, 'the follow-up sweep failed: retrying');
        await noteRetry(this.ctx, undefined, {
          key,
          category: categorize(code, message),
          code,
          message: `the sweep after an event gap: ${message}`,
          direction: 'inbound',
          taskId: null,
          salesforceId: null,
        });
        const backoff = this.#options.streamReconnect ?? { baseDelayMs: 1_000, maxDelayMs: 60_000 };
        const delay = backoffDelay({ ...defaultRetryPolicy, ...backoff }, failures + 1);
        this.#scheduleGapSweep(new Date(this.ctx.clock.now().getTime() + delay), failures + 1);
      },
    );
  }

  /** A follow-up sweep stored before a restart (or a crash) runs when it falls due. */
  async #resumeGapSweep(): Promise<void> {
    const stored = await this.ctx.store.getCheckpoint(GAP_SWEEP);
    if (stored === undefined || stored === '') return;
    this.ctx.logger.info({ due: stored }, 'resuming the follow-up sweep of an event gap');
    this.#scheduleGapSweep(new Date(stored), 0);
  }

  #coalescePolicy(): CoalescePolicy {
    return {
      windowMs: this.#options.outboxCoalesceMs ?? DEFAULT_OUTBOX_COALESCE_MS,
      fullBatch: COLLECTION_SIZE,
    };
  }

  /**
   * Queues a drain of every user's outbox behind running work. A coalesced one sends only what the
   * coalescing policy lets go and sets the alarm for the rest; at most one waits in the queue.
   */
  #drainNow(options: { coalesced: boolean; asOf?: number }): void {
    if (!this.#leading || this.#stopping) return; // the leader's timer drains what followers queued
    if (options.coalesced) {
      this.#drainAsOf = Math.max(this.#drainAsOf, options.asOf ?? 0);
      if (this.#drainQueued) return;
      this.#drainQueued = true;
    }
    this.#background('outbox', () => this.#drainOutbox(options));
  }

  /**
   * Reads the outbox summary and drains now or sets the alarm for when the oldest new change has
   * waited the coalescing window: for changes this instance was not told of (queued by another
   * instance, or left by an import) and retries that fell due.
   */
  #checkOutbox(): void {
    if (!this.#leading || this.#stopping) return;
    const now = this.ctx.clock.now().getTime();
    this.ctx.store
      .outboxSummary(new Date(now).toISOString())
      .then((summary) => {
        const decision = coalesceDecision(
          {
            count: summary.due,
            oldestNewAt: summary.oldestNewDueAt === null ? undefined : Date.parse(summary.oldestNewDueAt),
            retryDue: summary.retryDue,
          },
          now,
          this.#coalescePolicy(),
        );
        if (decision.action === 'send') this.#drainNow({ coalesced: true });
        else if (decision.action === 'wait') this.#wakeDrainAt(decision.until);
      })
      .catch((error: unknown) => {
        this.ctx.logger.warn({ err: error }, 'could not read the outbox');
      });
  }

  /** Sets the drain alarm (kept at the earliest time asked for) while this instance leads. */
  #wakeDrainAt(at: number): void {
    if (this.#leading && !this.#stopping) this.#drainAlarm.wakeAt(at);
  }

  /**
   * A change was queued: it may wait at most the coalescing window from now (the alarm keeps an
   * earlier time for an older one); a full collection's worth since the last drain looks at once.
   */
  #scheduleDrain(changes: number): void {
    if (this.#stopping || !this.#leading) return;
    this.#queuedChanges += changes;
    if (this.#queuedChanges >= COLLECTION_SIZE) {
      this.#queuedChanges = 0;
      this.#drainNow({ coalesced: true });
    }
    this.#wakeDrainAt(this.ctx.clock.now().getTime() + this.#coalescePolicy().windowMs);
  }

  /** Called by the task service after it queued a change. */
  notifyOutbox(): void {
    this.#scheduleDrain(1);
  }

  /** Settings events may have been missed: email logging forgets its cached settings, all rows are read again. */
  #settingsChanged(): void {
    if (!this.#leading) return;
    this.onSettingsChanged();
    this.#background('settings', () => this.#refreshSettings());
  }

  /** Called when SIA users change: a new user may already have a settings row in Salesforce. */
  notifyUsers(): void {
    if (!this.#leading) return;
    this.#background('settings', () => this.#refreshSettings());
  }

  /**
   * Drains every sync-on user's outbox of everything due; returns how many entries went. Runs in
   * the serial queue (at once when called from work already running in it), so a drain never
   * overlaps another drain or the applying of Salesforce changes: the same change is never sent
   * twice at once, and a push's outcome is never committed in the middle of an applied change of
   * the same task.
   */
  drainOutbox(): Promise<number> {
    if (this.#inSerial.getStore() === true) return this.#drainOutbox({ coalesced: false });
    return this.#serial(() => this.#drainOutbox({ coalesced: false }));
  }

  /** `coalesced`: partial batches wait (coalesce.ts) and the alarm is set for when they may go. */
  async #drainOutbox(options: { coalesced: boolean }): Promise<number> {
    const asOf = this.#drainAsOf;
    if (options.coalesced) {
      this.#drainQueued = false;
      this.#drainAsOf = 0;
    }
    this.#queuedChanges = 0;
    const users: { user: SiaUser; mark: number }[] = [];
    for (const ownerId of await this.ctx.store.outboxOwners()) {
      if (this.#stopping) break;
      const state = await this.ctx.store.getSyncState(ownerId);
      const user = await this.ctx.store.getUser(ownerId);
      if (!user || !isSyncOn(state)) continue; // sync off: nothing leaves, the outbox keeps it
      users.push({ user, mark: await errorMark(this.ctx.store, user.id) });
    }
    if (users.length === 0 || this.#stopping) return 0;
    const { sent, wakeAt } = await pushRouted(
      this.ctx,
      users.map((u) => u.user),
      options.coalesced ? { coalesce: { policy: this.#coalescePolicy(), asOf } } : {},
    );
    if (wakeAt !== undefined) this.#wakeDrainAt(wakeAt);
    if (sent > 0) for (const { user, mark } of users) await this.#passFinished(user, mark);
    return sent;
  }

  /** A rep connected (again): what was held for them goes now. */
  notifyConnected(ownerId: string): void {
    this.ctx.identities.release(ownerId);
    if (!this.#leading) return;
    this.#background('connected', async () => {
      await this.ctx.store.outboxDueNow(ownerId, this.ctx.clock.now().toISOString());
      await this.drainOutbox();
    });
  }

  requestReconcile(): void {
    if (this.#reconcileQueued || !this.#leading) return;
    this.#reconcileQueued = true;
    this.#background('reconcile', async () => {
      this.#reconcileQueued = false;
      await this.#sweep();
    });
  }

  apiUsage(): ApiUsage | null {
    return this.ctx.salesforce.apiUsage();
  }

  /**
   * How far behind the sync is: the outbox as stored, and per channel the stream this instance
   * follows (a channel it does not follow shows its stored replay id, not connected).
   */
  async lag(): Promise<SyncLag> {
    const now = this.ctx.clock.now();
    const outbox = await this.ctx.store.outboxSummary(now.toISOString());
    const streams: StreamStatus[] = [];
    for (const channel of [TASK_CHANNEL, SETTINGS_CHANNEL, ERRORS_CHANNEL]) {
      const followed = this.#streams.find((s) => s.channel === channel);
      if (followed !== undefined) {
        streams.push(followed.status());
        continue;
      }
      const stored = await this.ctx.store.getCheckpoint(checkpointName(channel));
      streams.push({
        channel,
        connected: false,
        lastReplayId: stored === undefined ? null : Number(stored),
        lastEventAt: null,
        lastReceivedAt: null,
        pendingEvents: 0,
        oldestPendingAt: null,
      });
    }
    return syncLag(this.#leading, outbox, streams, now);
  }

  /** Sweeps now (every user, or only `ownerId`) and drains the outbox; says how many users were swept. */
  async reconcile(ownerId?: string): Promise<{ users: number }> {
    if (this.#leading) {
      await this.#serial(() => this.#refreshSettings());
      await this.#serial(() => this.#sweep(ownerId));
      await this.#serial(() => this.drainOutbox());
    }
    const users = (await this.ctx.store.listUsers()).filter((u) => ownerId === undefined || u.id === ownerId);
    const states = await Promise.all(users.map((u) => this.ctx.store.getSyncState(u.id)));
    return { users: states.filter(isSyncOn).length };
  }

  /** Resolves once everything queued so far has run (tests wait on it). */
  async idle(): Promise<void> {
    await this.#serial(() => Promise.resolve());
  }

  /** Stops taking work, lets the running batch finish, and closes the subscriptions. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#followTimer?.cancel();
    this.#followTimer = undefined;
    for (const timer of this.#timers) timer.cancel();
    this.#timers = [];
    this.#drainAlarm.cancel();
    this.#gapSweepTimer?.cancel();
    this.#gapSweepTimer = undefined;
    await Promise.all(this.#streams.map((s) => s.stop()));
    this.#streams = [];
    await this.#tail;
    this.#leading = false;
    await this.#options.leadership?.release();
  }
}
