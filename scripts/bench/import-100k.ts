// `npm run bench:import-100k`: the first-sync import of 100,000 Tasks (BENCH_IMPORT overrides the
// size), on its own because it takes minutes: API calls including the first sweep, the service
// process's peak RSS, wall time and the slowest SIA API answer meanwhile (from a prober process),
// next to the naive importer measured in the same run, each checked against its goal. The org, the
// service, the prober and the naive importer each run as their own process. Exits 1 when the
// import or the baseline failed (a goal missed is reported, not a failure of the run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { benchImport } from './import.ts';
import { formatMb, formatMs, formatNumber, lessIsBetter, renderTable } from './stats.ts';
import { loadAverage } from './world.ts';

const raw = Number(process.env['BENCH_IMPORT'] ?? 100_000);
const records = Number.isInteger(raw) && raw > 0 ? Math.min(raw, 200_000) : 100_000;
/** The product's goals for the 100,000-task import. */
const GOALS = { calls: 60, rssBytes: 256 * 1_048_576, ms: 60_000 };

const date = new Date().toISOString();
const loadBefore = loadAverage();
process.stderr.write(`bench: import of ${records} tasks (load average ${loadBefore.join(' ')})...\n`);
const result = await benchImport(records);
const loadAfter = loadAverage();
const { product, naive } = result;
const calls = product.calls.total + product.sweepCalls.total;
const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const table = renderTable(
  ['import of ' + formatNumber(records) + ' tasks', 'SIA Sync', 'naive baseline', 'ratio', 'goal', 'notes'],
  [
    [
      'API calls, with the first sweep',
      formatNumber(calls),
      formatNumber(naive.calls.total),
      lessIsBetter(calls, naive.calls.total, 'fewer'),
      `≤ ${GOALS.calls}: ${met(calls <= GOALS.calls)}`,
      `import ${formatNumber(product.calls.total)} + sweep ${formatNumber(product.sweepCalls.total)}; floor (one call per 200) ${formatNumber(result.floorCalls)}`,
    ],
    [
      'Peak RSS of the service process',
      formatMb(product.peakRssBytes),
      formatMb(naive.peakRssBytes),
      lessIsBetter(product.peakRssBytes, naive.peakRssBytes, 'less'),
      `≤ ${formatMb(GOALS.rssBytes)}: ${met(product.peakRssBytes <= GOALS.rssBytes)}`,
      `VmHWM; ${formatMb(product.rssBeforeBytes)} before switch-on; org process ${formatMb(result.orgPeakRssBytes)}`,
    ],
    [
      'Wall time, switch-on until all imported and stamped',
      formatMs(product.ms),
      formatMs(naive.ms),
      lessIsBetter(product.ms, naive.ms, 'faster'),
      `≤ ${formatMs(GOALS.ms)}: ${met(product.ms <= GOALS.ms)}`,
      `${result.concurrency} call in flight on both sides`,
    ],
    [
      'Slowest SIA API answer meanwhile',
      formatMs(product.api.maxMs),
      '',
      '',
      '',
      `p99 ${formatMs(product.api.p99Ms)}, p50 ${formatMs(product.api.p50Ms)}, ${formatNumber(product.api.n)} probes, ${formatNumber(product.api.failures)} failed`,
    ],
  ],
);
process.stdout.write(
  `\nSIA Sync first-sync import — ${date}, Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after\n\n${table}\n\n`,
);
const dir = resolve(import.meta.dirname, '..', '..', 'bench-results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `import-${records}-${date.replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ date, node: process.version, loadBefore, loadAfter, goals: GOALS, result }, null, 2)}\n`,
);
process.stdout.write(`Results: bench-results/${file.split('/').at(-1) ?? ''}\n`);
