// Benchmarks 1, 2 and 5: API calls per 1,000 pushed tasks, Salesforce-change-to-SIA latency and
// sustained push throughput, each next to a naive baseline run against the same org in this run.
import type { Connection } from 'jsforce';
import { setTaskSync } from '../../service/test/harness.ts';
import {
  countCalls,
  formatMs,
  isProbe,
  isServiceCall,
  PROBE_MARKER,
  summarize,
  type CallCount,
  type LoggedRequest,
  type Summary,
} from './stats.ts';
import {
  admin,
  allTasks,
  clearRequestLog,
  loadAverage,
  paced,
  pool,
  probeCount,
  putUser,
  repId,
  requestLog,
  startOrg,
  startServiceProcess,
  syncStatus,
  until,
  type Emulator,
  type ServiceProcess,
  type TaskJson,
} from './world.ts';

const MODE = 'SyncCompleteSkipped';

/** A SOQL datetime literal (whole seconds, UTC). */
function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Measured {
  calls: CallCount;
  ms: number;
  records: number;
}

export interface PushResult {
  product: Measured & { apiCreateMs: number };
  naive: Measured;
}

export interface LatencyResult {
  /** Edit sent to the change visible in the SIA API, per edit, with nothing else going on. */
  product: Summary & { missed: number; serviceCalls: number };
  /** The same while the service also pushes SIA creates and takes other Salesforce edits. */
  underLoad: Summary & {
    missed: number;
    siaCreatesPerSecond: number;
    salesforceEditsPerSecond: number;
    siaCreates: number;
    salesforceEdits: number;
  };
  naivePoller: Summary & { intervalMs: number; missed: number; pollCalls: number; durationMs: number };
  /** Peer polling every 10 and 30 minutes: computed, not measured. */
  computed: { intervalMinutes: number; expectedMs: number; worstMs: number }[];
}

export interface ThroughputResult {
  durationMs: number;
  concurrency: number;
  rttMs: number;
  product: {
    created: number;
    pushed: number;
    tasksPerSecond: number;
    createPerSecond: number;
    maxOutboxDepth: number;
    calls: CallCount;
    drainMs: number;
  };
  naive: { created: number; tasksPerSecond: number; calls: CallCount };
}

/** A synced user: the service running and rep1 switched on, nothing else in flight. */
async function syncedWorld(): Promise<{
  emulator: Emulator;
  sf: Connection;
  service: ServiceProcess;
  owner: string;
}> {
  const { emulator, sf } = await startOrg();
  const service = await startServiceProcess(emulator);
  const owner = await putUser(service, emulator, 'rep1');
  await setTaskSync(sf, owner, MODE, new Date());
  const on = await until(
    async () => ((await syncStatus(service, 'rep1')).mode === MODE ? true : undefined),
    20_000,
  );
  if (on === undefined) throw new Error('the service did not switch rep1 on within 60 s');
  return { emulator, sf, service, owner };
}

function taskBody(i: number, prefix: string): Record<string, unknown> {
  return {
    ownerId: 'rep1',
    type: (['call', 'email', 'inmail', 'custom'] as const)[i % 4],
    name: `${prefix} ${i}`,
    dueDate: `2027-0${(i % 9) + 1}-1${i % 10}`,
    priority: i % 5 === 0 ? 'high' : 'normal',
    details: `Benchmark task ${i}`,
  };
}

