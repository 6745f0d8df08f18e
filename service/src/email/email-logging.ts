// Email activity logging: decides per user whether an email is logged through the API or by
// Email-to-Salesforce BCC (the team override decides over the user's choice), queues API-mode
// activities idempotently and drains the queue to Salesforce in batches, serially, on a timer and
// shortly after new activities arrive (so a burst shares its API calls).
import type { RetryLaterBounds } from '../salesforce/retry-later-or-report.ts';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { WriteIdentities } from '../sync/write-identity.ts';
import { NotFoundError } from '../sia/errors.ts';
import type { SiaUser } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import type { EmailLoggingMode } from '../sia/shared.ts';
import { ActivityWriter } from './activity-writer.ts';
import { EmailSettingsReader, type UserEmailSettings } from './email-settings.ts';
import { EmailStore, type NewEmailActivity } from './email-store.ts';
import { taskDescription } from './plain-text.ts';
import { COLLECTION_SIZE } from '../salesforce/batches.ts';
import type { EmailActivityBody } from './schemas.ts';
import { TaskTypeCheck } from './type-picklist.ts';
import { retrying } from '../sync/error-records.ts';
import type { RetryOutcome } from '../sync/retry-requests.ts';
import { emailActivityKey } from './error-report.ts';

export interface EmailLoggingDeps {
  store: Store;
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
  /** How long settings rows are reused before they are read again. */
  settingsTtlMs?: number;
  /** How often the queue is drained even without new activities (retries come due). */
  intervalMs?: number;
  /**
   * How long the first new activity waits for others before the batch is written (default 1 s):
   * emails arriving meanwhile share its queries and collection calls.
   */
  batchDelayMs?: number;
  batchSize?: number;
  closedStatus?: () => string;
  /** Who writes a rep's Tasks: the org identity where it may edit them, else the rep's own connection. */
  identities?: WriteIdentities;
  /** Backoff of an activity Salesforce refused for a cause that may pass. */
  retryLater?: RetryLaterBounds;
}

/** BCC mode is in force but the user never filled in their Email to Salesforce address. */
export class BccAddressMissingError extends Error {
  readonly userId: string;
  readonly forcedByTeam: boolean;
  constructor(userId: string, forcedByTeam: boolean) {
    super(
      `Emails of user ${userId} are logged by Email to Salesforce (BCC)${forcedByTeam ? ', as the team logging override requires,' : ''} ` +
        'but Bcc_Address__c (Email to Salesforce address) is empty. Fill it in SIA Sync → My account → Log email activity → ' +
        'Email to Salesforce (BCC); Salesforce shows the address under My Settings → Email → My Email to Salesforce.',
    );
    this.name = 'BccAddressMissingError';
    this.userId = userId;
    this.forcedByTeam = forcedByTeam;
  }
}

export interface LoggingModeView {
  userId: string;
  mode: EmailLoggingMode;
  /** True when the org's Team_Logging_Override__c decided the mode, whatever the user chose. */
  forcedByTeam: boolean;
  teamLoggingOverride: string;
  bccAddress: string | null;
  logReplies: boolean;
}

export type AcceptResult =
  | {
      mode: 'api';
      view: LoggingModeView;
      activities: { recipient: string; status: 'queued' | 'duplicate' }[];
    }
  | { mode: 'bcc' | 'none'; view: LoggingModeView };

function view(user: SiaUser, { mode, settings }: UserEmailSettings): LoggingModeView {
  return {
    userId: user.id,
    mode,
    forcedByTeam: settings.logEmailViaApi.forcedByTeam,
    teamLoggingOverride: settings.teamLoggingOverride.value,
    bccAddress: mode === 'bcc' ? (settings.bccAddress.value?.trim() ?? null) : null,
    logReplies: settings.logReplies.value,
  };
}

export class EmailLogging {
  readonly emailStore: EmailStore;
  readonly settings: EmailSettingsReader;
  readonly typeCheck: TaskTypeCheck;
  readonly writer: ActivityWriter;
  readonly #deps: EmailLoggingDeps;
  #tail: Promise<unknown> = Promise.resolve();
  #timer: Timer | undefined;
  #debounce: Timer | undefined;
  #stopping = false;
  readonly #batchSize: number;

  constructor(deps: EmailLoggingDeps) {
    this.#deps = deps;
    this.#batchSize = deps.batchSize ?? COLLECTION_SIZE;
    this.emailStore = new EmailStore(deps.store.db);
    this.settings = new EmailSettingsReader({
      salesforce: deps.salesforce,
      clock: deps.clock,
      ...(deps.settingsTtlMs === undefined ? {} : { ttlMs: deps.settingsTtlMs }),
    });
    this.typeCheck = new TaskTypeCheck(deps);
    this.writer = new ActivityWriter({
      ...deps,
      emailStore: this.emailStore,
      settings: this.settings,
      typeCheck: this.typeCheck,
      closedStatus: deps.closedStatus ?? (() => 'Completed'),
    });
  }

