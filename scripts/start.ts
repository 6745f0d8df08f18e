// `npm start [-- --port <port>] [--reset] [--data <folder>]`: the two-sided local demo. Builds the
// LWCs (npm run build), starts the org emulator (persisted under ./data/), deploys the package to it
// and assigns its permission sets, seeds a demo org on the first run, starts the sync service
// on SQLite, builds and serves the preview, and prints the one URL to open. Ctrl-C stops it all.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
// What `npm install` provides; without it nothing below can start, so say that first.
const needed = [
  { path: 'node_modules/lwc', what: 'LWC (npm install)' },
  { path: 'node_modules/lightning-base-components', what: 'lightning-base-components (npm install)' },
  { path: 'node_modules/@salesforce-ux/design-system', what: 'the SLDS styles (npm install)' },
];
const missing = needed.filter((part) => !existsSync(join(root, part.path)));
if (missing.length > 0) {
  console.error('npm start: dependencies are missing:');
  for (const part of missing) console.error(`  - ${part.what}: ${part.path}`);
  console.error('Run npm install (or npm ci) first.');
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8640' },
    reset: { type: 'boolean', default: false },
    data: { type: 'string', default: 'data' },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`npm start: --port must be a port number, got ${values.port}`);
  process.exit(1);
}

const started = Date.now();
// The demo installs the package as an admin does with `npm run deploy`: build, then deploy. A fresh
// clone has no compiled LWC (the `.js` files are generated and git-ignored), so build them first.
const { buildLwc } = await import('./build-lwc.ts');
console.log('• Building the LWCs (npm run build)…');
const build = buildLwc({ root });
if (build.problems.length > 0) {
  for (const problem of build.problems) console.error(`✗ ${problem}`);
  console.error(`\nnpm start: the LWC build failed (${build.problems.length} problem(s))`);
  process.exit(1);
}
const { startDemo } = await import('../preview/demo/demo-stack.ts');
let demo;
try {
  demo = await startDemo({
    dataDir: resolve(root, values.data),
    previewPort: port,
    reset: values.reset,
    log: (line) => {
      console.log(`• ${line}`);
    },
  });
} catch (error) {
  console.error(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  [
    '',
    `SIA Sync demo ready in ${seconds} s (${demo.resumed ? 'resumed the data' : 'fresh demo data'} in ${values.data}/; npm start -- --reset starts over).`,
    `Signed in to Salesforce as ${demo.demo.rep.name}; SIA user ${demo.demo.siaUserId}.`,
    '',
    `  Open ${demo.url}`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) {
    console.log(`${signal} again: leaving without waiting for the shutdown to finish.`);
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the preview, the sync service and the emulator…`);
  demo.close().then(
    () => {
      console.log('Stopped; the data stays in place for the next npm start.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => {
  stop('SIGINT');
});
process.on('SIGTERM', () => {
  stop('SIGTERM');
});
