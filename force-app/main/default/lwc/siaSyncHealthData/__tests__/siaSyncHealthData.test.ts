import {
  ERROR_CATEGORIES,
  actionAnnouncement,
  apiUsageFrom,
  apiUsageText,
  heartbeatText,
  applyLocalChanges,
  barPercent,
  canRetry,
  categoryOf,
  errorActionInput,
  errorGroupsFrom,
  isErrorAction,
  localChangeFor,
  serviceHeartbeatFrom,
  syncErrorRowFrom,
  userSyncRowFrom,
  userSyncRowsFrom,
  type ErrorGroup,
} from 'c/siaSyncHealthData';
import syncErrors from '../../siaSyncHealth/__tests__/data/syncErrors.json';
import syncStatus from '../../siaSyncHealth/__tests__/data/syncStatus.json';

const NOW = Date.parse('2026-03-10T17:00:00Z');
const HOUR = 3_600_000;

function errorNode(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...syncErrors.uiapi.query.accessValidation.edges[0]!.node, ...overrides };
}

function usageConnection(used: unknown, allowed: unknown): unknown {
  return {
    edges: [
      {
        node: {
          Id: 'a04Hs00000Kp79AIAR',
          Api_Requests_Used__c: { value: used },
          Api_Requests_Allowed__c: { value: allowed },
          Api_Usage_At__c: { value: '2026-03-10T16:55:12.000Z' },
        },
      },
    ],
  };
}

function budgetConnection(percent: unknown): unknown {
  return { edges: [{ node: { Id: 'a02Hs00000Cz4kAIAR', Api_Budget_Percent__c: { value: percent } } }] };
}

