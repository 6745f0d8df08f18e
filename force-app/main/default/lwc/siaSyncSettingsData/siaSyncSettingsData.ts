// The SIA Sync settings model (the siaSyncSettings screen's data), shared with the sync service,
// which imports this file by relative path, so it stays self-contained: no imports, erasable
// TypeScript only, no DOM.
//
// SIA_Sync_Setting__c holds one org-default row (Scope_Key__c = 'ORG', "Admin settings") and at
// most one row per user (Scope_Key__c = the user's 18-character Id, "My account"). A user row
// overrides the org row field by field. Salesforce checkboxes are never null, so on a user row a
// checkbox is always that user's explicit choice; a blank picklist, text or date inherits.
//
// This is the one home of the task-sync mode (TASK_SYNC_MODES) and of the rule "task sync is on
// for this user" (isTaskSyncOn).

export const SETTINGS_OBJECT = 'SIA_Sync_Setting__c';
export const ORG_SCOPE_KEY = 'ORG';
/** Salesforce Task.Subject and Text(255) template fields hold at most this many characters. */
export const MAX_TEMPLATE_LENGTH = 255;
/** Email fields hold at most 80 characters. */
export const MAX_EMAIL_LENGTH = 80;

export const TASK_SYNC_MODES = ['DoNotSync', 'SyncCompleteSkipped', 'SyncDeleteSkipped'] as const;
export type TaskSyncMode = (typeof TASK_SYNC_MODES)[number];

export const LOG_TO_VALUES = ['LeadsAndContacts', 'ContactsOnly', 'LeadsOnly'] as const;
export type LogTo = (typeof LOG_TO_VALUES)[number];

export const DUPLICATE_RULES = ['MostRecentlyUpdated', 'AllMatching', 'DoNotLog'] as const;
export type DuplicateRule = (typeof DUPLICATE_RULES)[number];

export const NO_MATCH_RULES = ['DoNotLog', 'CreateLead'] as const;
export type NoMatchRule = (typeof NO_MATCH_RULES)[number];

export const OPPORTUNITY_LOGGING = [
  'None',
  'OpenContactRoleOpportunities',
  'AllContactRoleOpportunities',
] as const;
export type OpportunityLogging = (typeof OPPORTUNITY_LOGGING)[number];

export const TEAM_LOGGING_OVERRIDES = ['None', 'ApiOnly', 'BccOnly'] as const;
export type TeamLoggingOverride = (typeof TEAM_LOGGING_OVERRIDES)[number];

export interface PicklistOption<V extends string> {
  value: V;
  label: string;
}

/** Picklist labels, as in the field metadata, in the order the screens list them. */
export const TASK_SYNC_MODE_OPTIONS: readonly PicklistOption<TaskSyncMode>[] = [
  { value: 'DoNotSync', label: 'Do not sync to Salesforce tasks' },
  { value: 'SyncCompleteSkipped', label: 'Sync; skipped SIA tasks become Completed in Salesforce' },
  { value: 'SyncDeleteSkipped', label: 'Sync; skipped SIA tasks are deleted in Salesforce' },
];
export const LOG_TO_OPTIONS: readonly PicklistOption<LogTo>[] = [
  { value: 'LeadsAndContacts', label: 'Leads and Contacts' },
  { value: 'ContactsOnly', label: 'Contacts only' },
  { value: 'LeadsOnly', label: 'Leads only' },
];
export const DUPLICATE_RULE_OPTIONS: readonly PicklistOption<DuplicateRule>[] = [
  { value: 'MostRecentlyUpdated', label: 'Log to the most recently updated record' },
  { value: 'AllMatching', label: 'Log to all matching records' },
  { value: 'DoNotLog', label: 'Do not log' },
];
export const NO_MATCH_RULE_OPTIONS: readonly PicklistOption<NoMatchRule>[] = [
  { value: 'DoNotLog', label: 'Do not log' },
  { value: 'CreateLead', label: 'Create a lead and log to it' },
];
export const OPPORTUNITY_LOGGING_OPTIONS: readonly PicklistOption<OpportunityLogging>[] = [
  { value: 'None', label: 'Do not log to opportunities' },
  { value: 'OpenContactRoleOpportunities', label: "Open opportunities of the contact's roles" },
  { value: 'AllContactRoleOpportunities', label: "All opportunities of the contact's roles" },
];
export const TEAM_LOGGING_OVERRIDE_OPTIONS: readonly PicklistOption<TeamLoggingOverride>[] = [
  { value: 'None', label: 'No override: each user chooses' },
  { value: 'ApiOnly', label: 'Only allow logging via the Salesforce API' },
  { value: 'BccOnly', label: 'Only allow logging via Email to Salesforce (BCC)' },
];

