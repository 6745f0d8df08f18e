import { LightningElement, wire } from 'lwc';
import { gql, graphql, type GraphQLResult } from 'lightning/graphql';
import { createRecord, updateRecord, type FieldId } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import USER_ID from '@salesforce/user/Id';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import HAS_SIA_SYNC_ADMIN from '@salesforce/customPermission/SIA_Sync_Admin';
import SETTINGS_OBJECT from '@salesforce/schema/SIA_Sync_Setting__c';
import SCOPE_KEY_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Scope_Key__c';
import USER_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.User__c';
import LOG_EMAIL_VIA_API_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Log_Email_Via_Api__c';
import LOG_REPLIES_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Log_Replies__c';
import LOG_TO_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Log_To__c';
import DUPLICATE_RULE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Duplicate_Rule__c';
import NO_MATCH_RULE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.No_Match_Rule__c';
import LOG_TO_OPPORTUNITIES_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Log_To_Opportunities__c';
import LOG_TO_ACCOUNTS_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Log_To_Accounts__c';
import BCC_ENABLED_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Bcc_Enabled__c';
import BCC_ADDRESS_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Bcc_Address__c';
import TASK_SYNC_MODE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Task_Sync_Mode__c';
import TASK_SYNC_ENABLED_AT_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Task_Sync_Enabled_At__c';
import TEAM_LOGGING_OVERRIDE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Team_Logging_Override__c';
import EMAIL_SUBJECT_TEMPLATE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Email_Subject_Template__c';
import CALL_SUBJECT_TEMPLATE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Call_Subject_Template__c';
import TASK_SUBJECT_TEMPLATE_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Task_Subject_Template__c';
import API_BUDGET_PERCENT_FIELD from '@salesforce/schema/SIA_Sync_Setting__c.Api_Budget_Percent__c';
import {
  API_BUDGET_MESSAGE,
  DUPLICATE_RULE_OPTIONS,
  EMAIL_FORMAT_MESSAGE,
  LOG_TO_OPTIONS,
  NO_MATCH_RULE_OPTIONS,
  OPPORTUNITY_LOGGING_OPTIONS,
  ORG_SCOPE_KEY,
  TASK_SYNC_MODE_OPTIONS,
  TEAM_LOGGING_OVERRIDE_OPTIONS,
  emailLoggingMode,
  isOrgOnly,
  isTaskSyncOn,
  mergeSettings,
  rowValue,
  syncsTasks,
  taskSyncEnabledAtFor,
  validateSettings,
  type EffectiveSetting,
  type EffectiveSettings,
  type FieldMessage,
  type SettingKey,
  type SettingsRow,
  type SettingsScope,
  type TaskSyncMode,
} from 'c/siaSyncSettingsData';
import { toCaseSafeId } from 'c/siaSalesforceId';
import { DYNAMIC_FIELDS, renderSubject, unknownFields, type TemplateValues } from 'c/siaSubjectTemplate';
import { reduceErrors, reduceFieldErrors } from 'c/siaReduceErrors';
import { formatDateTime } from 'c/siaFormat';

/** Each setting's field, as schema imports: the one place field API names come from. */
const FIELDS: Readonly<Record<SettingKey, FieldId>> = {
  logEmailViaApi: LOG_EMAIL_VIA_API_FIELD,
  logReplies: LOG_REPLIES_FIELD,
  logTo: LOG_TO_FIELD,
  duplicateRule: DUPLICATE_RULE_FIELD,
  noMatchRule: NO_MATCH_RULE_FIELD,
  logToOpportunities: LOG_TO_OPPORTUNITIES_FIELD,
  logToAccounts: LOG_TO_ACCOUNTS_FIELD,
  bccEnabled: BCC_ENABLED_FIELD,
  bccAddress: BCC_ADDRESS_FIELD,
  taskSyncMode: TASK_SYNC_MODE_FIELD,
  taskSyncEnabledAt: TASK_SYNC_ENABLED_AT_FIELD,
  teamLoggingOverride: TEAM_LOGGING_OVERRIDE_FIELD,
  emailSubjectTemplate: EMAIL_SUBJECT_TEMPLATE_FIELD,
  callSubjectTemplate: CALL_SUBJECT_TEMPLATE_FIELD,
  taskSubjectTemplate: TASK_SUBJECT_TEMPLATE_FIELD,
  apiBudgetPercent: API_BUDGET_PERCENT_FIELD,
};
const SETTING_KEYS = Object.keys(FIELDS) as SettingKey[];

