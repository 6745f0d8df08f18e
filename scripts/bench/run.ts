// `npm run bench`: the product's performance benchmarks, each next to a naive baseline
// measured in the same run against the same local emulator org, reported as ratios (the machines
// are shared and noisy: absolute times are context, the ratios are the point). Prints a table and
// writes bench-results/bench-<date>.json. Every scenario counts what arrived on the other side
// before it reports a figure, and throws (the row then says "not measured" and the run exits 1)
// when its product or its baseline fell short. Each row carries the load average at its start.
// Sizes can be lowered for a quick look:
//   BENCH_TASKS=1000 BENCH_EDITS=100 BENCH_IMPORT=20000 BENCH_EMAILS=1000 BENCH_STREAM_MS=20000
//   BENCH_RATE_SECONDS=10 BENCH_MIXED_MS=15000
// The 100,000-task import has its own script: npm run bench:import-100k.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { benchEmail, type EmailResult } from './email.ts';
import { benchIdentityModes, type IdentityModesResult } from './identity.ts';
import { benchImport, type ImportResult } from './import.ts';
import { benchMixed, type MixedResult, type MixedSide } from './mixed.ts';
import {
  benchArrivalRates,
  benchPushAndLatency,
  benchThroughput,
  type ArrivalRateResult,
  type LatencyResult,
  type PushResult,
  type ThroughputResult,
} from './push.ts';
import {
  floorCalls,
  formatMb,
  formatMs,
  formatNumber,
  lessIsBetter,
  moreIsBetter,
  perThousand,
  renderTable,
  type Summary,
} from './stats.ts';
import { loadAverage } from './world.ts';

function size(name: string, fallback: number, max: number): number {
  const raw = Number(process.env[name] ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, max) : fallback;
}

const TASKS = size('BENCH_TASKS', 1_000, 10_000);
const EDITS = size('BENCH_EDITS', 100, 1_000);
const POLL_MS = size('BENCH_POLL_MS', 2_000, 60_000);
/** First-sync import size; the 100,000-task import is `npm run bench:import-100k`. */
const IMPORT = size('BENCH_IMPORT', 20_000, 200_000);
const EMAILS = size('BENCH_EMAILS', 1_000, 10_000);
const STREAM_MS = size('BENCH_STREAM_MS', 20_000, 120_000);
const STREAM_CONCURRENCY = size('BENCH_STREAM_CONCURRENCY', 4, 32);
/** Round trip added to every REST call in the second throughput run, as a real org across the internet has. */
const RTT_MS = size('BENCH_RTT_MS', 100, 2_000);

/** Arrival rates (changes/s) of the calls-per-change rows, each for this many seconds (at most 5,000 changes). */
const RATES = [10, 100, 1_000];
const RATE_SECONDS = size('BENCH_RATE_SECONDS', 10, 120);
const RATE_MAX_CHANGES = 5_000;
const MIXED_MS = size('BENCH_MIXED_MS', 15_000, 120_000);
const MIXED_WRITERS = size('BENCH_MIXED_WRITERS', 8, 32);

/** Reps (at most the test org's 10) and tasks each in the write-identity comparison. */
const IDENTITY_REPS = size('BENCH_IDENTITY_REPS', 10, 10);
const IDENTITY_TASKS = size('BENCH_IDENTITY_TASKS', 20, 1_000);

type Load = [number, number, number];
type Outcome<T> = ({ ok: true; value: T } | { ok: false; reason: string }) & { load: Load };

/** BENCH_ONLY=import,push,email,throughput,identity runs only those parts (the others print as not run). */
const ONLY = new Set((process.env['BENCH_ONLY'] ?? '').split(',').filter((part) => part !== ''));

const failures: string[] = [];

