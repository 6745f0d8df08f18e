// Integration harness: a real emulator org, the real service (HTTP API, sync engine, store) on
// SQLite or PostgreSQL, and a Salesforce-side user acting through plain REST (jsforce without
// our Sforce-Call-Options client, so its changes are not ours).
import { Connection } from 'jsforce';
import { startEmulator } from '../../emulator/src/index.ts';
import { startService, type RunningService } from '../src/app.ts';
import type { Clock } from '../src/clock.ts';
import { systemClock } from '../src/clock.ts';
import type { ServiceConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { SyncHooks } from '../src/sync/context.ts';
import { toCaseSafeId } from '../src/sia/shared.ts';
import type { TestDatabase } from './databases.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;
export const API_TOKEN = 'integration-test-token-0123';
export const API_VERSION = '66.0';

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const REPS = ['rep1', 'rep2', 'rep3', 'rep4', 'rep5', 'rep6', 'rep7', 'rep8', 'rep9', 'rep10'];

export async function startTestEmulator(clock: Clock = systemClock): Promise<Emulator> {
  return startEmulator({
    port: 0,
    clock,
    connectHoldMs: 300,
    users: [
      { username: 'admin@sia-emulator.example', firstName: 'Ada', lastName: 'Admin', timeZone: 'UTC' },
      {
        username: 'integration@sia-emulator.example',
        firstName: 'SIA',
        lastName: 'Integration',
        timeZone: 'UTC',
      },
      ...REPS.map((name) => ({
        username: `${name}@sia-emulator.example`,
        firstName: 'Rep',
        lastName: name,
        timeZone: 'UTC',
      })),
    ],
  });
}

export function repId(emulator: Emulator, name: string): string {
  const user = emulator.users.find((u) => u.username === `${name}@sia-emulator.example`);
  if (!user) throw new Error(`no emulator user ${name}`);
  return user.id;
}

export function serviceConfig(emulator: Emulator, database: TestDatabase): ServiceConfig {
  return {
    salesforce: {
      loginUrl: emulator.url,
      instanceUrl: undefined,
      apiVersion: API_VERSION,
      auth: { kind: 'client_credentials', clientId: emulator.clientId, clientSecret: emulator.clientSecret },
    },
    database: database.config,
    host: '127.0.0.1',
    port: 0,
    apiToken: API_TOKEN,
    reconcileIntervalMs: 3_600_000,
    outboxIntervalMs: 200,
    logLevel: 'silent',
  };
}

export async function startTestService(
  emulator: Emulator,
  database: TestDatabase,
  options: { clock?: Clock; hooks?: SyncHooks } = {},
): Promise<RunningService> {
  return startService({
    config: serviceConfig(emulator, database),
    logger: createLogger({ level: process.env['SIA_TEST_LOG'] ?? 'silent' }),
    clock: options.clock ?? systemClock,
    defaultMetrics: false,
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 },
    outboxRetry: { baseDelayMs: 100, maxDelayMs: 300 },
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
}

/** A Salesforce user working in the org through the REST API (not the service). */
export async function salesforceUser(emulator: Emulator): Promise<Connection> {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    }),
  });
  const token = (await response.json()) as { access_token: string; instance_url: string };
  return new Connection({
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    version: API_VERSION,
  });
}

export async function admin(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method,
    headers: { 'x-emulator-secret': emulator.clientSecret, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export interface LoggedRequest {
  method: string;
  path: string;
  status?: number;
  headers?: Record<string, string>;
  [key: string]: unknown;
}

export async function requestLog(emulator: Emulator): Promise<LoggedRequest[]> {
  const body = (await admin(emulator, 'GET', '/requests')) as { requests: LoggedRequest[] };
  return body.requests;
}

/** Sets a user's task-sync row in SIA_Sync_Setting__c, as the "My account" screen would. */
export async function setTaskSync(
  sf: Connection,
  salesforceUserId: string,
  mode: string,
  enabledAt: Date | null,
): Promise<void> {
  const scope = toCaseSafeId(salesforceUserId);
  const existing = await sf.query<{ Id: string }>(
    `SELECT Id FROM SIA_Sync_Setting__c WHERE Scope_Key__c = '${scope}'`,
  );
  const fields = {
    Task_Sync_Mode__c: mode,
    Task_Sync_Enabled_At__c: enabledAt === null ? null : enabledAt.toISOString(),
  };
  const row = existing.records[0];
  if (row) {
    await sf.sobject('SIA_Sync_Setting__c').update({ Id: row.Id, ...fields });
  } else {
    await sf
      .sobject('SIA_Sync_Setting__c')
      .create({ Scope_Key__c: scope, User__c: salesforceUserId, ...fields });
  }
}

/** The SIA API as a client sees it. */
export class SiaApi {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body shape it expects
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }
}

export interface TaskJson {
  id: string;
  name: string;
  dueDate: string;
  status: string;
  priority: string;
  details: string | null;
  salesforceTaskId: string | null;
}
