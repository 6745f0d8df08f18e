// Two-way mixed throughput: SIA edits (pushed to Salesforce) and Salesforce edits (taken into SIA)
// at once, on the store the service is given (SQLite or PostgreSQL). Tasks a writer edits from one
// side are never edited from the other, so every last value has one right answer on the far side:
// the figures are printed only once every one of them has arrived there. Baseline: a naive two-way
// integration in the same org, writing each SIA edit as one sObject update and polling SOQL for the
// Salesforce edits every `pollMs`, with as many writers on each side.
import { Connection } from 'jsforce';
import { setTaskSync } from '../../service/test/harness.ts';
import { timeEdits } from './push.ts';
import {
  countCalls,
  floorCalls,
  isServiceCall,
  PROBE_MARKER,
  summarize,
  type CallCount,
  type Summary,
} from './stats.ts';
import {
  allTasks,
  cpuSeconds,
  clearRequestLog,
  loadAverage,
  putUser,
  repId,
  requestLog,
  salesforceUser,
  seed,
  startOrg,
  startServiceProcess,
  syncStatus,
  until,
  type BenchDatabase,
  type ServiceProcess,
  type TaskJson,
} from './world.ts';

const MODE = 'SyncCompleteSkipped';
/** Tasks edited from each side. */
const POOL = 200;
/** Tasks of the latency probe: a rep's edits in Salesforce timed until the SIA API shows them. */
const PROBE_POOL = 20;
const NAIVE_CLIENT = 'NaiveTwoWay';

export interface MixedSide {
  siaEdits: number;
  salesforceEdits: number;
  /** From the first edit until the last edit of either side had arrived on the other. */
  ms: number;
  changesPerSecond: number;
  calls: CallCount;
  /** One collection call per 200 SIA edits: the least any sync must spend writing them. */
  floorCalls: number;
  /** From the end of the writing until the last edit had arrived on the other side. */
  drainMs: number;
  /**
   * Share of one core each process used over `ms`: the service (all its instances), the org, and
   * the benchmark's own writers (this process).
   */
  cores: { service: number; org: number; writers: number };
}

export interface MixedResult {
  database: BenchDatabase;
  /** Service instances on the one store (PostgreSQL): SIA edits go to each in turn, one leads. */
  instances: number;
  durationMs: number;
  writersPerSide: number;
  /**
   * Salesforce edit → SIA API latency while the writers ran: one more rep's edits, one at a time,
   * each on a probe task and timed until the SIA API shows it (not counted in the changes).
   */
  product: MixedSide & { latency: Summary & { missed: number } };
  naive: MixedSide & { pollMs: number; polls: number };
  load: { before: [number, number, number]; after: [number, number, number] };
}

type Edit = (i: number) => Promise<void>;

interface CpuMark {
  at: number;
  service: number;
  org: number;
  writers: number;
}

function cpuMark(servicePids: number[], orgPid: number): CpuMark {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    service: servicePids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    org: cpuSeconds(orgPid),
    writers: (own.user + own.system) / 1e6,
  };
}

/** Share of one core each process used between two marks, two decimals. */
function coresBetween(from: CpuMark, to: CpuMark): MixedSide['cores'] {
  const seconds = (to.at - from.at) / 1_000;
  const share = (used: number): number => Math.round((used / seconds) * 100) / 100;
  return {
    service: share(to.service - from.service),
    org: share(to.org - from.org),
    writers: share(to.writers - from.writers),
  };
}

/** `writers` loops per side calling edit(k) with k counting up, until `durationMs` has passed. */
async function writeFor(durationMs: number, writers: number, sides: Edit[]): Promise<number[]> {
  const deadline = performance.now() + durationMs;
  return Promise.all(
    sides.map(async (edit) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (performance.now() < deadline) await edit(next++);
        }),
      );
      return next;
    }),
  );
}

/** Id → Description of the owner's linked Tasks, by a query the call counts leave out. */
async function salesforceDescriptions(sf: Connection, ownerId: string): Promise<Map<string, string | null>> {
  const result = await sf.query<{ Id: string; Description: string | null }>(
    `SELECT Id, Description FROM Task WHERE OwnerId = '${ownerId}' AND Subject != '${PROBE_MARKER}'`,
    { autoFetch: true, maxFetch: 100_000 },
  );
  return new Map(result.records.map((r) => [r.Id, r.Description]));
}