async function attempt<T>(name: string, work: () => Promise<T>, part: string): Promise<Outcome<T>> {
  const load = loadAverage();
  if (ONLY.size > 0 && !ONLY.has(part)) return { ok: false, reason: `not run (BENCH_ONLY)`, load };
  process.stderr.write(`bench: ${name} (load average ${load.join(' ')})...\n`);
  const started = performance.now();
  try {
    const value = await work();
    process.stderr.write(`bench: ${name} done in ${formatMs(performance.now() - started)}\n`);
    return { ok: true, value, load };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${name} FAILED: ${reason}\n`);
    failures.push(`${name}: ${reason}`);
    return { ok: false, reason, load };
  }
}

/** The load column: the 1-minute load average when the part started. */
const loadCell = (load: Load): string => load[0].toFixed(2);

const notMeasured = (what: string, result: { reason: string; load: Load }): string[] => [
  what,
  `not measured: ${result.reason}`,
  '',
  '',
  '',
  loadCell(result.load),
  '',
];

/** A floor cell: one collection call per 200 records, per 1,000 when `per` is given. */
const floorCell = (records: number, per?: number): string =>
  per === undefined ? formatNumber(floorCalls(records)) : formatNumber(perThousand(floorCalls(records), per));

type PushOutcome = Outcome<{ push: PushResult; latency: LatencyResult }>;

function pushRows(result: PushOutcome): string[][] {
  if (!result.ok) return [notMeasured(`API calls per ${TASKS} pushed tasks`, result)];
  const { product, naive } = result.value.push;
  const load = loadCell(result.load);
  return [
    [
      `API calls per 1,000 pushed tasks (${TASKS} pushed)`,
      formatNumber(perThousand(product.calls.total, product.records)),
      formatNumber(perThousand(naive.calls.total, naive.records)),
      lessIsBetter(product.calls.total, naive.calls.total, 'fewer'),
      floorCell(product.records, product.records),
      load,
      'naive: one jsforce create per task, one at a time; SIA API: 8 clients',
    ],
    [
      `Wall time to push ${TASKS} tasks`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      '',
      load,
      'SIA API create until all linked; loopback (~1 ms a call) favours the naive side',
    ],
  ];
}

function latencyRows(result: PushOutcome): string[][] {
  if (!result.ok) return [notMeasured('Salesforce-change-to-SIA latency', result)];
  const { product, underLoad, naivePoller, computed } = result.value.latency;
  const load = loadCell(result.load);
  const ten = computed.find((c) => c.intervalMinutes === 10);
  const poller = `SOQL poller every ${formatMs(naivePoller.intervalMs)} (${naivePoller.n} edits, idle)`;
  const rows = (label: string, s: Summary, note: string): string[][] =>
    (['p50', 'p95', 'p99'] as const).map((q) => [
      `SF edit → SIA API latency ${q}, ${label} (${s.n} edits)`,
      formatMs(s[q]),
      q === 'p99' ? '' : formatMs(naivePoller[q]),
      q === 'p99' ? '' : lessIsBetter(s[q], naivePoller[q], 'faster'),
      '',
      load,
      q === 'p50' ? note : q === 'p99' ? `poller too few edits for a p99; max ${formatMs(s.max)}` : '',
    ]);
  const out = [
    ...rows('idle', product, `measured one edit at a time; naive: ${poller}`),
    ...rows(
      'under load',
      underLoad,
      `meanwhile ${formatNumber(underLoad.siaCreatesPerSecond, 0)} SIA creates/s pushed and ${formatNumber(underLoad.salesforceEditsPerSecond, 0)} other SF edits/s taken in (all checked arrived); naive: ${poller}`,
    ),
  ];
  if (ten)
    out.push([
      'Same (idle p50) vs peers polling every 10 min',
      formatMs(product.p50),
      `${formatMs(ten.expectedMs)} avg`,
      lessIsBetter(product.p50, ten.expectedMs, 'faster'),
      '',
      load,
      'baseline computed (interval / 2), not measured',
    ]);
  return out;
}

function rateRows(result: Outcome<{ results: ArrivalRateResult[] }>): string[][] {
  if (!result.ok) return [notMeasured('API calls per 1,000 pushed changes by arrival rate', result)];
  const load = loadCell(result.load);
  return result.value.results.map((r) => [
    `API calls per 1,000 pushed changes arriving at ${formatNumber(r.rate)}/s`,
    formatNumber(perThousand(r.product.calls.total, r.product.changes)),
    formatNumber(perThousand(r.naive.calls.total, r.naive.changes)),
    lessIsBetter(
      perThousand(r.product.calls.total, r.product.changes),
      perThousand(r.naive.calls.total, r.naive.changes),
      'fewer',
    ),
    floorCell(r.product.changes, r.product.changes),
    load,
    `${formatNumber(r.product.changes)} changes (SIA creates), achieved ${formatNumber(r.product.achievedRate, 0)}/s (naive ${formatNumber(r.naive.achievedRate, 0)}/s); varies with the rate: the outbox sends at 200 queued or when the oldest has waited its coalescing time`,
  ]);
}

function importRows(result: Outcome<ImportResult>): string[][] {
  if (!result.ok) return [notMeasured(`Initial import of ${IMPORT} tasks`, result)];
  const { product, naive, records, floorCalls: floor, concurrency } = result.value;
  const productCalls = product.calls.total + product.sweepCalls.total;
  const load = loadCell(result.load);
  return [
    [
      `Initial import + stamp of ${formatNumber(records)} tasks: time`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      '',
      load,
      `switch-on until all imported, linked and stamped; naive: query with the fields (REST pages of 2,000), store, stamp 200 a call; ${concurrency} call in flight on both sides`,
    ],
    [
      'Initial import: API calls, with the first sweep',
      formatNumber(productCalls),
      formatNumber(naive.calls.total),
      lessIsBetter(productCalls, naive.calls.total, 'fewer'),
      formatNumber(floor),
      load,
      `import ${formatNumber(product.calls.total)} + first sweep ${formatNumber(product.sweepCalls.total)}; naive has no sweep`,
    ],
    [
      'Initial import: peak RSS of the process',
      formatMb(product.peakRssBytes),
      formatMb(naive.peakRssBytes),
      lessIsBetter(product.peakRssBytes, naive.peakRssBytes, 'less'),
      '',
      load,
      `service VmHWM (RSS ${formatMb(product.rssBeforeBytes)} before switch-on, ${formatMb(product.rssAfterBytes)} after the sweep); naive maxRSS; org process ${formatMb(result.value.orgPeakRssBytes)}`,
    ],
    [
      'Initial import: slowest SIA API answer meanwhile',
      formatMs(product.api.maxMs),
      '',
      '',
      '',
      load,
      `p99 ${formatMs(product.api.p99Ms)}, p50 ${formatMs(product.api.p50Ms)} over ${formatNumber(product.api.n)} probes (/healthz, a task page), ${formatNumber(product.api.failures)} failed; prober is its own process`,
    ],
  ];
}

function emailRows(result: Outcome<EmailResult>): string[][] {
  if (!result.ok) return [notMeasured(`API calls per 1,000 sent emails`, result)];
  const { product, naive, emails } = result.value;
  const load = loadCell(result.load);
  return [
    [
      `API calls per 1,000 sent emails logged (${emails} sent)`,
      formatNumber(perThousand(product.calls.total, emails)),
      formatNumber(perThousand(naive.calls.total, emails)),
      lessIsBetter(product.calls.total, naive.calls.total, 'fewer'),
      floorCell(emails, emails),
      load,
      'matched by address in batches; naive: one create per email, contact id known',
    ],
    [
      `Wall time to log ${emails} emails`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      '',
      load,
      '',
    ],
  ];
}

function throughputRows(result: Outcome<ThroughputResult>): string[][] {
  if (!result.ok) return [notMeasured('Sustained push throughput', result)];
  const { product, naive, durationMs, concurrency, rttMs } = result.value;
  const link = rttMs > 0 ? `${formatMs(rttMs)} per call` : 'loopback';
  const load = loadCell(result.load);
  return [
    [
      `Sustained push (${link}), ${formatMs(durationMs)}, ${concurrency} writers: tasks/s`,
      formatNumber(product.tasksPerSecond, 1),
      formatNumber(naive.tasksPerSecond, 1),
      moreIsBetter(product.tasksPerSecond, naive.tasksPerSecond),
      '',
      load,
      `${formatNumber(product.pushed)} pushed; SIA API took ${formatNumber(product.createPerSecond, 0)} creates/s; outbox peak ${formatNumber(product.maxOutboxDepth)}, empty ${formatMs(product.drainMs)} after the stream`,
    ],
    [
      `Sustained push (${link}): API calls per 1,000 tasks`,
      formatNumber(perThousand(product.calls.total, product.created)),
      formatNumber(perThousand(naive.calls.total, naive.created)),
      lessIsBetter(
        perThousand(product.calls.total, product.created),
        perThousand(naive.calls.total, naive.created),
        'fewer',
      ),
      floorCell(product.created, product.created),
      load,
      '',
    ],
  ];
}

function mixedRows(result: Outcome<MixedResult>, database: string): string[][] {
  if (!result.ok) return [notMeasured(`Two-way mixed throughput (${database})`, result)];
  const { product, naive, durationMs, writersPerSide } = result.value;
  const load = loadCell(result.load);
  const changes = (side: MixedSide): number => side.siaEdits + side.salesforceEdits;
  return [
    [
      `Two-way mixed (${database}), ${formatMs(durationMs)}, ${writersPerSide}+${writersPerSide} writers: changes/s`,
      formatNumber(product.changesPerSecond, 1),
      formatNumber(naive.changesPerSecond, 1),
      moreIsBetter(product.changesPerSecond, naive.changesPerSecond),
      '',
      load,
      `SIA edits ${formatNumber(product.siaEdits)} + SF edits ${formatNumber(product.salesforceEdits)}, until every last edit arrived on the other side (${formatMs(product.drainMs)} after the writing); cores used: service ${formatNumber(product.cores.service, 2)}, org ${formatNumber(product.cores.org, 2)}, writers ${formatNumber(product.cores.writers, 2)}; naive: one update per SIA edit, SOQL poll every ${formatMs(naive.pollMs)}`,
    ],
    [
      `Two-way mixed (${database}): API calls per 1,000 changes`,
      formatNumber(perThousand(product.calls.total, changes(product))),
      formatNumber(perThousand(naive.calls.total, changes(naive))),
      lessIsBetter(
        perThousand(product.calls.total, changes(product)),
        perThousand(naive.calls.total, changes(naive)),
        'fewer',
      ),
      formatNumber(perThousand(product.floorCalls, changes(product))),
      load,
      `service ${formatNumber(product.calls.total)} calls; floor: one collection per 200 SIA edits (SF edits arrive by stream); naive ${formatNumber(naive.polls)} polls`,
    ],
    [
      `Two-way mixed (${database}): SF edit → SIA API latency meanwhile, p50 / p95 / p99 (${formatNumber(product.latency.n)} edits)`,
      `${formatMs(product.latency.p50)} / ${formatMs(product.latency.p95)} / ${formatMs(product.latency.p99)}`,
      '',
      '',
      '',
      load,
      `one more rep's edits, one at a time while the writers ran, each timed until the SIA API showed it (max ${formatMs(product.latency.max)}${product.latency.missed > 0 ? `; ${formatNumber(product.latency.missed)} took over 15 s` : ''})`,
    ],
  ];
}

