// What the email logging tests share: a real emulator org, the service database (SQLite or
// PostgreSQL), the real Salesforce client, the SIA API app with the email routes, and an admin
// working in the org through plain REST to seed people and settings. Nothing is mocked.
import { Writable } from 'node:stream';
import { Connection } from 'jsforce';
import { startEmulator } from '../../emulator/src/index.ts';
import type { TestDatabase, TestDatabaseFactory } from './databases.ts';
import { ManualClock } from '../src/clock.ts';
import { createMetrics } from '../src/metrics.ts';
import { buildServer, type SiaServer } from '../src/http/server.ts';
import { createLogger } from '../src/logger.ts';
import { SalesforceClient } from '../src/salesforce/client.ts';
import { TaskService } from '../src/tasks/task-service.ts';
import { toCaseSafeId } from '../src/sia/shared.ts';
import { openDatabase, type OpenDatabase } from '../src/store/database.ts';
import { Store } from '../src/store/store.ts';
import { EmailLogging } from '../src/email/email-logging.ts';
import { registerEmailRoutes } from '../src/email/routes.ts';
import { installPackage } from '../../scripts/package-install.ts';
import { forgetSetupCalls } from '../../emulator/test/helpers.ts';
import { syncLag } from '../src/sync/lag.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;
export const API_TOKEN = 'email-test-token-0123456789';
const API_VERSION = '66.0';

export interface SeedPerson {
  type: 'Lead' | 'Contact' | 'Account' | 'Opportunity' | 'OpportunityContactRole';
  fields: Record<string, unknown>;
  lastModifiedDate?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  counted: boolean;
}

/** A jsforce connection of the org's SIA Sync admin (refresh-token login, as a person would). */
export async function adminConnection(emulator: Emulator): Promise<Connection> {
  const refresh = await fetch(`${emulator.url}/__emulator/refresh-tokens`, {
    method: 'POST',
    headers: { 'x-emulator-secret': emulator.clientSecret, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin@sia-emulator.example' }),
  });
  const { refresh_token } = (await refresh.json()) as { refresh_token: string };
  return tokenFor(emulator, { grant_type: 'refresh_token', refresh_token });
}

async function tokenFor(emulator: Emulator, body: Record<string, string>): Promise<Connection> {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      ...body,
    }),
  });
  const token = (await response.json()) as { access_token: string; instance_url: string };
  return new Connection({
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    version: API_VERSION,
  });
}

export class EmailTestKit {
  readonly emulator: Emulator;
  readonly database: TestDatabase;
  readonly open: OpenDatabase;
  readonly store: Store;
  readonly salesforce: SalesforceClient;
  readonly clock: ManualClock;
  /** An SIA Sync admin working in the org (the settings screens, Setup). */
  readonly admin: Connection;
  app: SiaServer;
  logging: EmailLogging;
  readonly #logger;

  private constructor(parts: {
    emulator: Emulator;
    database: TestDatabase;
    open: OpenDatabase;
    salesforce: SalesforceClient;
    clock: ManualClock;
    admin: Connection;
    logger: ReturnType<typeof createLogger>;
  }) {
    this.emulator = parts.emulator;
    this.database = parts.database;
    this.open = parts.open;
    this.store = new Store(parts.open.db);
    this.salesforce = parts.salesforce;
    this.clock = parts.clock;
    this.admin = parts.admin;
    this.#logger = parts.logger;
    this.logging = this.#newLogging();
    this.app = this.#newApp();
  }

