// The whole local demo in one process: the org emulator (persisted under the data folder), the
// demo org seeded through its admin API, the sync service on SQLite, and the preview server.
// A second start with the same data folder resumes where the last one stopped.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { startEmulator, type RunningEmulator } from '../../emulator/src/index.ts';
import { installPackage } from '../../scripts/package-install.ts';
import { startService, type RunningService } from '../../service/src/app.ts';
import { systemClock } from '../../service/src/clock.ts';
import { loadConfig } from '../../service/src/config.ts';
import { createLogger } from '../../service/src/logger.ts';
import { SalesforceSession } from '../server/salesforce-session.ts';
import { startPreviewServer, type RunningPreviewServer } from '../server/preview-server.ts';
import { EmulatorAdmin } from './admin-client.ts';
import { buildPreviewInChild, previewBuildReason } from './build-check.ts';
import { DEMO_REP_USERNAME } from './demo-data.ts';
import { assertPortFree } from './ports.ts';
import { SiaApi, seedSalesforce, seedSia, type DemoOrg } from './seed.ts';

export const API_VERSION = '66.0';

export interface DemoOptions {
  dataDir: string;
  previewPort: number;
  reset: boolean;
  /** Progress lines while starting. */
  log: (line: string) => void;
  /** Build preview/dist when it is missing or stale (default); off for tests that load no page. */
  buildPreview?: boolean;
  /** Sync service log level (its log goes to <dataDir>/service.log). */
  serviceLogLevel?: string;
}

export interface RunningDemo {
  url: string;
  emulatorUrl: string;
  serviceUrl: string;
  demo: DemoOrg;
  siaApiToken: string;
  /** The emulator's admin API (seeding records as the org would have them), for tests and tools. */
  emulatorAdmin: EmulatorAdmin;
  resumed: boolean;
  close(): Promise<void>;
}

interface DemoState {
  siaApiToken: string;
  /** SIA_TOKEN_KEYS of the demo's service: the key that seals the rep's stored Salesforce tokens. */
  tokenKeys?: string;
  demo: DemoOrg;
}

const DATA_FILES = [
  'org.json',
  'sia-sync.sqlite',
  'sia-sync.sqlite-wal',
  'sia-sync.sqlite-shm',
  'demo.json',
  'service.log',
];

function readState(file: string): DemoState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { dataDir, log } = options;
  const stateFile = join(dataDir, 'demo.json');
  mkdirSync(dataDir, { recursive: true });
  await assertPortFree(options.previewPort, 'the preview');
  let state = options.reset ? undefined : readState(stateFile);
  if (state === undefined) {
    // A start that never finished seeding leaves no demo.json: start over rather than seed twice.
    for (const name of DATA_FILES) rmSync(join(dataDir, name), { force: true });
  }

  const buildReason = options.buildPreview === false ? undefined : previewBuildReason();
  if (buildReason !== undefined) {
    log(`Building the preview (LWC OSS + lightning-base-components; ${buildReason})…`);
    await buildPreviewInChild();
  }

  const stack: { close(): Promise<void> }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const part of stack.reverse()) await part.close();
  };
  try {
    log(`Starting the Salesforce org emulator (${join(dataDir, 'org.json')})…`);
    const emulator: RunningEmulator = await startEmulator({ port: 0, dataFile: join(dataDir, 'org.json') });
    stack.push(emulator);
    // The admin's path from the README: deploy the package through the Metadata API, then assign
    // the permission sets (a later start deploys again, so a changed force-app reaches the org).
    log('Deploying force-app to the org (Metadata API) and assigning the permission sets…');
    await installPackage(emulator);
    const rep = emulator.users.find((user) => user.username === DEMO_REP_USERNAME);
    if (rep === undefined) throw new Error(`the emulator has no ${DEMO_REP_USERNAME}`);

    const resumed = state !== undefined;
    const now = new Date();
    if (state === undefined) {
      log('Seeding the demo org: accounts, contacts, opportunities, leads, tasks, SIA Sync settings…');
      const demo = await seedSalesforce(new EmulatorAdmin(emulator.url, emulator.clientSecret), rep, now);
      state = { siaApiToken: randomBytes(24).toString('hex'), demo };
    }

    if (state.tokenKeys === undefined) {
      state.tokenKeys = `demo-1:${randomBytes(32).toString('base64')}`;
      if (resumed) writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    }
    log(
      `Starting the sync service (SQLite: ${join(dataDir, 'sia-sync.sqlite')}, log: ${join(dataDir, 'service.log')})…`,
    );
    const config = loadConfig({
      SF_LOGIN_URL: emulator.url,
      SF_INSTANCE_URL: emulator.url,
      SF_CLIENT_ID: emulator.clientId,
      SF_CLIENT_SECRET: emulator.clientSecret,
      SF_API_VERSION: API_VERSION,
      DATABASE_URL: `sqlite:${join(dataDir, 'sia-sync.sqlite')}`,
      PORT: '0',
      SIA_API_TOKEN: state.siaApiToken,
      // The rep's Connect button: the emulator's login hosts, tokens sealed with the demo's key.
      SIA_TOKEN_KEYS: state.tokenKeys,
      SF_PRODUCTION_LOGIN_URL: emulator.loginUrls.production,
      SF_SANDBOX_LOGIN_URL: emulator.loginUrls.sandbox,
      LOG_LEVEL: options.serviceLogLevel ?? 'info',
    });
    const logger = createLogger({
      level: config.logLevel,
      destination: pino.destination({ dest: join(dataDir, 'service.log'), sync: true, mkdir: true }),
    });
    const service: RunningService = await startService({ config, logger, clock: systemClock });
    stack.push(service);
    // As the admin in Setup: the service's OAuth callback (a new port each start) is a callback URL
    // of the connected app, so the rep's Connect comes back to SIA.
    await new EmulatorAdmin(emulator.url, emulator.clientSecret).allowCallback(
      'SIA_Sync',
      `${service.url}/oauth/salesforce/callback`,
    );

    if (!resumed) {
      log('Seeding SIA: the rep’s account and Command Center tasks…');
      await seedSia(new SiaApi(service.url, state.siaApiToken), state.demo, now);
      writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    }

    log('Starting the preview server…');
    const login = (username: string): SalesforceSession =>
      new SalesforceSession({
        emulatorUrl: emulator.url,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        username,
        apiVersion: API_VERSION,
      });
    // The rep works the tasks; the admin (SIA_Sync_Admin) also sees the org settings and sync health.
    const admin = emulator.users.find((user) => user.profile === 'System Administrator');
    const { demo } = state;
    const preview: RunningPreviewServer = await startPreviewServer({
      port: options.previewPort,
      emulatorUrl: emulator.url,
      salesforceUsers: [
        { key: 'rep', session: login(DEMO_REP_USERNAME) },
        ...(admin === undefined ? [] : [{ key: 'admin', session: login(admin.username) }]),
      ],
      apiVersion: API_VERSION,
      serviceUrl: service.url,
      siaApiToken: state.siaApiToken,
      sia: {
        ownerId: demo.siaUserId,
        ownerName: demo.rep.name,
        timeZone: demo.rep.timeZone,
        people: demo.people.map(({ salesforceId, name, kind }) => ({ salesforceId, name, kind })),
      },
      salesforceStart: `#/r/Contact/${demo.contactId}`,
    });
    stack.push(preview);
    return {
      url: preview.url,
      emulatorUrl: emulator.url,
      serviceUrl: service.url,
      demo,
      siaApiToken: state.siaApiToken,
      emulatorAdmin: new EmulatorAdmin(emulator.url, emulator.clientSecret),
      resumed,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
