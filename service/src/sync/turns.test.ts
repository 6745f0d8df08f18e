// Long loops over records give the event loop turns: while a sweep applies thousands of changed
// records, or a switch-on deletes thousands of tasks, timers run and the SIA API answers. On SQLite
// every query is synchronous under its promise, so without the turns the loop would be one stretch
// of microtasks and nothing else would run until it ended (PostgreSQL's driver waits on the network
// for every query, so there the loop turns anyway: the test runs on SQLite).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  repId,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  type Emulator,
} from '../../test/harness.ts';
import { applyCurrentTasks, applyDeletedTasks } from './reconcile.ts';
import { tasksByIds } from './records.ts';
import { RECORDS_PER_TURN } from './turns.ts';

const [sqlite] = testDatabases;
const RECORDS = 3_000;

/**
 * Runs `work` while counting the turns of the event loop it allows (a setImmediate callback that
 * schedules itself again) and asking the service's /healthz; says whether the answer came first.
 */
async function whileLooping<T>(
  serviceUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; turns: number; answeredDuring: boolean }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  let answeredDuring = false;
  const health = fetch(`${serviceUrl}/healthz`).then(async (response) => {
    assert.equal(response.status, 200);
    await response.text();
    answeredDuring = running;
  });
  try {
    const result = await work();
    return { result, turns, answeredDuring };
  } finally {
    running = false;
    await health;
  }
}

describe('long loops over records turn the event loop', () => {
  let emulator: Emulator;
  let database: TestDatabase;
  let service: RunningService;
  let world: SyncWorld;

  before(async () => {
    if (sqlite === undefined) throw new Error('no SQLite test database');
    emulator = await startTestEmulator();
    database = sqlite.create();
    // No outbox drain meanwhile: the imported tasks' stamps stay queued, only the loop runs.
    service = await startTestService(emulator, database, { config: { outboxIntervalMs: 3_600_000 } });
    world = new SyncWorld(emulator, service, await salesforceUser(emulator));
  });

  after(async () => {
    await service.close();
    await emulator.close();
    await database.dispose();
  });

  it('serves timers and the API while a sweep applies thousands of records and deletes them', async () => {
    await world.enable('rep1');
    await service.engine.idle();
    // Tasks that reach Salesforce without change events, as a sweep finds them.
    const seeded = (await admin(emulator, 'POST', '/records', {
      records: Array.from({ length: RECORDS }, (_, index) => ({
        type: 'Task',
        fields: {
          Subject: `Swept ${String(index)}`,
          OwnerId: repId(emulator, 'rep1'),
          Status: 'Not Started',
          ActivityDate: '2026-12-10',
        },
      })),
    })) as { ids: string[] };
    assert.equal(seeded.ids.length, RECORDS);
    const ctx = service.engine.ctx;
    const records = await tasksByIds(ctx, seeded.ids);
    assert.equal(records.length, RECORDS);

    const sweep = await whileLooping(service.url, () => applyCurrentTasks(ctx, records));
    assert.equal(sweep.result, RECORDS, 'every record imported');
    assert.ok(
      sweep.turns >= RECORDS / RECORDS_PER_TURN - 1,
      `${String(sweep.turns)} turns of the event loop while ${String(RECORDS)} records were applied`,
    );
    assert.ok(sweep.answeredDuring, '/healthz answered before the sweep ended');

    const at = new Date().toISOString();
    const deletions = seeded.ids.map((id) => ({ id, at }));
    const deleting = await whileLooping(service.url, () => applyDeletedTasks(ctx, deletions));
    assert.equal(deleting.result, RECORDS, 'every task deleted');
    assert.ok(
      deleting.turns >= RECORDS / RECORDS_PER_TURN - 1,
      `${String(deleting.turns)} turns of the event loop while ${String(RECORDS)} tasks were deleted`,
    );
    assert.ok(deleting.answeredDuring, '/healthz answered before the deletions ended');
    const left = await world.api.call<{ tasks: unknown[] }>('GET', '/api/v1/tasks?ownerId=rep1&view=all');
    assert.deepEqual(left.body.tasks, []);
  });
});
