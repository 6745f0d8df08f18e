// Runs the unmodified Salesforce CLI (`node_modules/.bin/sf`) for the conformance tests, with HOME
// and every CLI state folder in a temporary directory (never the real home), and JSON output.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { RunningEmulator } from '../src/index.ts';
import { admin } from './helpers.ts';

const SF = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'sf');

export interface CliResult {
  status: number;
  result?: Record<string, unknown>;
  message?: string;
  name?: string;
}

/** The CLI's environment: PATH, and HOME and every state folder under `home`. */
export function cliEnv(home: string): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: home,
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
}

export function sf(
  home: string,
  token: string | undefined,
  args: string[],
  cwd: string = home,
): Promise<CliResult> {
  return new Promise((resolveRun, rejectRun) => {
    execFile(
      SF,
      [...args, '--json'],
      {
        env: { ...cliEnv(home), ...(token === undefined ? {} : { SF_ACCESS_TOKEN: token }) },
        cwd,
        timeout: 120_000,
      },
      (error, stdout) => {
        const start = stdout.indexOf('{');
        if (start < 0) {
          rejectRun(error ?? new Error(`sf ${args.join(' ')} printed no JSON: ${stdout}`));
          return;
        }
        try {
          resolveRun(JSON.parse(stdout.slice(start)) as CliResult);
        } catch (parseError) {
          rejectRun(parseError instanceof Error ? parseError : new Error(String(parseError)));
        }
      },
    );
  });
}

export async function requestLog(emulator: RunningEmulator): Promise<string> {
  const log = (await admin(emulator, 'GET', 'requests')).body as {
    requests: { method: string; path: string; query: string; status: number }[];
  };
  return log.requests.map((r) => `${r.method} ${r.path}${r.query} → ${r.status}`).join('\n');
}
