// The README's admin path with the unmodified Salesforce CLI against a freshly started emulator
// (standard objects only): log in as the administrator (JWT bearer, the certificate known to the
// org as an External Client App would know it), sf org display, a dry-run deploy that changes
// nothing, the deploy, sf project deploy report, sf org assign permset (self and on behalf of the
// integration user and a rep), then sf data commands that only work once all of it is live.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { withEmulator } from './helpers.ts';
import { requestLog, sf } from './sf-cli-runner.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A copy of the project (sfdx-project.json, .forceignore, force-app) the CLI can write its .sf/ state into. */
function projectCopy(dir: string): string {
  const project = join(dir, 'project');
  for (const name of ['sfdx-project.json', '.forceignore']) cpSync(join(ROOT, name), join(project, name));
  cpSync(join(ROOT, 'force-app'), join(project, 'force-app'), { recursive: true });
  return project;
}

describe('the admin path through the Salesforce CLI', { timeout: 600_000 }, () => {
  it('logs in, deploys (dry run, then for real), reports, assigns permission sets and uses the package', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sia-sf-admin-'));
    try {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const keyFile = join(home, 'server.key');
      writeFileSync(keyFile, await exportPKCS8(privateKey));
      const project = projectCopy(home);
      await withEmulator(
        { installPackage: false, jwtPublicKey: await exportSPKI(publicKey) },
        async (emulator) => {
          const run = async (args: string[]): Promise<Record<string, unknown>> => {
            const out = await sf(home, undefined, args, project);
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
          assert.equal(login.username, 'admin@sia-emulator.example');
          const display = await run(['org', 'display', '--target-org', 'sia']);
          assert.equal(display.username, 'admin@sia-emulator.example');
          assert.equal(display.id, emulator.orgId);
          assert.equal(display.connectedStatus, 'Connected');

          const dryRun = await run(['project', 'deploy', 'start', '--source-dir', 'force-app', '--dry-run']);
          assert.equal(dryRun.status, 'Succeeded');
          assert.equal(dryRun.checkOnly, true);
          const before = await run([
            'data',
            'query',
            '--query',
            'SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = false',
          ]);
          assert.equal(before.totalSize, 0, 'a dry run deploys nothing');

          const deployed = await run(['project', 'deploy', 'start', '--source-dir', 'force-app']);
          assert.equal(deployed.status, 'Succeeded');
          assert.equal(deployed.success, true);
          const files = deployed.files as { type: string; fullName: string; state: string }[];
          assert.ok(
            files.some(
              (f) =>
                f.type === 'CustomObject' && f.fullName === 'SIA_Sync_Setting__c' && f.state === 'Created',
            ),
          );
          assert.ok(
            files.some((f) => f.type === 'LightningComponentBundle' && f.fullName === 'siaSyncHealth'),
          );
          const report = await run(['project', 'deploy', 'report', '--job-id', String(deployed.id)]);
          assert.equal(report.status, 'Succeeded');
          assert.equal(report.numberComponentErrors, 0);

          await run(['org', 'assign', 'permset', '--name', 'SIA_Sync_Admin']);
          await run([
            'org',
            'assign',
            'permset',
            '--name',
            'SIA_Sync_Integration',
            '--on-behalf-of',
            'integration@sia-emulator.example',
          ]);
          const repAssigned = await run([
            'org',
            'assign',
            'permset',
            '--name',
            'SIA_Sync_User',
            '--on-behalf-of',
            'rep@sia-emulator.example',
          ]);
          assert.deepEqual(repAssigned.successes, [
            { name: 'rep@sia-emulator.example', value: 'SIA_Sync_User' },
          ]);
          const again = await sf(
            home,
            undefined,
            [
              'org',
              'assign',
              'permset',
              '--name',
              'SIA_Sync_User',
              '--on-behalf-of',
              'rep@sia-emulator.example',
            ],
            project,
          );
          assert.notEqual(again.status, 0, 'the platform refuses a second assignment of the same set');

          const assignments = await run([
            'data',
            'query',
            '--query',
            'SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false ORDER BY PermissionSet.Name',
          ]);
          const rows = assignments.records as {
            Assignee: { Username: string };
            PermissionSet: { Name: string };
          }[];
          assert.deepEqual(
            rows.map((r) => [r.PermissionSet.Name, r.Assignee.Username]),
            [
              ['SIA_Sync_Admin', 'admin@sia-emulator.example'],
              ['SIA_Sync_Integration', 'integration@sia-emulator.example'],
              ['SIA_Sync_User', 'rep@sia-emulator.example'],
            ],
          );
          // The org-wide settings row: its validation rule requires the SIA_Sync_Admin custom permission.
          const created = await run([
            'data',
            'create',
            'record',
            '--sobject',
            'SIA_Sync_Setting__c',
            '--values',
            'Scope_Key__c=ORG Task_Sync_Mode__c=DoNotSync',
          ]);
          assert.match(String(created.id), /^a/);
        },
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
