// Integration harness: a real emulator org, the real service (HTTP API, sync engine, store) on
// SQLite or PostgreSQL, and a Salesforce-side user acting through plain REST (jsforce without
// our Sforce-Call-Options client, so its changes are not ours).
import { randomBytes } from 'node:crypto';
import { Connection } from 'jsforce';
import { startEmulator } from '../../emulator/src/index.ts';
import { installPackage, type OrgAccess } from '../../scripts/package-install.ts';
import { forgetSetupCalls } from '../../emulator/test/helpers.ts';
import { startService, type RunningService } from '../src/app.ts';
import type { Clock } from '../src/clock.ts';
import { systemClock } from '../src/clock.ts';
import type { ServiceConfig } from '../src/config.ts';
import { CALLBACK_PATH } from '../src/connections/routes.ts';
import { parseTokenKeys } from '../src/token-keys.ts';
import { authorizeWithoutBrowser } from '../../emulator/test/oauth-kit.ts';
import { createLogger } from '../src/logger.ts';
import type { SyncHooks } from '../src/sync/context.ts';
import type { FirstSyncOptions } from '../src/sync/import.ts';
import { toCaseSafeId } from '../src/sia/shared.ts';
import type { TestDatabase } from './databases.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;
export const API_TOKEN = 'integration-test-token-0123';
export const API_VERSION = '66.0';

/**
 * Polls `probe` until it yields a value. The deadline only bounds how long a failing test takes to
 * say so; it is not a performance claim, so it is generous: the machine running the suite may be
 * busy with other work.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
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

/**
 * An emulator org with the package deployed and its permission sets assigned, as an admin sets one
 * up. The org identity gets least privilege by default (View All Data: it reads every rep's tasks
 * and follows their change events, but may not edit them), so every rep's writes go through the
 * rep's own connection (SyncWorld.enable connects them); `orgAccess: 'modifyAllData'` is the admin
 * who lets the org identity write every rep's tasks.
 */
export async function startTestEmulator(
  clock: Clock = systemClock,
  options: {
    orgAccess?: OrgAccess;
    /** Where the org is saved, so restartTestEmulator can start it again. */
    dataFile?: string;
    /** How long the org keeps events for replay (Salesforce: 72 hours). */
    eventRetentionMs?: number;
    /**
     * How long a CometD /meta/connect waits for events (default 300 ms, so tests that stop a
     * stream are quick; Salesforce holds 110 s, and Faye gives up after 1.2 × this).
     */
    connectHoldMs?: number;
  } = {},
): Promise<Emulator> {
  const emulator = await startEmulator({
    ...testOrgOptions(clock, options),
    ...(options.connectHoldMs === undefined ? {} : { connectHoldMs: options.connectHoldMs }),
    port: 0,
  });
  await installPackage(emulator, { orgAccess: options.orgAccess ?? 'viewAllData' });
  forgetSetupCalls(emulator);
  return emulator;
}

/**
 * The same org started again after `stopped` was closed: on its data file and its ports, so a
 * client that knew it reconnects to the same URLs and finds the records, events and refresh tokens
 * it left (access tokens end with the process). Nothing is installed again.
 */
export async function restartTestEmulator(
  stopped: Emulator,
  dataFile: string,
  clock: Clock = systemClock,
  options: { eventRetentionMs?: number } = {},
): Promise<Emulator> {
  return startEmulator({
    ...testOrgOptions(clock, { ...options, dataFile }),
    port: Number(new URL(stopped.url).port),
    loginPorts: {
      production: Number(new URL(stopped.loginUrls.production).port),
      sandbox: Number(new URL(stopped.loginUrls.sandbox).port),
    },
  });
}

