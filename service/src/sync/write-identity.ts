// Who writes a rep's changes to Salesforce. Two identities: the org-level one the service starts
// with (an admin connects it once; it also holds the change-data-capture subscription, the org-wide
// reads and the Sync Health rows) and the rep's own connection. In a private activity sharing model
// only the owner, users above them in the role hierarchy, and holders of Modify All Data may edit a
// Task. On start and each sweep the service asks whether the org identity holds Modify All Data: if
// so, it writes every rep's changes and one collection carries many reps'; if not, a connected rep's
// changes go through their own connection (one rep per collection) and an unconnected rep's through
// the org identity, which may still edit them through the role hierarchy or sharing. Whatever the org
// identity is refused comes back record by record as INSUFFICIENT_ACCESS_OR_READONLY and goes again
// through the owner's connection; that rep's changes go that way until the next sweep. A rep with
// neither route is held: their changes stay queued, the reason is shown on their connection in the
// SIA API, and it is recorded once as a sync error.
import type { RecordResult, SalesforceClient } from '../salesforce/client.ts';
import { soqlString } from '../salesforce/soql.ts';
import type { SiaUser } from '../sia/model.ts';
import { isSalesforceId } from '../sia/shared.ts';

/** Salesforce's per-record answers when the writing user may not edit the record (or its Who/What). */
export const NO_EDIT_ACCESS = new Set([
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
]);

/** What the identities need of the reps' connections. */
export interface OwnConnections {
  /** A client acting as the rep, or undefined without a working connection. */
  clientFor(user: SiaUser): Promise<SalesforceClient | undefined>;
  /** Whether the rep has a working connection (without opening it). */
  isConnected(ownerId: string): Promise<boolean>;
  /** True when Salesforce ended the connection (its Authentication error is already recorded). */
  needsReconnect(ownerId: string): Promise<boolean>;
}

export type WriteRoute =
  | { identity: 'org' | 'own'; client: SalesforceClient; reason: string }
  | { identity: 'none'; client: undefined; reason: string };

export const HELD_CODE = 'NO_WRITE_ACCESS';

const OWN_REASON =
  "The user's own Salesforce connection writes their changes (the org-level identity may not edit every rep's tasks).";

export class WriteIdentities {
  readonly org: SalesforceClient;
  #own: OwnConnections | undefined;
  /** Reps whose records the org identity was refused (until the next sweep looks again). */
  readonly #refused = new Set<string>();
  /** Reps held now, with the reason (recorded once per hold). */
  readonly #held = new Map<string, string>();
  /** Whether the org identity holds Modify All Data; undefined while no probe could tell. */
  #modifiesAll: boolean | undefined;

  constructor(org: SalesforceClient, own?: OwnConnections) {
    this.org = org;
    this.#own = own;
  }

  /** The reps' connections (set once they exist: the service builds them after the engine). */
  useConnections(own: OwnConnections): void {
    this.#own = own;
  }

