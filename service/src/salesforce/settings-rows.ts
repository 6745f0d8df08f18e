// Reading SIA_Sync_Setting__c: one query returns the org row and every user row, indexed by scope
// (the 18-character user id, upper-cased, or ORG). Task sync and email logging both read settings
// through here and merge a user's effective settings with the shared model (mergeSettings).
import type { SiaUser } from '../sia/model.ts';
import {
  ORG_SCOPE_KEY,
  SETTING_FIELDS,
  SETTINGS_OBJECT,
  toCaseSafeId,
  type SettingsRow,
} from '../sia/shared.ts';
import type { SalesforceClient } from './client.ts';
import { soqlFields, soqlName } from './soql.ts';

export const SETTINGS_SOQL = `SELECT ${soqlFields(['Id', 'Scope_Key__c', 'User__c', ...Object.values(SETTING_FIELDS)])} FROM ${soqlName(SETTINGS_OBJECT)}`;

export interface SettingsRows {
  org: SettingsRow | undefined;
  /** User rows by upper-cased 18-character user id. */
  byScope: Map<string, SettingsRow>;
}

/** Every settings row, in one query. */
export async function readSettingsRows(salesforce: Pick<SalesforceClient, 'query'>): Promise<SettingsRows> {
  const rows = await salesforce.query<SettingsRow & Record<string, unknown>>(SETTINGS_SOQL);
  const byScope = new Map<string, SettingsRow>();
  let org: SettingsRow | undefined;
  for (const row of rows) {
    const scope = typeof row.Scope_Key__c === 'string' ? row.Scope_Key__c : '';
    if (scope === ORG_SCOPE_KEY) org = row;
    else if (scope !== '') byScope.set(scope.toUpperCase(), row);
  }
  return { org, byScope };
}

/** The user's own settings row; undefined when they have none (or their Salesforce id is malformed). */
export function userSettingsRow(
  rows: SettingsRows,
  user: Pick<SiaUser, 'salesforceUserId'>,
): SettingsRow | undefined {
  try {
    return rows.byScope.get(toCaseSafeId(user.salesforceUserId).toUpperCase());
  } catch {
    return undefined;
  }
}