function identityRows(result: Outcome<IdentityModesResult>): string[][] {
  if (!result.ok) return [notMeasured('API calls per write identity', result)];
  const { reps, tasksPerRep, modifyAllData, ownConnections } = result.value;
  const total = reps * tasksPerRep;
  return [
    [
      `API calls to complete ${formatNumber(total)} tasks of ${reps} reps: org identity (Modify All Data) vs each rep's connection`,
      formatNumber(modifyAllData.calls.total),
      formatNumber(ownConnections.calls.total),
      lessIsBetter(modifyAllData.calls.total, ownConnections.calls.total, 'fewer'),
      formatNumber(floorCalls(total)),
      loadCell(result.load),
      `one collection carries every rep's changes vs one per rep (least privilege: View All Data); ${formatMs(modifyAllData.ms)} vs ${formatMs(ownConnections.ms)}`,
    ],
  ];
}

const started = new Date();
const environment = {
  date: started.toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryBytes: totalmem(),
  loadAverageAtStart: loadAverage(),
  sizes: {
    tasks: TASKS,
    edits: EDITS,
    pollIntervalMs: POLL_MS,
    import: IMPORT,
    emails: EMAILS,
    streamMs: STREAM_MS,
    streamConcurrency: STREAM_CONCURRENCY,
    rttMs: RTT_MS,
    rates: RATES,
    rateSeconds: RATE_SECONDS,
    mixedMs: MIXED_MS,
    mixedWritersPerSide: MIXED_WRITERS,
    identityReps: IDENTITY_REPS,
    identityTasksPerRep: IDENTITY_TASKS,
  },
};

