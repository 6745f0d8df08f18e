// The benchmark's world: an emulator org in this process (the service tests' harness starts it) and
// the real service as its own process (`node service/src/main.ts`, configured by environment as an
// operator would), so its peak memory is its own and it shares no event loop with the org.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Connection } from 'jsforce';
import {
  admin,
  API_TOKEN,
  API_VERSION,
  repId,
  salesforceUser,
  SiaApi,
  startTestEmulator,
  type Emulator,
} from '../../service/test/harness.ts';
import { PROBE_MARKER, type LoggedRequest } from './stats.ts';

export { API_VERSION, repId, SiaApi, type Emulator };

const root = resolve(import.meta.dirname, '..', '..');

/**
 * An org for the benchmarks. By default the org identity holds Modify All Data, so it writes every
 * rep's tasks and reps need not connect (what the push, import and email numbers measure);
 * `viewAllData` is least privilege, where each rep's edits go through their own connection.
 */
export async function startOrg(
  orgAccess: 'viewAllData' | 'modifyAllData' = 'modifyAllData',
): Promise<{ emulator: Emulator; sf: Connection }> {
  const emulator = await startTestEmulator(undefined, { orgAccess });
  // The naive baselines spend one call per record: lift the 15,000-a-day allowance so no run hits it.
  await admin(emulator, 'PUT', '/limits', { max: 10_000_000 });
  return { emulator, sf: await salesforceUser(emulator) };
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
  /** Peak resident set size of the service process so far (Linux VmHWM), bytes; NaN elsewhere. */
  peakRss(): number;
  /** Current resident set size, bytes; NaN where /proc is missing. */
  rss(): number;
  stop(): Promise<void>;
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

/** Starts `node service/src/main.ts` against the org with its production defaults (timers, retries). */
export async function startServiceProcess(
  emulator: Emulator,
  extraEnv: Record<string, string> = {},
): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sia-bench-'));
  const child = spawn(process.execPath, [join(root, 'service', 'src', 'main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      SF_LOGIN_URL: emulator.url,
      SF_CLIENT_ID: emulator.clientId,
      SF_CLIENT_SECRET: emulator.clientSecret,
      SF_API_VERSION: API_VERSION,
      DATABASE_URL: `sqlite:${join(dir, 'sia.sqlite')}`,
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
    lines.on('line', (line) => {
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
    peakRss: () => procStatus(pid, 'VmHWM'),
    rss: () => procStatus(pid, 'VmRSS'),
    async stop() {
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
      rmSync(dir, { recursive: true, force: true });
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
