// The service as production runs it: tsconfig.service.json compiles main.ts's import graph to
// JavaScript that starts, and `npm run service` runs that output under the heap budget the
// benchmarks measure (SERVICE_NODE_FLAGS), not some other flags.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SERVICE_ENTRY, SERVICE_NODE_FLAGS } from './service-runtime.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

describe('the compiled service', () => {
  // Inside the repository, so the output resolves node_modules and package.json's "type" as dist/ does.
  const out = mkdtempSync(join(root, '.service-build-'));
  after(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('compiles with tsconfig.service.json and starts far enough to print its settings', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.service.json'), '--outDir', out], {
      cwd: root,
    });
    const entry = join(out, relative(join(root, 'dist'), SERVICE_ENTRY));
    const { stdout } = await run(process.execPath, [...SERVICE_NODE_FLAGS, entry, '--help'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    assert.match(stdout, /SIA_API_TOKEN/);
    assert.match(stdout, /DATABASE_URL/);
  });

  it('is what npm run service runs, with the flags the benchmarks use', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const script = pkg.scripts['service'] ?? '';
    assert.ok(script.startsWith('npm run build:service'), script);
    assert.ok(
      script.endsWith(`node ${SERVICE_NODE_FLAGS.join(' ')} ${relative(root, SERVICE_ENTRY)}`),
      `${script} runs ${relative(root, SERVICE_ENTRY)} with ${SERVICE_NODE_FLAGS.join(' ')}`,
    );
    assert.equal(pkg.scripts['build:service'], 'tsc -p tsconfig.service.json');
  });
});
