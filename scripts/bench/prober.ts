// Measures how the SIA API answers while something else loads the service, from a process of its
// own (so the emulator's work in the benchmark process cannot delay a probe): GET /healthz and a
// page of GET /api/v1/tasks every `everyMs`, one at a time, until stdin closes; then prints the
// response times as JSON.
// Usage: node scripts/bench/prober.ts <serviceUrl> <apiToken> <ownerId> <everyMs>
const [url, token, ownerId, every] = process.argv.slice(2);
if (url === undefined || token === undefined || ownerId === undefined)
  throw new Error('usage: prober.ts <serviceUrl> <apiToken> <ownerId> <everyMs>');
const everyMs = Number(every ?? 50);
const times: number[] = [];
/** The slowest probes, with their path and when they started, to line up with the service's log. */
const slowest: { ms: number; path: string; at: string }[] = [];
let failures = 0;
const state = { stopping: false };
process.stdin.on('end', () => (state.stopping = true));
process.stdin.resume();

async function timed(path: string, auth: boolean): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}${path}`, auth ? { headers: { authorization: `Bearer ${token}` } } : {});
    await res.arrayBuffer();
    if (!res.ok) failures += 1;
  } catch {
    failures += 1;
  }
  const ms = performance.now() - started;
  times.push(ms);
  slowest.push({ ms, path: path.split('?')[0] ?? path, at: new Date(Date.now() - ms).toISOString() });
  slowest.sort((a, b) => b.ms - a.ms);
  slowest.length = Math.min(slowest.length, 5);
}

while (!state.stopping) {
  await timed('/healthz', false);
  await timed(`/api/v1/tasks?ownerId=${encodeURIComponent(ownerId)}&view=all&limit=50`, true);
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
times.sort((a, b) => a - b);
const at = (q: number): number =>
  times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({ n: times.length, failures, maxMs: times.at(-1) ?? Number.NaN, p99Ms: at(0.99), p50Ms: at(0.5), slowest })}\n`,
);
