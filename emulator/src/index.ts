// startEmulator(): a local Salesforce org on 127.0.0.1 that jsforce and the Salesforce CLI accept. It
// starts as an org with the standard objects only (or as its --data file left it); a package arrives
// by a Metadata API deploy, as on a real org.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, importX509, type CryptoKey } from 'jose';
import { FaultInjector } from './state/faults.ts';
import { RequestLog } from './state/request-log.ts';
import { AuthorizationCodes } from './auth/authorization-codes.ts';
import {
  ConnectedApps,
  DEFAULT_SCOPES,
  syncConnectedApplicationRows,
  type ConnectedApp,
  type PermittedUsers,
  type RefreshTokenPolicy,
} from './auth/connected-apps.ts';
import type { Environment, LoginHost } from './auth/login-host.ts';
import { LoginSessions } from './auth/login-sessions.ts';
import type { OAuthConfig } from './auth/oauth-token.ts';
import { DEFAULT_USER_PASSWORD, UserPasswords } from './auth/passwords.ts';
import { SessionStore } from './auth/session-store.ts';
import { BulkJobs } from './rest/bulk/bulk-jobs.ts';
import type { BulkAllocations } from './rest/bulk/bulk-usage.ts';
import { IdGenerator } from './org/ids.ts';
import { createOrg, DEFAULT_USERS, type OrgUser, type UserSeed } from './org/org.ts';
import { RecycleBin } from './org/recycle-bin.ts';
import { ApiUsage } from './rest/api-usage.ts';
import { QueryCursors } from './rest/query-cursors.ts';
import { applyMetadata } from './metadata/apply.ts';
import { DeployJobs } from './metadata/deploy.ts';
import { OrgMetadata } from './org/org-metadata.ts';
import { buildSchema } from './metadata/schema-from-metadata.ts';
import { systemClock, type Clock } from './schema/types.ts';
import { isKnownChannel } from './org/change-events.ts';
import type { EmulatorState } from './state/emulator-state.ts';
import { createRequestHandler } from './server/http-server.ts';
import { loadSnapshot, SnapshotWriter } from './server/persistence.ts';
import { AccessControl } from './security/access-control.ts';
import { modelProblem, SharingSettings, type SharingModel } from './security/sharing-settings.ts';
import { runSoql } from './soql/index.ts';
import { createCometdHandler, createEventBus } from './streaming/index.ts';

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** JSON file the org is loaded from and saved to; in memory when absent. */
  dataFile?: string;
  clientId?: string;
  clientSecret?: string;
  clock?: Clock;
  /** Access-token lifetime; Salesforce's default session timeout is 2 hours. */
  tokenTtlSeconds?: number;
  /** Daily API request allowance (Developer Edition: 15,000). */
  dailyApiLimit?: number;
  /** Bulk API 2.0 daily allocations; the platform's (10,000 query jobs, 15,000 batches, ...) unless given. */
  bulkAllocations?: Partial<BulkAllocations>;
  /** PEM public key (SPKI) that verifies JWT bearer assertions. */
  jwtPublicKey?: string;
  /** PEM X.509 certificate, as uploaded to a connected app, that verifies JWT bearer assertions. */
  jwtCertificate?: string;
  /** Extra accepted JWT `aud` values (login.salesforce.com and test.salesforce.com are always accepted). */
  jwtAudiences?: string[];
  /** Seeded users; the first is the administrator (profile System Administrator unless given). */
  users?: UserSeed[];
  /** Username of the client-credentials "Run As" user; defaults to the integration user. */
  runAsUsername?: string;
  /**
   * Entities the org may select for change data capture across all channels: 5 in every edition
   * without the Change Data Capture add-on license, more with it.
   * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_allocations.htm
   */
  changeDataCaptureEntities?: number;
  /** Event retention; Salesforce keeps platform and change events 72 hours. */
  eventRetentionMs?: number;
  /** CometD /meta/connect hold time (Salesforce: 110 s); tests use less. */
  connectHoldMs?: number;
  /** Most bytes of events in one CometD connect reply (default 10 MB; see MAX_DELIVERY_BYTES). */
  maxDeliveryBytes?: number;
  /** A sandbox org (Organization.IsSandbox): its users log in on the sandbox login host. */
  sandbox?: boolean;
  /** Ports of the production and sandbox login hosts (login.salesforce.com, test.salesforce.com); 0 or absent picks a free one. */
  loginPorts?: { production?: number; sandbox?: number };
  /** The default connected app's callback URLs and policies (Setup → Manage Connected Apps → Edit Policies). */
  connectedApp?: ConnectedAppOptions;
  /**
   * Organization-wide defaults to start with, by object (`Account`, `Contact`, `Lead`, `Opportunity`,
   * `Activity`); the rest keep the emulator's tight Enterprise defaults (ENTERPRISE_DEFAULTS).
   */
  sharingDefaults?: Partial<Record<string, SharingModel>>;
}

