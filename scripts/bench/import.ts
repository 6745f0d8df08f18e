// Benchmark 3: the initial import when a user switches task sync on (their Salesforce Tasks changed
// in the 24 hours before, imported and stamped with SIA ids): time, API calls and the service
// process's peak memory, next to a naive one-record-at-a-time importer run as its own process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTaskSync } from '../../service/test/harness.ts';
import { countCalls, isProbe, type CallCount, type LoggedRequest } from './stats.ts';
import {
  allTasks,
  API_VERSION,
  clearRequestLog,
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
} from './world.ts';

const HOUR = 3_600_000;

export interface ImportResult {
  records: number;
  product: {
    ms: number;
    calls: CallCount;
    peakRssBytes: number;
    rssBeforeBytes: number;
    rssAfterBytes: number;
    imported: number;
  };
  naive: { ms: number; calls: CallCount; peakRssBytes: number; imported: number };
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

function runNaive(args: string[]): Promise<{ imported: number; ms: number; maxRssBytes: number }> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(process.execPath, [resolve(import.meta.dirname, 'naive-import.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) rejectRun(new Error(`naive import exited with ${String(code)}: ${err}`));
      else
        resolveRun(
          JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
            imported: number;
            ms: number;
            maxRssBytes: number;
          },
        );
    });
  });
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
    const naive = await runNaive([
      sf.instanceUrl,
      sf.accessToken ?? '',
      API_VERSION,
      naiveOwner,
      new Date(now - 24 * HOUR).toISOString(),
      join(dir, 'naive.sqlite'),
    ]);
    const naiveCalls = countCalls(await requestLog(emulator), isProbe);

    const service = await startServiceProcess(emulator);
    try {
      await putUser(service, emulator, 'rep1');
      await until(
        async () => ((await syncStatus(service, 'rep1')).mode === 'DoNotSync' ? true : undefined),
        10_000,
      );
      const rssBeforeBytes = service.rss();
      await clearRequestLog(emulator);
      const started = performance.now();
      // Switching on as the "My account" screen does (its query and row write are left out of the count).
      await setTaskSync(sf, owner, 'SyncCompleteSkipped', new Date());
      // Done when every Task carries its SIA id in Salesforce (a one-call probe, so waiting hardly
      // loads the service) and the SIA API lists every task linked.
      const stampedAll = await until(
        async () =>
          (await probeCount(sf, 'Task', `OwnerId = '${owner}' AND SIA_Task_Id__c != null`)) >= n
            ? true
            : undefined,
        600_000,
        100,
      );
      if (stampedAll === undefined)
        throw new Error(`the import of ${n} tasks did not finish within 10 minutes`);
      const done = await until(
        async () => {
          const tasks = await allTasks(service, 'rep1');
          const linked = tasks.filter((t) => t.salesforceTaskId !== null).length;
          return linked >= n ? linked : undefined;
        },
        30_000,
        100,
      );
      const ms = performance.now() - started;
      const peakRssBytes = service.peakRss();
      if (done === undefined) throw new Error(`${n} Tasks stamped in Salesforce, but not all linked in SIA`);
      const ours = (e: LoggedRequest): boolean =>
        isProbe(e) ||
        (e.method === 'POST' && e.path.endsWith('/sobjects/SIA_Sync_Setting__c')) ||
        decodeURIComponent(e.query.replace(/\+/g, ' ')).includes(
          'SELECT Id FROM SIA_Sync_Setting__c WHERE Scope_Key__c',
        );
      const calls = countCalls(await requestLog(emulator), ours);
      return {
        records: n,
        product: { ms, calls, peakRssBytes, rssBeforeBytes, rssAfterBytes: service.rss(), imported: done },
        naive: { ms: naive.ms, calls: naiveCalls, peakRssBytes: naive.maxRssBytes, imported: naive.imported },
      };
    } finally {
      await service.stop();
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