function testOrgOptions(
  clock: Clock,
  options: { dataFile?: string; eventRetentionMs?: number },
): Omit<Parameters<typeof startEmulator>[0], 'port'> {
  return {
    clock,
    connectHoldMs: 300,
    ...(options.dataFile === undefined ? {} : { dataFile: options.dataFile }),
    ...(options.eventRetentionMs === undefined ? {} : { eventRetentionMs: options.eventRetentionMs }),
    users: [
      { username: 'admin@sia-emulator.example', firstName: 'Ada', lastName: 'Admin', timeZone: 'UTC' },
      {
        username: 'integration@sia-emulator.example',
        firstName: 'SIA',
        lastName: 'Integration',
        timeZone: 'UTC',
        profile: 'Minimum Access - Salesforce',
      },
      ...REPS.map((name) => ({
        username: `${name}@sia-emulator.example`,
        firstName: 'Rep',
        lastName: name,
        timeZone: 'UTC',
      })),
    ],
  };
}

export function repId(emulator: Emulator, name: string): string {
  const user = emulator.users.find((u) => u.username === `${name}@sia-emulator.example`);
  if (!user) throw new Error(`no emulator user ${name}`);
  return user.id;
}

/** This test process's token keys (the service seals stored tokens with the first). */
export const TEST_TOKEN_KEYS = `test-1:${randomBytes(32).toString('base64')}`;

export function serviceConfig(emulator: Emulator, database: TestDatabase): ServiceConfig {
  return {
    connections: {
      publicUrl: undefined,
      loginUrls: emulator.loginUrls,
      tokenKeys: parseTokenKeys(TEST_TOKEN_KEYS),
    },
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
  options: {
    clock?: Clock;
    hooks?: SyncHooks;
    leadershipPollMs?: number;
    /** Salesforce request timeout (a fault test makes a delayed answer time out). */
    requestTimeoutMs?: number;
    /** Where the service logs, at trace level (to look for secrets in what it logs). */
    logTo?: { write(line: string): void };
    firstSync?: Partial<FirstSyncOptions>;
    /** Changes to the service's configuration (e.g. a test that drains the outbox itself). */
    config?: Partial<ServiceConfig>;
  } = {},
): Promise<RunningService> {
  const service = await startService({
    config: { ...serviceConfig(emulator, database), ...options.config },
    logger:
      options.logTo === undefined
        ? createLogger({ level: process.env['SIA_TEST_LOG'] ?? 'silent' })
        : createLogger({ level: 'trace', destination: options.logTo }),
    clock: options.clock ?? systemClock,
    defaultMetrics: false,
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 },
    retryLater: { baseDelayMs: 100, maxDelayMs: 300 },
    streamReconnect: { baseDelayMs: 100, maxDelayMs: 500 },
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.leadershipPollMs === undefined ? {} : { leadershipPollMs: options.leadershipPollMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.firstSync === undefined ? {} : { firstSync: options.firstSync }),
  });
  await allowCallback(emulator, service.url);
  return service;
}

/** As the admin in Setup: adds the service's OAuth callback to the connected app's callback URLs. */
export async function allowCallback(emulator: Emulator, serviceUrl: string): Promise<void> {
  const app = (await admin(emulator, 'GET', '/connected-apps/SIA_Sync')) as { callbackUrls: string[] };
  const url = `${serviceUrl}${CALLBACK_PATH}`;
  if (!app.callbackUrls.includes(url))
    await admin(emulator, 'PATCH', '/connected-apps/SIA_Sync', { callbackUrls: [...app.callbackUrls, url] });
}

export interface ConnectAttempt {
  /** The callback's answer. */
  status: number;
  body: string;
  location: string | null;
  /** Where the emulator sent the browser (the callback URL with code and state, or an error). */
  callbackUrl: URL;
}

/**
 * A rep connects their own Salesforce the way SIA's settings page has them do it: the SIA API
 * answers the authorize URL, the rep logs in and approves on the emulator's pages, and the browser
 * lands on the service's callback. `tamper` may change the callback URL before it is followed.
 */
