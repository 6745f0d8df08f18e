// Benchmark 3: the initial import when a user switches task sync on (their Salesforce Tasks changed
// in the 24 hours before, imported and stamped with SIA ids): time, API calls including the first
// sweep after it, the service process's peak memory and how the SIA API answered meanwhile (from a
// prober process of its own), next to a naive importer run as its own process. The org, the service,
// the prober and the naive importer are four processes. Every figure is printed only once the tasks
// are counted where they should have arrived: in the SIA API, and stamped in Salesforce.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_TOKEN, setTaskSync } from '../../service/test/harness.ts';
import { countCalls, isProbe, type CallCount, type LoggedRequest } from './stats.ts';
import {
  API_VERSION,
  clearRequestLog,
  countTasks,
  loadAverage,
  probeCount,
  putUser,
  repId,
  requestLog,
  seed,
  startOrg,
  startServiceProcess,
  syncStatus,
  until,
  type Emulator,
  type ServiceProcess,
} from './world.ts';

const HOUR = 3_600_000;

/**
 * Calls the service's import has in flight at once: it reads a page, writes it, then asks for the
 * next, and stamps through one ingest job or the outbox, one call at a time. The naive importer is
 * given the same.
 */
export const IMPORT_CONCURRENCY = 1;

export interface ApiDuringImport {
  /** Probes sent (GET /healthz and a page of GET /api/v1/tasks, alternately). */
  n: number;
  failures: number;
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  /** The five slowest probes: how long, which path, when they started. */
  slowest: { ms: number; path: string; at: string }[];
}

export interface ImportResult {
  records: number;
  /** One collection call per 200 records: what stamping alone costs through sObject Collections. */
  floorCalls: number;
  product: {
    ms: number;
    /** Calls from switch-on until every task is imported, linked and stamped. */
    calls: CallCount;
    /** Calls of the first sweep after the import (run once the stamps' minute has passed). */
    sweepCalls: CallCount;
    peakRssBytes: number;
    rssBeforeBytes: number;
    rssAfterBytes: number;
    imported: number;
    api: ApiDuringImport;
  };
  naive: { ms: number; calls: CallCount; peakRssBytes: number; imported: number; concurrency: number };
  /** Calls in flight at once, the same on both sides (the service's import makes one at a time). */
  concurrency: number;
  /** Peak RSS of the org process (context: it holds every record twice over). */
  orgPeakRssBytes: number;
  load: { before: [number, number, number]; after: [number, number, number] };
}

function seedTasks(emulator: Emulator, ownerId: string, n: number, now: number): Promise<string[]> {
  return seed(
    emulator,
    Array.from({ length: n }, (_, i) => {
      // Spread over the 24 hours before switching on; some created earlier and edited in the window.
      const modified = new Date(now - ((i % 1_380) + 30) * 60_000).toISOString();
      const created = i % 3 === 0 ? new Date(now - 5 * 24 * HOUR).toISOString() : modified;
      return {
        type: 'Task',
        fields: {
          Subject: `Imported ${i}`,
          OwnerId: ownerId,
          ActivityDate: `2026-12-${String((i % 28) + 1).padStart(2, '0')}`,
          Status: i % 4 === 0 ? 'Completed' : 'Not Started',
          Priority: i % 5 === 0 ? 'High' : 'Normal',
          Description: `A task from Salesforce, number ${i}`,
        },
        createdDate: created,
        lastModifiedDate: modified,
      };
    }),
  );
}

interface NaiveReport {
  read: number;
  stored: number;
  imported: number;
  concurrency: number;
  ms: number;
  maxRssBytes: number;
}

function runNaive(emulator: Emulator, args: string[]): Promise<NaiveReport> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(process.execPath, [resolve(import.meta.dirname, 'naive-import.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        SF_LOGIN_URL: emulator.url,
        SF_CLIENT_ID: emulator.clientId,
        SF_CLIENT_SECRET: emulator.clientSecret,
        SF_API_VERSION: API_VERSION,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) rejectRun(new Error(`the naive import failed (exit ${String(code)}): ${err.trim()}`));
      else resolveRun(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as NaiveReport);
    });
  });
}

