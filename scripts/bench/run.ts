// `npm run bench`: the product's performance benchmarks, each next to a naive baseline
// measured in the same run against the same local emulator org, reported as ratios (the machines
// are shared and noisy: absolute times are context, the ratios are the point). Prints a table and
// writes bench-results/bench-<date>.json. Sizes can be lowered for a quick look:
//   BENCH_TASKS=1000 BENCH_EDITS=40 BENCH_IMPORT=5000 BENCH_EMAILS=1000 BENCH_STREAM_MS=20000
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { benchEmail, type EmailResult } from './email.ts';
import { benchIdentityModes, type IdentityModesResult } from './identity.ts';
import { benchImport, type ImportResult } from './import.ts';
import {
  benchPushAndLatency,
  benchThroughput,
  type LatencyResult,
  type PushResult,
  type ThroughputResult,
} from './push.ts';
import {
  formatMb,
  formatMs,
  formatNumber,
  lessIsBetter,
  moreIsBetter,
  perThousand,
  renderTable,
} from './stats.ts';

function size(name: string, fallback: number, max: number): number {
  const raw = Number(process.env[name] ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, max) : fallback;
}

const TASKS = size('BENCH_TASKS', 1_000, 10_000);
const EDITS = size('BENCH_EDITS', 40, 500);
const POLL_MS = size('BENCH_POLL_MS', 2_000, 60_000);
const IMPORT = size('BENCH_IMPORT', 100_000, 200_000);
const EMAILS = size('BENCH_EMAILS', 1_000, 10_000);
const STREAM_MS = size('BENCH_STREAM_MS', 20_000, 120_000);
const STREAM_CONCURRENCY = size('BENCH_STREAM_CONCURRENCY', 4, 32);
/** Round trip added to every REST call in the second throughput run, as a real org across the internet has. */
const RTT_MS = size('BENCH_RTT_MS', 100, 2_000);

/** Reps (at most the test org's 10) and tasks each in the write-identity comparison. */
const IDENTITY_REPS = size('BENCH_IDENTITY_REPS', 10, 10);
const IDENTITY_TASKS = size('BENCH_IDENTITY_TASKS', 20, 1_000);

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** BENCH_ONLY=import,push,email,throughput,identity runs only those parts (the others print as not run). */
const ONLY = new Set((process.env['BENCH_ONLY'] ?? '').split(',').filter((part) => part !== ''));

