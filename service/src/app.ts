// Composition root: wires configuration, store, Salesforce client, sync engine and HTTP API
// together, and takes them apart again in the right order on shutdown.
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import { EmailLogging } from './email/email-logging.ts';
import { registerEmailRoutes } from './email/routes.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { buildServer, type SiaServer } from './http/server.ts';
import { SalesforceClient } from './salesforce/client.ts';
import type { RetryPolicy } from './salesforce/retry.ts';
import { TaskService } from './sia/task-service.ts';
import { openDatabase } from './store/database.ts';
import { Store } from './store/store.ts';
import { leadershipFor } from './store/leadership.ts';
import type { SyncHooks } from './sync/context.ts';
import { SyncEngine } from './sync/engine.ts';
import type { EmailRetry } from './sync/retry-requests.ts';

export interface RunningService {
  url: string;
  server: SiaServer;
  store: Store;
  engine: SyncEngine;
  salesforce: SalesforceClient;
  email: EmailLogging;
  metrics: Metrics;
  /** Graceful stop: no new requests, the in-flight batch finishes, subscriptions and database close. */
  close(): Promise<void>;
}

export interface ServiceDeps {
  config: ServiceConfig;
  logger: Logger;
  clock: Clock;
  hooks?: SyncHooks;
  retry?: Partial<RetryPolicy>;
  outboxRetry?: { baseDelayMs: number; maxDelayMs: number };
  leadershipPollMs?: number;
  defaultMetrics?: boolean;
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
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    ...(deps.outboxRetry ? { outboxRetry: deps.outboxRetry } : {}),
    leadership: leadershipFor(config.database),
    emailRetry: (row): ReturnType<EmailRetry> => email.retryFailed(row),
    ...(deps.leadershipPollMs === undefined ? {} : { leadershipPollMs: deps.leadershipPollMs }),
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
  });
  registerEmailRoutes(server, email);
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
  const url = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    store,
    engine,
    salesforce,
    email,
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
