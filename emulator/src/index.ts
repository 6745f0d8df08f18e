// startEmulator(): a local Salesforce org on 127.0.0.1 that jsforce and the Salesforce CLI accept. It
// starts as an org with the standard objects only (or as its --data file left it); a package arrives
// by a Metadata API deploy, as on a real org.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, importX509, type CryptoKey } from 'jose';
import { FaultInjector } from './admin/faults.ts';
import { RequestLog } from './admin/request-log.ts';
import type { OAuthConfig } from './auth/oauth-token.ts';
import { SessionStore } from './auth/session-store.ts';
import { BulkJobs } from './bulk/bulk-jobs.ts';
import type { BulkAllocations } from './bulk/bulk-usage.ts';
import { createOrg, DEFAULT_USERS, type OrgUser, type UserSeed } from './org/org.ts';
import { RecycleBin } from './org/recycle-bin.ts';
import { ApiUsage } from './rest/api-usage.ts';
import { QueryCursors } from './rest/query-cursors.ts';
import { applyMetadata } from './metadata/apply.ts';
import { DeployJobs } from './metadata/deploy.ts';
import { OrgMetadata } from './metadata/org-metadata.ts';
import { buildSchema } from './metadata/schema-from-metadata.ts';
import { systemClock, type Clock } from './schema/types.ts';
import { isKnownChannel } from './server/change-events.ts';
import type { EmulatorState } from './server/emulator-state.ts';
import { createRequestHandler } from './server/http-server.ts';
import { loadSnapshot, SnapshotWriter } from './server/persistence.ts';
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
}

export interface RunningEmulator {
  url: string;
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
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(options.changeDataCaptureEntities === undefined
      ? {}
      : { changeDataCaptureAllowance: options.changeDataCaptureEntities }),
  });
  // Rows that follow the deployed metadata (permission sets, custom permissions) are rebuilt from it.
  if (snapshot?.metadata !== undefined) applyMetadata(org, undefined);
  const oauth: OAuthConfig = {
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    runAsUsername: options.runAsUsername ?? users[1]?.username ?? users[0]?.username ?? '',
    jwtKey: await jwtKey(options),
    audiences: [
      'https://login.salesforce.com',
      'https://test.salesforce.com',
      ...(options.jwtAudiences ?? []),
    ],
  };
  const sessions = new SessionStore({ clock, ttlSeconds: options.tokenTtlSeconds ?? 7200 });
  const bus = createEventBus({
    clock,
    ...(options.eventRetentionMs === undefined ? {} : { retentionMs: options.eventRetentionMs }),
  });
  if (snapshot?.events !== undefined) bus.importRetained(snapshot.events);
  const writer =
    options.dataFile === undefined ? undefined : new SnapshotWriter(org, options.dataFile, undefined, bus);
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
      ...(options.bulkAllocations === undefined ? {} : { allocations: options.bulkAllocations }),
    }),
    requestLog: new RequestLog(),
    faults: new FaultInjector(),
    deployJobs: new DeployJobs(applyMetadata),
    oauth,
    runSoql,
    baseUrl: '',
  };
  const cometd = createCometdHandler({
    bus,
    sessions,
    isKnownChannel: (channel) => isKnownChannel(schema, channel),
    clock,
    ...(options.connectHoldMs === undefined ? {} : { connectHoldMs: options.connectHoldMs }),
  });
  const handler = createRequestHandler({ state, cometd });
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://${host}:${port}`;
  let closed = false;
  return {
    url: state.baseUrl,
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
      await new Promise<void>((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
        server.closeAllConnections();
      });
      writer?.flush();
    },
  };
}
