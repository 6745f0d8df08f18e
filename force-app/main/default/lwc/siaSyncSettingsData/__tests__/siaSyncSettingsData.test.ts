import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  emailLoggingMode,
  isTaskSyncOn,
  mergeSettings,
  rowValue,
  syncsTasks,
  taskSyncEnabledAtFor,
  validateSettings,
  type SettingsRow,
} from 'c/siaSyncSettingsData';

const USER_ID = '005xx000001SvQaAAK';

// Rows as the REST API returns them (GET /sobjects/SIA_Sync_Setting__c/...), nulls included.
const ORG_ROW: SettingsRow = {
  Id: 'a01xx000000ORG1AAA',
  Scope_Key__c: 'ORG',
  User__c: null,
  Log_Email_Via_Api__c: true,
  Log_Replies__c: true,
  Log_To__c: 'ContactsOnly',
  Duplicate_Rule__c: 'AllMatching',
  No_Match_Rule__c: 'CreateLead',
  Log_To_Opportunities__c: 'OpenContactRoleOpportunities',
  Log_To_Accounts__c: false,
  Bcc_Enabled__c: false,
  Bcc_Address__c: null,
  Task_Sync_Mode__c: 'SyncCompleteSkipped',
  Task_Sync_Enabled_At__c: '2026-11-01T09:00:00.000+0000',
  Team_Logging_Override__c: 'None',
  Email_Subject_Template__c: '[SIA] {{activity_subject}}',
  Call_Subject_Template__c: null,
  Task_Subject_Template__c: '{{activity_subject}}',
  Api_Budget_Percent__c: 30,
};

const USER_ROW: SettingsRow = {
  Id: 'a01xx000000USR1AAA',
  Scope_Key__c: USER_ID,
  User__c: USER_ID,
  Log_Email_Via_Api__c: false,
  Log_Replies__c: false,
  Log_To__c: 'LeadsOnly',
  Duplicate_Rule__c: null,
  No_Match_Rule__c: null,
  Log_To_Opportunities__c: null,
  Log_To_Accounts__c: true,
  Bcc_Enabled__c: true,
  Bcc_Address__c: 'emailtosalesforce@1a2b3c.x-4d5e.na1.le.salesforce.com',
  Task_Sync_Mode__c: 'SyncDeleteSkipped',
  Task_Sync_Enabled_At__c: '2026-11-20T14:30:00.000+0000',
  // A stray org-only value on a user row (the validation rule forbids it; merge must ignore it).
  Email_Subject_Template__c: 'mine',
};