/** Settings people edit; the task-sync start time is stamped by this component, never typed. */
const EDITABLE_KEYS = SETTING_KEYS.filter((key) => key !== 'taskSyncEnabledAt');
const CHECKBOX_KEYS: readonly SettingKey[] = ['logEmailViaApi', 'logReplies', 'logToAccounts', 'bccEnabled'];
// In the order of SIA's editor: InMail reminder task, email activity, call activity.
const TEMPLATE_KEYS = ['taskSubjectTemplate', 'emailSubjectTemplate', 'callSubjectTemplate'] as const;

type LoggingTab = 'api' | 'bcc';
/** The email-logging tab each of its settings is on. */
const TAB_OF: Partial<Record<SettingKey, LoggingTab>> = {
  logEmailViaApi: 'api',
  logReplies: 'api',
  logTo: 'api',
  duplicateRule: 'api',
  noMatchRule: 'api',
  logToOpportunities: 'api',
  logToAccounts: 'api',
  bccAddress: 'bcc',
  bccEnabled: 'bcc',
};
/** The settings in the order the screen shows them: a failed save takes people to the first one in trouble. */
const SCREEN_ORDER: readonly SettingKey[] = [
  'teamLoggingOverride',
  'logEmailViaApi',
  'logReplies',
  'logTo',
  'duplicateRule',
  'noMatchRule',
  'logToOpportunities',
  'logToAccounts',
  'bccAddress',
  'bccEnabled',
  'taskSyncMode',
  'taskSubjectTemplate',
  'emailSubjectTemplate',
  'callSubjectTemplate',
  'apiBudgetPercent',
];

const LABELS: Readonly<Record<SettingKey, string>> = {
  logEmailViaApi: 'Log email activity via the Salesforce API',
  logReplies: 'Log replies',
  logTo: 'Log emails to',
  duplicateRule: 'When several records match',
  noMatchRule: 'When no record matches',
  logToOpportunities: 'Log to opportunities',
  logToAccounts: "Also log to the contact's account",
  bccEnabled: 'Email to Salesforce (BCC)',
  bccAddress: 'Email to Salesforce address',
  taskSyncMode: 'Sync tasks/reminders to Salesforce tasks',
  taskSyncEnabledAt: 'Task sync switched on',
  teamLoggingOverride: 'Team-wide logging',
  emailSubjectTemplate: 'Email activity subject',
  callSubjectTemplate: 'Call activity subject',
  taskSubjectTemplate: 'Reminder task subject (InMail and other reminders)',
  apiBudgetPercent: 'API budget (% of the daily allowance)',
};

interface Option {
  label: string;
  value: string;
}

const OPTIONS: Partial<Record<SettingKey, readonly Option[]>> = {
  logTo: LOG_TO_OPTIONS,
  duplicateRule: DUPLICATE_RULE_OPTIONS,
  noMatchRule: NO_MATCH_RULE_OPTIONS,
  logToOpportunities: OPPORTUNITY_LOGGING_OPTIONS,
  taskSyncMode: TASK_SYNC_MODE_OPTIONS,
  teamLoggingOverride: TEAM_LOGGING_OVERRIDE_OPTIONS,
};

const MODE_EXPLANATIONS: Readonly<Record<TaskSyncMode, string>> = {
  DoNotSync:
    'SIA tasks and Salesforce tasks stay separate: nothing is imported or pushed. If sync was on before, the links between tasks are kept, and switching sync back on applies the tasks deleted in Salesforce in the meantime.',
  SyncCompleteSkipped:
    'Tasks you create, edit, complete or delete in SIA change in Salesforce, and changes made in Salesforce come back to SIA, for as long as sync is on. Salesforce has no skipped status, so a task you skip in SIA is marked Completed in Salesforce.',
  SyncDeleteSkipped:
    'Tasks you create, edit, complete or delete in SIA change in Salesforce, and changes made in Salesforce come back to SIA, for as long as sync is on. Salesforce has no skipped status, so a task you skip in SIA is deleted in Salesforce.',
};

