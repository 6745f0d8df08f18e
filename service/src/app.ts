// Composition root: wires configuration, store, Salesforce client, sync engine and HTTP API
// together, and takes them apart again in the right order on shutdown.
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import { Connections } from './connections/connections.ts';
import { CALLBACK_PATH, registerConnectionRoutes } from './connections/routes.ts';
import { TokenVault } from './connections/token-vault.ts';
import { EmailLogging } from './email/email-logging.ts';
import { registerEmailRoutes } from './email/routes.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { buildServer, type SiaServer } from './http/server.ts';
import { SalesforceClient } from './salesforce/client.ts';
import type { RetryPolicy } from './salesforce/retry.ts';
import type { RetryLaterBounds } from './salesforce/retry-later-or-report.ts';
import { TaskService } from './tasks/task-service.ts';
import { openDatabase } from './store/database.ts';
import { Store } from './store/store.ts';
import { leadershipFor } from './store/leadership.ts';
import type { SyncHooks } from './sync/context.ts';
import { SyncEngine } from './sync/engine.ts';
import { writeSyncError } from './sync/error-records.ts';
import type { FirstSyncOptions } from './sync/import.ts';
import type { EmailRetry } from './sync/retry-requests.ts';

export interface RunningService {
  url: string;
  server: SiaServer;
  store: Store;
  engine: SyncEngine;
  salesforce: SalesforceClient;
  email: EmailLogging;
  connections: Connections;
  metrics: Metrics;
  /** Graceful stop: no new requests, the in-flight batch finishes, subscriptions and database close. */
  close(): Promise<void>;
}

/** Default of SYNC_SHUTDOWN_TIMEOUT_MS: how long a shutdown may take before the running batch is abandoned. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Closes the service, or gives up waiting after `timeoutMs`. Giving up is safe: each record's
 * outcome is committed on its own, so an abandoned batch leaves only unacknowledged changes in
 * the outbox (sent again on the next start, matched by SIA_Task_Id__c, never duplicated) and an
 * event that was not applied is not checkpointed (replayed on the next start).
 */