describe('mergeSettings', () => {
  it('gives built-in defaults when there are no rows', () => {
    const merged = mergeSettings(null, null);
    for (const key of SETTING_KEYS) {
      expect(merged[key]).toEqual({ value: DEFAULT_SETTINGS[key], source: 'default', forcedByTeam: false });
    }
    expect(merged.taskSyncMode.value).toBe('DoNotSync');
  });

  it('takes org values where there is no user row', () => {
    const merged = mergeSettings(ORG_ROW, null);
    expect(merged.logTo).toEqual({ value: 'ContactsOnly', source: 'org', forcedByTeam: false });
    expect(merged.apiBudgetPercent).toEqual({ value: 30, source: 'org', forcedByTeam: false });
    expect(merged.callSubjectTemplate).toEqual({
      value: DEFAULT_SETTINGS.callSubjectTemplate,
      source: 'default',
      forcedByTeam: false,
    });
  });

  it('lets the user row override field by field; blank user values inherit', () => {
    const merged = mergeSettings(ORG_ROW, USER_ROW);
    expect(merged.logTo).toMatchObject({ value: 'LeadsOnly', source: 'user' });
    expect(merged.duplicateRule).toMatchObject({ value: 'AllMatching', source: 'org' });
    expect(merged.noMatchRule).toMatchObject({ value: 'CreateLead', source: 'org' });
    // Checkboxes are never null in Salesforce: a user row's false is the user's choice.
    expect(merged.logEmailViaApi).toMatchObject({ value: false, source: 'user' });
    expect(merged.logToAccounts).toMatchObject({ value: true, source: 'user' });
  });

  it('ignores org-only settings on a user row', () => {
    const merged = mergeSettings(ORG_ROW, USER_ROW);
    expect(merged.emailSubjectTemplate).toMatchObject({ value: '[SIA] {{activity_subject}}', source: 'org' });
  });

  it('treats values outside a picklist domain, blank text and wrong types as unset', () => {
    const merged = mergeSettings(
      { ...ORG_ROW, Log_To__c: 'Everything', Email_Subject_Template__c: '   ', Api_Budget_Percent__c: '30' },
      { Scope_Key__c: USER_ID, Task_Sync_Mode__c: 'SyncSometimes', Log_Replies__c: 'true' },
    );
    expect(merged.logTo.source).toBe('default');
    expect(merged.emailSubjectTemplate.source).toBe('default');
    expect(merged.apiBudgetPercent.source).toBe('default');
    expect(merged.taskSyncMode).toMatchObject({ value: 'SyncCompleteSkipped', source: 'org' });
    expect(merged.logReplies).toMatchObject({ value: true, source: 'org' });
  });

  it('takes an API budget only as a whole percent from 1 to 100', () => {
    for (const budget of [0, 101, 12.5, -5, Number.NaN]) {
      expect(mergeSettings({ ...ORG_ROW, Api_Budget_Percent__c: budget }, null).apiBudgetPercent).toEqual({
        value: DEFAULT_SETTINGS.apiBudgetPercent,
        source: 'default',
        forcedByTeam: false,
      });
    }
    expect(mergeSettings({ ...ORG_ROW, Api_Budget_Percent__c: 100 }, null).apiBudgetPercent.value).toBe(100);
    expect(mergeSettings({ ...ORG_ROW, Api_Budget_Percent__c: 1 }, null).apiBudgetPercent.value).toBe(1);
  });

  it('takes the task-sync start time from the row whose mode is in effect', () => {
    expect(mergeSettings(ORG_ROW, USER_ROW).taskSyncEnabledAt).toEqual({
      value: '2026-11-20T14:30:00.000+0000',
      source: 'user',
      forcedByTeam: false,
    });
    // The user inherits the org's mode: their own (stale) start time must not apply.
    const inheriting = { ...USER_ROW, Task_Sync_Mode__c: null };
    expect(mergeSettings(ORG_ROW, inheriting).taskSyncEnabledAt).toMatchObject({
      value: '2026-11-01T09:00:00.000+0000',
      source: 'org',
    });
    // The user's own mode without a start time: no start time at all, not the org's.
    const unstamped = { ...USER_ROW, Task_Sync_Enabled_At__c: null };
    expect(mergeSettings(ORG_ROW, unstamped).taskSyncEnabledAt).toMatchObject({
      value: null,
      source: 'user',
    });
  });

  it('forces API-only logging for the whole team', () => {
    const merged = mergeSettings({ ...ORG_ROW, Team_Logging_Override__c: 'ApiOnly' }, USER_ROW);
    expect(merged.logEmailViaApi).toEqual({ value: true, source: 'org', forcedByTeam: true });
    expect(merged.bccEnabled).toEqual({ value: false, source: 'org', forcedByTeam: true });
    expect(emailLoggingMode(merged)).toBe('api');
  });

  it('forces BCC-only logging for the whole team, keeping the user address', () => {
    const merged = mergeSettings(
      { ...ORG_ROW, Team_Logging_Override__c: 'BccOnly' },
      { ...USER_ROW, Log_Email_Via_Api__c: true, Bcc_Enabled__c: false },
    );
    expect(merged.logEmailViaApi).toEqual({ value: false, source: 'org', forcedByTeam: true });
    expect(merged.bccEnabled).toEqual({ value: true, source: 'org', forcedByTeam: true });
    expect(merged.bccAddress.value).toBe(USER_ROW.Bcc_Address__c);
    expect(emailLoggingMode(merged)).toBe('bcc');
  });

  it('reads the team override from the org row only', () => {
    const merged = mergeSettings(ORG_ROW, { ...USER_ROW, Team_Logging_Override__c: 'BccOnly' });
    expect(merged.teamLoggingOverride).toMatchObject({ value: 'None', source: 'org' });
    expect(merged.bccEnabled.forcedByTeam).toBe(false);
  });
});

