// Effective email-logging settings per user: SIA_Sync_Setting__c read in one query (the org row
// and every user row), merged org → user by the shared settings model (siaSyncSettingsData), which also applies the
// team logging override. Cached for a short time so a burst of emails costs one query.
import type { Clock } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { SiaUser } from '../sia/model.ts';
import {
  ORG_SCOPE_KEY,
  SETTING_FIELDS,
  emailLoggingMode,
  mergeSettings,
  toCaseSafeId,
  type EffectiveSettings,
  type EmailLoggingMode,
  type SettingsRow,
} from '../sia/shared.ts';

const SETTINGS_SOQL = `SELECT Id, Scope_Key__c, User__c, ${Object.values(SETTING_FIELDS).join(', ')} FROM SIA_Sync_Setting__c`;

export interface UserEmailSettings {
  mode: EmailLoggingMode;
  settings: EffectiveSettings;
}

interface Snapshot {
  org: SettingsRow | undefined;
  byScope: Map<string, SettingsRow>;
  readAt: number;
}

export class EmailSettingsReader {
  readonly #salesforce: SalesforceClient;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #snapshot: Snapshot | undefined;
  #reading: Promise<Snapshot> | undefined;

  constructor(deps: { salesforce: SalesforceClient; clock: Clock; ttlMs?: number }) {
    this.#salesforce = deps.salesforce;
    this.#clock = deps.clock;
    this.#ttlMs = deps.ttlMs ?? 60_000;
  }

  /** Forget the cached rows (after a settings change event, or in tests). */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  async #read(): Promise<Snapshot> {
    const now = this.#clock.now().getTime();
    if (this.#snapshot && now - this.#snapshot.readAt < this.#ttlMs) return this.#snapshot;
    this.#reading ??= this.#salesforce
      .query<SettingsRow & Record<string, unknown>>(SETTINGS_SOQL)
      .then((rows) => {
        const byScope = new Map<string, SettingsRow>();
        let org: SettingsRow | undefined;
        for (const row of rows) {
          const scope = typeof row.Scope_Key__c === 'string' ? row.Scope_Key__c : '';
          if (scope === ORG_SCOPE_KEY) org = row;
          else if (scope !== '') byScope.set(scope.toUpperCase(), row);
        }
        this.#snapshot = { org, byScope, readAt: now };
        return this.#snapshot;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  async forUser(user: SiaUser): Promise<UserEmailSettings> {
    const snapshot = await this.#read();
    let mine: SettingsRow | undefined;
    try {
      mine = snapshot.byScope.get(toCaseSafeId(user.salesforceUserId).toUpperCase());
    } catch {
      mine = undefined;
    }
    const settings = mergeSettings(snapshot.org, mine);
    return { mode: emailLoggingMode(settings), settings };
  }
}