async function attempt<T>(name: string, work: () => Promise<T>, part: string): Promise<Outcome<T>> {
  if (ONLY.size > 0 && !ONLY.has(part)) return { ok: false, reason: `not run (BENCH_ONLY)` };
  process.stderr.write(`bench: ${name}...\n`);
  const started = performance.now();
  try {
    const value = await work();
    process.stderr.write(`bench: ${name} done in ${formatMs(performance.now() - started)}\n`);
    return { ok: true, value };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${name} not measured: ${reason}\n`);
    return { ok: false, reason };
  }
}

const notMeasured = (what: string, reason: string): string[] => [what, `not measured: ${reason}`, '', '', ''];

function pushRows(result: Outcome<{ push: PushResult; latency: LatencyResult }>): string[][] {
  if (!result.ok) return [notMeasured(`API calls per ${TASKS} pushed tasks`, result.reason)];
  const { product, naive } = result.value.push;
  return [
    [
      `API calls per 1,000 pushed tasks (${TASKS} pushed)`,
      formatNumber(perThousand(product.calls.total, product.records)),
      formatNumber(perThousand(naive.calls.total, naive.records)),
      lessIsBetter(product.calls.total, naive.calls.total, 'fewer'),
      'naive: one jsforce create per task',
    ],
    [
      `Wall time to push ${TASKS} tasks`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      'SIA API create until all linked; loopback (~1 ms a call) favours the naive side',
    ],
  ];
}

function latencyRows(result: Outcome<{ push: PushResult; latency: LatencyResult }>): string[][] {
  if (!result.ok) return [notMeasured('Salesforce-change-to-SIA latency', result.reason)];
  const { product, naivePoller, computed } = result.value.latency;
  const ten = computed.find((c) => c.intervalMinutes === 10);
  const rows = [
    [
      `SF edit → SIA API latency p50 (${product.n} edits${product.missed > 0 ? `, ${product.missed} missed` : ''})`,
      formatMs(product.p50),
      formatMs(naivePoller.p50),
      lessIsBetter(product.p50, naivePoller.p50, 'faster'),
      `measured; naive: SOQL poller every ${formatMs(naivePoller.intervalMs)} (${naivePoller.n} edits)`,
    ],
    [
      'SF edit → SIA API latency p95',
      formatMs(product.p95),
      formatMs(naivePoller.p95),
      lessIsBetter(product.p95, naivePoller.p95, 'faster'),
      'measured, same runs',
    ],
  ];
  if (ten)
    rows.push([
      'Same vs peers polling every 10 min',
      formatMs(product.p50),
      `${formatMs(ten.expectedMs)} avg`,
      lessIsBetter(product.p50, ten.expectedMs, 'faster'),
      'baseline computed (interval / 2), not measured',
    ]);
  return rows;
}

function importRows(result: Outcome<ImportResult>): string[][] {
  if (!result.ok) return [notMeasured(`Initial import of ${IMPORT} tasks`, result.reason)];
  const { product, naive, records, floorCalls } = result.value;
  const productCalls = product.calls.total + product.sweepCalls.total;
  return [
    [
      `Initial import + stamp of ${formatNumber(records)} tasks: time`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      'switch-on until all imported, linked and stamped; naive: fetch all, then stamp 200 a call',
    ],
    [
      'Initial import: API calls, with the first sweep',
      formatNumber(productCalls),
      formatNumber(naive.calls.total),
      lessIsBetter(productCalls, naive.calls.total, 'fewer'),
      `import ${formatNumber(product.calls.total)} + first sweep ${formatNumber(product.sweepCalls.total)}; floor (one call per 200 records) ${formatNumber(floorCalls)}`,
    ],
    [
      'Initial import: peak RSS of the process',
      formatMb(product.peakRssBytes),
      formatMb(naive.peakRssBytes),
      lessIsBetter(product.peakRssBytes, naive.peakRssBytes, 'less'),
      `service VmHWM (RSS ${formatMb(product.rssBeforeBytes)} before switch-on, ${formatMb(product.rssAfterBytes)} after the sweep); naive maxRSS`,
    ],
    [
      'Initial import: slowest SIA API answer meanwhile',
      formatMs(product.api.maxMs),
      '',
      '',
      `p99 ${formatMs(product.api.p99Ms)}, p50 ${formatMs(product.api.p50Ms)} over ${formatNumber(product.api.n)} probes (/healthz, a task page), ${formatNumber(product.api.failures)} failed; prober is its own process`,
    ],
  ];
}

function emailRows(result: Outcome<EmailResult>): string[][] {
  if (!result.ok) return [notMeasured(`API calls per 1,000 sent emails`, result.reason)];
  const { product, naive, emails } = result.value;
  return [
    [
      `API calls per 1,000 sent emails logged (${emails} sent)`,
      formatNumber(perThousand(product.calls.total, emails)),
      formatNumber(perThousand(naive.calls.total, emails)),
      lessIsBetter(product.calls.total, naive.calls.total, 'fewer'),
      'matched by address in batches; naive: one create per email, contact id known',
    ],
    [
      `Wall time to log ${emails} emails`,
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      '',
    ],
  ];
}

function throughputRows(result: Outcome<ThroughputResult>): string[][] {
  if (!result.ok) return [notMeasured('Sustained push throughput', result.reason)];
  const { product, naive, durationMs, concurrency, rttMs } = result.value;
  const link = rttMs > 0 ? `${formatMs(rttMs)} per call` : 'loopback';
  return [
    [
      `Sustained push (${link}), ${formatMs(durationMs)}, ${concurrency} writers: tasks/s`,
      formatNumber(product.tasksPerSecond, 1),
      formatNumber(naive.tasksPerSecond, 1),
      moreIsBetter(product.tasksPerSecond, naive.tasksPerSecond),
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
      '',
    ],
  ];
}

function identityRows(result: Outcome<IdentityModesResult>): string[][] {
  if (!result.ok) return [notMeasured('API calls per write identity', result.reason)];
  const { reps, tasksPerRep, modifyAllData, ownConnections } = result.value;
  const total = reps * tasksPerRep;
  return [
    [
      `API calls to complete ${formatNumber(total)} tasks of ${reps} reps: org identity (Modify All Data) vs each rep's connection`,
      formatNumber(modifyAllData.calls.total),
      formatNumber(ownConnections.calls.total),
      lessIsBetter(modifyAllData.calls.total, ownConnections.calls.total, 'fewer'),
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
  sizes: {
    tasks: TASKS,
    edits: EDITS,
    pollIntervalMs: POLL_MS,
    import: IMPORT,
    emails: EMAILS,
    streamMs: STREAM_MS,
    streamConcurrency: STREAM_CONCURRENCY,
    rttMs: RTT_MS,
    identityReps: IDENTITY_REPS,
    identityTasksPerRep: IDENTITY_TASKS,
  },
};

const pushLatency = await attempt(
  'push + inbound latency',
  () => benchPushAndLatency(TASKS, EDITS, POLL_MS),
  'push',
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

const identity = await attempt(
  'write identities',
  () => benchIdentityModes(IDENTITY_REPS, IDENTITY_TASKS),
  'identity',
);

const table = renderTable(
  ['benchmark', 'SIA Sync', 'naive baseline', 'ratio', 'notes'],
  [
    ...pushRows(pushLatency),
    ...latencyRows(pushLatency),
    ...importRows(importResult),
    ...emailRows(email),
    ...throughputRows(throughput),
    ...throughputRows(throughputRtt),
    ...identityRows(identity),
  ],
);
process.stdout.write(
  `\nSIA Sync benchmarks — ${environment.date}, Node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel})\n` +
    'Same run, same local emulator org for product and baseline; API calls are the requests the org counted against its allowance.\n\n' +
    `${table}\n\n`,
);

const outcome = <T>(result: Outcome<T>): T | { notMeasured: string } =>
  result.ok ? result.value : { notMeasured: result.reason };
const dir = resolve(import.meta.dirname, '..', '..', 'bench-results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${environment.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      environment,
      push: pushLatency.ok ? pushLatency.value.push : outcome(pushLatency),
      inboundLatency: pushLatency.ok ? pushLatency.value.latency : outcome(pushLatency),
      initialImport: outcome(importResult),
      emailLogging: outcome(email),
      throughput: outcome(throughput),
      throughputWithRoundTrip: outcome(throughputRtt),
      writeIdentities: outcome(identity),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`Results: bench-results/${file.split('/').at(-1) ?? ''}\n`);
