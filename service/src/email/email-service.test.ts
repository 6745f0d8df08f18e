// The email endpoints in the running service (startService): the composition root wires them, the
// drain runs by itself shortly after an email arrives, and the OpenAPI document lists them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../../emulator/src/index.ts';
import { installPackage } from '../../../scripts/package-install.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { startService, type RunningService } from '../app.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { toCaseSafeId } from '../sia/shared.ts';
import { adminConnection, type Emulator } from '../../test/email-kit.ts';
import { waitFor } from '../../test/harness.ts';

const TOKEN = 'email-service-test-token-0123';

for (const factory of testDatabases) {
  describe(`email logging in the running service on ${factory.name}`, () => {
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;

    async function call(method: string, path: string, body?: unknown) {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    before(async () => {
      emulator = await startEmulator({ port: 0, connectHoldMs: 300 });
      await installPackage(emulator);
      database = factory.create();
      const rep = emulator.users.find((u) => u.username.startsWith('rep@'));
      if (!rep) throw new Error('no rep user');
      const admin = await adminConnection(emulator);
      await admin.sobject('SIA_Sync_Setting__c').create([
        {
          Scope_Key__c: 'ORG',
          Task_Sync_Mode__c: 'DoNotSync',
          Log_Email_Via_Api__c: true,
          Log_To__c: 'LeadsAndContacts',
          Duplicate_Rule__c: 'MostRecentlyUpdated',
          No_Match_Rule__c: 'DoNotLog',
          Log_To_Opportunities__c: 'None',
        },
      ]);
      await admin.sobject('Contact').create({ LastName: 'Hamilton', Email: 'margaret@apollo.example' });
      service = await startService({
        config: {
          salesforce: {
            loginUrl: emulator.url,
            instanceUrl: undefined,
            apiVersion: '66.0',
            auth: {
              kind: 'client_credentials',
              clientId: emulator.clientId,
              clientSecret: emulator.clientSecret,
            },
          },
          database: database.config,
          host: '127.0.0.1',
          port: 0,
          apiToken: TOKEN,
          reconcileIntervalMs: 3_600_000,
          outboxIntervalMs: 1_000,
          logLevel: 'silent',
        },
        logger: createLogger({ level: 'silent' }),
        clock: systemClock,
        defaultMetrics: false,
      });
      const put = await call('PUT', '/api/v1/users/rep', {
        email: 'rep@example.com',
        salesforceUserId: toCaseSafeId(rep.id),
        timeZone: 'Europe/Paris',
      });
      assert.equal(put.status, 200);
    });

    after(async () => {
      await service.close();
      await database.dispose();
      await emulator.close();
    });

    it('logs a reported email by itself, soon after it arrives', async () => {
      const mode = await call('GET', '/api/v1/users/rep/email-logging');
      assert.equal(mode.body['mode'], 'api');
      const res = await call('POST', '/api/v1/email-activities', {
        ownerId: 'rep',
        kind: 'sent',
        messageId: `<service.${factory.name}@sia.example>`,
        subject: 'Launch window',
        sentAt: '2026-11-28T23:30:00Z',
        recipients: [{ email: 'margaret@apollo.example' }],
      });
      assert.equal(res.status, 202);
      const admin = await adminConnection(emulator);
      // The service's own batch timer writes it: wait for the Task to appear.
      const tasks = await waitFor('the logged email Task', async () => {
        const { records } = await admin.query<Record<string, unknown>>(
          "SELECT Subject, ActivityDate, Status FROM Task WHERE Subject = 'Launch window'",
        );
        return records.length > 0 ? records : undefined;
      });
      assert.deepEqual(
        tasks.map((t) => [t['Subject'], t['ActivityDate'], t['Status']]),
        [['Launch window', '2026-11-29', 'Completed']],
      );
    });

    it('lists the email endpoints in the OpenAPI document', async () => {
      const doc = await call('GET', '/openapi.json');
      const paths = doc.body['paths'] as Record<string, { post?: { requestBody?: unknown } }>;
      assert.ok(paths['/api/v1/email-activities']?.post?.requestBody);
      assert.ok(paths['/api/v1/users/{id}/email-logging']);
    });
  });
}
