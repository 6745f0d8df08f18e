// POST /__emulator/records: records with explicit system fields (back-dated CreatedDate,
// LastModifiedDate, SystemModstamp) and deleted records with their deletedDate. All or nothing.
import { z } from 'zod';
import { formatDateTime, parseDateTime } from '../org/datetime.ts';
import { createRecord, deleteRecord, type SeedOptions, type WriteContext } from '../org/dml.ts';
import { RequestError, type RecordError } from '../org/errors.ts';
import type { Org } from '../org/org.ts';
import { findObject } from '../schema/types.ts';
import { profileId } from '../org/access-records.ts';

const timestamp = z.string().refine((s) => parseDateTime(s) !== undefined, 'not a datetime');

export const seedRecordSchema = z.object({
  type: z.string(),
  fields: z.record(z.string(), z.unknown()).default({}),
  createdDate: timestamp.optional(),
  lastModifiedDate: timestamp.optional(),
  systemModstamp: timestamp.optional(),
  createdById: z.string().optional(),
  lastModifiedById: z.string().optional(),
  deleted: z.boolean().default(false),
  deletedDate: timestamp.optional(),
});

export const seedRequestSchema = z.object({ records: z.array(seedRecordSchema).max(10_000) });

export type SeedRecord = z.infer<typeof seedRecordSchema>;

function sf(value: string | undefined): string | undefined {
  const date = value === undefined ? undefined : parseDateTime(value);
  return date === undefined ? undefined : formatDateTime(date);
}

export type SeedResult =
  { ok: true; ids: string[] } | { ok: false; errors: { index: number; errors: RecordError[] }[] };

export function seedRecords(org: Org, records: SeedRecord[], userId: string): SeedResult {
  const savepoint = org.store.savepoint();
  const ctx: WriteContext = { org, userId, changes: [] };
  const ids: string[] = [];
  const failures: { index: number; errors: RecordError[] }[] = [];
  try {
    for (const [index, seed] of records.entries()) {
      const def = findObject(org.schema, seed.type);
      if (def === undefined) {
        failures.push({
          index,
          errors: [
            {
              statusCode: 'INVALID_TYPE',
              message: `sObject type '${seed.type}' is not supported.`,
              fields: [],
            },
          ],
        });
        continue;
      }
      const created = sf(seed.createdDate);
      const modified = sf(seed.lastModifiedDate) ?? created;
      const system: SeedOptions['system'] = {};
      if (created !== undefined) system.CreatedDate = created;
      if (modified !== undefined) system.LastModifiedDate = modified;
      const stamp = sf(seed.systemModstamp) ?? modified;
      if (stamp !== undefined) system.SystemModstamp = stamp;
      if (seed.createdById !== undefined) system.CreatedById = seed.createdById;
      if (seed.lastModifiedById !== undefined) system.LastModifiedById = seed.lastModifiedById;
      // A user seeded without a profile gets Standard User, the profile a new user gets in Setup.
      const fields =
        def.name === 'User' && seed.fields.ProfileId === undefined
          ? { ...seed.fields, ProfileId: profileId(org, 'Standard User') }
          : seed.fields;
      const result = createRecord(ctx, def, fields, { system, bypassAccess: true });
      if (!result.ok) {
        failures.push({ index, errors: 'errors' in result ? result.errors : [] });
        continue;
      }
      ids.push(result.id);
      if (seed.deleted) {
        const deletedAt = sf(seed.deletedDate) ?? stamp ?? formatDateTime(org.clock.now());
        deleteRecord(ctx, def, result.id, false, deletedAt);
      }
    }
  } catch (error) {
    org.store.rollbackTo(savepoint);
    if (error instanceof RequestError)
      return {
        ok: false,
        errors: [
          {
            index: -1,
            errors: error.body.map((e) => ({
              statusCode: e.errorCode,
              message: e.message,
              fields: e.fields ?? [],
            })),
          },
        ],
      };
    throw error;
  }
  if (failures.length > 0) {
    org.store.rollbackTo(savepoint);
    return { ok: false, errors: failures };
  }
  org.store.commit();
  return { ok: true, ids };
}
