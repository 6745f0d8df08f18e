// `npm start` on a fresh clone: the compiled LWCs are git-ignored, so the demo must build them before
// it deploys the package (as `npm run deploy` does). Runs scripts/start.ts in a copy of the project
// without any compiled `.js`, with the preview port taken so it stops right after the build.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { GENERATED_MARKER } from './build-lwc.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshClone(): string {
  const project = mkdtempSync(join(tmpdir(), 'sia-start-'));
  dirs.push(project);
  for (const name of ['package.json', 'sfdx-project.json', '.forceignore'])
    cpSync(join(ROOT, name), join(project, name));
  for (const name of ['force-app', 'scripts', 'types', 'jest'])
    cpSync(join(ROOT, name), join(project, name), {
      recursive: true,
      filter: (source) =>
        !source.includes('node_modules') &&
        !(source.endsWith('.js') && readFileSync(source, 'utf8').startsWith(GENERATED_MARKER)),
    });
  for (const name of ['node_modules', 'preview', 'service', 'emulator'])
    symlinkSync(join(ROOT, name), join(project, name), 'dir');
  return project;
}

describe('npm start', () => {
  it('builds the LWCs before it deploys them', async () => {
    const project = freshClone();
    const bundleJs = join(project, 'force-app/main/default/lwc/siaSyncHealth/siaSyncHealth.js');
    assert.equal(existsSync(bundleJs), false);
    const taken = createServer();
    await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await new Promise<{ code: number; output: string }>((done) => {
        execFile(
          process.execPath,
          [join(project, 'scripts', 'start.ts'), '--port', String(port), '--data', join(project, 'data')],
          { cwd: project, timeout: 240_000 },
          (error, stdout, stderr) => {
            done({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr });
          },
        );
      });
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /Building the LWCs/);
      assert.match(result.output, new RegExp(`Port ${port} \\(the preview\\) is already in use`));
      assert.ok(existsSync(bundleJs), 'npm start compiled the LWCs of the fresh clone');
      assert.ok(readFileSync(bundleJs, 'utf8').startsWith(GENERATED_MARKER));
    } finally {
      await new Promise((closed) => taken.close(closed));
    }
  });
});
