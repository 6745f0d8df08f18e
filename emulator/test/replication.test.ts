// sobjects/<type>/updated and /deleted through jsforce: 30- and 15-day windows, latestDateCovered in
// whole minutes, earliestDateAvailable, INVALID_REPLICATION_DATE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, connect, TestClock, withEmulator } from './helpers.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('getUpdated / getDeleted', () => {
  it('returns the ids changed and deleted inside the window', async () => {
    const clock = new TestClock('2026-11-20T10:00:30.000Z');
    await withEmulator({ clock }, async (emulator) => {
      const now = clock.now().getTime();
      const ago = (days: number): string => new Date(now - days * DAY).toISOString();
      const seeded = await admin(emulator, 'POST', 'records', {
        records: [
          { type: 'Task', fields: { Subject: 'old' }, createdDate: ago(40) },
          { type: 'Task', fields: { Subject: 'recent' }, createdDate: ago(20), lastModifiedDate: ago(10) },
          {
            type: 'Task',
            fields: { Subject: 'deleted recently' },
            createdDate: ago(20),
            deleted: true,
            deletedDate: ago(5),
          },
          {
            type: 'Task',
            fields: { Subject: 'deleted long ago' },
            createdDate: ago(25),
            deleted: true,
            deletedDate: ago(20),
          },
        ],
      });
      assert.equal(seeded.status, 201);
      const [, recent, deletedRecently] = (seeded.body as { ids: string[] }).ids;
      const conn = await connect(emulator);
      const task = conn.sobject('Task');

      const updated = await task.updated(ago(29), clock.now().toISOString());
      assert.deepEqual(updated.ids, [recent]);
      assert.equal(
        updated.latestDateCovered,
        '2026-11-20T10:00:00.000+0000',
        'whole minutes, not after the call',
      );

      const created = await task.create({ Subject: 'just now' });
      clock.advance(60_000);
      const later = await task.updated(updated.latestDateCovered, clock.now().toISOString());
      assert.deepEqual(later.ids, [created.id]);

      const deleted = await task.deleted(ago(14), clock.now().toISOString());
      assert.deepEqual(
        deleted.deletedRecords.map((r) => r.id),
        [deletedRecently],
      );
      assert.equal(
        deleted.earliestDateAvailable,
        '2026-11-05T00:00:00.000+0000',
        '15 days before the day of the call',
      );

      const recycleBin = await conn.query<{ Subject: string }>(
        'SELECT Subject FROM Task WHERE IsDeleted = true',
        {
          scanAll: true,
        },
      );
      assert.deepEqual(
        recycleBin.records.map((r) => r.Subject),
        ['deleted recently'],
        'the Recycle Bin keeps deleted records 15 days, then they are purged',
      );

      await assert.rejects(task.updated(ago(31), clock.now().toISOString()), {
        name: 'INVALID_REPLICATION_DATE',
      });
      await assert.rejects(task.deleted(ago(16), clock.now().toISOString()), {
        name: 'INVALID_REPLICATION_DATE',
      });
      await assert.rejects(task.updated(ago(1), ago(2)), { name: 'INVALID_REPLICATION_DATE' });
    });
  });
});
