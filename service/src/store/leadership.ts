// One instance per org holds the event subscriptions and drains the outbox: on
// PostgreSQL that is whoever holds a session-level advisory lock on a connection of its own; when
// that instance dies its connection closes, the lock frees and another instance takes over. The
// lock connection is watched: the moment it fails or ends, the instance is told it no longer leads
// (its writes are also fenced by the leadership epoch in the database, see SyncEngine). A SQLite
// file has one service process, which always leads.
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';

export interface Leadership {
  /** True when this instance leads (now or already). */
  tryAcquire(): Promise<boolean>;
  readonly held: boolean;
  release(): Promise<void>;
  /** Called when leadership is lost without release() (the lock connection failed or ended). */
  onLost: () => void;
  /** The database backend holding the lock (PostgreSQL), for operators and tests. */
  readonly backendPid: number | undefined;
}

class SoleLeader implements Leadership {
  held = true;
  onLost: () => void = () => undefined;
  readonly backendPid = undefined;
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
  onLost: () => void = () => undefined;
  backendPid: number | undefined;

  constructor(url: string, key: string) {
    this.#url = url;
    this.#key = key;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    if (!this.#client) {
      const client = new pg.Client({ connectionString: this.#url });
      const lost = (): void => {
        if (this.#client !== client) return;
        // The connection is gone, and with it the lock: another instance may lead now.
        const held = this.held;
        this.held = false;
        this.#client = undefined;
        this.backendPid = undefined;
        client.end().catch(() => undefined);
        if (held) this.onLost();
      };
      client.on('error', lost);
      client.on('end', lost);
      this.#client = client;
      try {
        await client.connect();
        const pid = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        this.backendPid = pid.rows[0]?.pid;
      } catch (error) {
        this.#client = undefined;
        await client.end().catch(() => undefined);
        throw error;
      }
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
    this.backendPid = undefined;
    if (!client) return;
    await client.end();
  }
}

export function leadershipFor(config: DatabaseConfig): Leadership {
  if (config.kind === 'sqlite') return new SoleLeader();
  return new AdvisoryLockLeader(config.url, `sia-sync:${config.schema}`);
}