const SOURCE_TEXT: Readonly<Record<SettingsScope, Record<'org' | 'user' | 'default', string>>> = {
  user: { user: 'my setting', org: 'org default', default: 'built-in default' },
  org: { user: 'org default', org: 'org default', default: 'built-in default' },
};

/** Sample activities for the subject previews, so admins see what each template produces. */
const CAMPAIGN_SAMPLE = { sales_campaign_name: 'Q3 Outreach', sales_campaign_day: 2, sales_campaign_step: 1 };
const PREVIEW_VALUES: Readonly<Record<(typeof TEMPLATE_KEYS)[number], TemplateValues>> = {
  taskSubjectTemplate: {
    ...CAMPAIGN_SAMPLE,
    activity_type: 'InMail',
    activity_subject: 'Connect about the renewal',
  },
  emailSubjectTemplate: {
    ...CAMPAIGN_SAMPLE,
    activity_type: 'Email',
    activity_subject: 'Quick question about your Q3 plans',
  },
  callSubjectTemplate: {
    ...CAMPAIGN_SAMPLE,
    activity_type: 'Call',
    activity_subject: 'Intro call',
    call_outcome: 'Answered',
    call_reason: 'Follow-up',
  },
};

interface GraphQLValue {
  value?: unknown;
}
type SettingsNode = Record<string, GraphQLValue | string | undefined> & { Id?: string };
interface SettingsQueryData {
  uiapi?: { query?: { SIA_Sync_Setting__c?: { edges?: { node?: SettingsNode }[] } } };
}

export interface ControlView {
  fieldName: string;
  label: string;
  value: string;
  checked: boolean;
  options: Option[];
  inEffect: string;
  error: string;
  hasError: boolean;
  disabled: boolean;
}

/** What the screen calls on lightning-input and lightning-radio-group to show a field's message. */
interface ValidatedControl extends HTMLElement {
  setCustomValidity(message: string): void;
  reportValidity(): boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A GraphQL UI API node as a settings row keyed by field API name (`{ Field: { value } }` → `{ Field: value }`). */
function rowFromNode(node: SettingsNode): SettingsRow {
  const row: SettingsRow = { Id: typeof node.Id === 'string' ? node.Id : undefined };
  const read = (field: FieldId): unknown => {
    const cell = node[field.fieldApiName];
    return isObject(cell) ? (cell.value ?? null) : null;
  };
  const scope = read(SCOPE_KEY_FIELD);
  row.Scope_Key__c = typeof scope === 'string' ? scope : undefined;
  const user = read(USER_FIELD);
  row.User__c = typeof user === 'string' ? user : null;
  for (const key of SETTING_KEYS) {
    (row as Record<string, unknown>)[FIELDS[key].fieldApiName] = read(FIELDS[key]);
  }
  return row;
}

/** The user's Scope_Key__c; an Id that is not a Salesforce Id (a local preview's) is used as it is. */
function caseSafeUserKey(userId: string): string {
  try {
    return toCaseSafeId(userId);
  } catch {
    return userId;
  }
}

function displayValue(key: SettingKey, setting: EffectiveSetting<unknown>): string {
  const { value } = setting;
  if (typeof value === 'boolean') return value ? 'On' : 'Off';
  if (value === null || value === undefined || value === '') return 'Not set';
  const option = OPTIONS[key]?.find((o) => o.value === value);
  if (option) return option.label;
  return key === 'apiBudgetPercent' ? `${String(value)}%` : String(value);
}

/** The SIA Sync settings screen: Admin settings (SIA Sync admins) and My account (everyone). */
export default class SiaSyncSettings extends LightningElement {
  readonly isAdmin: boolean = HAS_SIA_SYNC_ADMIN === true;
  /** Scope_Key__c of the running user's row: their 18-character Id, as CASESAFEID() writes it. */
  private readonly userKey: string = caseSafeUserKey(USER_ID);

  /** Admins come to set the org defaults; everyone else has only their own settings. */
  scope: SettingsScope = this.isAdmin ? 'org' : 'user';
  activeLoggingTab: LoggingTab = 'api';
  orgRow: SettingsRow | null = null;
  userRow: SettingsRow | null = null;
  /** The row being edited, keyed by field API name. */
  draft: SettingsRow = {};
  fieldMessages: FieldMessage[] = [];
  loadError: unknown = undefined;
  saveError: unknown = undefined;
  loaded = false;
  saving = false;
  private queryResult: GraphQLResult<SettingsQueryData> | undefined;
  private dirty = false;
  /** The field to take focus once it is rendered (its tab may have to open first). */
  private focusField: SettingKey | null = null;
  /** The message each control shows now, so a render only touches the ones that change. */
  private readonly shownMessages = new WeakMap<Element, string>();