export async function benchMixed(
  database: BenchDatabase,
  durationMs: number,
  writers: number,
  pollMs: number,
  instances = 1,
): Promise<MixedResult> {
  if (instances > 1 && database !== 'postgres') throw new Error('several instances share PostgreSQL only');
  const { emulator, sf } = await startOrg();
  const service = await startServiceProcess(emulator, {}, database);
  // The others join its schema once it has migrated it; the first to take the advisory lock leads.
  const others: ServiceProcess[] = [];
  try {
    for (let i = 1; i < instances; i += 1)
      others.push(await startServiceProcess(emulator, {}, database, service));
    const apis = [service, ...others].map((instance) => instance.api);
    const loadBefore = loadAverage();
    const owner = await putUser(service, emulator, 'rep1');
    await setTaskSync(sf, owner, MODE, new Date());
    if (
      (await until(
        async () => ((await syncStatus(service, 'rep1')).mode === MODE ? true : undefined),
        60_000,
      )) === undefined
    )
      throw new Error('the service did not switch rep1 on within 60 s');
    const tasks: TaskJson[] = [];
    for (let i = 0; i < 2 * POOL + PROBE_POOL; i++) {
      const res = await service.api.call<TaskJson>('POST', '/api/v1/tasks', {
        ownerId: 'rep1',
        type: 'call',
        name: `Mixed ${i}`,
        dueDate: '2027-01-15',
      });
      if (res.status !== 201) throw new Error(`POST task: ${res.status}`);
      tasks.push(res.body);
    }
    const linked = await until(
      async () => {
        const all = await allTasks(service, 'rep1');
        return all.length === tasks.length && all.every((t) => t.salesforceTaskId !== null) ? all : undefined;
      },
      120_000,
      250,
    );
    if (linked === undefined) throw new Error(`the ${tasks.length} tasks were not all pushed within 120 s`);
    const fromSia = linked.slice(0, POOL);
    const fromSalesforce = linked.slice(POOL, 2 * POOL);
    const probed = linked.slice(2 * POOL);

    // --- The product: SIA API PATCHes on one half, a rep's jsforce updates on the other.
    const lastSia = new Map<string, string>();
    const lastSalesforce = new Map<string, string>();
    const servicePids = [service, ...others].map((instance) => instance.pid);
    await clearRequestLog(emulator);
    const startMark = cpuMark(servicePids, emulator.pid);
    const started = startMark.at;
    const probing = { on: true };
    const probe = timeEdits(service, sf, probed, Number.MAX_SAFE_INTEGER, 'mixed', probing);
    const [siaEdits = 0, salesforceEdits = 0] = await writeFor(durationMs, writers, [
      async (k) => {
        const task = fromSia[k % POOL] as TaskJson;
        const details = `Mixed SIA edit ${k}`;
        const api = apis[k % apis.length] ?? service.api;
        const res = await api.call('PATCH', `/api/v1/tasks/${task.id}`, { details });
        if (res.status !== 200) throw new Error(`PATCH task: ${res.status}`);
        lastSia.set(task.salesforceTaskId ?? '', details);
      },
      async (k) => {
        const task = fromSalesforce[k % POOL] as TaskJson;
        const details = `Mixed Salesforce edit ${k}`;
        await sf.sobject('Task').update({ Id: task.salesforceTaskId ?? '', Description: details });
        lastSalesforce.set(task.id, details);
      },
    ]);
    const written = performance.now();
    probing.on = false;
    const latencies = await probe;
    const arrived = await until(
      async () => {
        const inSalesforce = await salesforceDescriptions(sf, owner);
        if (![...lastSia].every(([id, details]) => inSalesforce.get(id) === details)) return undefined;
        const inSia = new Map((await allTasks(service, 'rep1')).map((t) => [t.id, t.details]));
        return [...lastSalesforce].every(([id, details]) => inSia.get(id) === details)
          ? performance.now()
          : undefined;
      },
      180_000,
      100,
    );
    if (arrived === undefined) throw new Error('not every last edit reached the other side within 180 s');
    const productCores = coresBetween(startMark, cpuMark(servicePids, emulator.pid));
    const productMs = arrived - started;
    const productCalls = countCalls(await requestLog(emulator), (e) => !isServiceCall(e));

    // --- The naive baseline on rep2's tasks: its own connection (its calls tagged so they count
    // apart from the rep's), one update per SIA edit, a SOQL poll every pollMs into a local map.
    const naiveOwner = repId(emulator, 'rep2');
    const naiveIds = await seed(
      emulator,
      Array.from({ length: 2 * POOL }, (_, i) => ({
        type: 'Task',
        fields: { Subject: `Naive mixed ${i}`, OwnerId: naiveOwner, Status: 'Not Started' },
      })),
    );
    const user = await salesforceUser(emulator);
    const naive = new Connection({
      instanceUrl: user.instanceUrl,
      accessToken: user.accessToken ?? '',
      version: user.version,
      callOptions: { client: NAIVE_CLIENT },
    });
    const local = new Map<string, string | null>();
    const naiveLastSia = new Map<string, string>();
    const naiveLastSalesforce = new Map<string, string>();
    const poll = {
      on: true,
      polls: 0,
      since: new Date(Date.now() - 5_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    await clearRequestLog(emulator);
    const naiveMark = cpuMark([], emulator.pid);
    const naiveStarted = naiveMark.at;
    const poller = (async () => {
      while (poll.on) {
        const lookedAt = new Date(Date.now() - 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const result = await naive.query<{ Id: string; Description: string | null }>(
          `SELECT Id, Description FROM Task WHERE OwnerId = '${naiveOwner}' AND SystemModstamp >= ${poll.since}`,
          { autoFetch: true, maxFetch: 100_000 },
        );
        poll.polls += 1;
        poll.since = lookedAt;
        for (const record of result.records) local.set(record.Id, record.Description);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    })();
    const [naiveSiaEdits = 0, naiveSalesforceEdits = 0] = await writeFor(durationMs, writers, [
      async (k) => {
        const id = naiveIds[k % POOL] ?? '';
        const details = `Naive SIA edit ${k}`;
        const result = await naive.sobject('Task').update({ Id: id, Description: details });
        if (!result.success) throw new Error('naive update failed');
        naiveLastSia.set(id, details);
      },
      async (k) => {
        const id = naiveIds[POOL + (k % POOL)] ?? '';
        const details = `Naive Salesforce edit ${k}`;
        await sf.sobject('Task').update({ Id: id, Description: details });
        naiveLastSalesforce.set(id, details);
      },
    ]);
    const naiveWritten = performance.now();
    const naiveArrived = await until(
      () =>
        Promise.resolve(
          [...naiveLastSalesforce].every(([id, details]) => local.get(id) === details)
            ? performance.now()
            : undefined,
        ),
      pollMs * 3 + 30_000,
      20,
    );
    const naiveCores = coresBetween(naiveMark, cpuMark([], emulator.pid));
    poll.on = false;
    await poller;
    if (naiveArrived === undefined) throw new Error('the naive poller never saw every last Salesforce edit');
    const inSalesforce = await salesforceDescriptions(sf, naiveOwner);
    if (![...naiveLastSia].every(([id, details]) => inSalesforce.get(id) === details))
      throw new Error('not every naive SIA edit is in Salesforce');
    const naiveMs = naiveArrived - naiveStarted;
    const naiveCalls = countCalls(await requestLog(emulator), (e) => e.client !== NAIVE_CLIENT);

    return {
      database,
      instances,
      durationMs,
      writersPerSide: writers,
      product: {
        siaEdits,
        salesforceEdits,
        ms: productMs,
        changesPerSecond: ((siaEdits + salesforceEdits) * 1_000) / productMs,
        calls: productCalls,
        floorCalls: floorCalls(siaEdits),
        drainMs: arrived - written,
        cores: productCores,
        latency: { ...summarize(latencies.latencies), missed: latencies.missed },
      },
      naive: {
        siaEdits: naiveSiaEdits,
        salesforceEdits: naiveSalesforceEdits,
        ms: naiveMs,
        changesPerSecond: ((naiveSiaEdits + naiveSalesforceEdits) * 1_000) / naiveMs,
        calls: naiveCalls,
        floorCalls: floorCalls(naiveSiaEdits),
        drainMs: naiveArrived - naiveWritten,
        cores: naiveCores,
        pollMs,
        polls: poll.polls,
      },
      load: { before: loadBefore, after: loadAverage() },
    };
  } finally {
    for (const other of others) await other.stop();
    await service.stop();
    await emulator.close();
  }
}
