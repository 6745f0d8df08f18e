// Benchmarks 1, 2 and 5: API calls per 1,000 pushed tasks, Salesforce-change-to-SIA latency and
// sustained push throughput, each next to a naive baseline run against the same org in this run.
import type { Connection } from 'jsforce';
import { admin, setTaskSync } from '../../service/test/harness.ts';
import {
  countCalls,
  isProbe,
  PROBE_MARKER,
  summarize,
  type CallCount,
  type LoggedRequest,
  type Summary,
} from './stats.ts';
import {
  allTasks,
  clearRequestLog,
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
  /** Edit sent to the change visible in the SIA API, per edit. */
  product: Summary & { missed: number; serviceCalls: number };
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
  if (on === undefined) throw new Error('the service did not switch rep1 on within 20 s');
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

    const push: PushResult = {
      product: { calls: productCalls, ms: pushMs, records: n, apiCreateMs },
      naive: { calls: naiveCalls, ms: naiveMs, records: n },
    };

    // --- 2. Inbound latency: a rep edits linked tasks in Salesforce; time until the SIA API shows it.
    await clearRequestLog(emulator);
    const latencies: number[] = [];
    let missed = 0;
    for (let i = 0; i < edits; i++) {
      const task = linked[(i * 7) % linked.length] as TaskJson;
      const details = `Edited in Salesforce ${i} at ${Date.now()}`;
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
      if (seen === undefined) missed += 1;
      else latencies.push(seen - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const isOurEdit = (e: LoggedRequest): boolean =>
      e.method === 'PATCH' && /\/sobjects\/Task\/\w+$/.test(e.path);
    const serviceCalls = countCalls(await requestLog(emulator), (e) => isProbe(e) || isOurEdit(e)).total;

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

    const latency: LatencyResult = {
      product: { ...summarize(latencies), missed, serviceCalls },
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