  readonly emailFormatMessage = EMAIL_FORMAT_MESSAGE;
  readonly apiBudgetMessage = API_BUDGET_MESSAGE;

  get queryVariables(): { userKey: string } {
    return { userKey: this.userKey };
  }

  @wire(graphql, {
    query: gql`
      query siaSyncSettings($userKey: String) {
        uiapi {
          query {
            SIA_Sync_Setting__c(
              where: { or: [{ Scope_Key__c: { eq: "ORG" } }, { Scope_Key__c: { eq: $userKey } }] }
              first: 2
            ) {
              edges {
                node {
                  Id
                  Scope_Key__c {
                    value
                  }
                  User__c {
                    value
                  }
                  Log_Email_Via_Api__c {
                    value
                  }
                  Log_Replies__c {
                    value
                  }
                  Log_To__c {
                    value
                  }
                  Duplicate_Rule__c {
                    value
                  }
                  No_Match_Rule__c {
                    value
                  }
                  Log_To_Opportunities__c {
                    value
                  }
                  Log_To_Accounts__c {
                    value
                  }
                  Bcc_Enabled__c {
                    value
                  }
                  Bcc_Address__c {
                    value
                  }
                  Task_Sync_Mode__c {
                    value
                  }
                  Task_Sync_Enabled_At__c {
                    value
                  }
                  Team_Logging_Override__c {
                    value
                  }
                  Email_Subject_Template__c {
                    value
                  }
                  Call_Subject_Template__c {
                    value
                  }
                  Task_Subject_Template__c {
                    value
                  }
                  Api_Budget_Percent__c {
                    value
                  }
                }
              }
            }
          }
        }
      }
    `,
    variables: '$queryVariables',
  })
  wiredSettings(result: GraphQLResult<SettingsQueryData>): void {
    this.queryResult = result;
    if (result.errors && result.errors.length > 0) {
      this.loadError = result.errors;
      this.loaded = true;
      return;
    }
    if (!result.data) return;
    const rows = (result.data.uiapi?.query?.SIA_Sync_Setting__c?.edges ?? [])
      .map((edge) => (edge.node ? rowFromNode(edge.node) : null))
      .filter((row): row is SettingsRow => row !== null);
    this.orgRow = rows.find((row) => row.Scope_Key__c === ORG_SCOPE_KEY) ?? null;
    this.userRow = rows.find((row) => row.Scope_Key__c === this.userKey) ?? null;
    this.loadError = undefined;
    this.loaded = true;
    // A refresh after saving must not throw away edits made since.
    if (!this.dirty) this.resetDraft();
  }

  // ----------------------------------------------------------------- state

  get currentRow(): SettingsRow | null {
    return this.scope === 'org' ? this.orgRow : this.userRow;
  }

  /** What applies now, from the saved rows: per setting, its value and where it comes from. */
  get effective(): EffectiveSettings {
    return this.scope === 'org' ? mergeSettings(this.orgRow, null) : mergeSettings(this.orgRow, this.userRow);
  }

  /**
   * The draft starts from the saved row. Checkboxes a row has not saved yet start from what applies
   * now (they are never blank in Salesforce, so the row must say what the person wants); so does
   * every blank setting of the org row.
   */
  private resetDraft(): void {
    const row = this.currentRow;
    const draft: SettingsRow = {};
    const effective = this.effective;
    for (const key of EDITABLE_KEYS) {
      if (this.scope === 'user' && isOrgOnly(key)) continue;
      const field = FIELDS[key].fieldApiName as keyof SettingsRow;
      const saved = row ? rowValue(row, key) : undefined;
      // The org row shows what applies for everything it leaves blank (the built-in defaults), so
      // every choice has a selected option and saving writes those values explicitly.
      const seedFromEffective = saved === undefined && (CHECKBOX_KEYS.includes(key) || this.scope === 'org');
      const seeded = seedFromEffective ? effective[key].value : saved;
      (draft as Record<string, unknown>)[field] = seeded ?? null;
    }
    this.draft = draft;
    this.fieldMessages = [];
    this.saveError = undefined;
    this.dirty = false;
  }