describe('emailLoggingMode', () => {
  it('is none, api or bcc; the API wins when both are on from different rows', () => {
    expect(emailLoggingMode(mergeSettings(null, null))).toBe('none');
    expect(emailLoggingMode(mergeSettings(ORG_ROW, null))).toBe('api');
    expect(emailLoggingMode(mergeSettings(ORG_ROW, USER_ROW))).toBe('bcc');
    expect(emailLoggingMode(mergeSettings({ ...ORG_ROW, Bcc_Enabled__c: true }, null))).toBe('api');
  });
});

describe('task sync switching', () => {
  const now = new Date('2026-11-28T13:00:00.000Z');

  it('stamps the start time only when sync leaves DoNotSync', () => {
    expect(taskSyncEnabledAtFor('DoNotSync', 'SyncCompleteSkipped', now)).toBe('2026-11-28T13:00:00.000Z');
    expect(taskSyncEnabledAtFor(null, 'SyncDeleteSkipped', now)).toBe('2026-11-28T13:00:00.000Z');
    expect(taskSyncEnabledAtFor('SyncCompleteSkipped', 'SyncDeleteSkipped', now)).toBeUndefined();
    expect(taskSyncEnabledAtFor('SyncCompleteSkipped', 'DoNotSync', now)).toBeUndefined();
    expect(taskSyncEnabledAtFor('DoNotSync', 'DoNotSync', now)).toBeUndefined();
  });

  it('knows which modes sync', () => {
    expect(syncsTasks('DoNotSync')).toBe(false);
    expect(syncsTasks(undefined)).toBe(false);
    expect(syncsTasks('SyncCompleteSkipped')).toBe(true);
    expect(syncsTasks('SyncDeleteSkipped')).toBe(true);
    expect(syncsTasks('Sync')).toBe(false);
  });

  it('is on for a user only in a syncing mode with a start time', () => {
    expect(isTaskSyncOn('SyncCompleteSkipped', '2026-11-28T13:00:00.000Z')).toBe(true);
    expect(isTaskSyncOn('SyncDeleteSkipped', '2026-11-28T13:00:00.000Z')).toBe(true);
    expect(isTaskSyncOn('SyncCompleteSkipped', null)).toBe(false);
    expect(isTaskSyncOn('SyncCompleteSkipped', '')).toBe(false);
    expect(isTaskSyncOn('DoNotSync', '2026-11-28T13:00:00.000Z')).toBe(false);
    expect(isTaskSyncOn(undefined, undefined)).toBe(false);
  });

  it('is on for the merged settings of a user with a running sync', () => {
    const merged = mergeSettings(ORG_ROW, USER_ROW);
    expect(isTaskSyncOn(merged.taskSyncMode.value, merged.taskSyncEnabledAt.value)).toBe(true);
    const off = mergeSettings({ ...ORG_ROW, Task_Sync_Mode__c: 'DoNotSync' }, null);
    expect(isTaskSyncOn(off.taskSyncMode.value, off.taskSyncEnabledAt.value)).toBe(false);
  });
});

describe('rowValue', () => {
  it('reads one setting from a row, undefined when unset', () => {
    expect(rowValue(ORG_ROW, 'logTo')).toBe('ContactsOnly');
    expect(rowValue(ORG_ROW, 'bccAddress')).toBeUndefined();
    expect(rowValue(null, 'logTo')).toBeUndefined();
  });
});