export async function connectRep(
  api: SiaApi,
  siaUserId: string,
  login: { username: string; approve?: boolean; environment?: 'production' | 'sandbox' },
  tamper: (callback: URL) => URL = (url) => url,
): Promise<ConnectAttempt> {
  const started = await api.call<{ authorizeUrl: string }>(
    'POST',
    `/api/v1/users/${siaUserId}/salesforce-connection`,
    { environment: login.environment ?? 'production' },
  );
  if (started.status !== 201)
    throw new Error(`POST salesforce-connection: ${started.status} ${JSON.stringify(started.body)}`);
  const outcome = await authorizeWithoutBrowser(started.body.authorizeUrl, {
    username: login.username,
    ...(login.approve === undefined ? {} : { approve: login.approve }),
  });
  const callbackUrl = tamper(outcome.finalUrl);
  const response = await fetch(callbackUrl, { redirect: 'manual' });
  return {
    status: response.status,
    body: await response.text(),
    location: response.headers.get('location'),
    callbackUrl,
  };
}

/**
 * A Salesforce user working in the org through the REST API (not the service): the admin by
 * default, or the named user (a refresh token from the emulator's admin API, then the OAuth
 * refresh-token grant), e.g. a rep changing their own "My account" settings.
 */
export async function salesforceUser(
  emulator: Emulator,
  username = 'admin@sia-emulator.example',
): Promise<Connection> {
  const { refresh_token } = (await admin(emulator, 'POST', '/refresh-tokens', { username })) as {
    refresh_token: string;
  };
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token,
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

/**
 * Resolves once the wall clock has moved past the current millisecond, so that the next write is
 * strictly later than the last one (conflicts are decided by which write is later).
 */
export async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((resolve) => setImmediate(resolve));
}

/** The replay id of the newest event the org published on `channel` (-1 when none). */
export async function latestReplayId(emulator: Emulator, channel: string): Promise<number> {
  const { events } = (await admin(emulator, 'GET', '/events')) as {
    events: { channel: string; replayId: number }[];
  };
  return Math.max(-1, ...events.filter((e) => e.channel === channel).map((e) => e.replayId));
}

