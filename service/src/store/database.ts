// Opens the service database (SQLite through better-sqlite3 or PostgreSQL through pg) as one typed
// Kysely instance and brings its schema up to date with the migrations below.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { connectionMigrations } from './connection-migrations.ts';
import { emailMigrations } from './email-migrations.ts';
import { reliabilityMigrations } from './reliability-migrations.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

// Every table's migration is registered here, in the store, whichever part of the service owns
// the table: the store never imports the parts of the service that sit above it.
function migrations(dialect: Dialect): Record<string, Migration> {
  const serial = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`serial primary key`;
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('salesforce_user_id', 'text', (c) => c.notNull().unique())
          .addColumn('time_zone', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('tasks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('due_date', 'text', (c) => c.notNull())
          .addColumn('priority', 'text', (c) => c.notNull())
          .addColumn('salesforce_priority', 'text')
          .addColumn('details', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('person_salesforce_id', 'text')
          .addColumn('person_email', 'text')
          .addColumn('related_to_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('tasks_owner_due')
          .on('tasks')
          .columns(['owner_id', 'due_date', 'id'])
          .execute();
        await db.schema
          .createTable('links')
          .addColumn('task_id', 'text', (c) => c.primaryKey())
          .addColumn('salesforce_id', 'text', (c) => c.unique())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('synced_hash', 'text')
          .addColumn('synced_values', 'text')
          .addColumn('synced_at', 'text')
          .addColumn('deleted_at', 'text')
          .addColumn('needs_stamp', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('outbox')
          .addColumn('id', sql`${serial}`)
          .addColumn('task_id', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('op', 'text', (c) => c.notNull())
          .addColumn('fields', 'text', (c) => c.notNull())
          .addColumn('salesforce_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('outbox_task').on('outbox').column('task_id').unique().execute();
        await db.schema.createIndex('outbox_owner').on('outbox').columns(['owner_id', 'id']).execute();
        await db.schema
          .createTable('checkpoints')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sync_state')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('enabled_at', 'text')
          .addColumn('disabled_at', 'text')
          .addColumn('imported_for', 'text')
          .addColumn('last_inbound_at', 'text')
          .addColumn('last_outbound_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('conflicts')
          .addColumn('id', sql`${serial}`)
          .addColumn('task_id', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('local_value', 'text')
          .addColumn('remote_value', 'text')
          .addColumn('winner', 'text', (c) => c.notNull())
          .addColumn('local_at', 'text')
          .addColumn('remote_at', 'text')
          .addColumn('recorded_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('errors')
          .addColumn('id', sql`${serial}`)
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('task_id', 'text')
          .addColumn('salesforce_id', 'text')
          .addColumn('owner_id', 'text')
          .addColumn('fields', 'text')
          .addColumn('recorded_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    ...emailMigrations(dialect),
    ...connectionMigrations(),
    ...reliabilityMigrations(),
  };
}

class StaticMigrations implements MigrationProvider {
  readonly #migrations: Record<string, Migration>;
  constructor(all: Record<string, Migration>) {
    this.#migrations = all;
  }
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.#migrations);
  }
}

export async function migrate(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<void> {
  // The PostgreSQL introspector sees every schema: without naming ours, another schema's
  // kysely_migration table would count as ours (parallel test runs, several deployments per database).
  const migrator = new Migrator({
    db,
    provider: new StaticMigrations(migrations(dialect)),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}

/** Prepared statements kept per SQLite connection (the hot paths use a few dozen distinct texts). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 as Kysely's SQLite driver sees it, with prepared statements cached by SQL text.
 * Kysely's driver prepares a fresh statement for every query; each is compiled anew and its native
 * memory is freed only when the garbage collector gets to it, so a long run of small writes (an
 * import, a busy change stream) spends its time compiling SQL and piles up native memory. Reusing
 * a statement is safe here: the driver runs each one to completion (`all`/`run`) before the next
 * query starts, and only a streamed query (`iterate`, which the service never uses) holds one open.
 * The cache is least-recently-used and bounded, so statement texts that vary (multi-row writes of
 * different sizes) cannot grow it.
 */
export function cachedStatements(
  sqlite: BetterSqlite3.Database,
  size = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close(): void {
      cache.clear();
      sqlite.close();
    },
    prepare(text: string): BetterSqlite3.Statement {
      const cached = cache.get(text);
      if (cached !== undefined) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}

/** Opens and migrates the database; for PostgreSQL the tables live in `config.schema`. */
export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const sqlite = new BetterSqlite3(config.path);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL under WAL syncs the log at checkpoints, not at every commit: a commit costs a write,
    // not an fsync. A crash of the process loses nothing (committed transactions are in the log);
    // only a crash of the machine or a power loss can lose the last commits, never corrupt the
    // file. What those commits did comes back by itself: a change event's effect commits with its
    // replay id, so a lost commit rolls both back and the event is replayed from the stored
    // checkpoint (the platform keeps events for three days); a lost record of a successful push
    // leaves the outbox entry, and re-sending it is an upsert by SIA id, so nothing doubles; a lost
    // import page is read again from its stored locator. The one thing not re-derived is an SIA API
    // write acknowledged in the moment before the machine went down.
    // https://www.sqlite.org/pragma.html#pragma_synchronous
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
    await migrate(db, 'sqlite');
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(config.schema)) throw new Error(`Invalid schema name ${config.schema}`);
  const setup = new pg.Client({ connectionString: config.url });
  await setup.connect();
  try {
    await setup.query(`create schema if not exists "${config.schema}"`);
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    options: `-c search_path="${config.schema}"`,
    max: 5,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db, 'postgres', config.schema);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