describe('validateSettings', () => {
  const fields = (messages: { field: string }[]): string[] => messages.map((m) => m.field);

  it('accepts complete org and user rows', () => {
    expect(validateSettings(ORG_ROW, 'org')).toEqual([]);
    expect(validateSettings({ ...USER_ROW, Email_Subject_Template__c: null }, 'user', ORG_ROW)).toEqual([]);
  });

  it('requires the BCC address when BCC is on, and checks its format', () => {
    expect(validateSettings({ Bcc_Enabled__c: true, Bcc_Address__c: '  ' }, 'user', ORG_ROW)).toEqual([
      { field: 'Bcc_Address__c', message: 'Enter your Email to Salesforce address to log emails by BCC.' },
    ]);
    for (const bad of ['name', 'name@', 'name@host', 'a b@example.com', 'a@@example.com']) {
      expect(fields(validateSettings({ Bcc_Address__c: bad }, 'user', ORG_ROW))).toEqual(['Bcc_Address__c']);
    }
    expect(validateSettings({ Bcc_Address__c: `${'a'.repeat(75)}@x.com` }, 'user', ORG_ROW)[0]?.message).toBe(
      'Enter at most 80 characters; this address has 81.',
    );
    expect(validateSettings({ Bcc_Address__c: 'me@' }, 'user', ORG_ROW)[0]?.message).toBe(
      'Enter an email address like name@example.com.',
    );
  });

  it('requires the BCC address of a user when the team is forced to BCC', () => {
    const org = { ...ORG_ROW, Team_Logging_Override__c: 'BccOnly' };
    expect(fields(validateSettings({ Bcc_Enabled__c: false }, 'user', org))).toEqual(['Bcc_Address__c']);
  });

  it('rejects API and BCC logging on the same row', () => {
    const messages = validateSettings(
      { Log_Email_Via_Api__c: true, Bcc_Enabled__c: true, Bcc_Address__c: 'me@example.com' },
      'user',
      ORG_ROW,
    );
    expect(fields(messages)).toEqual(['Bcc_Enabled__c']);
  });

  it('requires the API logging choices when API logging is on, unless the org supplies them', () => {
    const draft = { Scope_Key__c: 'ORG', Log_Email_Via_Api__c: true, Task_Sync_Mode__c: 'DoNotSync' };
    expect(fields(validateSettings(draft, 'org'))).toEqual([
      'Log_To__c',
      'Duplicate_Rule__c',
      'No_Match_Rule__c',
      'Log_To_Opportunities__c',
    ]);
    expect(validateSettings({ Log_Email_Via_Api__c: true }, 'user', ORG_ROW)).toEqual([]);
    expect(fields(validateSettings({ Log_Email_Via_Api__c: true }, 'user', null))).toHaveLength(4);
  });

  it('requires a task sync mode on the org row only', () => {
    expect(fields(validateSettings({ ...ORG_ROW, Task_Sync_Mode__c: null }, 'org'))).toEqual([
      'Task_Sync_Mode__c',
    ]);
    expect(validateSettings({ Task_Sync_Mode__c: null }, 'user', ORG_ROW)).toEqual([]);
  });

  it('checks template length and line breaks', () => {
    const messages = validateSettings(
      {
        ...ORG_ROW,
        Email_Subject_Template__c: 'x'.repeat(256),
        Call_Subject_Template__c: 'Call\n{{call_outcome}}',
        Task_Subject_Template__c: 'y'.repeat(255),
      },
      'org',
    );
    expect(messages).toEqual([
      { field: 'Email_Subject_Template__c', message: 'Shorten it to 255 characters; it has 256.' },
      {
        field: 'Call_Subject_Template__c',
        message: 'Remove the line breaks: a Salesforce task subject is one line.',
      },
    ]);
  });

  it('checks the API budget is a whole percent from 1 to 100', () => {
    for (const bad of [0, 101, 12.5, -3]) {
      expect(fields(validateSettings({ ...ORG_ROW, Api_Budget_Percent__c: bad }, 'org'))).toEqual([
        'Api_Budget_Percent__c',
      ]);
    }
    expect(validateSettings({ ...ORG_ROW, Api_Budget_Percent__c: 100 }, 'org')).toEqual([]);
    expect(validateSettings({ ...ORG_ROW, Api_Budget_Percent__c: null }, 'org')).toEqual([]);
  });

  it('rejects org-only settings on a user row', () => {
    expect(
      fields(
        validateSettings({ Team_Logging_Override__c: 'ApiOnly', Api_Budget_Percent__c: 10 }, 'user', ORG_ROW),
      ),
    ).toEqual(['Team_Logging_Override__c', 'Api_Budget_Percent__c']);
  });
});
