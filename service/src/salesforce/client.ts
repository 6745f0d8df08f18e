// The service's one door to Salesforce: a jsforce Connection with the API version pinned, every
// call tagged `Sforce-Call-Options: client=SIASync` (so change events name us in changeOrigin),
// tokens re-minted on 401 through refreshFn, Sforce-Limit-Info tracked against the API budget and
// intermittent failures retried with backoff and jitter.
import { Connection, type DeletedResult, type UpdatedResult } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { SalesforceAuth } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { apiBudget } from '../sia/shared.ts';
import { sliceBigCometdReplies } from './cometd-replies.ts';
import { SalesforceApiError, errorCodeOf } from './errors.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.ts';
import { mintToken, type AccessToken } from './token.ts';

/** The client name in Sforce-Call-Options; change events we caused carry `client=SIASync` in changeOrigin. */
export const CALL_OPTIONS_CLIENT = 'SIASync';

export interface RecordResult {
  id: string | null;
  success: boolean;
  created?: boolean;
  errors: { code: string; message: string; fields: string[] }[];
}

/** How long one request may wait for Salesforce's answer before it fails as a TIMEOUT (and is retried). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export type SObjectRecord = Record<string, unknown> & { Id?: string };

/**
 * Where a client's access tokens come from when it is not the configured org identity: a rep's
 * own connection (their stored access token first, the refresh-token grant after a 401).
 */
export interface TokenSource {
  initial(): Promise<AccessToken>;
  refresh(): Promise<AccessToken>;
}

export interface SalesforceClientOptions {
  loginUrl: string;
  instanceUrl?: string | undefined;
  apiVersion: string;
  /** The org identity's server-to-server flow; a client of a rep's connection has a tokenSource instead. */
  auth?: SalesforceAuth;
  tokenSource?: TokenSource;
  logger: Logger;
  clock: Clock;
  metrics?: Metrics | undefined;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout of writes; a request past it fails with TIMEOUT (default 120 s). */
  requestTimeoutMs?: number | undefined;
  fetch?: typeof fetch;
}

export interface FayeClient {
  subscribe(channel: string, listener: (message: unknown) => void): { cancel(): void } & PromiseLike<void>;
  disconnect?: () => void;
  /** Faye's connection state events: `transport:down` when a request failed, `transport:up` when one succeeds again. */
  on?: (event: 'transport:down' | 'transport:up', listener: () => void) => void;
}

interface FayeInternals {
  _state?: number;
  _dispatcher?: { close(): void; _envelopes?: Map<unknown, { timer?: NodeJS.Timeout | null }> };
}

/**
 * Closes a Faye client for good. Faye's own disconnect() is a no-op unless the client is
 * CONNECTED, and a client that is handshaking or retrying keeps its retry timers (and the
 * process) alive forever, so after it the client is marked DISCONNECTED (4) and its pending
 * envelopes and transport are dropped.
 */
export function closeStreamingClient(client: FayeClient): void {
  client.disconnect?.();
  const internals = client as unknown as FayeInternals;
  internals._state = 4;
  const dispatcher = internals._dispatcher;
  if (!dispatcher) return;
  for (const envelope of dispatcher._envelopes?.values() ?? []) {
    if (envelope.timer) clearTimeout(envelope.timer);
    envelope.timer = null;
  }
  dispatcher._envelopes?.clear();
  dispatcher.close();
}

function toRecordResult(raw: unknown): RecordResult {
  const value = raw as { id?: unknown; success?: unknown; created?: unknown; errors?: unknown };
  const errors = Array.isArray(value.errors) ? value.errors : [];
  return {
    id: typeof value.id === 'string' ? value.id : null,
    success: value.success === true,
    ...(typeof value.created === 'boolean' ? { created: value.created } : {}),
    errors: errors.map((e: unknown) => {
      const error = e as { statusCode?: unknown; errorCode?: unknown; message?: unknown; fields?: unknown };
      const code =
        typeof error.statusCode === 'string'
          ? error.statusCode
          : typeof error.errorCode === 'string'
            ? error.errorCode
            : 'UNKNOWN_EXCEPTION';
      return {
        code,
        message: typeof error.message === 'string' ? error.message : '',
        fields: Array.isArray(error.fields)
          ? error.fields.filter((f): f is string => typeof f === 'string')
          : [],
      };
    }),
  };
}

