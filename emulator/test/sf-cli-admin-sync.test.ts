// The README's admin path from the permission sets on, then the service: on a freshly started
// emulator with the package deployed (the Metadata API deploy sf-cli-admin-path.test.ts makes through
// `npm run deploy`), the unmodified Salesforce CLI logs in as the administrator, assigns
// SIA_Sync_Admin, creates the org settings row and switches a rep on, gives the integration user
// SIA_Sync_Integration and the org-level access set it creates with `sf data create record`; then
// the sync service, started as `npm run service` starts it with the README's environment, syncs a
// task both ways: created in SIA, completed with the CLI in Salesforce, renamed in SIA.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { deploySource, sessionFor } from '../../scripts/package-install.ts';
import { waitFor } from '../../service/test/harness.ts';
import type { RunningEmulator } from '../src/index.ts';
import { withEmulator } from './helpers.ts';
import { requestLog, sf } from './sf-cli-runner.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const API_TOKEN = 'admin-path-test-token-0123';

interface ServiceProcess {
  url: string;
  stop(): Promise<void>;
}

/** `npm run service` (node service/src/main.ts) with the README's environment for the emulator. */
async function startServiceProcess(emulator: RunningEmulator, dir: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'service', 'src', 'main.ts')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      SF_LOGIN_URL: emulator.url,
      SF_CLIENT_ID: emulator.clientId,
      SF_CLIENT_SECRET: emulator.clientSecret,
      SIA_API_TOKEN: API_TOKEN,
      DATABASE_URL: `sqlite:${join(dir, 'sia-sync.sqlite')}`,
      PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'SIA sync service listening' && entry.url !== undefined) resolveUrl(entry.url);
    });
    void exited.then((code) => {
      rejectUrl(new Error(`the service exited (${String(code)}) before listening: ${stderr}`));
    });
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the admin path through the Salesforce CLI, then the sync service', { timeout: 180_000 }, () => {
  it('assigns, configures and grants with sf commands; the service syncs a task both ways', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sia-sf-sync-'));
    try {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const keyFile = join(home, 'server.key');
      writeFileSync(keyFile, await exportPKCS8(privateKey));
      // The client-credentials flow runs as the integration user, as the README's emulator does.
      const options = {
        installPackage: false,
        jwtPublicKey: await exportSPKI(publicKey),
        runAsUsername: 'integration@sia-emulator.example',
      };
      await withEmulator(options, async (emulator) => {
        await deploySource(emulator);
        const run = async (args: string[]): Promise<Record<string, unknown>> => {
          const out = await sf(home, undefined, args);
          assert.equal(
            out.status,
            0,
            `sf ${args.join(' ')} failed: ${out.name ?? ''} ${out.message ?? ''}\n${await requestLog(emulator)}`,
          );
          return out.result ?? {};
        };
        // What the test itself reads goes over REST as the administrator (quicker than the CLI).
        const query = async (soql: string): Promise<Record<string, unknown>[]> => {
          const token = await sessionFor(emulator, 'admin@sia-emulator.example');
          const response = await fetch(
            `${emulator.url}/services/data/v66.0/query?q=${encodeURIComponent(soql)}`,
            { headers: { authorization: `Bearer ${token}` } },
          );
          return ((await response.json()) as { records: Record<string, unknown>[] }).records;
        };
        const rep = emulator.users.find((u) => u.username === 'rep@sia-emulator.example');
        assert.ok(rep);

        // 1 and 3: log in as the administrator, who takes SIA_Sync_Admin.
        await run([
          'org',
          'login',
          'jwt',
          '--username',
          'admin@sia-emulator.example',
          '--jwt-key-file',
          keyFile,
          '--client-id',
          emulator.clientId,
          '--instance-url',
          emulator.url,
          '--alias',
          'sia',
          '--set-default',
        ]);
        await run(['org', 'assign', 'permset', '--name', 'SIA_Sync_Admin']);

        // 4. The org-default settings row (its validation rule needs the SIA_Sync_Admin custom
        // permission), and a rep switched on from the CLI.
        const orgRow = await run([
          'data',
          'create',
          'record',
          '--sobject',
          'SIA_Sync_Setting__c',
          '--values',
          'Scope_Key__c=ORG Task_Sync_Mode__c=DoNotSync',
        ]);
        assert.match(String(orgRow.id), /^a/);
        const enabledAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString();
        await run([
          'data',
          'create',
          'record',
          '--sobject',
          'SIA_Sync_Setting__c',
          '--values',
          `Scope_Key__c=${rep.id} User__c=${rep.id} OwnerId=${rep.id} Task_Sync_Mode__c=SyncCompleteSkipped Task_Sync_Enabled_At__c=${enabledAt.replace('.000Z', 'Z')}`,
        ]);

        // 5. The integration user: the package's set, and the org-level access made with sf commands.
        const integration = 'integration@sia-emulator.example';
        await run([
          'org',
          'assign',
          'permset',
          '--name',
          'SIA_Sync_Integration',
          '--on-behalf-of',
          integration,
        ]);
        await run([
          'data',
          'create',
          'record',
          '--sobject',
          'PermissionSet',
          '--values',
          "Name=SIA_Sync_Org_Access Label='SIA Sync Org Access' PermissionsViewAllData=true PermissionsModifyAllData=true PermissionsEditTask=true PermissionsEditEvent=true",
        ]);
        await run([
          'org',
          'assign',
          'permset',
          '--name',
          'SIA_Sync_Org_Access',
          '--on-behalf-of',
          integration,
        ]);
        const held = await query(
          `SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE Assignee.Username = '${integration}' AND PermissionSet.IsOwnedByProfile = false ORDER BY PermissionSet.Name`,
        );
        assert.deepEqual(
          held.map((r) => (r.PermissionSet as { Name: string }).Name),
          ['SIA_Sync_Integration', 'SIA_Sync_Org_Access'],
        );

        // 7. The service, started as the README starts it against the emulator.
        const service = await startServiceProcess(emulator, home);
        try {
          const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
            const response = await fetch(`${service.url}${path}`, {
              method,
              headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            });
            const text = await response.text();
            assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
            return JSON.parse(text) as unknown;
          };
          await api('PUT', '/api/v1/users/riley', {
            email: 'rep@example.com',
            salesforceUserId: rep.id,
            timeZone: 'America/New_York',
          });
          await waitFor(
            'the rep switched on',
            async () =>
              ((await api('GET', '/api/v1/sync/status?ownerId=riley')) as { mode: string }).mode ===
              'SyncCompleteSkipped',
            30_000,
          );

          // SIA → Salesforce: a new task arrives as the rep's Task.
          const task = (await api('POST', '/api/v1/tasks', {
            ownerId: 'riley',
            type: 'call',
            name: 'Call Ada',
            dueDate: '2026-12-07',
          })) as { id: string };
          const salesforceTask = async (): Promise<Record<string, unknown> | undefined> =>
            (
              await query(`SELECT Id, Subject, Status, OwnerId FROM Task WHERE SIA_Task_Id__c = '${task.id}'`)
            )[0];
          const pushed = await waitFor('the task in Salesforce', salesforceTask, 30_000);
          assert.equal(pushed.Subject, 'Call Ada');
          assert.equal(pushed.OwnerId, rep.id);

          // Salesforce → SIA: completed with the CLI, completed in SIA (change data capture).
          await run([
            'data',
            'update',
            'record',
            '--sobject',
            'Task',
            '--record-id',
            String(pushed.Id),
            '--values',
            'Status=Completed',
          ]);
          await waitFor(
            'the completion in SIA',
            async () =>
              ((await api('GET', `/api/v1/tasks/${task.id}`)) as { status: string }).status === 'completed',
            30_000,
          );

          // SIA → Salesforce again: a change to the rep's existing Task (needs the org-level access).
          await api('PATCH', `/api/v1/tasks/${task.id}`, { name: 'Call Ada again' });
          await waitFor(
            'the new subject in Salesforce',
            async () => (await salesforceTask())?.Subject === 'Call Ada again',
            30_000,
          );
          assert.deepEqual(await api('GET', '/api/v1/errors'), { errors: [] });
        } finally {
          await service.stop();
        }
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