  // ----------------------------------------------------------------- view

  get isLoading(): boolean {
    return !this.loaded;
  }

  get hasLoadError(): boolean {
    return this.loadError !== undefined;
  }

  get showForm(): boolean {
    return this.loaded && !this.hasLoadError;
  }

  get isOrgScope(): boolean {
    return this.scope === 'org';
  }

  get scopeTitle(): string {
    return this.isOrgScope ? 'Admin settings' : 'My account';
  }

  get scopeDescription(): string {
    return this.isOrgScope
      ? 'Defaults for everyone in the org. A user’s own settings (My account) override them field by field.'
      : 'Your own settings. Anything you leave on the org default follows the admin settings.';
  }

  get rowStatus(): string {
    if (this.currentRow) return '';
    return this.isOrgScope
      ? 'No admin settings are saved yet; built-in defaults apply until you save.'
      : 'You have no settings of your own yet; the org defaults apply until you save.';
  }

  get hasRowStatus(): boolean {
    return this.rowStatus !== '';
  }

  get controls(): Record<SettingKey, ControlView> {
    const effective = this.effective;
    const forcedMode = effective.teamLoggingOverride.value !== 'None' && !this.isOrgScope;
    const views = {} as Record<SettingKey, ControlView>;
    for (const key of SETTING_KEYS) {
      const field = FIELDS[key].fieldApiName;
      const raw = (this.draft as Record<string, unknown>)[field];
      const message = this.fieldMessages.filter((m) => m.field === field).map((m) => m.message);
      const setting = effective[key];
      const source = setting.forcedByTeam
        ? 'set for the whole team by your admin'
        : SOURCE_TEXT[this.scope][setting.source];
      let options: Option[] = [...(OPTIONS[key] ?? [])];
      if (this.scope === 'user' && options.length > 0 && !isOrgOnly(key)) {
        const orgValue = mergeSettings(this.orgRow, null)[key];
        options = [{ label: `Use the org default (${displayValue(key, orgValue)})`, value: '' }, ...options];
      }
      views[key] = {
        fieldName: field,
        label: LABELS[key],
        value: raw === null || raw === undefined ? '' : String(raw),
        checked: raw === true,
        options,
        inEffect: `In effect: ${displayValue(key, setting)} (${source})`,
        error: message.join(' '),
        hasError: message.length > 0,
        disabled: this.saving || ((key === 'logEmailViaApi' || key === 'bccEnabled') && forcedMode),
      };
    }
    views.logReplies.disabled = views.logReplies.disabled || !views.logEmailViaApi.checked;
    return views;
  }

  get teamOverrideNotice(): string {
    if (this.isOrgScope) return '';
    const override = this.effective.teamLoggingOverride.value;
    // The team override wins over this row's own API/BCC checkboxes (mergeSettings applies it).
    const yours = ' Your own choice between the API and BCC does not apply while it is set.';
    if (override === 'ApiOnly')
      return `Your admin requires logging email activity through the Salesforce API for the whole team.${yours}`;
    if (override === 'BccOnly')
      return `Your admin requires logging email activity by Email to Salesforce (BCC) for the whole team.${yours}`;
    return '';
  }

  get hasTeamOverrideNotice(): boolean {
    return this.teamOverrideNotice !== '';
  }

  get emailLoggingSummary(): string {
    switch (emailLoggingMode(this.effective)) {
      case 'api':
        return 'Emails are logged to Salesforce through the API.';
      case 'bcc':
        // The service refuses to log (naming Bcc_Address__c) until the address is filled in.
        if (this.effective.bccAddress.value === null)
          return 'Emails are to be logged by BCC, but no Email to Salesforce address is set: enter it under Email to Salesforce (BCC), or your emails are not logged.';
        return 'Emails are logged to Salesforce by BCC to your Email to Salesforce address.';
      default:
        return 'Emails are not logged to Salesforce.';
    }
  }

  /** This row's own BCC switch (Activate and Deactivate save it at once, or put it back). */
  get isBccActive(): boolean {
    return (this.draft as Record<string, unknown>)[BCC_ENABLED_FIELD.fieldApiName] === true;
  }