/** Every setting, by its name in code, with the SIA_Sync_Setting__c field that stores it. */
export const SETTING_FIELDS = {
  logEmailViaApi: 'Log_Email_Via_Api__c',
  logReplies: 'Log_Replies__c',
  logTo: 'Log_To__c',
  duplicateRule: 'Duplicate_Rule__c',
  noMatchRule: 'No_Match_Rule__c',
  logToOpportunities: 'Log_To_Opportunities__c',
  logToAccounts: 'Log_To_Accounts__c',
  bccEnabled: 'Bcc_Enabled__c',
  bccAddress: 'Bcc_Address__c',
  taskSyncMode: 'Task_Sync_Mode__c',
  taskSyncEnabledAt: 'Task_Sync_Enabled_At__c',
  teamLoggingOverride: 'Team_Logging_Override__c',
  emailSubjectTemplate: 'Email_Subject_Template__c',
  callSubjectTemplate: 'Call_Subject_Template__c',
  taskSubjectTemplate: 'Task_Subject_Template__c',
  apiBudgetPercent: 'Api_Budget_Percent__c',
} as const;
export type SettingKey = keyof typeof SETTING_FIELDS;
export type SettingsField = (typeof SETTING_FIELDS)[SettingKey];
export const SETTING_KEYS = Object.keys(SETTING_FIELDS) as SettingKey[];

/** Settings that exist only on the org row (a validation rule rejects them on user rows). */
export const ORG_ONLY_SETTINGS: readonly SettingKey[] = [
  'teamLoggingOverride',
  'emailSubjectTemplate',
  'callSubjectTemplate',
  'taskSubjectTemplate',
  'apiBudgetPercent',
];

export function isOrgOnly(key: SettingKey): boolean {
  return ORG_ONLY_SETTINGS.includes(key);
}

export interface SettingValues {
  logEmailViaApi: boolean;
  logReplies: boolean;
  logTo: LogTo;
  duplicateRule: DuplicateRule;
  noMatchRule: NoMatchRule;
  logToOpportunities: OpportunityLogging;
  logToAccounts: boolean;
  bccEnabled: boolean;
  bccAddress: string | null;
  taskSyncMode: TaskSyncMode;
  /** ISO 8601 date-time when task sync last left DoNotSync for the row in effect. */
  taskSyncEnabledAt: string | null;
  teamLoggingOverride: TeamLoggingOverride;
  emailSubjectTemplate: string;
  callSubjectTemplate: string;
  taskSubjectTemplate: string;
  apiBudgetPercent: number;
}

/**
 * What applies when neither row sets a value. "Do not sync" is SIA's documented default; the
 * reminder-task template is exactly {{activity_subject}} so that renaming a task flows both ways.
 */