/** The faults armed on the emulator's REST API and not used up yet. */
export async function armedFaults(emulator: Emulator): Promise<unknown[]> {
  return ((await admin(emulator, 'GET', '/faults')) as { faults: unknown[] }).faults;
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

/**
 * An org and a service reached only through its SIA API (a service in a process of its own), with
 * helpers for one SIA user per test.
 */
export class ApiWorld {
  readonly emulator: Emulator;
  readonly sf: Connection;
  readonly api: SiaApi;

  constructor(emulator: Emulator, serviceUrl: string, sf: Connection) {
    this.emulator = emulator;
    this.sf = sf;
    this.api = new SiaApi(serviceUrl);
  }

  /** Registers SIA user `name` mapped to the emulator user of the same name and switches sync on. */
  async enable(
    name: string,
    mode = 'SyncCompleteSkipped',
    timeZone = 'UTC',
    enabledAt: Date = new Date(),
  ): Promise<string> {
    const salesforceUserId = repId(this.emulator, name);
    const put = await this.api.call('PUT', `/api/v1/users/${name}`, {
      email: `${name}@example.com`,
      salesforceUserId,
      timeZone,
    });
    if (put.status !== 200) throw new Error(`PUT user ${name}: ${put.status}`);
    await this.connect(name);
    await setTaskSync(
      await salesforceUser(this.emulator, `${name}@sia-emulator.example`),
      salesforceUserId,
      mode,
      enabledAt,
    );
    await this.waitForMode(name, mode);
    return salesforceUserId;
  }

  /**
   * Registers and switches on `name` without connecting their Salesforce: the org identity writes
   * what it may (creates; everything with Modify All Data), the rest is held until they connect.
   */
  async enableWithoutConnection(name: string, mode = 'SyncCompleteSkipped'): Promise<string> {
    const salesforceUserId = repId(this.emulator, name);
    const put = await this.api.call('PUT', `/api/v1/users/${name}`, {
      email: `${name}@example.com`,
      salesforceUserId,
      timeZone: 'UTC',
    });
    if (put.status !== 200) throw new Error(`PUT user ${name}: ${put.status}`);
    await setTaskSync(
      await salesforceUser(this.emulator, `${name}@sia-emulator.example`),
      salesforceUserId,
      mode,
      new Date(),
    );
    await this.waitForMode(name, mode);
    return salesforceUserId;
  }

  /** The rep connects their own Salesforce in SIA (once; a connected rep stays connected). */
  async connect(name: string): Promise<void> {
    const view = await this.api.call<{ status: string }>(
      'GET',
      `/api/v1/users/${name}/salesforce-connection`,
    );
    if (view.body.status === 'connected') return;
    const outcome = await connectRep(this.api, name, { username: `${name}@sia-emulator.example` });
    if (outcome.status !== 200) throw new Error(`connecting ${name}: ${outcome.status} ${outcome.body}`);
  }

  async waitForMode(name: string, mode: string): Promise<void> {
    await waitFor(`${name} in mode ${mode}`, async () => {
      const status = await this.api.call<{ mode: string }>('GET', `/api/v1/sync/status?ownerId=${name}`);
      return status.body.mode === mode;
    });
  }

  async createTask(body: Record<string, unknown>): Promise<TaskJson> {
    const res = await this.api.call<TaskJson>('POST', '/api/v1/tasks', body);
    if (res.status !== 201) throw new Error(`POST task: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async task(id: string): Promise<TaskJson | undefined> {
    const res = await this.api.call<TaskJson>('GET', `/api/v1/tasks/${id}`);
    return res.status === 200 ? res.body : undefined;
  }

  async patch(id: string, body: Record<string, unknown>): Promise<TaskJson> {
    const res = await this.api.call<TaskJson>('PATCH', `/api/v1/tasks/${id}`, body);
    if (res.status !== 200) throw new Error(`PATCH task: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The Salesforce Task holding this SIA id, once the push landed. */
  async pushed(siaId: string): Promise<SalesforceTask> {
    return waitFor(
      `task ${siaId} in Salesforce`,
      async () => (await this.salesforceTasks(`SIA_Task_Id__c = '${siaId}'`))[0],
    );
  }

  async salesforceTasks(where: string): Promise<SalesforceTask[]> {
    const result = await this.sf.query<SalesforceTask>(
      `SELECT Id, Subject, ActivityDate, Status, Priority, Description, OwnerId, SIA_Task_Id__c FROM Task WHERE ${where}`,
    );
    return result.records;
  }

  /** Waits until the SIA API reports nothing queued for the owner. */
  async settle(ownerId: string): Promise<void> {
    await waitFor('an empty outbox', async () => {
      const status = await this.api.call<{ outboxDepth: number }>(
        'GET',
        `/api/v1/sync/status?ownerId=${ownerId}`,
      );
      return status.status === 200 && status.body.outboxDepth === 0;
    });
  }
}

/** A running org + in-process service pair with helpers for one SIA user per test. */
export class SyncWorld extends ApiWorld {
  readonly service: RunningService;

  constructor(emulator: Emulator, service: RunningService, sf: Connection) {
    super(emulator, service.url, sf);
    this.service = service;
  }

  /**
   * Waits until the service has applied every Task change event the org published so far (its
   * stored replay id has reached the newest one), echoes of its own writes included: what a test
   * asserts afterwards cannot still be changed by an event in flight.
   */
  async caughtUp(): Promise<void> {
    const newest = await latestReplayId(this.emulator, '/data/TaskChangeEvent');
    await waitFor('every Task change event applied', async () => {
      await this.service.engine.idle();
      const stored = await this.service.store.getCheckpoint('replay:/data/TaskChangeEvent');
      return Number(stored ?? -1) >= newest;
    });
    await this.service.engine.idle();
  }

  /** Waits until the engine has nothing queued and nothing due in the outbox. */
  override async settle(ownerId: string): Promise<void> {
    await waitFor('an empty outbox', async () => {
      await this.service.engine.idle();
      return (await this.service.store.outboxDepth(ownerId)) === 0;
    });
    await this.service.engine.idle();
  }
}

export interface SalesforceTask {
  Id: string;
  Subject: string;
  ActivityDate: string | null;
  Status: string;
  Priority: string;
  Description: string | null;
  OwnerId: string;
  SIA_Task_Id__c: string | null;
}
