// Tables of each rep's Salesforce connection: one row per SIA user who connected (or tried to),
// with the sealed tokens, and one row per authorize attempt (its hashed `state`, used once).
// The row types live with the connection code in connections/connection-store.ts.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function connectionMigrations(): Record<string, Migration> {
  return {
    '0003_salesforce_connections': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('salesforce_connections')
          .addColumn('owner_id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('login_url', 'text', (c) => c.notNull())
          .addColumn('instance_url', 'text')
          .addColumn('salesforce_user_id', 'text')
          .addColumn('salesforce_username', 'text')
          .addColumn('salesforce_org_id', 'text')
          .addColumn('refresh_token', 'text')
          .addColumn('refresh_key_id', 'text')
          .addColumn('access_token', 'text')
          .addColumn('access_key_id', 'text')
          .addColumn('connected_at', 'text')
          .addColumn('refreshed_at', 'text')
          .addColumn('last_error_code', 'text')
          .addColumn('last_error_message', 'text')
          .addColumn('last_error_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('salesforce_oauth_states')
          .addColumn('state_hash', 'text', (c) => c.primaryKey())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('verifier', 'text', (c) => c.notNull())
          .addColumn('verifier_key_id', 'text', (c) => c.notNull())
          .addColumn('return_url', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema
          .createIndex('salesforce_oauth_states_expiry')
          .on('salesforce_oauth_states')
          .column('expires_at')
          .execute();
      },
    },
  };
}
