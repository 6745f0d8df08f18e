// One instance per org holds the event subscriptions and drains the outbox: on
// PostgreSQL that is whoever holds a session-level advisory lock on a connection of its own; when
// that instance dies its connection closes, the lock frees and another instance takes over. A
// SQLite file has one service process, which always leads.
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';

export interface Leadership {
  /** True when this instance leads (now or already). */
  tryAcquire(): Promise<boolean>;
  readonly held: boolean;
  release(): Promise<void>;
}

class SoleLeader implements Leadership {
  held = true;
  tryAcquire(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): Promise<void> {
    this.held = false;
    return Promise.resolve();
  }
}

class AdvisoryLockLeader implements Leadership {
  readonly #url: string;
  readonly #key: string;
  #client: pg.Client | undefined;
  held = false;

  constructor(url: string, key: string) {
    this.#url = url;
    this.#key = key;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    if (!this.#client) {
      const client = new pg.Client({ connectionString: this.#url });
      client.on('error', () => {
        // The connection is gone, and with it the lock: another instance may lead now.
        this.held = false;
        this.#client = undefined;
      });
      await client.connect();
      this.#client = client;
    }
    const result = await this.#client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtext($1)) as locked',
      [this.#key],
    );
    this.held = result.rows[0]?.locked === true;
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.held = false;
    if (!client) return;
    await client.end();
  }
}

export function leadershipFor(config: DatabaseConfig): Leadership {
  if (config.kind === 'sqlite') return new SoleLeader();
  return new AdvisoryLockLeader(config.url, `sia-sync:${config.schema}`);
}
