// Effective email-logging settings per user: SIA_Sync_Setting__c read in one query (the org row
// and every user row), merged org → user by the shared settings model (siaSyncSettingsData), which also applies the
// team logging override. Cached for a short time so a burst of emails costs one query.
import type { Clock } from '../clock.ts';
import type { SalesforceClient } from '../salesforce/client.ts';
import type { SiaUser } from '../sia/model.ts';
import {
  emailLoggingMode,
  mergeSettings,
  type EffectiveSettings,
  type EmailLoggingMode,
} from '../sia/shared.ts';
import { readSettingsRows, userSettingsRow, type SettingsRows } from '../salesforce/settings-rows.ts';

export interface UserEmailSettings {
  mode: EmailLoggingMode;
  settings: EffectiveSettings;
}

interface Snapshot extends SettingsRows {
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
    this.#reading ??= readSettingsRows(this.#salesforce)
      .then((rows) => {
        this.#snapshot = { ...rows, readAt: now };
        return this.#snapshot;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  async forUser(user: SiaUser): Promise<UserEmailSettings> {
    const snapshot = await this.#read();
    const settings = mergeSettings(snapshot.org, userSettingsRow(snapshot, user));
    return { mode: emailLoggingMode(settings), settings };
  }
}