export interface ConnectedAppOptions {
  callbackUrls?: string[];
  scopes?: string[];
  permittedUsers?: PermittedUsers;
  refreshTokenPolicy?: RefreshTokenPolicy;
  blocked?: boolean;
  requirePkce?: boolean;
  requireSecretForWebServerFlow?: boolean;
  requireSecretForRefreshToken?: boolean;
}

export interface RunningEmulator {
  /** The org's instance (My Domain) URL: the REST API, CometD, the admin API and OAuth. */
  url: string;
  /** The login hosts, as login.salesforce.com and test.salesforce.com: OAuth pages and endpoints only. */
  loginUrls: Record<Environment, string>;
  clientId: string;
  clientSecret: string;
  orgId: string;
  users: OrgUser[];
  /** Everything the emulator holds, for in-process tests. */
  state: EmulatorState;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = 'SIA_EMULATOR_CLIENT_ID';
export const DEFAULT_CLIENT_SECRET = 'sia-emulator-client-secret';
/** The Salesforce CLI's callback (`sf org login web`), which the default app lists. */
export const SF_CLI_CALLBACK_URL = 'http://localhost:1717/OauthRedirect';
export { DEFAULT_USER_PASSWORD };

function defaultApp(options: EmulatorOptions, runAsUsername: string): ConnectedApp {
  const app = options.connectedApp ?? {};
  return {
    // A fixed id, so pre-authorizations (SetupEntityAccess rows) survive restarts.
    id: new IdGenerator(0, 'app').next('0H4'),
    name: 'SIA_Sync',
    label: 'SIA Sync',
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    callbackUrls: app.callbackUrls ?? [SF_CLI_CALLBACK_URL],
    scopes: app.scopes ?? DEFAULT_SCOPES,
    permittedUsers: app.permittedUsers ?? 'all',
    refreshTokenPolicy: app.refreshTokenPolicy ?? { kind: 'infinite' },
    blocked: app.blocked ?? false,
    requirePkce: app.requirePkce ?? false,
    requireSecretForWebServerFlow: app.requireSecretForWebServerFlow ?? true,
    requireSecretForRefreshToken: app.requireSecretForRefreshToken ?? true,
    runAsUsername,
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolveClose) => {
    server.close(() => {
      resolveClose();
    });
    server.closeAllConnections();
  });
}