async function createTask(service: ServiceProcess, body: Record<string, unknown>): Promise<TaskJson> {
  const res = await service.api.call<TaskJson>('POST', '/api/v1/tasks', body);
  if (res.status !== 201) throw new Error(`POST task: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The naive pusher's record: what a one-call-per-record integration sends for the same task. */
function naiveRecord(i: number, ownerId: string, prefix: string): Record<string, unknown> {
  return {
    Subject: `${prefix} ${i}`,
    ActivityDate: `2027-0${(i % 9) + 1}-1${i % 10}`,
    Priority: i % 5 === 0 ? 'High' : 'Normal',
    Status: 'Not Started',
    Description: `Benchmark task ${i}`,
    OwnerId: ownerId,
  };
}

async function waitAllLinked(
  service: ServiceProcess,
  count: number,
  timeoutMs: number,
): Promise<TaskJson[] | undefined> {
  return until(
    async () => {
      const tasks = await allTasks(service, 'rep1');
      return tasks.length >= count && tasks.every((t) => t.salesforceTaskId !== null) ? tasks : undefined;
    },
    timeoutMs,
    250,
  );
}

/** Background load while the loaded latency is measured. */
const LOAD_CREATES_PER_SECOND = 100;
const LOAD_EDITS_PER_SECOND = 20;

/**
 * A rep edits `edits` linked Tasks in Salesforce one at a time (or until `running.on` turns false),
 * each until the SIA API shows it: the latencies, and how many never showed.
 */
export async function timeEdits(
  service: ServiceProcess,
  sf: Connection,
  pool: readonly TaskJson[],
  edits: number,
  label: string,
  running: { on: boolean } = { on: true },
): Promise<{ latencies: number[]; missed: number }> {
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < edits && running.on; i++) {
    const task = pool[(i * 7) % pool.length] as TaskJson;
    const details = `Edited in Salesforce (${label}) ${i} at ${Date.now()}`;
    const t0 = performance.now();
    await sf.sobject('Task').update({ Id: task.salesforceTaskId ?? '', Description: details });
    const seen = await until(
      async () => {
        const res = await service.api.call<TaskJson>('GET', `/api/v1/tasks/${task.id}`);
        return res.body.details === details ? performance.now() : undefined;
      },
      15_000,
      5,
    );
    if (seen === undefined) {
      missed += 1;
      // Late or lost? Look for another 45 s, so the failure says which (it still fails the part).
      const late = await until(
        async () => {
          const res = await service.api.call<TaskJson>('GET', `/api/v1/tasks/${task.id}`);
          return res.body.details === details ? performance.now() : undefined;
        },
        45_000,
        250,
      );
      process.stderr.write(
        `bench: ${label} edit ${i} of SIA task ${task.id} (Salesforce ${task.salesforceTaskId ?? ''}) not seen within 15 s; ${late === undefined ? 'still not after 60 s' : `seen after ${formatMs(late - t0)}`}\n`,
      );
    } else latencies.push(seen - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { latencies, missed };
}

export async function benchPushAndLatency(
  n: number,
  edits: number,
  pollIntervalMs: number,
): Promise<{ push: PushResult; latency: LatencyResult }> {
  const { emulator, sf, service, owner } = await syncedWorld();
  try {
    // --- 1. Push n tasks through the SIA API; count the service's calls until every one is linked.
    await clearRequestLog(emulator);
    const started = performance.now();
    await pool(
      Array.from({ length: n }, (_, i) => i),
      8,
      async (i) => {
        await createTask(service, taskBody(i, 'Bench push'));
      },
    );
    const apiCreateMs = performance.now() - started;
    const linked = await waitAllLinked(service, n, 180_000);
    const pushMs = performance.now() - started;
    if (linked === undefined) throw new Error(`not all ${n} tasks were pushed within 180 s`);
    await until(
      async () => ((await syncStatus(service, 'rep1')).outboxDepth === 0 ? true : undefined),
      10_000,
    );
    const productCalls = countCalls(await requestLog(emulator), isProbe);
    const inSalesforce = await probeCount(sf, 'Task', `OwnerId = '${owner}' AND SIA_Task_Id__c != null`);
    if (inSalesforce !== n)
      throw new Error(`expected ${n} pushed Tasks in Salesforce, found ${inSalesforce}`);

    // Naive baseline: one sObject create per task, sequential, owned by a user the service does not sync.
    const naiveOwner = repId(emulator, 'rep2');
    await clearRequestLog(emulator);
    const naiveStarted = performance.now();
    const naiveIds: string[] = [];
    for (let i = 0; i < n; i++) {
      const result = await sf.sobject('Task').create(naiveRecord(i, naiveOwner, 'Naive push'));
      if (!result.success) throw new Error(`naive create ${i} failed`);
      naiveIds.push(result.id);
    }
    const naiveMs = performance.now() - naiveStarted;
    const naiveCalls = countCalls(await requestLog(emulator), isProbe);
    const naiveInSalesforce = await probeCount(
      sf,
      'Task',
      `OwnerId = '${naiveOwner}' AND Subject LIKE 'Naive push %'`,
    );
    if (naiveInSalesforce !== n)
      throw new Error(`expected ${n} naive pushed Tasks in Salesforce, found ${naiveInSalesforce}`);

    const push: PushResult = {
      product: { calls: productCalls, ms: pushMs, records: n, apiCreateMs },
      naive: { calls: naiveCalls, ms: naiveMs, records: n },
    };

    // --- 2. Inbound latency: a rep edits linked tasks in Salesforce; time until the SIA API shows it.
    // Even-numbered tasks take the measured edits, odd-numbered ones the background edits below.
    const measuredPool = linked.filter((_, i) => i % 2 === 0);
    const backgroundPool = linked.filter((_, i) => i % 2 === 1);
    await clearRequestLog(emulator);
    const idle = await timeEdits(service, sf, measuredPool, edits, 'idle');
    const isOurEdit = (e: LoggedRequest): boolean =>
      e.method === 'PATCH' && /\/sobjects\/Task\/\w+$/.test(e.path);
    const serviceCalls = countCalls(await requestLog(emulator), (e) => isProbe(e) || isOurEdit(e)).total;
    if (idle.missed > 0)
      throw new Error(`${idle.missed} of ${edits} Salesforce edits never showed in the SIA API within 15 s`);

    // The same under load: meanwhile SIA creates at LOAD_CREATES_PER_SECOND (pushed to Salesforce)
    // and another rep's edits at LOAD_EDITS_PER_SECOND on the other tasks (taken into SIA).
    const load = { on: true };
    const lastBackground = new Map<string, string>();
    const creates = paced(
      LOAD_CREATES_PER_SECOND,
      1_000_000,
      async (i) => {
        await createTask(service, taskBody(i, 'Bench load'));
      },
      { stop: load, maxInFlight: 16 },
    );
    const backgroundEdits = paced(
      LOAD_EDITS_PER_SECOND,
      1_000_000,
      async (i) => {
        const task = backgroundPool[i % backgroundPool.length] as TaskJson;
        const details = `Background edit ${i}`;
        lastBackground.set(task.id, details);
        await sf.sobject('Task').update({ Id: task.salesforceTaskId ?? '', Description: details });
      },
      { stop: load, maxInFlight: 8 },
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const loaded = await timeEdits(service, sf, measuredPool, edits, 'loaded');
    load.on = false;
    const [created, edited] = await Promise.all([creates, backgroundEdits]);
    if (loaded.missed > 0)
      throw new Error(`${loaded.missed} of ${edits} Salesforce edits under load never showed within 15 s`);
    // The load itself must have arrived too: every create in Salesforce, every last edit in SIA.
    const loadArrived = await until(
      async () =>
        (await probeCount(
          sf,
          'Task',
          `OwnerId = '${owner}' AND Subject LIKE 'Bench load %' AND SIA_Task_Id__c != null`,
        )) === created.started
          ? true
          : undefined,
      120_000,
      250,
    );
    if (loadArrived === undefined)
      throw new Error(`not all ${created.started} SIA creates under load reached Salesforce`);
    const editsArrived = await until(
      async () => {
        const byId = new Map((await allTasks(service, 'rep1')).map((t) => [t.id, t.details]));
        return [...lastBackground].every(([id, details]) => byId.get(id) === details) ? true : undefined;
      },
      120_000,
      250,
    );
    if (editsArrived === undefined) throw new Error('not every background Salesforce edit reached SIA');

    // Naive poller: SOQL for Tasks modified since its last look, every pollIntervalMs; each edit is
    // made at a random moment of the cycle, as real edits are.
    const pollerLatencies: number[] = [];
    let pollerMissed = 0;
    let pollCalls = 0;
    const pending = new Map<string, number>();
    let pollerSince = soqlDateTime(Date.now() - 5_000);
    const poll = { on: true };
    const pollerStarted = performance.now();
    const poller = (async () => {
      while (poll.on) {
        const lookedAt = soqlDateTime(Date.now() - 1_000);
        const result = await sf.query<{ Id: string; Description: string | null }>(
          `SELECT Id, Description FROM Task WHERE OwnerId = '${naiveOwner}' AND SystemModstamp >= ${pollerSince}`,
        );
        pollCalls += 1;
        pollerSince = lookedAt;
        const now = performance.now();
        for (const record of result.records) {
          const t0 = pending.get(record.Description ?? '');
          if (t0 !== undefined) {
            pollerLatencies.push(now - t0);
            pending.delete(record.Description ?? '');
          }
        }
        await new Promise((r) => setTimeout(r, pollIntervalMs));
      }
    })();
    const pollerEdits = Math.min(edits, 10);
    for (let i = 0; i < pollerEdits; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * pollIntervalMs));
      const details = `Naive poller edit ${i} at ${Date.now()}`;
      pending.set(details, performance.now());
      await sf.sobject('Task').update({ Id: naiveIds[i] ?? '', Description: details });
      const seen = await until(
        () => Promise.resolve(pending.has(details) ? undefined : true),
        pollIntervalMs * 3 + 5_000,
        10,
      );
      if (seen === undefined) {
        pollerMissed += 1;
        pending.delete(details);
      }
    }
    poll.on = false;
    await poller;
    const pollerMs = performance.now() - pollerStarted;

    if (pollerMissed > 0) throw new Error(`the naive poller missed ${pollerMissed} of ${pollerEdits} edits`);
    const latency: LatencyResult = {
      product: { ...summarize(idle.latencies), missed: idle.missed, serviceCalls },
      underLoad: {
        ...summarize(loaded.latencies),
        missed: loaded.missed,
        siaCreates: created.started,
        siaCreatesPerSecond: created.rate,
        salesforceEdits: edited.started,
        salesforceEditsPerSecond: edited.rate,
      },
      naivePoller: {
        ...summarize(pollerLatencies),
        intervalMs: pollIntervalMs,
        missed: pollerMissed,
        pollCalls,
        durationMs: pollerMs,
      },
      computed: [10, 30].map((minutes) => ({
        intervalMinutes: minutes,
        expectedMs: (minutes * 60_000) / 2,
        worstMs: minutes * 60_000,
      })),
    };
    return { push, latency };
  } finally {
    await service.stop();
    await emulator.close();
  }
}

/**
 * Sustained stream of SIA task creates for `durationMs`, then the same number of naive writers.
 * `rttMs` > 0 makes every REST call to the org take that much longer (the emulator's delay fault),
 * as a real org across the internet does; loopback calls cost about a millisecond.
 */
export async function benchThroughput(
  durationMs: number,
  concurrency: number,
  rttMs: number,
): Promise<ThroughputResult> {
  const { emulator, sf, service, owner } = await syncedWorld();
  try {
    if (rttMs > 0)
      await admin(emulator, 'POST', '/faults', {
        method: '*',
        path: '/services/data/*',
        times: 10_000_000,
        action: 'delay',
        delayMs: rttMs,
      });
    await clearRequestLog(emulator);
    let created = 0;
    let maxOutboxDepth = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    const sample = { on: true };
    const sampler = (async () => {
      while (sample.on) {
        maxOutboxDepth = Math.max(maxOutboxDepth, (await syncStatus(service, 'rep1')).outboxDepth);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline && created < 100_000) {
          const i = created++;
          await createTask(service, taskBody(i, 'Bench stream'));
        }
      }),
    );
    const createdMs = performance.now() - started;
    const drained = await until(
      async () => ((await syncStatus(service, 'rep1')).outboxDepth === 0 ? performance.now() : undefined),
      180_000,
      50,
    );
    sample.on = false;
    await sampler;
    const calls = countCalls(await requestLog(emulator), isProbe);
    const pushedInSalesforce = await probeCount(
      sf,
      'Task',
      `OwnerId = '${owner}' AND SIA_Task_Id__c != null`,
    );
    if (pushedInSalesforce !== created)
      throw new Error(`stream: ${created} created, ${pushedInSalesforce} in Salesforce (${PROBE_MARKER})`);
    // Counted in Salesforce (listing 20,000 tasks through the SIA API to see them linked took longer
    // than the stream itself once the outbox kept up); the empty outbox says every link committed.
    const pushed = pushedInSalesforce;
    const endMs = (drained ?? Number.NaN) - started;

    // Naive baseline: the same number of concurrent writers, one sObject create per task.
    const naiveOwner = repId(emulator, 'rep2');
    await clearRequestLog(emulator);
    let naiveCreated = 0;
    const naiveStarted = performance.now();
    const naiveDeadline = naiveStarted + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < naiveDeadline && naiveCreated < 100_000) {
          const i = naiveCreated++;
          await sf.sobject('Task').create(naiveRecord(i, naiveOwner, 'Naive stream'));
        }
      }),
    );
    const naiveMs = performance.now() - naiveStarted;
    const naiveCalls = countCalls(await requestLog(emulator), isProbe);
    const naiveInSalesforce = await probeCount(
      sf,
      'Task',
      `OwnerId = '${naiveOwner}' AND Subject LIKE 'Naive stream %'`,
    );
    if (naiveInSalesforce !== naiveCreated)
      throw new Error(`naive stream: ${naiveCreated} created, ${naiveInSalesforce} in Salesforce`);
    return {
      durationMs,
      concurrency,
      rttMs,
      product: {
        created,
        pushed,
        tasksPerSecond: (pushed * 1_000) / endMs,
        createPerSecond: (created * 1_000) / createdMs,
        maxOutboxDepth,
        calls,
        drainMs: endMs - createdMs,
      },
      naive: { created: naiveCreated, tasksPerSecond: (naiveCreated * 1_000) / naiveMs, calls: naiveCalls },
    };
  } finally {
    await service.stop();
    await emulator.close();
  }
}

export interface ArrivalRateResult {
  /** Changes asked for per second. */
  rate: number;
  product: { changes: number; achievedRate: number; calls: CallCount; drainMs: number };
  naive: { changes: number; achievedRate: number; calls: CallCount };
}

/**
 * API calls per 1,000 pushed changes (SIA task creates) arriving at a steady `rate` per second, for
 * `seconds` (at most `maxChanges` changes). The outbox sends when 200 changes are queued or the
 * oldest has waited its coalescing time, so the calls per change depend on the arrival rate.
 * Baseline: a naive integration writing each change as it arrives, one create per change, at the
 * same rate.
 */
export async function benchArrivalRates(
  rates: readonly number[],
  seconds: number,
  maxChanges: number,
): Promise<{ results: ArrivalRateResult[]; load: [number, number, number] }> {
  const { emulator, sf, service, owner } = await syncedWorld();
  try {
    const naiveOwner = repId(emulator, 'rep2');
    const results: ArrivalRateResult[] = [];
    for (const rate of rates) {
      const count = Math.min(maxChanges, Math.round(rate * seconds));
      const prefix = `Bench rate ${rate}`;
      await clearRequestLog(emulator);
      const t0 = performance.now();
      const sent = await paced(rate, count, async (i) => {
        await createTask(service, taskBody(i, prefix));
      });
      const drained = await until(
        async () =>
          (await probeCount(
            sf,
            'Task',
            `OwnerId = '${owner}' AND Subject LIKE '${prefix} %' AND SIA_Task_Id__c != null`,
          )) === sent.started && (await syncStatus(service, 'rep1')).outboxDepth === 0
            ? performance.now()
            : undefined,
        120_000,
        100,
      );
      if (drained === undefined)
        throw new Error(`at ${rate}/s: not all ${sent.started} changes reached Salesforce within 120 s`);
      const calls = countCalls(await requestLog(emulator), (e) => !isServiceCall(e));

      const naivePrefix = `Naive rate ${rate}`;
      await clearRequestLog(emulator);
      const naiveSent = await paced(rate, count, async (i) => {
        const result = await sf.sobject('Task').create(naiveRecord(i, naiveOwner, naivePrefix));
        if (!result.success) throw new Error(`naive create ${i} failed`);
      });
      const naiveCalls = countCalls(await requestLog(emulator), isProbe);
      const naiveArrived = await probeCount(
        sf,
        'Task',
        `OwnerId = '${naiveOwner}' AND Subject LIKE '${naivePrefix} %'`,
      );
      if (naiveArrived !== naiveSent.started)
        throw new Error(`naive at ${rate}/s: ${naiveSent.started} sent, ${naiveArrived} in Salesforce`);
      results.push({
        rate,
        product: {
          changes: sent.started,
          achievedRate: sent.rate,
          calls,
          drainMs: drained - t0 - sent.ms,
        },
        naive: { changes: naiveSent.started, achievedRate: naiveSent.rate, calls: naiveCalls },
      });
    }
    return { results, load: loadAverage() };
  } finally {
    await service.stop();
    await emulator.close();
  }
}