  get bccButtonLabel(): string {
    return this.isBccActive ? 'Deactivate' : 'Activate';
  }

  /** What is saved and applies, never what a failed Activate asked for. */
  get bccStatus(): string {
    return this.effective.bccEnabled.value
      ? 'Email to Salesforce (BCC) is active.'
      : 'Email to Salesforce (BCC) is not active.';
  }

  get bccButtonDisabled(): boolean {
    return this.saving || this.controls.bccEnabled.disabled;
  }

  /** The sync mode the draft leads to (a blank user choice inherits the org's). */
  private get draftMode(): TaskSyncMode {
    const merged = this.isOrgScope ? mergeSettings(this.draft, null) : mergeSettings(this.orgRow, this.draft);
    return merged.taskSyncMode.value;
  }

  get modeExplanation(): string {
    return MODE_EXPLANATIONS[this.draftMode];
  }

  get showFirstSyncRules(): boolean {
    return syncsTasks(this.draftMode);
  }

  /** When the sync in effect was switched on, in the user's locale and time zone. */
  get syncSince(): string {
    const at = this.effective.taskSyncEnabledAt.value;
    if (!at || !isTaskSyncOn(this.effective.taskSyncMode.value, at)) return '';
    try {
      return `Task sync has been on since ${formatDateTime(at, LOCALE, TIME_ZONE)}.`;
    } catch {
      return '';
    }
  }

  get hasSyncSince(): boolean {
    return this.syncSince !== '';
  }

  get dynamicFieldsHelp(): string {
    return `Free text plus dynamic fields: ${DYNAMIC_FIELDS.map((f) => `{{${f}}}`).join(', ')}. Line breaks are removed and the subject is cut at 255 characters.`;
  }

  get templatePreviews(): {
    key: string;
    label: string;
    preview: string;
    warning: string;
    hasWarning: boolean;
  }[] {
    return TEMPLATE_KEYS.map((key) => {
      const setting = mergeSettings(this.draft, null)[key];
      const unknown = unknownFields(setting.value);
      return {
        key,
        label: `Preview of the ${LABELS[key].toLowerCase()}`,
        preview: renderSubject(setting.value, PREVIEW_VALUES[key]),
        warning: unknown.length ? `Unknown dynamic field: ${unknown.map((f) => `{{${f}}}`).join(', ')}` : '',
        hasWarning: unknown.length > 0,
      };
    });
  }

  get hasSaveError(): boolean {
    return this.saveError !== undefined;
  }

  /** Every field in trouble, in screen order, each a link to its field. */
  get fieldErrorSummary(): { key: string; field: string; label: string; detail: string }[] {
    const keyOf = (field: string): SettingKey | undefined =>
      SETTING_KEYS.find((k) => FIELDS[k].fieldApiName === field);
    const rank = (field: string): number => {
      const key = keyOf(field);
      return key === undefined ? SCREEN_ORDER.length : SCREEN_ORDER.indexOf(key);
    };
    return [...this.fieldMessages]
      .sort((a, b) => rank(a.field) - rank(b.field))
      .map((m, index) => {
        const key = keyOf(m.field);
        return {
          key: `${index}`,
          field: m.field,
          label: key ? LABELS[key] : m.field,
          // One string: the template compiler would trim a space written before it.
          detail: `: ${m.message}`,
        };
      });
  }

  get apiTabHasError(): boolean {
    return this.tabHasError('api');
  }

  get bccTabHasError(): boolean {
    return this.tabHasError('bcc');
  }

  private tabHasError(tab: LoggingTab): boolean {
    return this.fieldMessages.some((m) => {
      const key = SETTING_KEYS.find((k) => FIELDS[k].fieldApiName === m.field);
      return key !== undefined && TAB_OF[key] === tab;
    });
  }

  get hasFieldErrors(): boolean {
    return this.fieldMessages.length > 0;
  }

  get saveDisabled(): boolean {
    return this.saving;
  }

  // ----------------------------------------------------------------- events

  handleScopeChange(event: CustomEvent<{ value?: string }>): void {
    const next = event.detail.value === 'org' && this.isAdmin ? 'org' : 'user';
    if (next === this.scope) return;
    this.scope = next;
    this.resetDraft();
  }

