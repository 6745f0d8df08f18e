// Pure helpers of `npm run bench`: percentiles, ratios against a baseline, counting the emulator's
// request log, and the plain-text table. No I/O here, so node:test covers all of it.

/** One entry of the emulator's request log (GET /__emulator/requests). */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Whether the request counted against the org's daily API allowance. */
  counted: boolean;
  /** The client= of the request's Sforce-Call-Options (the service sends SIASync), null without. */
  client?: string | null;
  at: string;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Linear-interpolated percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (rank - low);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    mean: values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length,
  };
}

/** The route of a REST path, with the API version and record ids folded so calls group by kind. */
export function routeOf(method: string, path: string): string {
  const route = path
    .replace(/^\/services\/data\/v\d+\.\d+/, '')
    .replace(/^\/(query|queryAll)\/[^/]+$/, '/$1/{locator}')
    .split('/')
    .map((part) => (/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(part) && /\d/.test(part) ? '{id}' : part))
    .join('/');
  return `${method} ${route === '' ? '/' : route}`;
}

export interface CallCount {
  /** Requests that counted against the API allowance. */
  total: number;
  /** The same, per route (method and path with ids folded). */
  byRoute: Record<string, number>;
}

/**
 * Counts the requests that counted against the API allowance, leaving out the ones the benchmark
 * itself made to observe the org (`exclude`), so only the measured party's calls remain.
 */
export function countCalls(
  entries: readonly LoggedRequest[],
  exclude: (entry: LoggedRequest) => boolean = () => false,
): CallCount {
  const byRoute: Record<string, number> = {};
  let total = 0;
  for (const entry of entries) {
    if (!entry.counted || exclude(entry)) continue;
    total += 1;
    const route = routeOf(entry.method, entry.path);
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  }
  return { total, byRoute };
}

/** The benchmark's own SOQL probes carry this string, so the request log can leave them out. */
export const PROBE_MARKER = 'sia-bench-probe';

export function isProbe(entry: LoggedRequest): boolean {
  let query = entry.query;
  try {
    query = decodeURIComponent(entry.query.replace(/\+/g, ' '));
  } catch {
    // a malformed escape: match on the raw text
  }
  return query.includes(PROBE_MARKER);
}

/** The service's own calls carry `Sforce-Call-Options: client=SIASync`; a rep's edits do not. */
export function isServiceCall(entry: LoggedRequest): boolean {
  return entry.client === 'SIASync';
}

/**
 * The floor for writing `records` records: one sObject Collections call per 200, the most one call
 * may carry. No sync can write them in fewer REST calls.
 */
export function floorCalls(records: number): number {
  return Math.ceil(records / 200);
}

export function perThousand(count: number, of: number): number {
  return of === 0 ? Number.NaN : (count * 1_000) / of;
}

/**
 * How the product compares with the baseline, in words, for a quantity where less is better
 * (calls, milliseconds, bytes): "50.0× fewer" / "2.0× more", or "n/a" when either side is missing.
 */
export function lessIsBetter(product: number, baseline: number, unit: 'fewer' | 'faster' | 'less'): string {
  if (!Number.isFinite(product) || !Number.isFinite(baseline) || baseline < 0 || product < 0) return 'n/a';
  if (product === 0 && baseline === 0) return '1.0× (both 0)';
  if (product === 0) return `∞× ${unit}`;
  const ratio = baseline / product;
  const worse = { fewer: 'more', faster: 'slower', less: 'more' }[unit];
  return ratio >= 1 ? `${formatRatio(ratio)} ${unit}` : `${formatRatio(1 / ratio)} ${worse}`;
}

/** For a rate where more is better (tasks per second): "3.2× higher" / "1.5× lower". */
export function moreIsBetter(product: number, baseline: number): string {
  if (!Number.isFinite(product) || !Number.isFinite(baseline) || product <= 0 || baseline <= 0) return 'n/a';
  const ratio = product / baseline;
  return ratio >= 1 ? `${formatRatio(ratio)} higher` : `${formatRatio(1 / ratio)} lower`;
}

/** 3 significant figures at most, never scientific notation: 200×, 12.5×, 1.04×. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '∞×';
  const digits = ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2;
  return `${ratio.toFixed(digits)}×`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1_000) return `${ms.toFixed(0)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatMb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1_048_576).toFixed(0)} MB` : 'n/a';
}

export function formatNumber(value: number, digits = 0): string {
  return Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
}

/** A Markdown table (also readable as plain text), columns padded to their widest cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
