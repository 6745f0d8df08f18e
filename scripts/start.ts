// `npm start`: the two-sided local demo (emulator + sync service + LWC preview).
// The demo is assembled by later work; until its parts exist this says so plainly and fails,
// rather than pretending to start something.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const parts = [
  { path: 'emulator/src/main.ts', what: 'the local Salesforce org emulator' },
  { path: 'service/src/main.ts', what: 'the sync service' },
  { path: 'preview/server.ts', what: 'the LWC preview' },
];
const missing = parts.filter((part) => !existsSync(join(root, part.path)));
if (missing.length) {
  console.error('npm start: the local demo is not built yet. Missing:');
  for (const part of missing) console.error(`  - ${part.what} (${part.path})`);
  console.error(
    'See README.md for what works today (npm test, npm run build:lwc, npm run validate:metadata).',
  );
  process.exit(1);
}
await import(join(root, 'scripts/demo.ts'));
