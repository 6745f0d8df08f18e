// The benchmark's world: an emulator org as a process of its own (scripts/bench/emulator-process.ts,
// the service tests' org with the package installed) and the real service as another
// (`node service/src/main.ts`, configured by environment as an operator would), so each one's peak
// memory is its own and neither shares an event loop with the benchmark's load generators.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from 'jsforce';
import pg from 'pg';
import { API_TOKEN, API_VERSION, SiaApi } from '../../service/test/harness.ts';
import { CALLBACK_PATH } from '../../service/src/connections/routes.ts';
import { PROBE_MARKER, type LoggedRequest } from './stats.ts';
import { SERVICE_ENTRY, SERVICE_NODE_FLAGS } from '../service-runtime.ts';

export { API_VERSION, SiaApi };

const root = resolve(import.meta.dirname, '..', '..');

/** PostgreSQL for the benchmarks that run on it (a schema of their own, dropped afterwards). */
export const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The machine's 1, 5 and 15 minute load averages, two decimals. */
export function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg().map((l) => Math.round(l * 100) / 100);
  return [one, five, fifteen];
}

/** The org, running in its own process. */
export interface Emulator {
  url: string;
  clientId: string;
  clientSecret: string;
  loginUrls: { production: string; sandbox: string };
  users: { id: string; username: string }[];
  pid: number;
  /** Peak resident set size of the org process so far (Linux VmHWM), bytes; NaN elsewhere. */
  peakRss(): number;
  close(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat in clock ticks of
 * 1/100 s (Linux's USER_HZ); NaN where /proc is missing.
 */
export function cpuSeconds(pid: number): number {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15, so 11 and 12 after the state (field 3).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** Ends a child process: TERM, then KILL if it has not exited within 15 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (!(await exited(child, 15_000))) {
    child.kill('SIGKILL');
    await exited(child, 5_000);
  }
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

/** A jsforce connection as a Salesforce user (by default the admin), as the service tests make. */
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
  if (!response.ok) throw new Error(`refresh token login of ${username}: ${response.status}`);
  const token = (await response.json()) as { access_token: string; instance_url: string };
  return new Connection({
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    version: API_VERSION,
  });
}

export function repId(emulator: Emulator, name: string): string {
  const user = emulator.users.find((u) => u.username === `${name}@sia-emulator.example`);
  if (!user) throw new Error(`no emulator user ${name}`);
  return user.id;
}

/** As the admin in Setup: adds the service's OAuth callback to the connected app's callback URLs. */
export async function allowCallback(emulator: Emulator, serviceUrl: string): Promise<void> {
  const app = (await admin(emulator, 'GET', '/connected-apps/SIA_Sync')) as { callbackUrls: string[] };
  const url = `${serviceUrl}${CALLBACK_PATH}`;
  if (!app.callbackUrls.includes(url))
    await admin(emulator, 'PATCH', '/connected-apps/SIA_Sync', { callbackUrls: [...app.callbackUrls, url] });
}

/** Starts the org process and waits for its URL. */
async function startEmulatorProcess(orgAccess: 'viewAllData' | 'modifyAllData'): Promise<Emulator> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'emulator-process.ts'), orgAccess], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const info = await new Promise<Omit<Emulator, 'pid' | 'peakRss' | 'close'>>((resolveInfo, rejectInfo) => {
    const timer = setTimeout(() => {
      rejectInfo(new Error(`the emulator did not start within 60 s: ${stderr}`));
    }, 60_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveInfo(JSON.parse(line) as Omit<Emulator, 'pid' | 'peakRss' | 'close'>);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectInfo(new Error(`the emulator exited with ${String(code)} before listening: ${stderr}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    ...info,
    pid,
    peakRss: () => procStatus(pid, 'VmHWM'),
    async close() {
      child.stdin.end();
      if (!(await exited(child, 15_000))) await stopChild(child);
    },
  };
}

/**
 * An org for the benchmarks. By default the org identity holds Modify All Data, so it writes every
 * rep's tasks and reps need not connect (what the push, import and email numbers measure);
 * `viewAllData` is least privilege, where each rep's edits go through their own connection.
 */
export async function startOrg(
  orgAccess: 'viewAllData' | 'modifyAllData' = 'modifyAllData',
): Promise<{ emulator: Emulator; sf: Connection }> {
  const emulator = await startEmulatorProcess(orgAccess);
  try {
    // The naive baselines spend one call per record: lift the 15,000-a-day allowance so no run hits it.
    await admin(emulator, 'PUT', '/limits', { max: 10_000_000 });
    return { emulator, sf: await salesforceUser(emulator) };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

export async function requestLog(emulator: Emulator): Promise<LoggedRequest[]> {
  const body = (await admin(emulator, 'GET', '/requests')) as { requests: LoggedRequest[] };
  return body.requests;
}

export async function clearRequestLog(emulator: Emulator): Promise<void> {
  await admin(emulator, 'DELETE', '/requests');
}

export async function seed(
  emulator: Emulator,
  records: {
    type: string;
    fields: Record<string, unknown>;
    createdDate?: string;
    lastModifiedDate?: string;
  }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < records.length; i += 5_000) {
    const body = (await admin(emulator, 'POST', '/records', { records: records.slice(i, i + 5_000) })) as {
      ids: string[];
    };
    ids.push(...body.ids);
  }
  return ids;
}

/** Number of records matching `where`, by a SOQL probe the request-log counts leave out. */
export async function probeCount(sf: Connection, object: string, where: string): Promise<number> {
  const result = await sf.query(
    `SELECT COUNT() FROM ${object} WHERE ${where} AND Subject != '${PROBE_MARKER}'`,
  );
  return result.totalSize;
}

/** Polls `probe` every `everyMs` until it returns a value, or gives up after `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ServiceProcess {
  url: string;
  api: SiaApi;
  pid: number;
  /** Its PostgreSQL schema (unused on SQLite). */
  schema: string;
  /** Peak resident set size of the service process so far (Linux VmHWM), bytes; NaN elsewhere. */
  peakRss(): number;
  /** Current resident set size, bytes; NaN where /proc is missing. */
  rss(): number;
  stop(): Promise<void>;
}

export type BenchDatabase = 'sqlite' | 'postgres';

/** The most recently changed source the compiled service is built from (its code and the package's). */
function newestSource(): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const dir of [join(root, 'service', 'src'), join(root, 'force-app', 'main', 'default', 'lwc')]) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      const path = join(entry.parentPath, entry.name);
      const { mtimeMs } = statSync(path);
      if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
    }
  }
  return newest;
}

/**
 * Starts the service as production runs it (`npm run service`: the compiled dist/service/src/main.js
 * under SERVICE_NODE_FLAGS, which the bench scripts build first) against the org with its production
 * defaults (timers, retries), on SQLite in a temp file or on PostgreSQL in a schema of its own
 * (dropped when it stops).
 */
export async function startServiceProcess(
  emulator: Emulator,
  extraEnv: Record<string, string> = {},
  database: BenchDatabase = 'sqlite',
  /** On PostgreSQL: join another instance's schema (that instance drops it) instead of a new one. */
  sharedWith?: ServiceProcess,
): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sia-bench-'));
  const schema = sharedWith?.schema ?? `sia_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store =
    database === 'sqlite'
      ? { DATABASE_URL: `sqlite:${join(dir, 'sia.sqlite')}` }
      : { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema };
  if (!existsSync(SERVICE_ENTRY))
    throw new Error(`${SERVICE_ENTRY} is missing: run npm run build:service (npm run bench does)`);
  const newer = newestSource();
  if (newer !== undefined && newer.mtimeMs > statSync(SERVICE_ENTRY).mtimeMs)
    throw new Error(`${newer.path} is newer than ${SERVICE_ENTRY}: run npm run build:service first`);
  // BENCH_SERVICE_NODE_FLAGS replaces the service's Node flags ('' runs it without a heap budget).
  const flagsOverride = process.env['BENCH_SERVICE_NODE_FLAGS'];
  const flags = flagsOverride === undefined ? SERVICE_NODE_FLAGS : flagsOverride.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, SERVICE_ENTRY], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      SF_LOGIN_URL: emulator.url,
      SF_CLIENT_ID: emulator.clientId,
      SF_CLIENT_SECRET: emulator.clientSecret,
      SF_API_VERSION: API_VERSION,
      ...store,
      HOST: '127.0.0.1',
      PORT: '0',
      SIA_API_TOKEN: API_TOKEN,
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timer = setTimeout(() => {
      rejectUrl(new Error(`the service did not start within 30 s: ${stderr}`));
    }, 30_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const logFile = process.env['BENCH_SERVICE_LOG'];
    lines.on('line', (line) => {
      // BENCH_SERVICE_LOG=<file> keeps the service's log lines, to see what it did during a run.
      if (logFile !== undefined && logFile !== '') appendFileSync(logFile, `${line}\n`);
      if (!line.includes('SIA sync service listening')) return;
      const parsed = JSON.parse(line) as { url?: string };
      if (parsed.url === undefined) return;
      clearTimeout(timer);
      // Keep reading so the pipe never fills and blocks the service's logger.
      resolveUrl(parsed.url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`the service exited with ${String(code)} before listening: ${stderr}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    url,
    api: new SiaApi(url),
    pid,
    schema,
    peakRss: () => procStatus(pid, 'VmHWM'),
    rss: () => procStatus(pid, 'VmRSS'),
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      if (database === 'postgres' && sharedWith === undefined) {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query(`drop schema if exists "${schema}" cascade`);
        } finally {
          await client.end();
        }
      }
    },
  };
}

