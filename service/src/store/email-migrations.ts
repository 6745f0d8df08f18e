// Tables of email activity logging: one row per (message, kind, recipient) the SIA API accepted,
// which is also the idempotency key of POST /api/v1/email-activities, and one row per Salesforce
// Task written for it (opens and clicks find the Task of their email here).
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

type Dialect = 'sqlite' | 'postgres';

export function emailMigrations(dialect: Dialect): Record<string, Migration> {
  const serial = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`serial primary key`;
  return {
    '0002_email_activities': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('email_activities')
          .addColumn('id', sql`${serial}`)
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('recipient_salesforce_id', 'text')
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('body', 'text')
          .addColumn('sent_at', 'text', (c) => c.notNull())
          .addColumn('campaign', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('email_activities_key')
          .on('email_activities')
          .columns(['message_id', 'kind', 'recipient'])
          .unique()
          .execute();
        await db.schema
          .createIndex('email_activities_due')
          .on('email_activities')
          .columns(['status', 'next_attempt_at', 'id'])
          .execute();
        await db.schema
          .createTable('email_activity_tasks')
          .addColumn('external_id', 'text', (c) => c.primaryKey())
          .addColumn('activity_id', 'integer', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('salesforce_id', 'text')
          .addColumn('who_id', 'text', (c) => c.notNull())
          .addColumn('what_id', 'text')
          .execute();
        await db.schema
          .createIndex('email_activity_tasks_message')
          .on('email_activity_tasks')
          .columns(['message_id', 'recipient'])
          .execute();
      },
    },
  };
}