async function jwtKey(options: EmulatorOptions): Promise<CryptoKey | undefined> {
  if (options.jwtCertificate !== undefined) return importX509(options.jwtCertificate, 'RS256');
  if (options.jwtPublicKey !== undefined) return importSPKI(options.jwtPublicKey, 'RS256');
  return undefined;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const clock = options.clock ?? systemClock;
  const snapshot = options.dataFile === undefined ? undefined : loadSnapshot(options.dataFile);
  const metadata = new OrgMetadata(snapshot?.metadata);
  const schema = buildSchema(metadata.all(), metadata.keyPrefixes);
  const users = options.users ?? DEFAULT_USERS;
  const org = createOrg({
    schema,
    metadata,
    clock,
    users,
    sandbox: options.sandbox === true,
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(options.changeDataCaptureEntities === undefined
      ? {}
      : { changeDataCaptureAllowance: options.changeDataCaptureEntities }),
  });
  // Rows that follow the deployed metadata (permission sets, custom permissions) are rebuilt from it.
  if (snapshot?.metadata !== undefined) applyMetadata(org, undefined);
  const runAsUsername = options.runAsUsername ?? users[1]?.username ?? users[0]?.username ?? '';
  const oauth: OAuthConfig = {
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    jwtKey: await jwtKey(options),
    audiences: [
      'https://login.salesforce.com',
      'https://test.salesforce.com',
      ...(options.jwtAudiences ?? []),
    ],
  };
  const apps = new ConnectedApps(snapshot?.auth?.connectedApps);
  // The default app takes its credentials and the policies given at start; what an admin set before a
  // restart (kept with --data) stays for the rest.
  const fresh = defaultApp(options, runAsUsername);
  const kept = apps.byId(fresh.id);
  apps.put(
    kept === undefined
      ? fresh
      : {
          ...kept,
          clientId: fresh.clientId,
          clientSecret: fresh.clientSecret,
          runAsUsername,
          ...options.connectedApp,
        },
  );
  syncConnectedApplicationRows(org, apps);
  org.store.commit();
  const passwords = new UserPasswords(snapshot?.auth?.passwords);
  (options.users ?? DEFAULT_USERS).forEach((seed, index) => {
    const user = org.users[index];
    if (user !== undefined) passwords.seed(user.id, seed.password ?? DEFAULT_USER_PASSWORD);
  });
  const sessions = new SessionStore({
    clock,
    ttlSeconds: options.tokenTtlSeconds ?? 7200,
    ...(snapshot?.auth?.sessions === undefined ? {} : { snapshot: snapshot.auth.sessions }),
  });
  const bus = createEventBus({
    clock,
    ...(options.eventRetentionMs === undefined ? {} : { retentionMs: options.eventRetentionMs }),
  });
  if (snapshot?.events !== undefined) bus.importRetained(snapshot.events);
  for (const [object, model] of Object.entries(options.sharingDefaults ?? {})) {
    const problem = model === undefined ? undefined : modelProblem(object, model);
    if (problem !== undefined) throw new Error(`sharingDefaults: ${problem}`);
  }
  const sharing = new SharingSettings(
    Object.fromEntries(
      Object.entries(options.sharingDefaults ?? {}).filter(
        (entry): entry is [string, SharingModel] => entry[1] !== undefined,
      ),
    ),
    snapshot?.sharing,
  );
  const writer =
    options.dataFile === undefined
      ? undefined
      : new SnapshotWriter(org, options.dataFile, undefined, bus, () => ({
          auth: {
            connectedApps: apps.snapshot(),
            passwords: passwords.snapshot(),
            sessions: sessions.snapshot(),
          },
          sharing: sharing.snapshot(),
        }));
  if (writer !== undefined) {
    for (const part of [apps, passwords, sessions, sharing])
      part.onChange(() => {
        writer.schedule();
      });
  }
  const access = new AccessControl(org, sharing);
  const environment: Environment = options.sandbox === true ? 'sandbox' : 'production';
  const hosts: EmulatorState['hosts'] = {
    instance: { kind: 'instance', environment, baseUrl: '' },
    production: { kind: 'login', environment: 'production', baseUrl: '' },
    sandbox: { kind: 'login', environment: 'sandbox', baseUrl: '' },
  };
  const state: EmulatorState = {
    org,
    recycleBin: new RecycleBin(org),
    sessions,
    usage: new ApiUsage({ clock, dailyLimit: options.dailyApiLimit ?? 15_000 }),
    bus,
    cursors: new QueryCursors(clock),
    bulk: new BulkJobs({
      org,
      bus,
      access: (userId) => {
        const view = access.view(userId);
        return { schema: view.schema, visible: view.visible, guard: view.guard };
      },
      ...(options.bulkAllocations === undefined ? {} : { allocations: options.bulkAllocations }),
    }),
    requestLog: new RequestLog(),
    faults: new FaultInjector(),
    deployJobs: new DeployJobs(applyMetadata),
    oauth,
    apps,
    codes: new AuthorizationCodes(clock),
    passwords,
    logins: new LoginSessions(clock),
    access,
    runSoql,
    baseUrl: '',
    hosts,
  };
  const cometd = createCometdHandler({
    bus,
    // A user without API Enabled cannot use the Streaming API either.
    sessions: {
      validate: (token) => {
        const session = sessions.validate(token);
        return session !== undefined && state.access.user(session.userId).has('ApiEnabled')
          ? session
          : undefined;
      },
    },
    isKnownChannel: (channel) => isKnownChannel(schema, channel),
    deliverable: (userId, event) => state.access.deliverable(userId, event),
    clock,
    ...(options.connectHoldMs === undefined ? {} : { connectHoldMs: options.connectHoldMs }),
    ...(options.maxDeliveryBytes === undefined ? {} : { maxDeliveryBytes: options.maxDeliveryBytes }),
  });
  const serverFor = (host: LoginHost): Server => {
    const handler = createRequestHandler({ state, cometd, host });
    return createServer((req, res) => {
      void handler(req, res);
    });
  };
  const address = options.host ?? '127.0.0.1';
  const servers = {
    instance: serverFor(hosts.instance),
    production: serverFor(hosts.production),
    sandbox: serverFor(hosts.sandbox),
  };
  const ports = {
    instance: await listen(servers.instance, options.port, address),
    production: await listen(servers.production, options.loginPorts?.production ?? 0, address),
    sandbox: await listen(servers.sandbox, options.loginPorts?.sandbox ?? 0, address),
  };
  for (const key of ['instance', 'production', 'sandbox'] as const)
    hosts[key].baseUrl = `http://${address}:${ports[key]}`;
  state.baseUrl = hosts.instance.baseUrl;
  let closed = false;
  return {
    url: state.baseUrl,
    loginUrls: { production: hosts.production.baseUrl, sandbox: hosts.sandbox.baseUrl },
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    orgId: org.orgId,
    users: org.users,
    state,
    async close() {
      if (closed) return;
      closed = true;
      state.bulk.close();
      await cometd.close();
      await Promise.all(Object.values(servers).map(closeServer));
      writer?.close();
    },
  };
}