/** Registers SIA user `name` for the emulator user of the same name (no sync switched on yet). */
export async function putUser(service: ServiceProcess, emulator: Emulator, name: string): Promise<string> {
  const salesforceUserId = repId(emulator, name);
  const put = await service.api.call('PUT', `/api/v1/users/${name}`, {
    email: `${name}@example.com`,
    salesforceUserId,
    timeZone: 'UTC',
  });
  if (put.status !== 200) throw new Error(`PUT user ${name}: ${put.status} ${JSON.stringify(put.body)}`);
  return salesforceUserId;
}

/** The user's sync mode as the service reports it. */
export async function syncStatus(
  service: ServiceProcess,
  ownerId: string,
): Promise<{ mode: string; outboxDepth: number; enabledAt: string | null }> {
  const res = await service.api.call<{ mode: string; outboxDepth: number; enabledAt: string | null }>(
    'GET',
    `/api/v1/sync/status?ownerId=${ownerId}`,
  );
  if (res.status !== 200) throw new Error(`sync status ${ownerId}: ${res.status}`);
  return res.body;
}

export interface TaskJson {
  id: string;
  details: string | null;
  salesforceTaskId: string | null;
}

/** Every SIA task of the owner, through the API's cursor paging (bounded to `max` tasks). */
export async function allTasks(service: ServiceProcess, ownerId: string, max = 20_000): Promise<TaskJson[]> {
  const tasks: TaskJson[] = [];
  let cursor: string | null = null;
  while (tasks.length < max) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res: { status: number; body: { tasks: TaskJson[]; nextCursor: string | null } } =
      await service.api.call('GET', `/api/v1/tasks?ownerId=${ownerId}&view=all&limit=200${query}`);
    if (res.status !== 200) throw new Error(`list tasks: ${res.status}`);
    tasks.push(...res.body.tasks);
    cursor = res.body.nextCursor;
    if (cursor === null) break;
  }
  return tasks;
}

