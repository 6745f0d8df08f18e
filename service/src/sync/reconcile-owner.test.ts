// POST /api/v1/sync/reconcile with an ownerId sweeps that user only: a change Salesforce made to
// another user's task (no change event reached the service) waits for the next full sweep.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  repId,
  salesforceUser,
  setTaskSync,
  SiaApi,
  startTestEmulator,
  startTestService,
  waitFor,
  type Emulator,
  type TaskJson,
} from '../../test/harness.ts';

const [sqlite] = testDatabases;

describe('a sweep asked for one user', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let service: RunningService;
  let api: SiaApi;
  // getUpdated answers whole minutes: the clock is moved on past the minute of the change.
  const clock = new ManualClock(new Date(), { realTimers: true });

  before(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    emulator = await startTestEmulator(clock);
    database = sqlite.create();
    service = await startTestService(emulator, database, { clock });
    api = new SiaApi(service.url);
  });

  after(async () => {
    await service.close();
    await emulator.close();
    await database.dispose();
  });

  async function subjects(owner: string): Promise<string[]> {
    const res = await api.call<{ tasks: TaskJson[] }>(
      'GET',
      `/api/v1/tasks?ownerId=${owner}&view=all&limit=200`,
    );
    return res.body.tasks.map((t) => t.name).sort();
  }

  it('applies only that user’s changes and leaves the others to the full sweep', async () => {
    const sf = await salesforceUser(emulator);
    for (const rep of ['rep1', 'rep2']) {
      const put = await api.call('PUT', `/api/v1/users/${rep}`, {
        email: `${rep}@example.com`,
        salesforceUserId: repId(emulator, rep),
        timeZone: 'UTC',
      });
      assert.equal(put.status, 200);
      await setTaskSync(sf, repId(emulator, rep), 'SyncCompleteSkipped', clock.now());
    }
    for (const rep of ['rep1', 'rep2'])
      await waitFor(`${rep}'s first sync`, async () => {
        const res = await api.call<{ firstSync: { phase: string } | null }>(
          'GET',
          `/api/v1/sync/status?ownerId=${rep}`,
        );
        return res.body.firstSync?.phase === 'done' ? true : undefined;
      });

    // Tasks that reach Salesforce without a change event: only a sweep can find them.
    await admin(emulator, 'POST', '/records', {
      records: ['rep1', 'rep2'].map((rep) => ({
        type: 'Task',
        fields: { Subject: `Swept for ${rep}`, OwnerId: repId(emulator, rep), Status: 'Not Started' },
        createdDate: clock.now().toISOString(),
      })),
    });
    clock.advance(3 * 60_000);

    const one = await api.call<{ users: number }>('POST', '/api/v1/sync/reconcile', { ownerId: 'rep1' });
    assert.equal(one.status, 202);
    assert.deepEqual(one.body, { users: 1 });
    assert.deepEqual(await subjects('rep1'), ['Swept for rep1']);
    assert.deepEqual(await subjects('rep2'), [], 'rep2 was not asked for');

    const all = await api.call<{ users: number }>('POST', '/api/v1/sync/reconcile', {});
    assert.deepEqual(all.body, { users: 2 });
    assert.deepEqual(await subjects('rep2'), ['Swept for rep2']);
    assert.deepEqual(await subjects('rep1'), ['Swept for rep1']);
  });
});
