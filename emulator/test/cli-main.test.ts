// `npm run emulator` (emulator/src/main.ts): prints its URL, client id/secret and users, accepts
// the printed credentials, and with --data keeps the org across restarts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = resolve(import.meta.dirname, '..', 'src', 'main.ts');

interface Started {
  child: ChildProcess;
  output: string;
  url: string;
}

function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, rejectStart) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      rejectStart(new Error(`emulator did not start: ${output}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url !== undefined && output.includes('rep@sia-emulator.example')) {
        clearTimeout(timer);
        resolveStart({ child, output, url });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`emulator exited with ${String(code)}: ${output}`));
    });
  });
}

async function stop(started: Started): Promise<void> {
  const exited = new Promise<number | null>((resolveExit) => started.child.once('exit', resolveExit));
  started.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a clean shutdown on SIGTERM');
}

async function token(url: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

describe('emulator CLI', { timeout: 60_000 }, () => {
  it('starts with the given credentials and persists the org with --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-emulator-cli-'));
    const dataFile = join(dir, 'org.json');
    const args = [
      '--port',
      '0',
      '--data',
      dataFile,
      '--client-id',
      'cli-id',
      '--client-secret',
      'cli-secret',
      // A bare org's integration user has no API access until the package's permission set is assigned.
      '--run-as',
      'admin@sia-emulator.example',
    ];
    try {
      const first = await start(args);
      assert.match(first.output, /OAuth client id:\s+cli-id/);
      assert.match(first.output, /OAuth client secret:\s+cli-secret/);
      assert.match(first.output, /005\w{15}\s+integration@sia-emulator\.example/);
      const created = await fetch(`${first.url}/services/data/v62.0/sobjects/Task`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await token(first.url, 'cli-id', 'cli-secret')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ Subject: 'survives a restart' }),
      });
      assert.equal(created.status, 201);
      await stop(first);

      const second = await start(args);
      const query = await fetch(
        `${second.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Subject FROM Task')}`,
        {
          headers: { Authorization: `Bearer ${await token(second.url, 'cli-id', 'cli-secret')}` },
        },
      );
      const body = (await query.json()) as { records: { Subject: string }[] };
      assert.deepEqual(
        body.records.map((r) => r.Subject),
        ['survives a restart'],
      );
      await stop(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run emulator -- --help', () => {
  it('documents every option and exits without starting an org', async () => {
    const child = spawn(process.execPath, [MAIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    assert.equal(code, 0);
    for (const option of [
      '--port',
      '--data',
      '--client-id',
      '--client-secret',
      '--jwt-key',
      '--daily-api-limit',
      '--token-ttl',
    ]) {
      assert.match(output, new RegExp(option));
    }
    assert.doesNotMatch(output, /listening on/);
  });
});