/** The error of a failed composite subrequest (its body is a Salesforce error list). */
function subrequestError(body: unknown, status: unknown): { errorCode: string; message: string } & Error {
  const first = (Array.isArray(body) ? body[0] : body) as
    { errorCode?: unknown; message?: unknown } | undefined;
  const errorCode =
    typeof first?.errorCode === 'string'
      ? first.errorCode
      : typeof status === 'number'
        ? `ERROR_HTTP_${String(status)}`
        : 'UNKNOWN_EXCEPTION';
  const message = typeof first?.message === 'string' ? first.message : 'composite subrequest failed';
  return Object.assign(new Error(message), { errorCode });
}

/** A collection write's per-record results and whether the platform events that rode with it failed. */
export interface PublishedWrite {
  results: RecordResult[];
  publishError: { code: string; message: string } | null;
}

export class SalesforceClient {
  readonly #options: SalesforceClientOptions;
  readonly #retry: RetryPolicy;
  /**
   * Options of every raw request: our own withRetry owns retries of writes (jsforce would otherwise
   * retry a DELETE for ~15 s inside one call), and a request gives up after the timeout (jsforce's
   * own default is 30 minutes).
   */
  readonly #requestOptions: { retry: { maxRetries: number }; timeout: number };
  readonly #logger: Logger;
  #connection: Connection | undefined;
  #minting: Promise<AccessToken> | undefined;
  #usage: { used: number; limit: number } | undefined;
  #usageAt: Date | undefined;
  #budgetPercent: number | null = null;
  #budgetWarned = false;
  /** Called after every successful token refresh (streaming clients must be rebuilt then). */
  onRefresh: () => void = () => undefined;
  refreshCount = 0;
  /** Why the last token refresh failed (jsforce rethrows it as a plain message, its code lost). */
  #refreshError: Error | undefined;

