// The two databases every store-backed test runs on: SQLite in a temp file and PostgreSQL in a
// schema of its own (dropped afterwards) so parallel runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.ts';

export const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  config: DatabaseConfig;
  /** Removes the file or drops the schema. */
  dispose(): Promise<void>;
}

export type TestDatabaseFactory = { name: 'sqlite' | 'postgres'; create(): TestDatabase };

export const testDatabases: TestDatabaseFactory[] = [
  {
    name: 'sqlite',
    create() {
      const dir = mkdtempSync(join(tmpdir(), 'sia-sync-test-'));
      return {
        name: 'sqlite',
        config: { kind: 'sqlite', path: join(dir, 'sia.sqlite') },
        dispose: () => {
          rmSync(dir, { recursive: true, force: true });
          return Promise.resolve();
        },
      };
    },
  },
  {
    name: 'postgres',
    create() {
      const schema = `sia_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      return {
        name: 'postgres',
        config: { kind: 'postgres', url: POSTGRES_URL, schema },
        dispose: async () => {
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          try {
            await client.query(`drop schema if exists "${schema}" cascade`);
          } finally {
            await client.end();
          }
        },
      };
    },
  },
];