function startProber(service: ServiceProcess, ownerId: string): { stop(): Promise<ApiDuringImport> } {
  const child = spawn(
    process.execPath,
    [resolve(import.meta.dirname, 'prober.ts'), service.url, API_TOKEN, ownerId, '50'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    stop: () =>
      new Promise((resolveStop, rejectStop) => {
        child.once('exit', (code) => {
          if (code !== 0) rejectStop(new Error(`the prober exited with ${String(code)}`));
          else resolveStop(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ApiDuringImport);
        });
        child.stdin.end();
      }),
  };
}

interface FirstSyncStatus {
  phase: string;
  imported: number;
  read: number;
  total: number;
}

export async function benchImport(n: number): Promise<ImportResult> {
  const { emulator, sf } = await startOrg();
  const dir = mkdtempSync(join(tmpdir(), 'sia-bench-naive-'));
  try {
    const now = Date.now();
    const owner = repId(emulator, 'rep1');
    const naiveOwner = repId(emulator, 'rep2');
    await seedTasks(emulator, owner, n, now);
    await seedTasks(emulator, naiveOwner, n, now);

    // Naive baseline first, with no service running, so the log holds its calls alone.
    await clearRequestLog(emulator);
    const loadBefore = loadAverage();
    const naive = await runNaive(emulator, [
      naiveOwner,
      new Date(now - 24 * HOUR).toISOString(),
      join(dir, 'naive.sqlite'),
      String(IMPORT_CONCURRENCY),
    ]);
    const naiveCalls = countCalls(await requestLog(emulator), isProbe);
    const naiveStamped = await probeCount(sf, 'Task', `OwnerId = '${naiveOwner}' AND SIA_Task_Id__c != null`);
    if (naive.imported !== n || naiveStamped !== n)
      throw new Error(
        `the naive import read ${naive.read} of ${n}, stamped ${naive.imported}; ${naiveStamped} stamped in Salesforce`,
      );

    const service = await startServiceProcess(emulator);
    try {
      await putUser(service, emulator, 'rep1');
      await until(
        async () => ((await syncStatus(service, 'rep1')).mode === 'DoNotSync' ? true : undefined),
        10_000,
      );
      const rssBeforeBytes = service.rss();
      const prober = startProber(service, 'rep1');
      await clearRequestLog(emulator);
      const started = performance.now();
      // Switching on as the "My account" screen does (its query and row write are left out of the count).
      await setTaskSync(sf, owner, 'SyncCompleteSkipped', new Date());
      // Done when the service reports the import finished with every task imported and stamped
      // (stamps it could not make in the job would wait in the outbox: it must be empty).
      const done = await until(
        async () => {
          const res = await service.api.call<{ outboxDepth: number; firstSync: FirstSyncStatus | null }>(
            'GET',
            '/api/v1/sync/status?ownerId=rep1',
          );
          const status = res.body.firstSync;
          return status?.phase === 'done' && res.body.outboxDepth === 0 ? status : undefined;
        },
        30 * 60_000,
        100,
      );
      const ms = performance.now() - started;
      const api = await prober.stop();
      if (done === undefined) throw new Error(`the import of ${n} tasks did not finish within 30 minutes`);
      const stamped = await probeCount(sf, 'Task', `OwnerId = '${owner}' AND SIA_Task_Id__c != null`);
      const inSia = await countTasks(service, 'rep1');
      if (done.imported !== n || stamped !== n || inSia.linked !== n)
        throw new Error(
          `${done.imported} of ${n} imported, ${inSia.linked} linked in the SIA API, ${stamped} stamped in Salesforce`,
        );
      const ours = (e: LoggedRequest): boolean =>
        isProbe(e) ||
        (e.method === 'POST' && e.path.endsWith('/sobjects/SIA_Sync_Setting__c')) ||
        decodeURIComponent(e.query.replace(/\+/g, ' ')).includes(
          'SELECT Id FROM SIA_Sync_Setting__c WHERE Scope_Key__c',
        );
      const calls = countCalls(await requestLog(emulator), ours);

      // The first sweep: getUpdated answers whole minutes, so it sees the stamps once their minute
      // has passed; the service's own timer would run it later, the benchmark asks for it then.
      const minute = 60_000;
      await new Promise((r) => setTimeout(r, minute - (Date.now() % minute) + 2_000));
      await clearRequestLog(emulator);
      const sweep = await service.api.call('POST', '/api/v1/sync/reconcile', {});
      if (sweep.status !== 202) throw new Error(`the sweep answered ${sweep.status}`);
      const sweepCalls = countCalls(await requestLog(emulator), ours);
      return {
        records: n,
        floorCalls: Math.ceil(n / 200),
        product: {
          ms,
          calls,
          sweepCalls,
          peakRssBytes: service.peakRss(),
          rssBeforeBytes,
          rssAfterBytes: service.rss(),
          imported: done.imported,
          api,
        },
        naive: {
          ms: naive.ms,
          calls: naiveCalls,
          peakRssBytes: naive.maxRssBytes,
          imported: naive.imported,
          concurrency: naive.concurrency,
        },
        concurrency: IMPORT_CONCURRENCY,
        orgPeakRssBytes: emulator.peakRss(),
        load: { before: loadBefore, after: loadAverage() },
      };
    } finally {
      await service.stop();
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
