// README "Sync health" 3 and 4 against the emulator: SIA_Sync_Status__c rows upserted by
// Scope_Key__c, one per synced user (after an error-free push, pull or sweep, at most once a
// minute) and the ORG row (Sforce-Limit-Info usage and heartbeat, at most every five minutes),
// every due row in one sObject Collections call. One clock drives the emulator and the service.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { toCaseSafeId } from '../sia/shared.ts';
import { testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  requestLog,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
} from '../../test/harness.ts';

const STATUS_PATH = '/services/data/v66.0/composite/sobjects/SIA_Sync_Status__c/Scope_Key__c';

interface StatusRow {
  Scope_Key__c: string;
  User__c: string | null;
  Last_Sync_At__c: string | null;
  Api_Requests_Used__c: number | null;
  Api_Requests_Allowed__c: number | null;
  Api_Usage_At__c: string | null;
}

function iso(value: string | null | undefined): string | null {
  return value == null ? null : new Date(value).toISOString();
}

for (const factory of testDatabases) {
  describe(`sync health status rows on ${factory.name}`, () => {
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000), { realTimers: true });
    let emulator: Emulator;
    let database: TestDatabase;
    let service: RunningService;
    let world: SyncWorld;

    before(async () => {
      emulator = await startTestEmulator(clock);
      database = factory.create();
      service = await startTestService(emulator, database, { clock });
      world = new SyncWorld(emulator, service, await salesforceUser(emulator));
    });

    after(async () => {
      await service.close();
      await emulator.close();
      await database.dispose();
    });

    async function rows(): Promise<Map<string, StatusRow>> {
      const result = await world.sf.query<StatusRow>(
        'SELECT Scope_Key__c, User__c, Last_Sync_At__c, Api_Requests_Used__c, Api_Requests_Allowed__c, Api_Usage_At__c FROM SIA_Sync_Status__c',
      );
      return new Map(result.records.map((r) => [r.Scope_Key__c, r]));
    }

    async function statusCalls(): Promise<number> {
      return (await requestLog(emulator)).filter((r) => r.method === 'PATCH' && r.path === STATUS_PATH)
        .length;
    }

    async function push(owner: string, name: string): Promise<void> {
      const task = await world.createTask({ ownerId: owner, type: 'call', name, dueDate: '2026-12-01' });
      await world.pushed(task.id);
      await world.settle(owner);
    }

    it('writes every synced user and the ORG row in one upsert, then each user at most once a minute', async () => {
      const rep1 = toCaseSafeId(await world.enable('rep1', 'SyncCompleteSkipped', 'UTC', clock.now()));
      const rep2 = toCaseSafeId(await world.enable('rep2', 'SyncCompleteSkipped', 'UTC', clock.now()));
      await push('rep1', 'First for rep1');
      await push('rep2', 'First for rep2');
      const passAt = clock.now().toISOString();
      await admin(emulator, 'DELETE', '/requests');

      const first = await service.engine.health.flush();
      assert.deepEqual(first, { written: 3, calls: 1 }, 'ORG, rep1 and rep2 in one call');
      assert.equal(await statusCalls(), 1);
      let status = await rows();
      assert.equal(status.get(rep1)?.User__c, rep1, 'User__c is the 18-character Id of the scope key');
      assert.equal(iso(status.get(rep1)?.Last_Sync_At__c), passAt);
      assert.equal(iso(status.get(rep2)?.Last_Sync_At__c), passAt);
      const org = status.get('ORG');
      assert.ok(org, 'the ORG row');
      assert.equal(org.User__c, null);
      assert.equal(iso(org.Last_Sync_At__c), passAt, 'the heartbeat is the latest pass');
      assert.ok((org.Api_Requests_Used__c ?? 0) > 0, 'requests used from Sforce-Limit-Info');
      assert.equal(org.Api_Requests_Allowed__c, emulator.state.usage.max);
      assert.equal(iso(org.Api_Usage_At__c), passAt);

      // Nothing new: nothing written, no call.
      assert.deepEqual(await service.engine.health.flush(), { written: 0, calls: 0 });

      // rep1 syncs again 30 s later: the row waits for its minute, then goes out alone (ORG waits five).
      clock.advance(30_000);
      await push('rep1', 'Second for rep1');
      const secondPass = clock.now().toISOString();
      assert.deepEqual(await service.engine.health.flush(), { written: 0, calls: 0 }, 'throttled');
      clock.advance(31_000);
      assert.deepEqual(await service.engine.health.flush(), { written: 1, calls: 1 });
      status = await rows();
      assert.equal(iso(status.get(rep1)?.Last_Sync_At__c), secondPass);
      assert.equal(iso(status.get(rep2)?.Last_Sync_At__c), passAt);
      assert.equal(iso(status.get('ORG')?.Last_Sync_At__c), passAt, 'the ORG row waits for its five minutes');

      // Five minutes on, an idle sweep that changes nothing still counts as a pass for both users,
      // and the ORG row joins their call.
      clock.advance(5 * 60_000);
      await admin(emulator, 'DELETE', '/requests');
      const reconciled = await world.api.call('POST', '/api/v1/sync/reconcile');
      assert.equal(reconciled.status, 202);
      const sweepAt = clock.now().toISOString();
      assert.deepEqual(await service.engine.health.flush(), { written: 3, calls: 1 });
      assert.equal(await statusCalls(), 1);
      status = await rows();
      assert.equal(iso(status.get(rep1)?.Last_Sync_At__c), sweepAt);
      assert.equal(iso(status.get(rep2)?.Last_Sync_At__c), sweepAt);
      assert.equal(iso(status.get('ORG')?.Last_Sync_At__c), sweepAt);
      assert.equal(iso(status.get('ORG')?.Api_Usage_At__c), sweepAt);
      assert.equal(status.size, 3, 'one row per user, upserted in place');
    });

    it('does not count a pass that recorded an error', async () => {
      const rep3 = toCaseSafeId(await world.enable('rep3', 'SyncCompleteSkipped', 'UTC', clock.now()));
      await push('rep3', 'Fine');
      clock.advance(61_000);
      await service.engine.health.flush();
      const before = iso((await rows()).get(rep3)?.Last_Sync_At__c);
      assert.ok(before);

      clock.advance(61_000);
      await world.createTask({
        ownerId: 'rep3',
        type: 'call',
        name: 'Refused',
        dueDate: '2026-12-01',
        person: { salesforceId: '003000000000000AAA' },
      });
      await waitFor('the error', async () => {
        const errors = await world.api.call<{ errors: unknown[] }>('GET', '/api/v1/errors?ownerId=rep3');
        return errors.body.errors.length > 0;
      });
      await world.settle('rep3');
      await service.engine.health.flush();
      assert.equal(iso((await rows()).get(rep3)?.Last_Sync_At__c), before, 'the failed pass is not a sync');
    });
  });
}