export const DEFAULT_SETTINGS: Readonly<SettingValues> = {
  logEmailViaApi: false,
  logReplies: false,
  logTo: 'LeadsAndContacts',
  duplicateRule: 'MostRecentlyUpdated',
  noMatchRule: 'DoNotLog',
  logToOpportunities: 'None',
  logToAccounts: false,
  bccEnabled: false,
  bccAddress: null,
  taskSyncMode: 'DoNotSync',
  taskSyncEnabledAt: null,
  teamLoggingOverride: 'None',
  emailSubjectTemplate: '{{activity_subject}}',
  callSubjectTemplate: '{{activity_type}}: {{activity_subject}}',
  taskSubjectTemplate: '{{activity_subject}}',
  apiBudgetPercent: 50,
};

/**
 * One SIA_Sync_Setting__c row keyed by field API name, as the REST API returns it or as the
 * component builds it from LDS. Values are unknown until parsed: a value outside a field's domain
 * counts as unset.
 */
export type SettingsRow = { [F in SettingsField]?: unknown } & {
  Id?: string;
  Scope_Key__c?: string;
  User__c?: string | null;
};

export type SettingSource = 'org' | 'user' | 'default';

export interface EffectiveSetting<V> {
  value: V;
  /** Where the value comes from: the org row, the user's own row, or the built-in default. */
  source: SettingSource;
  /** True when the org's team logging override decided the value, whatever the rows say. */
  forcedByTeam: boolean;
}

export type EffectiveSettings = { [K in SettingKey]: EffectiveSetting<SettingValues[K]> };

type Parser<V> = (raw: unknown) => V | undefined;

function picklist<V extends string>(domain: readonly V[]): Parser<V> {
  return (raw) => {
    return typeof raw === 'string' && (domain as readonly string[]).includes(raw) ? (raw as V) : undefined;
  };
}
const checkbox: Parser<boolean> = (raw) => (typeof raw === 'boolean' ? raw : undefined);
const text: Parser<string> = (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw : undefined);
/** Api_Budget_Percent__c: a whole percent from 1 to 100; anything else counts as unset. */
const percent: Parser<number> = (raw) => {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 100 ? raw : undefined;
};

const PARSERS: { [K in SettingKey]: Parser<NonNullable<SettingValues[K]>> } = {
  logEmailViaApi: checkbox,
  logReplies: checkbox,
  logTo: picklist(LOG_TO_VALUES),
  duplicateRule: picklist(DUPLICATE_RULES),
  noMatchRule: picklist(NO_MATCH_RULES),
  logToOpportunities: picklist(OPPORTUNITY_LOGGING),
  logToAccounts: checkbox,
  bccEnabled: checkbox,
  bccAddress: text,
  taskSyncMode: picklist(TASK_SYNC_MODES),
  taskSyncEnabledAt: text,
  teamLoggingOverride: picklist(TEAM_LOGGING_OVERRIDES),
  emailSubjectTemplate: text,
  callSubjectTemplate: text,
  taskSubjectTemplate: text,
  apiBudgetPercent: percent,
};

/** The value a row sets for one setting, or undefined when the row leaves it blank or invalid. */
export function rowValue<K extends SettingKey>(
  row: SettingsRow | null | undefined,
  key: K,
): SettingValues[K] | undefined {
  if (!row) return undefined;
  return PARSERS[key](row[SETTING_FIELDS[key]]) as SettingValues[K] | undefined;
}

function pick<K extends SettingKey>(
  key: K,
  orgRow: SettingsRow | null | undefined,
  userRow: SettingsRow | null | undefined,
): EffectiveSetting<SettingValues[K]> {
  if (!isOrgOnly(key)) {
    const mine = rowValue(userRow, key);
    if (mine !== undefined) return { value: mine, source: 'user', forcedByTeam: false };
  }
  const org = rowValue(orgRow, key);
  if (org !== undefined) return { value: org, source: 'org', forcedByTeam: false };
  return { value: DEFAULT_SETTINGS[key], source: 'default', forcedByTeam: false };
}

/**
 * Effective value of every setting for one user, and where each comes from. The team logging
 * override (org row) forces API-only or BCC-only logging whatever the user chose. The task-sync
 * start time belongs to the row whose sync mode is in effect: a user's own mode never runs from
 * the org's start time, nor the reverse.
 */
