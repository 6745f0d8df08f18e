// `npm test`: every check in order (the LWC build, typecheck, lint, formatting, LWC tests, Node tests,
// metadata validation). Every step runs even after a failure, so one run shows everything that is
// wrong; the exit code is non-zero when any step failed. The build is `npm run build` itself, so the
// metadata validation checks exactly what a deploy ships, and the Node tests that deploy the package
// to the emulator deploy that same build.
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface Step {
  name: string;
  command: string[];
  /** Pulls test counts out of the step's output, when it runs tests. */
  counts?: (output: string) => { passed: number; failed: number } | undefined;
}

const root = resolve(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

export function nodeTestFiles(cwd: string): string[] {
  return globSync(
    ['service/**/*.test.ts', 'emulator/**/*.test.ts', 'scripts/**/*.test.ts', 'preview/**/*.test.ts'],
    {
      cwd,
      exclude: (path) => path.includes('node_modules'),
    },
  ).sort();
}

export function jestCounts(output: string): { passed: number; failed: number } | undefined {
  const line = /^Tests:\s+(.*)$/m.exec(output)?.[1];
  if (line === undefined) return undefined;
  const number = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: number('passed'), failed: number('failed') };
}

export function nodeTestCounts(output: string): { passed: number; failed: number } | undefined {
  const passed = /^ℹ pass (\d+)$/m.exec(output)?.[1];
  const failed = /^ℹ fail (\d+)$/m.exec(output)?.[1];
  return passed === undefined ? undefined : { passed: Number(passed), failed: Number(failed ?? 0) };
}

function run(step: Step): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun) => {
    const [command, ...args] = step.command as [string, ...string[]];
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      resolveRun({ code: code ?? 1, output });
    });
  });
}

async function main(): Promise<void> {
  const steps: Step[] = [
    { name: 'build', command: ['npm', 'run', '--silent', 'build'] },
    { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
    { name: 'lint', command: [bin('eslint'), '--max-warnings', '0', '.'] },
    { name: 'prettier', command: [bin('prettier'), '--check', '.'] },
    { name: 'LWC tests', command: [bin('sfdx-lwc-jest'), '--', '--ci'], counts: jestCounts },
    {
      name: 'Node tests',
      // A test that leaks a handle (a server or pool left open after a failure) must not hang the
      // run: --test-force-exit ends it once every test has reported, and --test-timeout fails a
      // test that never settles instead of waiting forever.
      command: [
        process.execPath,
        '--test',
        '--test-reporter=spec',
        '--test-force-exit',
        '--test-timeout=180000',
        ...nodeTestFiles(root),
      ],
      counts: nodeTestCounts,
    },
    { name: 'metadata validation', command: [process.execPath, 'scripts/validate-metadata.ts'] },
  ];
  const results: { name: string; ok: boolean; counts?: { passed: number; failed: number } }[] = [];
  for (const step of steps) {
    console.log(`\n━━ ${step.name} ━━`);
    const { code, output } = await run(step);
    const counts = step.counts?.(output);
    const ok = code === 0 && (step.counts === undefined || counts !== undefined);
    if (code === 0 && !ok) console.error(`${step.name}: no test counts found in its output`);
    results.push({ name: step.name, ok, ...(counts ? { counts } : {}) });
  }
  console.log('\n━━ summary ━━');
  for (const r of results) {
    const counts = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed)` : '';
    console.log(`${r.ok ? '✔' : '✘'} ${r.name}${counts}`);
  }
  const passed = results.reduce((n, r) => n + (r.counts?.passed ?? 0), 0);
  const failed = results.reduce((n, r) => n + (r.counts?.failed ?? 0), 0);
  const failedSteps = results.filter((r) => !r.ok).map((r) => r.name);
  if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`);
  // The one closing line CI reads: every LWC and Node test.
  console.log(`tests: ${passed} passed, ${failed + (failedSteps.length && !failed ? 1 : 0)} failed`);
  process.exitCode = failedSteps.length ? 1 : 0;
}

if (import.meta.filename === process.argv[1]) await main();
