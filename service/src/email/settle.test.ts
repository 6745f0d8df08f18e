// Email logging settles a refused activity write by the service's one retry-later-or-report rule,
// with the retry bounds it is given (app.ts passes the service's retryLater, which the outbox uses).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import { SiaApi, repId, startTestEmulator, startTestService, type Emulator } from '../../test/harness.ts';
import { settleFailure } from './settle.ts';

const [sqlite] = testDatabases;
const BOUNDS = { baseDelayMs: 40, maxDelayMs: 60 };

describe('settling a refused email activity', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let service: RunningService;
  const clock = new ManualClock(new Date('2026-03-31T12:00:00.000Z'), { realTimers: true });

  before(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    emulator = await startTestEmulator();
    database = sqlite.create();
    service = await startTestService(emulator, database, { clock });
    const put = await new SiaApi(service.url).call('PUT', '/api/v1/users/rep1', {
      email: 'rep1@example.com',
      salesforceUserId: repId(emulator, 'rep1'),
      timeZone: 'UTC',
    });
    assert.equal(put.status, 200);
  });

  after(async () => {
    await service.close();
    await emulator.close();
    await database.dispose();
  });

  async function activity(messageId: string): Promise<Parameters<typeof settleFailure>[1]> {
    const { emailStore } = service.email;
    await emailStore.enqueue(
      [
        {
          ownerId: 'rep1',
          messageId,
          kind: 'sent',
          recipient: 'ada@example.com',
          recipientSalesforceId: null,
          subject: 'Hello',
          body: null,
          sentAt: clock.now().toISOString(),
          campaign: null,
        },
      ],
      clock.now().toISOString(),
    );
    const queued = await emailStore.get(messageId, 'sent', 'ada@example.com');
    assert.ok(queued);
    return queued;
  }

  it('retries what may pass within the configured bounds, however often it failed', async () => {
    const deps = {
      store: service.store,
      salesforce: service.salesforce,
      clock,
      logger: service.engine.ctx.logger,
      emailStore: service.email.emailStore,
      retryLater: BOUNDS,
    };
    for (const attempts of [0, 3, 12]) {
      const queued = { ...(await activity(`m-${attempts}`)), attempts };
      const failure = { code: 'UNABLE_TO_LOCK_ROW', message: 'locked', fields: [] };
      const context = { failure, ownerSalesforceId: null, recordId: null, objectApiName: 'Task' };
      assert.equal(await settleFailure(deps, queued, context), true);
      const settled = await service.email.emailStore.get(queued.messageId, 'sent', 'ada@example.com');
      assert.equal(settled?.status, 'queued');
      const delay = Date.parse(settled.nextAttemptAt) - clock.now().getTime();
      assert.ok(delay >= 0 && delay <= BOUNDS.maxDelayMs, `retry after ${delay} ms`);
    }
  });
});
