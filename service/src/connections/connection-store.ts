// The tables of Salesforce connections: one row per SIA user who connected (or tried to) with the
// sealed tokens and what the API shows of the connection, and one row per authorize attempt (its
// `state`, stored as a hash, bound to the user and used once, with the sealed PKCE verifier).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export type ConnectionStatus = 'connected' | 'needs_reconnect' | 'disconnected';
export type LoginEnvironment = 'production' | 'sandbox';

export interface SalesforceConnectionsTable {
  owner_id: string;
  status: string;
  environment: string;
  login_url: string;
  instance_url: string | null;
  salesforce_user_id: string | null;
  salesforce_username: string | null;
  salesforce_org_id: string | null;
  /** Sealed refresh token (token-vault) and the id of the key that sealed it. */
  refresh_token: string | null;
  refresh_key_id: string | null;
  access_token: string | null;
  access_key_id: string | null;
  connected_at: string | null;
  refreshed_at: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: string | null;
  updated_at: string;
}

export interface SalesforceOAuthStatesTable {
  /** sha-256 (hex) of the state: the state itself is never stored. */
  state_hash: string;
  owner_id: string;
  environment: string;
  verifier: string;
  verifier_key_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

// A type alias, not an interface: Kysely's $extendTables() wants an indexable record.
export type ConnectionTables = {
  salesforce_connections: SalesforceConnectionsTable;
  salesforce_oauth_states: SalesforceOAuthStatesTable;
};

export type ConnectionRow = SalesforceConnectionsTable;
export type StateRow = SalesforceOAuthStatesTable;

export class ConnectionStore {
  readonly #db: Kysely<Database & ConnectionTables>;

  constructor(db: Kysely<Database>) {
    this.#db = db.$extendTables<ConnectionTables>();
  }

  async get(ownerId: string): Promise<ConnectionRow | undefined> {
    return this.#db
      .selectFrom('salesforce_connections')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
  }

  async list(status?: ConnectionStatus): Promise<ConnectionRow[]> {
    let query = this.#db.selectFrom('salesforce_connections').selectAll();
    if (status !== undefined) query = query.where('status', '=', status);
    return query.orderBy('owner_id').execute();
  }

  async put(row: ConnectionRow): Promise<void> {
    const rest: Partial<ConnectionRow> = { ...row };
    delete rest.owner_id;
    await this.#db
      .insertInto('salesforce_connections')
      .values(row)
      .onConflict((oc) => oc.column('owner_id').doUpdateSet(rest))
      .execute();
  }

  async update(ownerId: string, changes: Partial<Omit<ConnectionRow, 'owner_id'>>): Promise<void> {
    await this.#db
      .updateTable('salesforce_connections')
      .set(changes)
      .where('owner_id', '=', ownerId)
      .execute();
  }

  async insertState(row: StateRow): Promise<void> {
    await this.#db.insertInto('salesforce_oauth_states').values(row).execute();
  }

  async getState(stateHash: string): Promise<StateRow | undefined> {
    return this.#db
      .selectFrom('salesforce_oauth_states')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
  }

  /** Marks the state used; false when another request used it first (a state works once). */
  async useState(stateHash: string, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('salesforce_oauth_states')
      .set({ used_at: at })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Forgets attempts that ended long ago (their verifiers are useless after the code's 15 minutes). */
  async pruneStates(before: string): Promise<void> {
    await this.#db.deleteFrom('salesforce_oauth_states').where('expires_at', '<', before).execute();
  }
}