  handleLoggingTabActive(event: Event): void {
    const tab = (event.target as HTMLElement & { value?: string }).value;
    if (tab === 'api' || tab === 'bcc') this.activeLoggingTab = tab;
  }

  handleSummaryClick(event: Event): void {
    const field = (event.currentTarget as HTMLElement).dataset.field;
    const key = SETTING_KEYS.find((k) => FIELDS[k].fieldApiName === field);
    if (key) this.bringIntoView(key);
  }

  handleValueChange(event: CustomEvent<{ value?: unknown; checked?: boolean }>): void {
    const target = event.target as HTMLElement;
    const field = target.dataset.field;
    if (!field) return;
    const key = SETTING_KEYS.find((k) => FIELDS[k].fieldApiName === field);
    if (!key) return;
    let value: unknown;
    if (CHECKBOX_KEYS.includes(key)) value = event.detail.checked === true;
    else if (key === 'apiBudgetPercent') {
      const text = String(event.detail.value ?? '').trim();
      value = text === '' ? null : Number(text);
    } else {
      const text = typeof event.detail.value === 'string' ? event.detail.value : '';
      value = text === '' ? null : text;
    }
    this.draft = { ...this.draft, [field]: value };
    this.dirty = true;
    this.fieldMessages = this.fieldMessages.filter((m) => m.field !== field);
  }

  async handleToggleBcc(): Promise<void> {
    const activate = !this.isBccActive;
    const changes: Record<string, unknown> = { [BCC_ENABLED_FIELD.fieldApiName]: activate };
    // Logging through the API as well would log every email twice.
    if (activate) changes[LOG_EMAIL_VIA_API_FIELD.fieldApiName] = false;
    const before = this.draft as Record<string, unknown>;
    const undo = Object.fromEntries(Object.keys(changes).map((field) => [field, before[field]]));
    this.draft = { ...this.draft, ...changes };
    this.dirty = true;
    // Activate is a save of its own: when it fails, the switch goes back to what is saved.
    if (!(await this.save())) this.draft = { ...this.draft, ...undo };
  }

  handleCancel(): void {
    this.resetDraft();
  }

  async handleSave(): Promise<void> {
    await this.save();
  }

  // ----------------------------------------------------------------- saving

