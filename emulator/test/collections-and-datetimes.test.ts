// sObject Collections upsert answers as a real org: every entry carries `created`, a failed one
// `false`. Datetimes are stored to the second: system fields and DateTime values written with
// milliseconds read back as `….000+0000`, and "changed since" queries on them see whole seconds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientCredentialsToken, dataPath, raw, TestClock, withEmulator } from './helpers.ts';

describe('collections upsert results and datetime precision', () => {
  it('gives a failed upsert entry created: false, in partial success and in a rolled-back allOrNone', async () => {
    await withEmulator({}, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const upsert = (allOrNone: boolean): ReturnType<typeof raw> =>
        raw(emulator, 'PATCH', dataPath('/composite/sobjects/Task/SIA_Task_Id__c'), {
          token,
          body: JSON.stringify({
            allOrNone,
            records: [
              { attributes: { type: 'Task' }, SIA_Task_Id__c: `ok-${String(allOrNone)}`, Subject: 'Fine' },
              {
                attributes: { type: 'Task' },
                SIA_Task_Id__c: `bad-${String(allOrNone)}`,
                Subject: 'Bad',
                Status: 'Nope',
              },
            ],
          }),
        });
      const partial = (await upsert(false)).body as {
        success: boolean;
        created?: boolean;
        errors: { statusCode: string }[];
      }[];
      const [fine, refused] = partial;
      assert.ok(fine && refused);
      assert.deepEqual([fine.success, fine.created], [true, true]);
      assert.deepEqual([refused.success, refused.created], [false, false]);
      assert.equal(refused.errors[0]?.statusCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      const all = (await upsert(true)).body as {
        success: boolean;
        created?: boolean;
        errors: { statusCode: string }[];
      }[];
      assert.deepEqual(
        all.map((r) => [r.success, r.created, r.errors[0]?.statusCode]),
        [
          [false, false, 'ALL_OR_NONE_OPERATION_ROLLED_BACK'],
          [false, false, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
        ],
      );
    });
  });

  it('stores datetimes to the second, and a "changed since" boundary is a whole second', async () => {
    const clock = new TestClock('2026-11-20T10:00:00.791Z');
    await withEmulator({ clock }, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const created = await raw(emulator, 'POST', dataPath('/sobjects/Task'), {
        token,
        body: JSON.stringify({ Subject: 'Precise', ReminderDateTime: '2026-11-21T09:30:15.456Z' }),
      });
      assert.equal(created.status, 201);
      const id = (created.body as { id: string }).id;
      const row = (await raw(emulator, 'GET', dataPath(`/sobjects/Task/${id}`), { token })).body as Record<
        string,
        string
      >;
      assert.equal(row.CreatedDate, '2026-11-20T10:00:00.000+0000');
      assert.equal(row.SystemModstamp, '2026-11-20T10:00:00.000+0000');
      assert.equal(row.ReminderDateTime, '2026-11-21T09:30:15.000+0000');
      // A client that remembers "now" with milliseconds (10:00:00.791) and asks for changes after it
      // misses nothing written in that same second only if it compares whole seconds, as the org does.
      const since = async (at: string): Promise<number> =>
        (
          (
            await raw(
              emulator,
              'GET',
              dataPath(`/query?q=${encodeURIComponent(`SELECT Id FROM Task WHERE SystemModstamp >= ${at}`)}`),
              { token },
            )
          ).body as { totalSize: number }
        ).totalSize;
      assert.equal(await since('2026-11-20T10:00:00Z'), 1);
      assert.equal(await since('2026-11-20T10:00:01Z'), 0);
    });
  });
});
