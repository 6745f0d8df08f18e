// How the sync service runs in production (`npm run service`, and the benchmarks that measure it):
// compiled JavaScript (`npm run build:service` writes dist/), under a V8 heap budget.
//
// The budget: V8 sizes its old generation from the machine's memory (gigabytes here) and lets
// garbage pile up to that before collecting hard, so a 100,000-task first sync peaked at 550 MB
// resident although its live data never passed 96 MB (the same run completes under a 96 MB old
// generation and dies under 64 MB). 128 MB leaves a third more than that live peak; the young
// generation's 8 MB semi-spaces halve what it holds between collections. An instance that needs more
// (many reps importing at once) runs node with a larger --max-old-space-size.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** The compiled entry point (tsconfig.service.json). */
export const SERVICE_ENTRY = resolve(root, 'dist', 'service', 'src', 'main.js');

/** Node flags the service runs with; package.json's `service` script passes the same. */
export const SERVICE_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=8'] as const;