export function mergeSettings(
  orgRow: SettingsRow | null | undefined,
  userRow: SettingsRow | null | undefined,
): EffectiveSettings {
  // Each entry is built by pick() for its own key, so the record has exactly the mapped type.
  const merged = Object.fromEntries(
    SETTING_KEYS.map((key) => [key, pick(key, orgRow, userRow)]),
  ) as EffectiveSettings;

  const modeSource = merged.taskSyncMode.source;
  const modeRow = modeSource === 'user' ? userRow : modeSource === 'org' ? orgRow : null;
  const enabledAt = rowValue(modeRow, 'taskSyncEnabledAt');
  merged.taskSyncEnabledAt =
    enabledAt === undefined
      ? { value: null, source: modeSource, forcedByTeam: false }
      : { value: enabledAt, source: modeSource, forcedByTeam: false };

  const override = merged.teamLoggingOverride.value;
  if (override === 'ApiOnly' || override === 'BccOnly') {
    merged.logEmailViaApi = { value: override === 'ApiOnly', source: 'org', forcedByTeam: true };
    merged.bccEnabled = { value: override === 'BccOnly', source: 'org', forcedByTeam: true };
  }
  return merged;
}

export type EmailLoggingMode = 'api' | 'bcc' | 'none';

/**
 * How this user's sales emails reach Salesforce. With no team override and both switched on (from
 * different rows), the API wins: BCC on top would log every email twice.
 */
export function emailLoggingMode(settings: EffectiveSettings): EmailLoggingMode {
  if (settings.logEmailViaApi.value) return 'api';
  if (settings.bccEnabled.value) return 'bcc';
  return 'none';
}

/** True for the modes that sync tasks: every mode but DoNotSync. */
export function syncsTasks(mode: string | null | undefined): boolean {
  return mode !== undefined && mode !== null && mode !== 'DoNotSync' && isTaskSyncMode(mode);
}

function isTaskSyncMode(mode: string): mode is TaskSyncMode {
  return (TASK_SYNC_MODES as readonly string[]).includes(mode);
}

/**
 * Task sync is on for a user when the mode in effect syncs and has a start time
 * (Task_Sync_Enabled_At__c): the first-sync rules count from that instant, so a syncing mode
 * without one moves nothing yet. The service's stored sync state and the settings screen both ask
 * this.
 */
export function isTaskSyncOn(mode: string | null | undefined, enabledAt: string | null | undefined): boolean {
  return syncsTasks(mode) && typeof enabledAt === 'string' && enabledAt !== '';
}

/**
 * The Task_Sync_Enabled_At__c to write when a row's sync mode changes from `before` to `after`:
 * `now` when sync is being switched on (the first-sync rules count from that instant), otherwise
 * undefined (leave the stored value alone; switching between the two sync modes is not a restart).
 */
export function taskSyncEnabledAtFor(
  before: TaskSyncMode | null | undefined,
  after: TaskSyncMode | null | undefined,
  now: Date,
): string | undefined {
  return !syncsTasks(before) && syncsTasks(after) ? now.toISOString() : undefined;
}

export type SettingsScope = 'org' | 'user';

export interface FieldMessage {
  /** API name of the SIA_Sync_Setting__c field the message belongs to. */
  field: SettingsField;
  message: string;
}

// A pragmatic address check (the platform re-validates Email fields on save): one @, no spaces,
// a dot in the domain. Email to Salesforce addresses are long but follow this shape.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

// One message per problem, in plain words. The screen also gives these to its inputs' own checks
// (lightning-input's message-when-* attributes), so a field never shows two wordings of one problem.
/** An address that is not an email address. */
export const EMAIL_FORMAT_MESSAGE = 'Enter an email address like name@example.com.';
/** An API budget that is not a whole percent from 1 to 100. */
export const API_BUDGET_MESSAGE = 'Enter a whole number from 1 to 100.';