  async #user(userId: string, field?: string): Promise<SiaUser> {
    const user = await this.#deps.store.getUser(userId);
    if (!user) throw new NotFoundError('User', userId, field);
    return user;
  }

  /** Which mode applies to a user, and the BCC address when it is BCC. */
  async modeFor(userId: string, field?: string): Promise<LoggingModeView> {
    const user = await this.#user(userId, field);
    const result = view(user, await this.settings.forUser(user));
    if (result.mode === 'bcc' && result.bccAddress === null)
      throw new BccAddressMissingError(user.id, result.forcedByTeam);
    return result;
  }

  /** Takes one reported email event; in API mode it is queued (once per message, kind and recipient). */
  async accept(body: EmailActivityBody): Promise<AcceptResult> {
    const modeView = await this.modeFor(body.ownerId, 'ownerId');
    if (modeView.mode !== 'api') return { mode: modeView.mode, view: modeView };
    const description = body.kind === 'sent' || body.kind === 'reply' ? taskDescription(body.body) : null;
    const sentAt = new Date(body.sentAt).toISOString();
    const rows: NewEmailActivity[] = body.recipients.flatMap((recipient) => {
      const base: NewEmailActivity = {
        ownerId: body.ownerId,
        messageId: body.messageId,
        kind: body.kind,
        recipient: recipient.email.toLowerCase(),
        recipientSalesforceId: recipient.salesforceId ?? null,
        subject: body.subject,
        body: description,
        sentAt,
        campaign: body.campaign ?? null,
      };
      // A reply also ticks "replied" on the Task of the email it answers, whether or not replies are logged.
      return body.kind === 'reply' ? [base, { ...base, kind: 'replied', body: null }] : [base];
    });
    const queued = await this.emailStore.enqueue(rows, this.#deps.clock.now().toISOString());
    if (queued.size > 0) this.notify();
    return {
      mode: 'api',
      view: modeView,
      activities: body.recipients.map((r) => {
        const recipient = r.email.toLowerCase();
        return { recipient, status: queued.has(`${body.kind} ${recipient}`) ? 'queued' : 'duplicate' };
      }),
    };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Writes every due activity now; resolves with how many reached a final state. */
  drain(): Promise<number> {
    return this.#serial(async () => {
      let total = 0;
      for (;;) {
        const batch = await this.writer.writeBatch();
        total += batch.finished;
        // Go on only through a backlog (full batches): emails that trickle in meanwhile wait for
        // the next batch window and share its calls instead of going out a few at a time.
        if (batch.claimed < this.#batchSize || batch.finished === 0 || this.#stopping) return total;
      }
    });
  }

  #drainInBackground(): void {
    if (this.#stopping) return;
    this.drain().catch((error: unknown) => {
      this.#deps.logger.error({ err: error }, 'email activity logging failed; retrying on the next tick');
    });
  }

  /** A new activity was queued: drain soon, letting others arriving meanwhile join the batch. */
  notify(): void {
    if (this.#debounce !== undefined || this.#stopping || this.#timer === undefined) return;
    this.#debounce = this.#deps.clock.after(this.#deps.batchDelayMs ?? 1_000, () => {
      this.#debounce = undefined;
      this.#drainInBackground();
    });
  }

  /**
   * An admin's Retry on an EmailLogging SIA_Sync_Error__c: the failed activities of its user (or
   * of everyone, for a row without one) that failed with its code are written again now. Null when
   * there is nothing to retry.
   */
  async retryFailed(row: { ownerSalesforceId: string | null; code: string }): Promise<RetryOutcome | null> {
    let ownerId: string | null = null;
    if (row.ownerSalesforceId !== null) {
      const id = row.ownerSalesforceId;
      const user = await this.#deps.store.getUserBySalesforceId(id);
      if (!user) return null;
      ownerId = user.id;
    }
    const ids = await this.emailStore.requeueFailed(
      ownerId,
      `${row.code}: `,
      this.#deps.clock.now().toISOString(),
    );
    if (ids.length === 0) return null;
    const keys = ids.map(emailActivityKey);
    for (const key of keys) retrying.add(key);
    try {
      await this.drain();
    } finally {
      for (const key of keys) retrying.delete(key);
    }
    const failed = (await this.emailStore.byIds(ids)).find(
      (a) => a.status === 'failed' || a.status === 'queued',
    );
    if (!failed) return { ok: true };
    const outcome = failed.outcome ?? '';
    const at = outcome.indexOf(': ');
    return at > 0
      ? { ok: false, code: outcome.slice(0, at), message: outcome.slice(at + 2) }
      : { ok: false, code: 'UNKNOWN_EXCEPTION', message: outcome };
  }

  start(): void {
    this.#stopping = false;
    this.#timer = this.#deps.clock.every(this.#deps.intervalMs ?? 5_000, () => {
      this.#drainInBackground();
    });
    this.#drainInBackground();
  }

  /** Stops the timers and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#timer?.cancel();
    this.#debounce?.cancel();
    this.#timer = undefined;
    this.#debounce = undefined;
    await this.#tail;
  }
}