  private recordFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const key of EDITABLE_KEYS) {
      if (this.scope === 'user' && isOrgOnly(key)) continue;
      const field = FIELDS[key].fieldApiName;
      const value = (this.draft as Record<string, unknown>)[field];
      fields[field] =
        value === undefined || (typeof value === 'string' && value.trim() === '') ? null : value;
    }
    const before = this.effective;
    const after = this.isOrgScope ? mergeSettings(this.draft, null) : mergeSettings(this.orgRow, this.draft);
    const ownsMode = rowValue(this.draft, 'taskSyncMode') !== undefined;
    const stamp = taskSyncEnabledAtFor(before.taskSyncMode.value, after.taskSyncMode.value, new Date());
    if (stamp && ownsMode) {
      fields[TASK_SYNC_ENABLED_AT_FIELD.fieldApiName] = stamp;
    } else if (
      ownsMode &&
      !this.isOrgScope &&
      syncsTasks(after.taskSyncMode.value) &&
      before.taskSyncEnabledAt.source === 'org' &&
      before.taskSyncEnabledAt.value &&
      !rowValue(this.userRow, 'taskSyncEnabledAt')
    ) {
      // Taking over the org's running sync mode is not a restart: keep its start time.
      fields[TASK_SYNC_ENABLED_AT_FIELD.fieldApiName] = before.taskSyncEnabledAt.value;
    }
    return fields;
  }

  /** Saves the draft; true when it was saved. */
  private async save(): Promise<boolean> {
    this.saveError = undefined;
    const orgForValidation = this.isOrgScope ? null : this.orgRow;
    const problems = validateSettings(this.draft, this.scope, orgForValidation);
    if (problems.length > 0) {
      this.fieldMessages = problems;
      this.bringFirstProblemIntoView();
      return false;
    }
    this.fieldMessages = [];
    this.saving = true;
    const fields = this.recordFields();
    const existing = this.currentRow;
    try {
      if (existing?.Id) {
        await updateRecord({ fields: { Id: existing.Id, ...fields } });
        this.rememberSaved({ ...existing, ...fields });
      } else {
        const scopeFields: Record<string, unknown> = this.isOrgScope
          ? { [SCOPE_KEY_FIELD.fieldApiName]: ORG_SCOPE_KEY }
          : { [SCOPE_KEY_FIELD.fieldApiName]: this.userKey, [USER_FIELD.fieldApiName]: this.userKey };
        const created = await createRecord({
          apiName: SETTINGS_OBJECT.objectApiName,
          fields: { ...scopeFields, ...fields },
        });
        this.rememberSaved({ ...scopeFields, ...fields, Id: created.id } as SettingsRow);
      }
      this.dirty = false;
      this.dispatchEvent(
        new ShowToastEvent({
          title: 'SIA Sync settings saved',
          message: `${this.scopeTitle} saved.`,
          variant: 'success',
        }),
      );
      await this.queryResult?.refresh?.();
      return true;
    } catch (error) {
      const fieldErrors = reduceFieldErrors(error);
      const known = new Set(SETTING_KEYS.map((k) => FIELDS[k].fieldApiName));
      this.fieldMessages = fieldErrors
        .filter((e) => known.has(e.field as never))
        .map((e) => ({ field: e.field as FieldMessage['field'], message: e.message }));
      // Messages not tied to a field on this form (record-level validation rules, access) go to the panel.
      const shown = new Set(this.fieldMessages.map((m) => m.message));
      const rest = reduceErrors(error).filter((m) => !shown.has(m));
      if (rest.length > 0) this.saveError = rest;
      else if (this.fieldMessages.length === 0) this.saveError = error;
      this.bringFirstProblemIntoView();
      return false;
    } finally {
      this.saving = false;
    }
  }

  // ----------------------------------------------------------------- focus and field messages

  /** After a failed save: the first field in trouble takes focus, on its tab. */
  private bringFirstProblemIntoView(): void {
    const fields = new Set<string>(this.fieldMessages.map((m) => m.field));
    const first = SCREEN_ORDER.find((key) => fields.has(FIELDS[key].fieldApiName));
    if (first) this.bringIntoView(first);
    else this.focusField = null;
  }

  private bringIntoView(key: SettingKey): void {
    this.focusField = key;
    const tab = TAB_OF[key];
    // Another tab opens on the next render (renderedCallback focuses then); on this one, focus now.
    if (tab && tab !== this.activeLoggingTab) this.activeLoggingTab = tab;
    else this.applyPendingFocus();
  }

  override renderedCallback(): void {
    this.showFieldMessages();
    this.applyPendingFocus();
    // A tab's content renders after this component does (lightning-tab loads it when shown).
    queueMicrotask(() => {
      this.showFieldMessages();
      this.applyPendingFocus();
    });
  }

  /** Each control shows its own message (SLDS inline error, aria-invalid) through its validity. */
  private showFieldMessages(): void {
    const controls = this.template?.querySelectorAll<ValidatedControl>('[data-field]') ?? [];
    for (const control of controls) {
      const field = control.dataset.field;
      const message = this.fieldMessages
        .filter((m) => m.field === field)
        .map((m) => m.message)
        .join(' ');
      const shown = this.shownMessages.get(control) ?? '';
      if (message === shown) continue;
      this.shownMessages.set(control, message);
      control.setCustomValidity(message);
      control.reportValidity();
    }
  }

  private applyPendingFocus(): void {
    const key = this.focusField;
    if (!key) return;
    const field = FIELDS[key].fieldApiName;
    // The BCC switch is the Activate / Deactivate button.
    const selector = key === 'bccEnabled' ? 'lightning-button.bcc-toggle' : `[data-field="${field}"]`;
    const target = this.template?.querySelector<HTMLElement>(selector);
    if (!target) return;
    this.focusField = null;
    target.focus();
    // Clear of the sticky footer, whose summary stays in view below it.
    target.scrollIntoView?.({ block: 'center' });
  }

  /** Keep the saved row locally until the query refreshes, so a second save updates instead of creating again. */
  private rememberSaved(row: SettingsRow): void {
    if (this.isOrgScope) this.orgRow = row;
    else this.userRow = row;
  }

  get scopeOptions(): Option[] {
    return [
      { label: 'Admin settings', value: 'org' },
      { label: 'My account', value: 'user' },
    ];
  }
}
