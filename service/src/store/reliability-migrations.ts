// Schema for failures that are retried rather than settled: an errors row can stand for a failure
// still being retried (its key, how often it failed, when first and last), which becomes visible
// once it has failed long enough and is resolved when a retry succeeds. And the leadership epoch
// that fences a stale leader's writes.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function reliabilityMigrations(): Record<string, Migration> {
  return {
    '0005_retried_failures': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('errors').addColumn('failure_key', 'text').execute();
        await db.schema
          .alterTable('errors')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
        await db.schema.alterTable('errors').addColumn('first_seen_at', 'text').execute();
        await db.schema.alterTable('errors').addColumn('last_seen_at', 'text').execute();
        await db.schema.alterTable('errors').addColumn('reported_at', 'text').execute();
        await db.schema.alterTable('errors').addColumn('resolved_at', 'text').execute();
        // Every row recorded so far was a settled error, reported when it was recorded.
        await sql`update errors set first_seen_at = recorded_at, last_seen_at = recorded_at, reported_at = recorded_at`.execute(
          db,
        );
        await db.schema.createIndex('errors_failure_key').on('errors').column('failure_key').execute();
      },
    },
    '0006_leadership_epoch': {
      async up(db: Kysely<unknown>): Promise<void> {
        // Each new leader takes the next epoch; a write of an older epoch is refused (fencing).
        await db.schema
          .createTable('leadership')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('epoch', 'integer', (c) => c.notNull())
          .addColumn('acquired_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
