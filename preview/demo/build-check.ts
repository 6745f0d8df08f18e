// Whether preview/dist is older than its sources, and building it in a child process (the build
// is CPU-heavy and prints its own warnings).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BUILD_STAMP = join(ROOT, 'preview', 'dist', 'build.json');
const SOURCES = [
  join(ROOT, 'preview', 'src'),
  join(ROOT, 'preview', 'build'),
  join(ROOT, 'force-app', 'main', 'default', 'lwc'),
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.parentPath.includes('__tests__') || entry.name.endsWith('.js')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Why the preview must be built, or undefined when preview/dist is up to date. */
export function previewBuildReason(): string | undefined {
  if (!existsSync(BUILD_STAMP)) return 'preview/dist does not exist yet';
  const built = statSync(BUILD_STAMP).mtimeMs;
  const changed = SOURCES.filter((dir) => existsSync(dir) && newestMtime(dir) > built);
  return changed.length === 0 ? undefined : 'its sources changed since the last build';
}

export function buildPreviewInChild(): Promise<void> {
  return new Promise((resolveBuild, rejectBuild) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', join(ROOT, 'preview', 'build', 'build-preview.ts')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', rejectBuild);
    child.on('close', (code) => {
      if (code === 0) resolveBuild();
      else rejectBuild(new Error(`the preview build failed (npm run build:preview):\n${output}`));
    });
  });
}