const pushLatency = await attempt(
  'push + inbound latency (idle and under load)',
  () => benchPushAndLatency(TASKS, EDITS, POLL_MS),
  'push',
);
const rates = await attempt(
  'calls per change by arrival rate',
  () => benchArrivalRates(RATES, RATE_SECONDS, RATE_MAX_CHANGES),
  'rates',
);
const importResult = await attempt('initial import', () => benchImport(IMPORT), 'import');
const email = await attempt('email logging', () => benchEmail(EMAILS), 'email');
const throughput = await attempt(
  'sustained throughput (loopback)',
  () => benchThroughput(STREAM_MS, STREAM_CONCURRENCY, 0),
  'throughput',
);
const throughputRtt = await attempt(
  `sustained throughput (${RTT_MS} ms per call)`,
  () => benchThroughput(STREAM_MS, STREAM_CONCURRENCY, RTT_MS),
  'throughput',
);
const mixedSqlite = await attempt(
  'two-way mixed throughput (SQLite)',
  () => benchMixed('sqlite', MIXED_MS, MIXED_WRITERS, POLL_MS),
  'mixed',
);
const mixedPostgres = await attempt(
  'two-way mixed throughput (PostgreSQL)',
  () => benchMixed('postgres', MIXED_MS, MIXED_WRITERS, POLL_MS),
  'mixed',
);
const mixedPostgresTwo = await attempt(
  'two-way mixed throughput (PostgreSQL, two instances)',
  () => benchMixed('postgres', MIXED_MS, MIXED_WRITERS, POLL_MS, 2),
  'mixed',
);
const identity = await attempt(
  'write identities',
  () => benchIdentityModes(IDENTITY_REPS, IDENTITY_TASKS),
  'identity',
);