  /** The rep's own client, or undefined (no connection, or it cannot be opened now). */
  async ownClient(user: SiaUser): Promise<SalesforceClient | undefined> {
    if (this.#own === undefined) return undefined;
    try {
      return await this.#own.clientFor(user);
    } catch {
      return undefined;
    }
  }

  /**
   * True when one collection may carry many reps' changes: the org identity holds Modify All Data
   * (or no probe could tell), and it was refused nothing since the last look.
   */
  sharesCollections(): boolean {
    return this.#modifiesAll !== false && this.#refused.size === 0;
  }

  /** Whether the org identity holds Modify All Data (undefined: not known). */
  get modifiesAll(): boolean | undefined {
    return this.#modifiesAll;
  }

  /**
   * Looks again at what the org identity may do (each sweep: an admin may have changed it): forgets
   * the refusals and asks whether it holds Modify All Data, through its permission set assignments
   * (a profile's permissions are a permission set owned by the profile, assigned too). Two calls;
   * when Salesforce cannot answer, the org identity is tried and its refusals tell.
   */
  async refresh(): Promise<void> {
    this.#refused.clear();
    try {
      const info = await this.org.call('userinfo', (conn) =>
        conn.request<{ user_id?: unknown }>('/services/oauth2/userinfo'),
      );
      const userId = typeof info.user_id === 'string' ? info.user_id : '';
      if (!isSalesforceId(userId)) throw new Error('userinfo named no user');
      const granted = await this.org.query(
        `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)} AND PermissionSet.PermissionsModifyAllData = true LIMIT 1`,
      );
      this.#modifiesAll = granted.length > 0;
    } catch {
      this.#modifiesAll = undefined;
    }
  }

  /** Whether the rep has a working connection of their own. */
  async isConnected(ownerId: string): Promise<boolean> {
    return (await this.#own?.isConnected(ownerId)) ?? false;
  }

  /** True when the org identity was refused this rep's records (since the last sweep). */
  isRefused(ownerId: string): boolean {
    return this.#refused.has(ownerId);
  }

  /** Notes that the org identity may not edit this rep's records. */
  refused(ownerId: string): void {
    this.#refused.add(ownerId);
  }

  /** How this rep's changes are written now, and why. */
  async route(user: SiaUser): Promise<WriteRoute> {
    if (!this.#prefersOwn(user.id)) return { identity: 'org', client: this.org, reason: this.#orgReason() };
    const own = await this.ownClient(user);
    // Without Modify All Data the org identity may still edit through the role hierarchy or sharing.
    if (own === undefined && !this.#refused.has(user.id))
      return { identity: 'org', client: this.org, reason: this.#orgReason() };
    if (own !== undefined) return { identity: 'own', client: own, reason: OWN_REASON };
    return { identity: 'none', client: undefined, reason: heldReason(user) };
  }

  /** The rep's own connection comes first: the org identity was refused them, or lacks Modify All Data. */
  #prefersOwn(ownerId: string): boolean {
    return this.#refused.has(ownerId) || this.#modifiesAll === false;
  }

  /** How this rep's changes are written now, and why, without opening a connection (the SIA API shows it). */
  async describe(user: SiaUser): Promise<{ identity: WriteRoute['identity']; reason: string }> {
    const held = this.#held.get(user.id);
    if (held !== undefined) return { identity: 'none', reason: held };
    const connected = (await this.#own?.isConnected(user.id)) ?? false;
    if (this.#refused.has(user.id) && !connected) return { identity: 'none', reason: heldReason(user) };
    if (this.#prefersOwn(user.id) && connected) return { identity: 'own', reason: OWN_REASON };
    if (this.#modifiesAll === false)
      return {
        identity: 'org',
        reason:
          "The service's org-level Salesforce identity sends this user's changes, but without Modify All Data it may edit only the tasks the role hierarchy or sharing gives it; the rest is held until the user connects in SIA (Settings → My Account → Salesforce → Connect).",
      };
    return { identity: 'org', reason: this.#orgReason() };
  }

  #orgReason(): string {
    return this.#own === undefined
      ? "The service's org-level Salesforce identity writes this user's changes."
      : "The service's org-level Salesforce identity writes this user's changes; any record it may not edit goes through the user's own connection.";
  }

  /**
   * Holds the rep's changes; true the first time (the caller records the reason then), false while
   * the hold lasts or when Salesforce ended their connection (that loss is already recorded).
   */
  async hold(user: SiaUser, reason: string): Promise<boolean> {
    if (this.#held.has(user.id)) return false;
    this.#held.set(user.id, reason);
    return !(await this.#own?.needsReconnect(user.id));
  }

  /** The reason the rep's changes are held, if they are. */
  heldReason(ownerId: string): string | undefined {
    return this.#held.get(ownerId);
  }

  /** The rep connected (again): their held changes may go. */
  release(ownerId: string): void {
    this.#held.delete(ownerId);
  }
}

/** Why a rep's changes are held (for the SIA API, the settings page and the error record). */
export function heldReason(user: SiaUser): string {
  return `Changes of ${user.id} are held, not sent: they have no working Salesforce connection and the org-level identity may not edit their tasks. The user connects in SIA (Settings → My Account → Salesforce → Connect); the held changes go then.`;
}

/**
 * Writes records of several reps (email activities, tracking marks): with the org identity in one
 * call, which may create a rep's Task about any record it reads, except the records of reps it was
 * refused before, which go straight through their own connection; what the org identity may not
 * edit now goes again through the owner's connection, whose answers replace the refusals. A rep with
 * no connection gets NO_WRITE_ACCESS. A failure of the whole org call throws.
 */
export async function writeWithOwnerFallback<R>(
  identities: WriteIdentities | undefined,
  org: SalesforceClient,
  items: { owner: SiaUser | undefined; record: R }[],
  write: (client: SalesforceClient, records: R[]) => Promise<RecordResult[]>,
): Promise<RecordResult[]> {
  if (identities === undefined)
    return write(
      org,
      items.map((i) => i.record),
    );
  const results: RecordResult[] = [];
  const byOwner = new Map<string, { owner: SiaUser; indexes: number[] }>();
  const toOwner = (owner: SiaUser, index: number): void => {
    const group = byOwner.get(owner.id) ?? { owner, indexes: [] };
    group.indexes.push(index);
    byOwner.set(owner.id, group);
  };
  const viaOrg: number[] = [];
  for (const [index, item] of items.entries()) {
    if (item.owner !== undefined && identities.isRefused(item.owner.id)) toOwner(item.owner, index);
    else viaOrg.push(index);
  }
  if (viaOrg.length > 0) {
    const answers = await write(
      org,
      viaOrg.map((index) => (items[index] as { record: R }).record),
    );
    for (const [position, index] of viaOrg.entries()) {
      const result = answers[position];
      if (result === undefined) continue;
      results[index] = result;
      const owner = items[index]?.owner;
      const code = result.success ? undefined : result.errors[0]?.code;
      if (owner !== undefined && code !== undefined && NO_EDIT_ACCESS.has(code)) {
        identities.refused(owner.id);
        toOwner(owner, index);
      }
    }
  }
  for (const { owner, indexes } of byOwner.values()) {
    const own = await identities.ownClient(owner);
    if (own === undefined) {
      for (const index of indexes)
        results[index] ??= {
          id: null,
          success: false,
          errors: [{ code: HELD_CODE, message: heldReason(owner), fields: [] }],
        };
      continue;
    }
    const again = await write(
      own,
      indexes.map((index) => (items[index] as { record: R }).record),
    );
    for (const [position, index] of indexes.entries()) {
      const result = again[position];
      if (result !== undefined) results[index] = result;
    }
  }
  return results;
}