function templateProblem(template: string): string | null {
  if (/[\r\n]/.test(template)) return 'Remove the line breaks: a Salesforce task subject is one line.';
  if (template.length > MAX_TEMPLATE_LENGTH) {
    return `Shorten it to ${MAX_TEMPLATE_LENGTH} characters; it has ${template.length}.`;
  }
  return null;
}

/**
 * Field-level problems in a row about to be saved, checked before the platform's validation rules
 * so people see every message at once, each under its own field. `orgRow` supplies inherited
 * values when a user row leaves a required choice blank.
 */
export function validateSettings(
  draft: SettingsRow,
  scope: SettingsScope,
  orgRow: SettingsRow | null = null,
): FieldMessage[] {
  const messages: FieldMessage[] = [];
  const add = (key: SettingKey, message: string): void => {
    messages.push({ field: SETTING_FIELDS[key], message });
  };
  const effective = scope === 'org' ? mergeSettings(draft, null) : mergeSettings(orgRow, draft);
  const inherited = <K extends SettingKey>(key: K): SettingValues[K] | undefined =>
    rowValue(draft, key) ?? (scope === 'user' ? rowValue(orgRow, key) : undefined);

  const rawAddress = draft[SETTING_FIELDS.bccAddress];
  const address = typeof rawAddress === 'string' ? rawAddress.trim() : '';
  if (address !== '') {
    if (address.length > MAX_EMAIL_LENGTH)
      add('bccAddress', `Enter at most ${MAX_EMAIL_LENGTH} characters; this address has ${address.length}.`);
    else if (!EMAIL_SHAPE.test(address)) add('bccAddress', EMAIL_FORMAT_MESSAGE);
  }
  const bccOn = rowValue(draft, 'bccEnabled') === true;
  const bccForced = effective.bccEnabled.forcedByTeam && effective.bccEnabled.value && scope === 'user';
  if ((bccOn || bccForced) && address === '') {
    add('bccAddress', 'Enter your Email to Salesforce address to log emails by BCC.');
  }
  if (bccOn && rowValue(draft, 'logEmailViaApi') === true) {
    add(
      'bccEnabled',
      'Log emails through the Salesforce API or by BCC, not both: every email would be logged twice.',
    );
  }

  if (effective.logEmailViaApi.value) {
    const required: [SettingKey, string][] = [
      ['logTo', 'Choose which records emails are logged to.'],
      ['duplicateRule', 'Choose what happens when several records match.'],
      ['noMatchRule', 'Choose what happens when no record matches.'],
      ['logToOpportunities', 'Choose whether emails are logged to opportunities.'],
    ];
    for (const [key, message] of required) if (inherited(key) === undefined) add(key, message);
  }

  if (scope === 'org' && rowValue(draft, 'taskSyncMode') === undefined) {
    add('taskSyncMode', 'Choose how tasks sync with Salesforce.');
  }

  if (scope === 'org') {
    for (const key of ['emailSubjectTemplate', 'callSubjectTemplate', 'taskSubjectTemplate'] as const) {
      const raw = draft[SETTING_FIELDS[key]];
      const problem = typeof raw === 'string' ? templateProblem(raw) : null;
      if (problem) add(key, problem);
    }
    const budget = draft[SETTING_FIELDS.apiBudgetPercent];
    if (budget !== undefined && budget !== null && budget !== '') {
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1 || budget > 100) {
        add('apiBudgetPercent', API_BUDGET_MESSAGE);
      }
    }
  } else {
    for (const key of ORG_ONLY_SETTINGS) {
      const raw = draft[SETTING_FIELDS[key]];
      if (raw !== undefined && raw !== null && raw !== '')
        add(key, 'Only SIA Sync admins set this, in the admin settings.');
    }
  }
  return messages;
}