export async function closeWithin(
  service: Pick<RunningService, 'close'>,
  timeoutMs: number,
): Promise<{ outcome: 'closed' | 'abandoned'; closing: Promise<void> }> {
  const closing = service.close();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'abandoned'>((resolve) => {
    timer = setTimeout(() => {
      resolve('abandoned');
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([closing.then(() => 'closed' as const), deadline]);
    return { outcome, closing };
  } finally {
    clearTimeout(timer);
  }
}

export interface ServiceDeps {
  config: ServiceConfig;
  logger: Logger;
  clock: Clock;
  hooks?: SyncHooks;
  retry?: Partial<RetryPolicy>;
  /** Backoff of a refused record write retried later (outbox pushes and email activities). */
  retryLater?: RetryLaterBounds;
  /** How long one Salesforce request may take before it fails as a TIMEOUT and is retried. */
  requestTimeoutMs?: number;
  /** Backoff between attempts to reconnect a change stream. */
  streamReconnect?: { baseDelayMs: number; maxDelayMs: number };
  leadershipPollMs?: number;
  defaultMetrics?: boolean;
  /** First-sync import thresholds and page sizes (tests lower them to cover both paths). */
  firstSync?: Partial<FirstSyncOptions>;
}

export async function startService(deps: ServiceDeps): Promise<RunningService> {
  const { config, logger, clock } = deps;
  const database = await openDatabase(config.database);
  const store = new Store(database.db, { lockRows: database.dialect === 'postgres' });
  const metrics = createMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const salesforce = new SalesforceClient({
    loginUrl: config.salesforce.loginUrl,
    instanceUrl: config.salesforce.instanceUrl,
    apiVersion: config.salesforce.apiVersion,
    auth: config.salesforce.auth,
    logger,
    clock,
    metrics,
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: deps.requestTimeoutMs }),
  });
  try {
    await salesforce.connect();
  } catch (error) {
    await database.close();
    throw error;
  }
  const engine = new SyncEngine({
    store,
    salesforce,
    clock,
    logger,
    metrics,
    reconcileIntervalMs: config.reconcileIntervalMs,
    outboxIntervalMs: config.outboxIntervalMs,
    ...(config.outboxCoalesceMs === undefined ? {} : { outboxCoalesceMs: config.outboxCoalesceMs }),
    ...(config.inboundBacklogMax === undefined ? {} : { inboundBacklogMax: config.inboundBacklogMax }),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    ...(deps.retryLater ? { retryLater: deps.retryLater } : {}),
    ...(deps.streamReconnect ? { streamReconnect: deps.streamReconnect } : {}),
    leadership: leadershipFor(config.database),
    emailRetry: (row): ReturnType<EmailRetry> => email.retryFailed(row),
    ...(deps.leadershipPollMs === undefined ? {} : { leadershipPollMs: deps.leadershipPollMs }),
    ...(deps.firstSync === undefined ? {} : { firstSync: deps.firstSync }),
  });
  const tasks = new TaskService({
    store,
    clock,
    onOutbox: () => {
      engine.notifyOutbox();
    },
    onUser: () => {
      engine.notifyUsers();
    },
  });
  const server = buildServer({
    store,
    tasks,
    sync: engine,
    clock,
    logger,
    metrics,
    apiToken: config.apiToken,
  });
  const email = new EmailLogging({
    store,
    salesforce,
    clock,
    logger: logger.child({ component: 'email' }),
    closedStatus: () => engine.ctx.statuses.defaultClosed,
    identities: engine.ctx.identities,
    ...(deps.retryLater ? { retryLater: deps.retryLater } : {}),
  });
  registerEmailRoutes(server, email);
  let url = '';
  const connectionsConfig = config.connections;
  const tokenKeys = connectionsConfig?.tokenKeys;
  const connections = new Connections({
    store,
    vault: tokenKeys === undefined ? undefined : new TokenVault(tokenKeys),
    clock,
    logger,
    metrics,
    apiVersion: config.salesforce.apiVersion,
    clientId: config.salesforce.auth.clientId,
    clientSecret:
      config.salesforce.auth.kind === 'client_credentials' ? config.salesforce.auth.clientSecret : undefined,
    redirectUri: () => `${connectionsConfig?.publicUrl ?? url}${CALLBACK_PATH}`,
    loginUrls: connectionsConfig?.loginUrls ?? {
      production: 'https://login.salesforce.com',
      sandbox: 'https://test.salesforce.com',
    },
    retry: deps.retry,
    onConnected: (user) => {
      engine.notifyConnected(user.id);
    },
    // A connection Salesforce ended is an Authentication error for the admin: in the errors list
    // and on Sync Health (SIA_Sync_Error__c, written by the org identity), once per loss.
    onConnectionLost: async (user, code, message) => {
      const text = `The Salesforce connection of ${user.id} ended (${message}): the user must connect again in SIA settings`;
      await store.recordError({
        category: 'Authentication',
        code,
        message: text,
        direction: 'outbound',
        taskId: null,
        salesforceId: null,
        ownerId: user.id,
        fields: [],
        recordedAt: clock.now().toISOString(),
      });
      await writeSyncError(
        { salesforce, clock, logger },
        {
          category: 'Authentication',
          code,
          message: text,
          direction: 'SiaToSalesforce',
          objectApiName: null,
          recordId: null,
          siaTaskId: null,
          userSalesforceId: user.salesforceUserId,
        },
      );
    },
  });
  // Each rep's changes are written by the org identity where it may edit them, else as the rep.
  engine.ctx.identities.useConnections({
    clientFor: (user) => connections.clientFor(user),
    isConnected: (ownerId) => connections.isConnected(ownerId),
    needsReconnect: async (ownerId) => (await connections.view(ownerId)).needsReconnect,
  });
  registerConnectionRoutes(server, {
    store,
    connections,
    pushRoute: (user) => engine.ctx.identities.describe(user),
  });
  // A SIA_Sync_Setting__c change reaches email logging within seconds, not after its cache expires.
  engine.onSettingsChanged = () => {
    email.settings.invalidate();
  };
  try {
    await engine.start();
    email.start();
    await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    await email.stop();
    await engine.stop();
    await server.close();
    await database.close();
    throw error;
  }
  const address = server.server.address();
  url = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    store,
    engine,
    salesforce,
    email,
    connections,
    metrics,
    close() {
      closing ??= (async () => {
        await server.close();
        await email.stop();
        await engine.stop();
        await database.close();
      })();
      return closing;
    },
  };
}