describe('c/siaSyncHealthData', () => {
  describe('categories', () => {
    it("lists SIA's four diagnostics categories in its order, with the picklist values", () => {
      expect(ERROR_CATEGORIES.map((info) => [info.value, info.label])).toEqual([
        ['Authentication', 'Authentication'],
        ['AccessValidation', 'Access & Validation'],
        ['Intermittent', 'Intermittent'],
        ['Other', 'Other'],
      ]);
    });

    it('files a blank or unknown category under Other', () => {
      expect(categoryOf('Intermittent')).toBe('Intermittent');
      expect(categoryOf(null)).toBe('Other');
      expect(categoryOf('Access & Validation')).toBe('Other');
    });
  });

  describe('syncErrorRowFrom', () => {
    it('reads a SIA_Sync_Error__c node', () => {
      expect(syncErrorRowFrom(errorNode())).toEqual({
        id: 'a03Hs00000Gq1bAIAR',
        errorNumber: 'SIAE-000121',
        category: 'AccessValidation',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Tasks on closed opportunities cannot be edited.',
        direction: 'SIA to Salesforce',
        recordId: '00THs00000T2aaaMAB',
        objectApiName: 'Task',
        recordLabel: 'Task 00THs00000T2aaaMAB',
        siaTaskId: '2f9b7c1e-8d4a-4e61-b3c2-5a7d9e0f1b23',
        userId: '005Hs00000A1b2cIAB',
        userName: 'Priya Natarajan',
        occurredAt: '2026-03-10T16:58:31.000Z',
        retryRequested: false,
        resolved: false,
      });
    });

    it('links no record when the record id or object name is not one', () => {
      const bad = syncErrorRowFrom(errorNode({ Record_Id__c: { value: '00T/../x' } }))!;
      expect(bad.recordId).toBeNull();
      expect(bad.recordLabel).toBe('SIA task 2f9b7c1e-8d4a-4e61-b3c2-5a7d9e0f1b23');

      const odd = syncErrorRowFrom(errorNode({ Object_Api_Name__c: { value: 'Task/evil' } }))!;
      expect(odd.objectApiName).toBeNull();
      expect(odd.recordLabel).toBe('Record 00THs00000T2aaaMAB');
    });

    it('tolerates missing optional fields and refuses a node without an Id', () => {
      const row = syncErrorRowFrom({ Id: 'a03Hs00000Gq1zAIAR' })!;
      expect(row).toMatchObject({
        errorNumber: 'a03Hs00000Gq1zAIAR',
        category: 'Other',
        code: 'UNKNOWN',
        message: '',
        recordLabel: 'No record',
        userName: '',
        occurredAt: null,
      });
      expect(syncErrorRowFrom({ Name: { value: 'SIAE-1' } })).toBeNull();
      expect(syncErrorRowFrom(null)).toBeNull();
    });
  });

  describe('errorGroupsFrom', () => {
    it('makes one group per category with its server count', () => {
      const groups = errorGroupsFrom(syncErrors);
      expect(
        groups.map((group) => [group.value, group.totalCount, group.rows.map((row) => row.errorNumber)]),
      ).toEqual([
        ['Authentication', 1, ['SIAE-000118']],
        ['AccessValidation', 3, ['SIAE-000121', 'SIAE-000119', 'SIAE-000117']],
        ['Intermittent', 0, []],
        ['Other', 1, ['SIAE-000112']],
      ]);
    });

    it('reads an unexpected answer as no errors', () => {
      expect(
        errorGroupsFrom(undefined).every((group) => group.rows.length === 0 && group.totalCount === 0),
      ).toBe(true);
    });
  });

  describe('applyLocalChanges', () => {
    const groups = (): ErrorGroup[] => errorGroupsFrom(syncErrors);

    it('hides an error resolved here from the unresolved view and lowers the count', () => {
      const changed = applyLocalChanges(groups(), { a03Hs00000Gq1bAIAR: { resolved: true } }, false);
      expect(changed[1]!.totalCount).toBe(2);
      expect(changed[1]!.rows.map((row) => row.id)).toEqual(['a03Hs00000Gq1cAIAR', 'a03Hs00000Gq1dAIAR']);
    });

    it('keeps it, marked resolved, when resolved errors are shown', () => {
      const changed = applyLocalChanges(groups(), { a03Hs00000Gq1bAIAR: { resolved: true } }, true);
      expect(changed[1]!.totalCount).toBe(3);
      expect(changed[1]!.rows[0]!.resolved).toBe(true);
    });

    it('marks a retry asked here without touching the count', () => {
      const changed = applyLocalChanges(groups(), { a03Hs00000Gq1bAIAR: { retryRequested: true } }, false);
      expect(changed[1]!.rows[0]!.retryRequested).toBe(true);
      expect(changed[1]!.totalCount).toBe(3);
      expect(canRetry(changed[1]!.rows[0]!)).toBe(false);
    });
  });

  describe('actions', () => {
    it('Retry writes Retry_Requested__c and Mark resolved writes Resolved__c, nothing else', () => {
      expect(errorActionInput('retry', 'a03Hs00000Gq1bAIAR')).toEqual({
        fields: { Id: 'a03Hs00000Gq1bAIAR', Retry_Requested__c: true },
      });
      expect(errorActionInput('resolve', 'a03Hs00000Gq1bAIAR')).toEqual({
        fields: { Id: 'a03Hs00000Gq1bAIAR', Resolved__c: true },
      });
      expect(localChangeFor('retry')).toEqual({ retryRequested: true });
      expect(localChangeFor('resolve')).toEqual({ resolved: true });
    });

    it('offers Retry only on open errors not already waiting for one', () => {
      const row = syncErrorRowFrom(errorNode())!;
      expect(canRetry(row)).toBe(true);
      expect(canRetry({ ...row, retryRequested: true })).toBe(false);
      expect(canRetry({ ...row, resolved: true })).toBe(false);
    });

    it('recognises the two actions only', () => {
      expect(isErrorAction('retry')).toBe(true);
      expect(isErrorAction('resolve')).toBe(true);
      expect(isErrorAction('delete')).toBe(false);
      expect(isErrorAction(undefined)).toBe(false);
    });

    it('announces what was saved', () => {
      expect(actionAnnouncement('retry', 1)).toBe(
        'Retry requested for 1 sync error. The sync service will try again shortly.',
      );
      expect(actionAnnouncement('resolve', 3)).toBe('3 sync errors marked resolved.');
    });
  });

  describe('last sync per user', () => {
    it('flags a user after the given silence, and one who never synced', () => {
      const node = (at: string | null): unknown => ({
        Id: 'a04Hs00000Kp7cAIAR',
        User__c: { value: '005Hs00000A1b2cIAB' },
        User__r: { Name: { value: 'Priya Natarajan' } },
        Last_Sync_At__c: { value: at },
      });
      const justInside = new Date(NOW - 24 * HOUR).toISOString();
      const justOutside = new Date(NOW - 24 * HOUR - 1000).toISOString();

      expect(userSyncRowFrom(node(justInside), NOW, 24)).toMatchObject({
        isStale: false,
        statusLabel: 'Syncing',
      });
      expect(userSyncRowFrom(node(justOutside), NOW, 24)).toMatchObject({
        isStale: true,
        statusLabel: 'No sync in 24 h',
      });
      expect(userSyncRowFrom(node(justOutside), NOW, 48)!.isStale).toBe(false);
      expect(userSyncRowFrom(node(null), NOW, 24)).toMatchObject({
        isStale: true,
        statusLabel: 'Never synced',
        lastSyncAt: null,
        lastSyncMs: null,
      });
      expect(userSyncRowFrom(node('not a date'), NOW, 24)!.statusLabel).toBe('Never synced');
    });

    it('keeps the server order and count', () => {
      const { rows, totalCount } = userSyncRowsFrom(syncStatus.uiapi.query.userStatuses, NOW, 24);
      expect(rows.map((row) => [row.userName, row.statusLabel])).toEqual([
        ['Dana Okafor', 'Never synced'],
        ['Marcus Webb', 'No sync in 24 h'],
        ['Priya Natarajan', 'Syncing'],
      ]);
      expect(totalCount).toBe(3);
    });

    it('reads the service heartbeat from the ORG row', () => {
      expect(serviceHeartbeatFrom(syncStatus.uiapi.query.orgStatus)).toBe('2026-03-10T16:52:00.000Z');
      expect(serviceHeartbeatFrom({ edges: [] })).toBeNull();
    });
  });

  describe('apiUsageFrom', () => {
    it('measures usage against the allowance and the admin budget', () => {
      expect(apiUsageFrom(usageConnection(5620, 15000), budgetConnection(40))).toEqual({
        used: 5620,
        allowed: 15000,
        allowanceFraction: 5620 / 15000,
        budgetPercent: 40,
        budgetIsDefault: false,
        budgetRequests: 6000,
        budgetFraction: 5620 / 6000,
        overBudget: false,
        nearBudget: true,
        readAt: '2026-03-10T16:55:12.000Z',
      });
    });

    it('uses the built-in default budget when the org row leaves it blank or out of range', () => {
      expect(apiUsageFrom(usageConnection(100, 15000), budgetConnection(null))).toMatchObject({
        budgetPercent: 50,
        budgetIsDefault: true,
        budgetRequests: 7500,
        nearBudget: false,
      });
      expect(apiUsageFrom(usageConnection(100, 15000), budgetConnection(250))!.budgetIsDefault).toBe(true);
      expect(apiUsageFrom(usageConnection(100, 15000), { edges: [] })!.budgetPercent).toBe(50);
    });

    it("reads as sentences in the user's locale, saying where the budget comes from", () => {
      const usage = apiUsageFrom(usageConnection(13, 15000), budgetConnection(null))!;
      expect(apiUsageText(usage, 'en-US', 'America/New_York')).toEqual({
        used: '13 of 15,000 requests (0.1%)',
        budget: '7,500 requests: 50% of the allowance (built-in default; set it in SIA Sync Settings)',
        budgetUsed: '0%',
        reported: expect.stringMatching(/^Mar 10, 2026, 12:55\sPM$/) as unknown as string,
      });
      const german = apiUsageText(
        apiUsageFrom(usageConnection(5620, 15000), budgetConnection(40))!,
        'de-DE',
        'Europe/Berlin',
      );
      expect(german.used.replace(/\s/g, ' ')).toBe('5.620 of 15.000 requests (37,5 %)');
      expect(heartbeatText('2026-03-10T16:52:00.000Z', Date.parse('2026-03-10T17:00:00Z'), 'en-US')).toBe(
        'Last sync for anyone: 8 minutes ago',
      );
      expect(heartbeatText(null, Date.now(), 'en-US')).toBe('');
    });

    it('is over budget by the rule the service slows down by (c/siaApiBudget)', () => {
      expect(apiUsageFrom(usageConnection(7500, 15000), budgetConnection(50))!.overBudget).toBe(true);
      expect(apiUsageFrom(usageConnection(7499, 15000), budgetConnection(50))!.overBudget).toBe(false);
    });

    it('is null until the service has reported usage', () => {
      expect(apiUsageFrom({ edges: [] }, budgetConnection(40))).toBeNull();
      expect(apiUsageFrom(usageConnection(null, 15000), budgetConnection(40))).toBeNull();
      expect(apiUsageFrom(usageConnection(10, 0), budgetConnection(40))).toBeNull();
    });

    it('draws bars as whole percent, capped at 100', () => {
      expect(barPercent(0.3747)).toBe(37);
      expect(barPercent(1.4)).toBe(100);
      expect(barPercent(-1)).toBe(0);
      expect(barPercent(Number.NaN)).toBe(0);
    });
  });
});