/** How many of the owner's tasks the SIA API lists, and how many of them are linked to Salesforce. */
export async function countTasks(
  service: ServiceProcess,
  ownerId: string,
): Promise<{ total: number; linked: number }> {
  let total = 0;
  let linked = 0;
  let cursor: string | null = null;
  for (;;) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res: { status: number; body: { tasks: TaskJson[]; nextCursor: string | null } } =
      await service.api.call('GET', `/api/v1/tasks?ownerId=${ownerId}&view=all&limit=200${query}`);
    if (res.status !== 200) throw new Error(`list tasks: ${res.status}`);
    total += res.body.tasks.length;
    linked += res.body.tasks.filter((t) => t.salesforceTaskId !== null).length;
    cursor = res.body.nextCursor;
    if (cursor === null) return { total, linked };
  }
}

/** Runs `work` for items with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}

/**
 * An open-loop load at `rate` per second: work(i) starts at start + i / rate, whether or not the
 * earlier ones have finished (at most `maxInFlight` at once; when that many are waiting, the next
 * starts as one ends, so the achieved rate says whether the load kept up). Runs until `count` have
 * started or `stop.on` turns false; resolves when every started one has finished.
 */
export async function paced(
  rate: number,
  count: number,
  work: (index: number) => Promise<void>,
  options: { maxInFlight?: number; stop?: { on: boolean } } = {},
): Promise<{ started: number; ms: number; rate: number }> {
  const maxInFlight = options.maxInFlight ?? 64;
  const stop = options.stop ?? { on: true };
  const t0 = performance.now();
  let next = 0;
  let begun = 0;
  const lanes = Array.from({ length: maxInFlight }, async () => {
    // A function, not the property: the lane re-reads it after each wait.
    const running = (): boolean => stop.on;
    for (;;) {
      if (next >= count || !running()) return;
      const index = next++;
      const due = t0 + (index * 1_000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!running()) return;
      begun += 1;
      await work(index);
    }
  });
  await Promise.all(lanes);
  const ms = performance.now() - t0;
  return { started: begun, ms, rate: (begun * 1_000) / ms };
}
