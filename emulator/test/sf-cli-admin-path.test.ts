// The README's admin path through the deploy, command by command, against a freshly started emulator
// (standard objects only), with the unmodified Salesforce CLI and the project's own npm scripts: log
// in as the administrator (JWT bearer, the certificate known to the org as an External Client App
// would know it), sf org display, `npm run deploy -- --dry-run` from a copy of the project without
// any compiled LWC (the build makes them; the dry run changes nothing), the deploy, sf project deploy
// report, sf org assign permset (self and a rep). sf-cli-admin-sync.test.ts goes on from there: the
// settings rows, the integration user's access, and the service syncing a task both ways.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { sessionFor } from '../../scripts/package-install.ts';
import { GENERATED_MARKER } from '../../scripts/build-lwc.ts';
import { withEmulator } from './helpers.ts';
import { cliEnv, requestLog, sf, type CliResult } from './sf-cli-runner.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A copy of what `npm run deploy` needs (package.json, sfdx-project.json, .forceignore, force-app,
 * the LWC build and its typings; node_modules linked), without the compiled `.js` of any LWC, so the
 * deploy's own build has to make them. The CLI writes its .sf/ state into the copy.
 */
function projectCopy(dir: string): string {
  const project = join(dir, 'project');
  for (const name of ['package.json', 'sfdx-project.json', '.forceignore', 'scripts/build-lwc.ts'])
    cpSync(join(ROOT, name), join(project, name));
  for (const name of ['force-app', 'types', 'jest'])
    cpSync(join(ROOT, name), join(project, name), {
      recursive: true,
      filter: (source) =>
        !source.includes('node_modules') &&
        !(source.endsWith('.js') && readFileSync(source, 'utf8').startsWith(GENERATED_MARKER)),
    });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  return project;
}

/** `npm run <script> -- <args> --json` in `cwd`, with the CLI's state under `home`; the CLI's JSON answer. */
function npmRun(home: string, cwd: string, script: string, args: string[]): Promise<CliResult> {
  return new Promise((resolveRun, rejectRun) => {
    execFile(
      'npm',
      ['run', '--silent', script, '--', ...args, '--json'],
      { cwd, env: { ...cliEnv(home), npm_config_update_notifier: 'false' }, timeout: 300_000 },
      (error, stdout, stderr) => {
        // The build prints its lines first; the CLI's JSON document starts on a line of its own.
        const start = stdout.search(/^\{$/m);
        if (start < 0) {
          rejectRun(
            new Error(
              `npm run ${script} printed no JSON (${error?.message ?? 'exit 0'}):\n${stdout}\n${stderr}`,
            ),
          );
          return;
        }
        resolveRun(JSON.parse(stdout.slice(start)) as CliResult);
      },
    );
  });
}

describe('the admin path through the Salesforce CLI', { timeout: 180_000 }, () => {
  it('logs in, builds and deploys with npm run deploy (dry run, then for real), reports and assigns', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sia-sf-admin-'));
    try {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const keyFile = join(home, 'server.key');
      writeFileSync(keyFile, await exportPKCS8(privateKey));
      const project = projectCopy(home);
      await withEmulator(
        { installPackage: false, jwtPublicKey: await exportSPKI(publicKey) },
        async (emulator) => {
          const log = async (): Promise<string> => requestLog(emulator);
          const ok = async (out: CliResult, what: string): Promise<Record<string, unknown>> => {
            assert.equal(
              out.status,
              0,
              `${what} failed: ${out.name ?? ''} ${out.message ?? ''}\n${await log()}`,
            );
            return out.result ?? {};
          };
          const run = async (args: string[]): Promise<Record<string, unknown>> =>
            ok(await sf(home, undefined, args, project), `sf ${args.join(' ')}`);
          const deploy = async (args: string[]): Promise<Record<string, unknown>> =>
            ok(await npmRun(home, project, 'deploy', args), `npm run deploy -- ${args.join(' ')}`);
          // What the test itself reads goes over REST as the administrator (quicker than the CLI).
          const query = async (soql: string): Promise<Record<string, unknown>[]> => {
            const token = await sessionFor(emulator, 'admin@sia-emulator.example');
            const response = await fetch(
              `${emulator.url}/services/data/v66.0/query?q=${encodeURIComponent(soql)}`,
              { headers: { authorization: `Bearer ${token}` } },
            );
            return ((await response.json()) as { records: Record<string, unknown>[] }).records;
          };

          // 1. Log in as the administrator and make it the default org.
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

          // 2. Build and deploy: a dry run changes nothing, then the deploy.
          const bundleJs = join(project, 'force-app/main/default/lwc/siaSyncHealth/siaSyncHealth.js');
          assert.equal(existsSync(bundleJs), false, 'the copy starts without compiled LWCs');
          const dryRun = await deploy(['--target-org', 'sia', '--dry-run']);
          assert.equal(dryRun.status, 'Succeeded');
          assert.equal(dryRun.checkOnly, true);
          assert.ok(existsSync(bundleJs), 'npm run deploy built the LWCs');
          assert.deepEqual(
            await query('SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = false'),
            [],
            'a dry run deploys nothing',
          );
          // The build is done: the deploy proper is the command npm run deploy runs after it.
          const deployed = await run([
            'project',
            'deploy',
            'start',
            '--source-dir',
            'force-app',
            '--target-org',
            'sia',
          ]);
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
          const report = await run(['project', 'deploy', 'report', '--use-most-recent']);
          assert.equal(report.id, deployed.id);
          assert.equal(report.status, 'Succeeded');
          assert.equal(report.numberComponentErrors, 0);

          // 3. The permission sets: the admin, a rep; a second assignment is refused as on the platform.
          const rep = emulator.users.find((u) => u.username === 'rep@sia-emulator.example');
          assert.ok(rep);
          await run(['org', 'assign', 'permset', '--name', 'SIA_Sync_Admin']);
          const assignRep = [
            'org',
            'assign',
            'permset',
            '--name',
            'SIA_Sync_User',
            '--on-behalf-of',
            'rep@sia-emulator.example',
          ];
          const repAssigned = await run(assignRep);
          assert.deepEqual(repAssigned.successes, [
            { name: 'rep@sia-emulator.example', value: 'SIA_Sync_User' },
          ]);
          const again = await sf(home, undefined, assignRep, project);
          assert.notEqual(again.status, 0, 'the platform refuses a second assignment of the same set');

          const assignments = await query(
            'SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false ORDER BY PermissionSet.Name',
          );
          assert.deepEqual(
            assignments.map((r) => [
              (r.PermissionSet as { Name: string }).Name,
              (r.Assignee as { Username: string }).Username,
            ]),
            [
              ['SIA_Sync_Admin', 'admin@sia-emulator.example'],
              ['SIA_Sync_User', 'rep@sia-emulator.example'],
            ],
          );
        },
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