const table = renderTable(
  ['benchmark', 'SIA Sync', 'naive baseline', 'ratio', 'floor', 'load', 'notes'],
  [
    ...pushRows(pushLatency),
    ...rateRows(rates),
    ...latencyRows(pushLatency),
    ...importRows(importResult),
    ...emailRows(email),
    ...throughputRows(throughput),
    ...throughputRows(throughputRtt),
    ...mixedRows(mixedSqlite, 'SQLite'),
    ...mixedRows(mixedPostgres, 'PostgreSQL'),
    ...mixedRows(mixedPostgresTwo, 'PostgreSQL, 2 instances'),
    ...identityRows(identity),
  ],
);
process.stdout.write(
  `\nSIA Sync benchmarks — ${environment.date}, Node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), load average ${environment.loadAverageAtStart.join(' ')} at start, BENCH_IMPORT=${IMPORT}\n` +
    'Same run, same local emulator org (its own process) for product and baseline; API calls are the requests the org counted against its allowance.\n' +
    'floor: one sObject Collections call per 200 records (per 1,000 where the row is per 1,000). load: 1-minute load average when the part started.\n\n' +
    `${table}\n\n`,
);

const outcome = <T>(result: Outcome<T>): (T | { notMeasured: string }) & { loadAverage: Load } =>
  result.ok
    ? { ...result.value, loadAverage: result.load }
    : { notMeasured: result.reason, loadAverage: result.load };
const dir = resolve(import.meta.dirname, '..', '..', 'bench-results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${environment.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      environment,
      push: pushLatency.ok
        ? { ...pushLatency.value.push, loadAverage: pushLatency.load }
        : outcome(pushLatency),
      inboundLatency: pushLatency.ok
        ? { ...pushLatency.value.latency, loadAverage: pushLatency.load }
        : outcome(pushLatency),
      arrivalRates: outcome(rates),
      initialImport: outcome(importResult),
      emailLogging: outcome(email),
      throughput: outcome(throughput),
      throughputWithRoundTrip: outcome(throughputRtt),
      mixedSqlite: outcome(mixedSqlite),
      mixedPostgres: outcome(mixedPostgres),
      mixedPostgresTwoInstances: outcome(mixedPostgresTwo),
      writeIdentities: outcome(identity),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`Results: bench-results/${file.split('/').at(-1) ?? ''}\n`);
// A part whose product or baseline fell short prints as not measured above, and fails the run.
if (failures.length > 0)
  throw new Error(
    `${failures.length} benchmark part(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`,
  );