  constructor(options: SalesforceClientOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'salesforce' });
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#requestOptions = {
      retry: { maxRetries: 0 },
      timeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    };
  }

  #mint(first: boolean): Promise<AccessToken> {
    const { tokenSource, auth } = this.#options;
    if (tokenSource !== undefined) return first ? tokenSource.initial() : tokenSource.refresh();
    if (auth === undefined) throw new Error('SalesforceClient needs auth or a tokenSource');
    return mintToken({
      loginUrl: this.#options.loginUrl,
      auth,
      now: this.#options.clock.now(),
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
    });
  }

  /** Mints a token (one mint in flight at a time, shared by every caller). */
  async #token(first = false): Promise<AccessToken> {
    this.#minting ??= this.#mint(first).finally(() => {
      this.#minting = undefined;
    });
    return this.#minting;
  }

  async connect(): Promise<void> {
    const token = await withRetry('oauth2/token', this.#retry, () => this.#token(true));
    this.#connection = new Connection({
      instanceUrl: this.#options.instanceUrl ?? token.instanceUrl,
      accessToken: token.accessToken,
      version: this.#options.apiVersion,
      callOptions: { client: CALL_OPTIONS_CLIENT },
      // On 401 jsforce calls this once, waits for it (one refresh in flight) and retries the request
      // with the new token: a new mint for client credentials and JWT bearer, the refresh-token
      // grant for a rep's connection.
      refreshFn: (_conn, callback) => {
        this.#token().then(
          (fresh) => {
            this.refreshCount += 1;
            this.#logger.info('access token re-minted after 401');
            callback(null, fresh.accessToken);
            this.onRefresh();
          },
          (error: unknown) => {
            const failure = error instanceof Error ? error : new Error(String(error));
            this.#refreshError = failure;
            callback(failure);
          },
        );
      },
    });
  }

  /** Mints a fresh token and puts it on the connection (after a streaming auth failure). */
  async reauthenticate(): Promise<void> {
    const token = await withRetry('oauth2/token', this.#retry, () => this.#token());
    this.connection.accessToken = token.accessToken;
    this.refreshCount += 1;
  }

  get connection(): Connection {
    if (!this.#connection) throw new Error('SalesforceClient.connect() was not called');
    return this.#connection;
  }

  get accessToken(): string {
    return this.connection.accessToken ?? '';
  }

  setBudgetPercent(percent: number | null): void {
    this.#budgetPercent = percent;
  }

  apiUsage(): { used: number; limit: number; budgetPercent: number | null } | null {
    return this.#usage ? { ...this.#usage, budgetPercent: this.#budgetPercent } : null;
  }

  /** When the response carrying the latest Sforce-Limit-Info arrived. */
  apiUsageAt(): Date | undefined {
    return this.#usageAt;
  }

  /** True when the last Sforce-Limit-Info says we spent our share of the daily allowance (the shared budget rule). */
  overBudget(): boolean {
    if (!this.#usage || this.#budgetPercent === null) return false;
    return apiBudget(this.#usage.used, this.#usage.limit, this.#budgetPercent).overBudget;
  }

  #readLimits(): void {
    const usage = this.#connection?.limitInfo.apiUsage;
    if (!usage) return;
    this.#usage = { used: usage.used, limit: usage.limit };
    this.#usageAt = this.#options.clock.now();
    this.#options.metrics?.apiUsage.set({ kind: 'used' }, usage.used);
    this.#options.metrics?.apiUsage.set({ kind: 'limit' }, usage.limit);
  }

  /** Runs one Salesforce call with retry, limit tracking and metrics. */
  async call<T>(operation: string, work: (conn: Connection) => Promise<T>): Promise<T> {
    if (this.overBudget()) {
      // Near the budget: slow down and say so, never fail the work.
      if (!this.#budgetWarned)
        this.#logger.warn(
          { usage: this.#usage, budgetPercent: this.#budgetPercent },
          'API budget reached: slowing down',
        );
      this.#budgetWarned = true;
      await this.#retry.sleep(2_000);
    } else {
      this.#budgetWarned = false;
    }
    try {
      const result = await withRetry(operation, this.#retry, async () => {
        try {
          return await work(this.connection);
        } catch (error) {
          // A 401 whose refresh failed: the refusal's own code (INVALID_GRANT, …) is what went wrong.
          const refused = this.#refreshError;
          if (refused !== undefined && error instanceof Error && error.message.includes(refused.message))
            throw refused;
          throw error;
        } finally {
          this.#readLimits();
        }
      });
      this.#options.metrics?.salesforceCalls.inc({ result: 'ok' });
      return result;
    } catch (error) {
      this.#options.metrics?.salesforceCalls.inc({ result: 'error' });
      throw error;
    }
  }

  async query<T extends SObjectRecord>(soql: string, options: { all?: boolean } = {}): Promise<T[]> {
    return this.call(`query ${soql.slice(0, 60)}`, async (conn) => {
      const result = await conn.query<T>(soql, {
        autoFetch: true,
        maxFetch: 100_000,
        scanAll: options.all ?? false,
      });
      return result.records;
    });
  }

  /** Upserts up to 200 Tasks by SIA_Task_Id__c in one sObject Collections call, allOrNone=false. */
  async upsertTasks(records: SObjectRecord[]): Promise<RecordResult[]> {
    if (records.length > 200) throw new RangeError('a collection holds at most 200 records');
    return this.call('upsert Task collection', async (conn) => {
      const body = {
        allOrNone: false,
        records: records.map((record) => ({ attributes: { type: 'Task' }, ...record })),
      };
      const raw = await conn.requestPatch<unknown[]>(
        '/composite/sobjects/Task/SIA_Task_Id__c',
        body,
        this.#requestOptions,
      );
      return raw.map(toRecordResult);
    });
  }

  /**
   * Upserts up to 200 Tasks by SIA_Task_Id__c (allOrNone=false) and publishes platform events
   * (e.g. SIA_Sync_Notice__e) in ONE composite call (REST API Developer Guide, "Composite": the
   * whole request counts as one call toward the API limits; allOrNone=false,
   * so a failed publish never rolls back a record). The upsert's outcome is thrown like a plain
   * collection call's; the publish's failure is returned, never thrown (retrying the call for it
   * would re-send the records).
   */
  async upsertTasksAndPublish(
    records: SObjectRecord[],
    events: { type: string; records: SObjectRecord[] },
  ): Promise<PublishedWrite> {
    if (events.records.length === 0) return { results: await this.upsertTasks(records), publishError: null };
    return this.#writeAndPublish(
      'upsert Task collection + publish',
      'composite/sobjects/Task/SIA_Task_Id__c',
      'Task',
      records,
      events,
    );
  }

  /** Updates up to 200 records by Id and publishes platform events in ONE composite call (as upsertTasksAndPublish). */
  async updateRecordsAndPublish(
    type: string,
    records: (SObjectRecord & { Id: string })[],
    events: { type: string; records: SObjectRecord[] },
  ): Promise<PublishedWrite> {
    if (events.records.length === 0)
      return { results: await this.updateRecords(type, records), publishError: null };
    return this.#writeAndPublish(
      `update ${type} collection + publish`,
      'composite/sobjects',
      type,
      records,
      events,
    );
  }

  async #writeAndPublish(
    operation: string,
    collectionPath: string,
    type: string,
    records: SObjectRecord[],
    events: { type: string; records: SObjectRecord[] },
  ): Promise<PublishedWrite> {
    if (records.length > 200 || events.records.length > 200)
      throw new RangeError('a collection holds at most 200 records');
    const base = `/services/data/v${this.#options.apiVersion}`;
    return this.call(operation, async (conn) => {
      const body = {
        allOrNone: false,
        compositeRequest: [
          {
            method: 'PATCH',
            url: `${base}/${collectionPath}`,
            referenceId: 'upsert',
            body: {
              allOrNone: false,
              records: records.map((record) => ({ attributes: { type }, ...record })),
            },
          },
          {
            method: 'POST',
            url: `${base}/composite/sobjects`,
            referenceId: 'publish',
            body: {
              allOrNone: false,
              records: events.records.map((record) => ({ attributes: { type: events.type }, ...record })),
            },
          },
        ],
      };
      const raw = await conn.requestPost<{ compositeResponse?: unknown }>(
        '/composite',
        body,
        this.#requestOptions,
      );
      const responses = Array.isArray(raw.compositeResponse)
        ? (raw.compositeResponse as { referenceId?: unknown; httpStatusCode?: unknown; body?: unknown }[])
        : [];
      const upsert = responses.find((r) => r.referenceId === 'upsert');
      const publish = responses.find((r) => r.referenceId === 'publish');
      if (!upsert || typeof upsert.httpStatusCode !== 'number' || upsert.httpStatusCode >= 300) {
        // The upsert subrequest itself failed (not a record of it): the whole batch failed, as a
        // plain collection call would have thrown. Thrown errors go through withRetry.
        throw subrequestError(upsert?.body, upsert?.httpStatusCode);
      }
      const results = Array.isArray(upsert.body) ? upsert.body.map(toRecordResult) : [];
      let publishError: { code: string; message: string } | null = null;
      if (!publish || typeof publish.httpStatusCode !== 'number' || publish.httpStatusCode >= 300) {
        const error = subrequestError(publish?.body, publish?.httpStatusCode);
        publishError = { code: error.errorCode, message: error.message };
      } else if (Array.isArray(publish.body)) {
        const failed = publish.body.map(toRecordResult).find((r) => !r.success);
        if (failed)
          publishError = {
            code: failed.errors[0]?.code ?? 'UNKNOWN_EXCEPTION',
            message: failed.errors[0]?.message ?? '',
          };
      }
      return { results, publishError };
    });
  }

  /** Upserts up to 200 records of one type by an external id field in one collection call, allOrNone=false. */
  async upsertRecords(
    type: string,
    externalIdField: string,
    records: SObjectRecord[],
  ): Promise<RecordResult[]> {
    if (records.length > 200) throw new RangeError('a collection holds at most 200 records');
    return this.call(`upsert ${type} collection`, async (conn) => {
      const body = {
        allOrNone: false,
        records: records.map((record) => ({ attributes: { type }, ...record })),
      };
      const raw = await conn.requestPatch<unknown[]>(
        `/composite/sobjects/${type}/${externalIdField}`,
        body,
        this.#requestOptions,
      );
      return raw.map(toRecordResult);
    });
  }

  /** Updates up to 200 records by Id in one collection call, allOrNone=false. */
  async updateRecords(type: string, records: (SObjectRecord & { Id: string })[]): Promise<RecordResult[]> {
    if (records.length > 200) throw new RangeError('a collection holds at most 200 records');
    return this.call(`update ${type} collection`, async (conn) => {
      const body = {
        allOrNone: false,
        records: records.map((record) => ({ attributes: { type }, ...record })),
      };
      const raw = await conn.requestPatch<unknown[]>('/composite/sobjects', body, this.#requestOptions);
      return raw.map(toRecordResult);
    });
  }

  async createRecords(type: string, records: SObjectRecord[]): Promise<RecordResult[]> {
    if (records.length > 200) throw new RangeError('a collection holds at most 200 records');
    return this.call(`create ${type} collection`, async (conn) => {
      const body = {
        allOrNone: false,
        records: records.map((record) => ({ attributes: { type }, ...record })),
      };
      const raw = await conn.requestPost<unknown[]>('/composite/sobjects', body, this.#requestOptions);
      return raw.map(toRecordResult);
    });
  }

  /** Deletes up to 200 records in one collection call, allOrNone=false. */
  async deleteRecords(ids: string[]): Promise<RecordResult[]> {
    if (ids.length > 200) throw new RangeError('a collection holds at most 200 records');
    return this.call('delete collection', async (conn) => {
      const raw = await conn.requestDelete<unknown[]>(
        `/composite/sobjects?ids=${ids.map(encodeURIComponent).join(',')}&allOrNone=false`,
        this.#requestOptions,
      );
      return raw.map(toRecordResult);
    });
  }

  async getUpdated(type: string, start: Date, end: Date): Promise<UpdatedResult> {
    return this.call(`getUpdated ${type}`, (conn) =>
      conn.sobject(type).updated(start.toISOString(), end.toISOString()),
    );
  }

  async getDeleted(type: string, start: Date, end: Date): Promise<DeletedResult> {
    return this.call(`getDeleted ${type}`, (conn) =>
      conn.sobject(type).deleted(start.toISOString(), end.toISOString()),
    );
  }

  /** A CometD client on this connection's token with replay from `replayId` and a hook for auth failures. */
  createStreamingClient(channel: string, replayId: number, onAuthFailure: () => void): FayeClient {
    sliceBigCometdReplies();
    const replay = new StreamingExtension.Replay(channel, replayId);
    const authFailure = new StreamingExtension.AuthFailure(onAuthFailure);
    return this.connection.streaming.createClient([replay, authFailure]);
  }
}

export { SalesforceApiError, errorCodeOf };
