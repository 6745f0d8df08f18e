// The real service as a process of its own (`node service/src/main.ts`, configured by environment as
// an operator would), for what only a process can show: kill -9 in the middle of a batch, and a
// start again on the same store.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestDatabase } from './databases.ts';
import { API_TOKEN, API_VERSION, TEST_TOKEN_KEYS, type Emulator } from './harness.ts';

const root = resolve(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  url: string;
  pid: number;
  /** The last lines it logged (to say what it was doing when a test fails). */
  recentLog(): string;
  /** Sends `signal` and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => {
      done();
    });
  });
}

/** Starts the service on `database` against the org and resolves once it listens. */
export async function startServiceProcess(
  emulator: Emulator,
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const store =
    database.config.kind === 'sqlite'
      ? { DATABASE_URL: `sqlite:${database.config.path}` }
      : { DATABASE_URL: database.config.url, DATABASE_SCHEMA: database.config.schema };
  const child = spawn(process.execPath, [join(root, 'service', 'src', 'main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      SF_LOGIN_URL: emulator.url,
      SF_CLIENT_ID: emulator.clientId,
      SF_CLIENT_SECRET: emulator.clientSecret,
      SF_API_VERSION: API_VERSION,
      SF_PRODUCTION_LOGIN_URL: emulator.loginUrls.production,
      SF_SANDBOX_LOGIN_URL: emulator.loginUrls.sandbox,
      SIA_TOKEN_KEYS: TEST_TOKEN_KEYS,
      ...store,
      HOST: '127.0.0.1',
      PORT: '0',
      SIA_API_TOKEN: API_TOKEN,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const lines: string[] = [];
  const keep = (line: string): void => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', keep);
  const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timer = setTimeout(() => {
      rejectUrl(new Error(`the service did not start within 30 s:\n${lines.join('\n')}`));
    }, 30_000);
    // Read to the end, so the pipe never fills and blocks the service's logger.
    stdout.on('line', (line) => {
      keep(line);
      if (!line.includes('SIA sync service listening')) return;
      const parsed = JSON.parse(line) as { url?: string };
      if (parsed.url === undefined) return;
      clearTimeout(timer);
      resolveUrl(parsed.url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`the service exited with ${String(code)} before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    recentLog: () => lines.join('\n'),
    async kill(signal) {
      child.kill(signal);
      await exited(child);
    },
  };
}
