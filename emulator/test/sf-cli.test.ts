// Conformance through the unmodified Salesforce CLI: `sf org login access-token` against the
// emulator, then sf data query / create record / get record / update record / delete record on Task.
// The CLI runs with HOME and its state in a temporary directory, never the real home.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientCredentialsToken, withEmulator } from './helpers.ts';
import { requestLog, sf } from './sf-cli-runner.ts';

describe('Salesforce CLI against the emulator', { timeout: 120_000 }, () => {
  it('logs in with an access token and runs sf data commands on Task', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sia-sf-cli-'));
    try {
      await withEmulator({}, async (emulator) => {
        const token = await clientCredentialsToken(emulator);
        const run = async (args: string[]): Promise<Record<string, unknown>> => {
          const out = await sf(home, token, args);
          assert.equal(
            out.status,
            0,
            `sf ${args.join(' ')} failed: ${out.name ?? ''} ${out.message ?? ''}\n${await requestLog(emulator)}`,
          );
          return out.result ?? {};
        };
        const login = await run([
          'org',
          'login',
          'access-token',
          '--instance-url',
          emulator.url,
          '--no-prompt',
          '--alias',
          'emu',
        ]);
        assert.equal(login.username, 'integration@sia-emulator.example');
        assert.equal(login.orgId, emulator.orgId);

        const created = await run([
          'data',
          'create',
          'record',
          '--sobject',
          'Task',
          '--values',
          "Subject='From the CLI' Priority=High",
          '--target-org',
          'emu',
        ]);
        const id = String(created.id);
        assert.match(id, /^00T/);

        const fetched = await run([
          'data',
          'get',
          'record',
          '--sobject',
          'Task',
          '--record-id',
          id,
          '--target-org',
          'emu',
        ]);
        assert.equal(fetched.Subject, 'From the CLI');
        assert.equal(fetched.IsHighPriority, true);

        await run([
          'data',
          'update',
          'record',
          '--sobject',
          'Task',
          '--record-id',
          id,
          '--values',
          'Status=Completed',
          '--target-org',
          'emu',
        ]);
        const queried = await run([
          'data',
          'query',
          '--query',
          `SELECT Id, Status, IsClosed FROM Task WHERE Id = '${id}'`,
          '--target-org',
          'emu',
        ]);
        const records = queried.records as { Status: string; IsClosed: boolean }[];
        assert.equal(queried.totalSize, 1);
        const [row] = records;
        assert.ok(row);
        assert.equal(row.Status, 'Completed');
        assert.equal(row.IsClosed, true);

        await run([
          'data',
          'delete',
          'record',
          '--sobject',
          'Task',
          '--record-id',
          id,
          '--target-org',
          'emu',
        ]);
        const after = await run(['data', 'query', '--query', 'SELECT Id FROM Task', '--target-org', 'emu']);
        assert.equal(after.totalSize, 0);
        const deleted = await run([
          'data',
          'query',
          '--query',
          'SELECT Id FROM Task WHERE IsDeleted = true',
          '--all-rows',
          '--target-org',
          'emu',
        ]);
        assert.equal(deleted.totalSize, 1, 'the delete went to the recycle bin');
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