  static async start(factory: TestDatabaseFactory): Promise<EmailTestKit> {
    const emulator = await startEmulator({ port: 0, connectHoldMs: 300 });
    await installPackage(emulator);
    forgetSetupCalls(emulator);
    const database = factory.create();
    const open = await openDatabase(database.config);
    const clock = new ManualClock('2026-11-28T12:00:00Z');
    const logger = createLogger({
      level: process.env['SIA_TEST_LOG'] ?? 'warn',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (process.env['SIA_TEST_LOG'] !== undefined) process.stderr.write(chunk);
          done();
        },
      }),
    });
    const salesforce = new SalesforceClient({
      loginUrl: emulator.url,
      apiVersion: API_VERSION,
      auth: { kind: 'client_credentials', clientId: emulator.clientId, clientSecret: emulator.clientSecret },
      logger,
      clock,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    await salesforce.connect();
    const admin = await adminConnection(emulator);
    const kit = new EmailTestKit({ emulator, database, open, salesforce, clock, admin, logger });
    await kit.app.ready();
    return kit;
  }

  /** Another service instance on the same database and org (scale-out). */
  otherInstance(): EmailLogging {
    return this.#newLogging();
  }

  #newLogging(): EmailLogging {
    return new EmailLogging({
      store: this.store,
      salesforce: this.salesforce,
      clock: this.clock,
      logger: this.#logger,
      settingsTtlMs: 3_600_000,
    });
  }

  #newApp(): SiaServer {
    const app = buildServer({
      store: this.store,
      tasks: new TaskService({ store: this.store, clock: this.clock }),
      sync: {
        apiUsage: () => null,
        reconcile: () => Promise.resolve({ users: 0 }),
        // No engine here: the outbox as stored, no stream followed.
        lag: async () =>
          syncLag(
            false,
            await this.store.outboxSummary(this.clock.now().toISOString()),
            [],
            this.clock.now(),
          ),
      },
      clock: this.clock,
      logger: this.#logger,
      metrics: createMetrics({ defaultMetrics: false }),
      apiToken: API_TOKEN,
    });
    registerEmailRoutes(app, this.logging);
    return app;
  }

  /** A fresh service process against the same org and database (its once-per-org checks run again). */
  async restart(): Promise<void> {
    await this.app.close();
    this.logging = this.#newLogging();
    this.app = this.#newApp();
    await this.app.ready();
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.logging.stop();
    await this.open.close();
    await this.database.dispose();
    await this.emulator.close();
  }

  /** The rep: the emulator's third user, in New York. */
  get rep(): { id: string; salesforceUserId: string } {
    const user = this.emulator.users.find((u) => u.username.startsWith('rep@'));
    if (!user) throw new Error('the emulator has no rep user');
    return { id: 'rep', salesforceUserId: user.id };
  }

  async call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${API_TOKEN}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  }

  async putRep(timeZone = 'America/New_York'): Promise<void> {
    const res = await this.call('PUT', `/api/v1/users/${this.rep.id}`, {
      email: 'rep@example.com',
      salesforceUserId: this.rep.salesforceUserId,
      timeZone,
    });
    if (res.status !== 200) throw new Error(`PUT user: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Replaces every SIA_Sync_Setting__c row with the org row and the rep's row given. */
  async setSettings(org: Record<string, unknown>, rep: Record<string, unknown> | null = null): Promise<void> {
    const rows = await this.admin.query<{ Id: string }>('SELECT Id FROM SIA_Sync_Setting__c');
    if (rows.records.length > 0)
      await this.admin.sobject('SIA_Sync_Setting__c').destroy(rows.records.map((r) => r.Id));
    const created = await this.admin.sobject('SIA_Sync_Setting__c').create([
      { Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'DoNotSync', ...org },
      ...(rep === null
        ? []
        : [
            {
              Scope_Key__c: toCaseSafeId(this.rep.salesforceUserId),
              User__c: this.rep.salesforceUserId,
              ...rep,
            },
          ]),
    ]);
    for (const result of created)
      if (!result.success) throw new Error(`settings row refused: ${JSON.stringify(result)}`);
    this.logging.settings.invalidate();
  }

  /** Seeds org records (with a back-dated LastModifiedDate where given); returns their ids in order. */
  async seed(records: SeedPerson[]): Promise<string[]> {
    const response = await fetch(`${this.emulator.url}/__emulator/records`, {
      method: 'POST',
      headers: { 'x-emulator-secret': this.emulator.clientSecret, 'content-type': 'application/json' },
      body: JSON.stringify({
        records: records.map((r) => ({
          type: r.type,
          fields: r.fields,
          ...(r.lastModifiedDate === undefined
            ? {}
            : { createdDate: r.lastModifiedDate, lastModifiedDate: r.lastModifiedDate }),
        })),
      }),
    });
    const body = (await response.json()) as { ids?: string[] };
    if (response.status !== 201 || !body.ids)
      throw new Error(`seed: ${response.status} ${JSON.stringify(body)}`);
    return body.ids;
  }

  /** Salesforce data API requests (what counts against the allowance) since the last clear. */
  async apiRequests(): Promise<LoggedRequest[]> {
    const response = await fetch(`${this.emulator.url}/__emulator/requests`, {
      headers: { 'x-emulator-secret': this.emulator.clientSecret },
    });
    const { requests } = (await response.json()) as { requests: LoggedRequest[] };
    return requests.filter((r) => r.path.startsWith('/services/data/') && r.counted);
  }

  /** Payloads of the events the org published on a channel (GET /__emulator/events). */
  async emulatorEvents(channel: string): Promise<Record<string, unknown>[]> {
    const response = await fetch(`${this.emulator.url}/__emulator/events`, {
      headers: { 'x-emulator-secret': this.emulator.clientSecret },
    });
    const { events } = (await response.json()) as {
      events: { channel: string; payload: Record<string, unknown> }[];
    };
    return events.filter((e) => e.channel === channel).map((e) => e.payload);
  }

  /** Arms an emulator fault (status, delay, drop...) for the next matching requests. */
  async fault(spec: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'x-emulator-secret': this.emulator.clientSecret, 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    if (response.status !== 201) throw new Error(`fault: ${response.status} ${await response.text()}`);
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.emulator.url}/__emulator/faults`, {
      method: 'DELETE',
      headers: { 'x-emulator-secret': this.emulator.clientSecret },
    });
  }

  async clearRequests(): Promise<void> {
    await fetch(`${this.emulator.url}/__emulator/requests`, {
      method: 'DELETE',
      headers: { 'x-emulator-secret': this.emulator.clientSecret },
    });
  }

  /** Tasks the service logged, as an admin sees them in the org. */
  async tasks(where = "SIA_Task_Id__c LIKE 'sia-email:%'"): Promise<Record<string, unknown>[]> {
    const result = await this.admin.query<Record<string, unknown>>(
      `SELECT Id, Subject, ActivityDate, Status, OwnerId, WhoId, WhatId, Description, TaskSubtype, Type, SIA_Activity_Type__c, SIA_Campaign__c, SIA_Email_Viewed__c, SIA_Email_Clicked__c, SIA_Email_Replied__c, SIA_Task_Id__c FROM Task WHERE ${where} ORDER BY CreatedDate, Id`,
    );
    return result.records;
  }

  /** Adds "Reply" to the Task Type picklist, as an admin does in Setup. */
  addTaskTypeValue(value: string): void {
    const field = this.emulator.state.org.schema.objects.get('task')?.fields.get('type');
    if (!field?.picklistValues) throw new Error('the emulator Task has no Type picklist');
    field.picklistValues.push({ value, label: value, active: true, defaultValue: false });
  }
}
