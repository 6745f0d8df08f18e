import { LightningElement, api, wire } from 'lwc';
import { gql, graphql, type GraphQLResult } from 'lightning/graphql';
import { updateRecord } from 'lightning/uiRecordApi';
import { NavigationMixin } from 'lightning/navigation';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import ERROR_OBJECT from '@salesforce/schema/SIA_Sync_Error__c';
import HAS_SIA_SYNC_ADMIN from '@salesforce/customPermission/SIA_Sync_Admin';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import { ORG_SCOPE_KEY } from 'c/siaSyncSettingsData';
import { RefreshCoalescer, SyncNoticeListener } from 'c/siaSyncNoticeListener';
import {
  ERROR_CATEGORIES,
  actionAnnouncement,
  apiUsageFrom,
  apiUsageText,
  applyLocalChanges,
  barPercent,
  canRetry,
  connectionOf,
  errorActionInput,
  errorGroupsFrom,
  heartbeatText,
  isErrorAction,
  lastSyncText,
  localChangeFor,
  occurredText,
  recordPageUrl,
  serviceHeartbeatFrom,
  userSyncRowsFrom,
  type ApiUsage,
  type ApiUsageText,
  type ErrorAction,
  type ErrorGroup,
  type LocalErrorChange,
  type SyncErrorRow,
  type UserSyncRow,
} from 'c/siaSyncHealthData';

const DEFAULT_MAX_ERRORS = 50;
const MAX_ERRORS_LIMIT = 200;
const DEFAULT_STALE_AFTER_HOURS = 24;
const MAX_USERS = 200;
/** How often "3 minutes ago" moves on while the page stays open. */
const CLOCK_TICK_MS = 30_000;

// One connection per SIA diagnostics category, so each count (totalCount) is exact even when a
// category's list is cut. Resolved errors are hidden unless $includeResolved: the `or` keeps
// unresolved rows always and resolved ones only when the variable is true (UI API GraphQL Boolean
// filters take eq / ne only). "other" also takes a blank category, so no error goes unlisted.
const ERRORS_QUERY = gql`
  query siaSyncHealthErrors($includeResolved: Boolean!, $first: Int!) {
    uiapi {
      query {
        authentication: SIA_Sync_Error__c(
          where: {
            and: [
              { Category__c: { eq: "Authentication" } }
              { or: [{ Resolved__c: { eq: false } }, { Resolved__c: { eq: $includeResolved } }] }
            ]
          }
          orderBy: { Occurred_At__c: { order: DESC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaSyncErrorFields
            }
          }
        }
        accessValidation: SIA_Sync_Error__c(
          where: {
            and: [
              { Category__c: { eq: "AccessValidation" } }
              { or: [{ Resolved__c: { eq: false } }, { Resolved__c: { eq: $includeResolved } }] }
            ]
          }
          orderBy: { Occurred_At__c: { order: DESC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaSyncErrorFields
            }
          }
        }
        intermittent: SIA_Sync_Error__c(
          where: {
            and: [
              { Category__c: { eq: "Intermittent" } }
              { or: [{ Resolved__c: { eq: false } }, { Resolved__c: { eq: $includeResolved } }] }
            ]
          }
          orderBy: { Occurred_At__c: { order: DESC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaSyncErrorFields
            }
          }
        }
        other: SIA_Sync_Error__c(
          where: {
            and: [
              { or: [{ Category__c: { eq: "Other" } }, { Category__c: { eq: null } }] }
              { or: [{ Resolved__c: { eq: false } }, { Resolved__c: { eq: $includeResolved } }] }
            ]
          }
          orderBy: { Occurred_At__c: { order: DESC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaSyncErrorFields
            }
          }
        }
      }
    }
  }

  fragment SiaSyncErrorFields on SIA_Sync_Error__c {
    Id
    Name {
      value
    }
    Category__c {
      value
    }
    Error_Code__c {
      value
    }
    Message__c {
      value
    }
    Direction__c {
      value
      displayValue
    }
    Object_Api_Name__c {
      value
    }
    Record_Id__c {
      value
    }
    SIA_Task_Id__c {
      value
    }
    User__c {
      value
    }
    User__r {
      Name {
        value
      }
    }
    Occurred_At__c {
      value
    }
    Retry_Requested__c {
      value
    }
    Resolved__c {
      value
    }
  }
`;

// What the sync service reports (SIA_Sync_Status__c; README "Sync health"), stalest user first so
// the users the service is not reaching lead the list, and the budget from the ORG settings row.
const STATUS_QUERY = gql`
  query siaSyncHealthStatus($orgKey: String!, $first: Int!) {
    uiapi {
      query {
        userStatuses: SIA_Sync_Status__c(
          where: { Scope_Key__c: { ne: $orgKey } }
          orderBy: { Last_Sync_At__c: { order: ASC, nulls: FIRST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              Id
              User__c {
                value
              }
              User__r {
                Name {
                  value
                }
              }
              Last_Sync_At__c {
                value
              }
            }
          }
        }
        orgStatus: SIA_Sync_Status__c(where: { Scope_Key__c: { eq: $orgKey } }, first: 1) {
          edges {
            node {
              Id
              Last_Sync_At__c {
                value
              }
              Api_Requests_Used__c {
                value
              }
              Api_Requests_Allowed__c {
                value
              }
              Api_Usage_At__c {
                value
              }
            }
          }
        }
        orgSettings: SIA_Sync_Setting__c(where: { Scope_Key__c: { eq: $orgKey } }, first: 1) {
          edges {
            node {
              Id
              Api_Budget_Percent__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

const SHOW_UNRESOLVED = 'unresolved';
const SHOW_ALL = 'all';
const ALL_CATEGORIES = 'all';

/** An error row with what the template needs precomputed (templates cannot call functions). */
interface ErrorRowView extends SyncErrorRow {
  key: string;
  occurredText: string;
  errorUrl: string;
  recordUrl: string | null;
  statusLabel: string;
  statusClass: string;
  retryDisabled: boolean;
  resolveDisabled: boolean;
  retryTitle: string;
  resolveTitle: string;
}

interface ErrorGroupView extends Omit<ErrorGroup, 'rows'> {
  rows: ErrorRowView[];
  heading: string;
  headingId: string;
  hasRows: boolean;
  truncationNote: string;
  retryableCount: number;
  retryAllLabel: string;
  retryAllDisabled: boolean;
}

/** SIA Sync health for admins: errors by category with Retry / Mark resolved, last sync per user, API usage. */
export default class SiaSyncHealth extends NavigationMixin(LightningElement) {
  /**
   * Errors name every user's records and the usage is the org's: the page is for holders of the
   * SIA_Sync_Admin custom permission (the SIA Sync Admin permission set). Placed on a page others
   * see, it tells them so and queries nothing.
   */
  readonly isAdmin: boolean = HAS_SIA_SYNC_ADMIN === true;

  get needsAdmin(): boolean {
    return !this.isAdmin;
  }
  /** Design property: at most this many errors listed per category. */
  @api maxErrorsPerCategory = DEFAULT_MAX_ERRORS;
  /** Design property: a user without a sync for this many hours is flagged. */
  @api staleAfterHours = DEFAULT_STALE_AFTER_HOURS;

  showFilter = SHOW_UNRESOLVED;
  categoryFilter = ALL_CATEGORIES;

  serverGroups: ErrorGroup[] = [];
  errorsLoaded = false;
  errorsLoadError: unknown = undefined;
  localChanges: Record<string, LocalErrorChange> = {};

  userRows: UserSyncRow[] = [];
  userTotal = 0;
  apiUsage: ApiUsage | null = null;
  serviceHeartbeat: string | null = null;
  statusLoaded = false;
  statusLoadError: unknown = undefined;

  savingIds: string[] = [];
  actionError: unknown = undefined;
  actionErrorTitle = '';
  announcement = '';
  liveUpdatesOff = false;
  /** The instant "... ago" is measured from. */
  now = Date.now();

  private clock: ReturnType<typeof setInterval> | undefined;
  private errorsResult: GraphQLResult | undefined;
  private statusResult: GraphQLResult | undefined;
  private readonly refresher = new RefreshCoalescer(() => this.refreshAll());
  // Every notice refreshes: an admin page watches all users, and the service publishes one after
  // each applied batch and each recorded error.
  private readonly listener = new SyncNoticeListener(() => this.requestRefresh());

  get includeResolved(): boolean {
    return this.showFilter === SHOW_ALL;
  }

  /** Undefined for everyone but admins, which keeps the wire from querying. */
  get errorVariables(): { includeResolved: boolean; first: number } | undefined {
    return this.isAdmin ? { includeResolved: this.includeResolved, first: this.errorLimit } : undefined;
  }

  get statusVariables(): { orgKey: string; first: number } | undefined {
    return this.isAdmin ? { orgKey: ORG_SCOPE_KEY, first: MAX_USERS } : undefined;
  }

  get errorLimit(): number {
    const rows = Math.trunc(Number(this.maxErrorsPerCategory));
    return Number.isFinite(rows) && rows > 0 ? Math.min(rows, MAX_ERRORS_LIMIT) : DEFAULT_MAX_ERRORS;
  }

  get staleHours(): number {
    const hours = Number(this.staleAfterHours);
    return Number.isFinite(hours) && hours > 0 ? hours : DEFAULT_STALE_AFTER_HOURS;
  }

  @wire(graphql, { query: ERRORS_QUERY, variables: '$errorVariables' })
  wiredErrors(result: GraphQLResult): void {
    this.errorsResult = result;
    const { data, errors } = result ?? {};
    if (errors && errors.length > 0) {
      this.errorsLoadError = errors;
      this.errorsLoaded = true;
      return;
    }
    if (data) {
      this.errorsLoadError = undefined;
      this.serverGroups = errorGroupsFrom(data);
      // The server now reflects this page's saves (or the service has moved the errors on since).
      this.localChanges = {};
      this.errorsLoaded = true;
    }
  }

  @wire(graphql, { query: STATUS_QUERY, variables: '$statusVariables' })
  wiredStatus(result: GraphQLResult): void {
    this.statusResult = result;
    const { data, errors } = result ?? {};
    if (errors && errors.length > 0) {
      this.statusLoadError = errors;
      this.statusLoaded = true;
      return;
    }
    if (data) {
      this.statusLoadError = undefined;
      const users = userSyncRowsFrom(connectionOf(data, 'userStatuses'), Date.now(), this.staleHours);
      this.userRows = users.rows;
      this.userTotal = users.totalCount;
      this.apiUsage = apiUsageFrom(connectionOf(data, 'orgStatus'), connectionOf(data, 'orgSettings'));
      this.serviceHeartbeat = serviceHeartbeatFrom(connectionOf(data, 'orgStatus'));
      this.now = Date.now();
      this.statusLoaded = true;
    }
  }

  override connectedCallback(): void {
    if (!this.isAdmin) return;
    this.listener.start().then(
      (subscribed) => {
        this.liveUpdatesOff = !subscribed;
      },
      () => {
        this.liveUpdatesOff = true;
      },
    );
    this.now = Date.now();
    // "3 minutes ago" moves on by itself, as lightning-relative-date-time's does.
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.clock = setInterval(() => {
      this.now = Date.now();
    }, CLOCK_TICK_MS);
  }

  override disconnectedCallback(): void {
    this.listener.stop();
    clearInterval(this.clock);
    this.clock = undefined;
  }

  // ---- Filters ----

  get showOptions(): { label: string; value: string }[] {
    return [
      { label: 'Unresolved errors', value: SHOW_UNRESOLVED },
      { label: 'All errors, including resolved', value: SHOW_ALL },
    ];
  }

  get categoryOptions(): { label: string; value: string }[] {
    return [
      { label: 'All categories', value: ALL_CATEGORIES },
      ...ERROR_CATEGORIES.map((info) => ({ label: info.label, value: info.value })),
    ];
  }

  handleShowChange(event: CustomEvent<{ value: string }>): void {
    this.showFilter = event.detail.value === SHOW_ALL ? SHOW_ALL : SHOW_UNRESOLVED;
  }

  handleCategoryChange(event: CustomEvent<{ value: string }>): void {
    const value = event.detail.value;
    this.categoryFilter = ERROR_CATEGORIES.some((info) => info.value === value) ? value : ALL_CATEGORIES;
  }

  // ---- Errors view ----

  get groups(): ErrorGroup[] {
    return applyLocalChanges(this.serverGroups, this.localChanges, this.includeResolved);
  }

  /** The four counts, always all of them, so an admin sees at a glance where errors are. */
  get categorySummary(): { value: string; label: string; count: number; itemClass: string }[] {
    return this.groups.map((group) => ({
      value: group.value,
      label: group.label,
      count: group.totalCount,
      itemClass:
        group.totalCount > 0
          ? 'category-count slds-box slds-box_x-small slds-theme_shade slds-text-color_error'
          : 'category-count slds-box slds-box_x-small',
    }));
  }

  get visibleGroups(): ErrorGroupView[] {
    return this.groups
      .filter((group) => this.categoryFilter === ALL_CATEGORIES || group.value === this.categoryFilter)
      .filter((group) => group.totalCount > 0)
      .map((group) => this.groupView(group));
  }

  private groupView(group: ErrorGroup): ErrorGroupView {
    const rows = group.rows.map((row) => this.rowView(row));
    const retryableCount = group.rows.filter(canRetry).length;
    const saving = this.savingIds.length > 0;
    return {
      ...group,
      rows,
      heading: `${group.label} (${group.totalCount})`,
      headingId: `heading-${group.alias}`,
      hasRows: rows.length > 0,
      truncationNote:
        group.totalCount > rows.length
          ? `Showing the latest ${rows.length} of ${group.totalCount} ${group.label} errors.`
          : '',
      retryableCount,
      retryAllLabel: `Retry all listed (${retryableCount})`,
      retryAllDisabled: retryableCount === 0 || saving,
    };
  }

  private rowView(row: SyncErrorRow): ErrorRowView {
    const saving = this.savingIds.includes(row.id);
    let statusLabel = 'Open';
    let statusClass = 'slds-badge slds-theme_error';
    if (row.resolved) {
      statusLabel = 'Resolved';
      statusClass = 'slds-badge slds-theme_success';
    } else if (row.retryRequested) {
      statusLabel = 'Retry requested';
      statusClass = 'slds-badge slds-theme_warning';
    }
    return {
      ...row,
      key: row.id,
      occurredText: occurredText(row, LOCALE, TIME_ZONE),
      errorUrl: recordPageUrl(ERROR_OBJECT.objectApiName, row.id),
      recordUrl: row.recordId ? recordPageUrl(row.objectApiName ?? 'Task', row.recordId) : null,
      statusLabel,
      statusClass,
      retryDisabled: !canRetry(row) || saving,
      resolveDisabled: row.resolved || saving,
      retryTitle: `Ask the sync service to retry ${row.errorNumber}`,
      resolveTitle: `Mark ${row.errorNumber} resolved`,
    };
  }

  get errorsLoading(): boolean {
    return !this.errorsLoaded && !this.errorsLoadError;
  }

  get hasErrorData(): boolean {
    return this.errorsLoaded && !this.errorsLoadError;
  }

  get noErrors(): boolean {
    return this.hasErrorData && this.visibleGroups.length === 0;
  }

  get noErrorsText(): string {
    if (this.categoryFilter !== ALL_CATEGORIES) {
      const label = ERROR_CATEGORIES.find((info) => info.value === this.categoryFilter)?.label ?? '';
      return this.includeResolved ? `No ${label} sync errors.` : `No unresolved ${label} sync errors.`;
    }
    return this.includeResolved
      ? 'No sync errors have been recorded.'
      : 'No unresolved sync errors: SIA Sync is writing to Salesforce without failures.';
  }

  // ---- Last sync per user and API usage ----

  get statusLoading(): boolean {
    return !this.statusLoaded && !this.statusLoadError;
  }

  get hasStatusData(): boolean {
    return this.statusLoaded && !this.statusLoadError;
  }

  get hasUserRows(): boolean {
    return this.userRows.length > 0;
  }

  get noUserRows(): boolean {
    return this.hasStatusData && this.userRows.length === 0;
  }

  get userTruncationNote(): string {
    return this.userTotal > this.userRows.length
      ? `Showing the ${this.userRows.length} users synced longest ago, of ${this.userTotal}.`
      : '';
  }

  get userRowViews(): (UserSyncRow & {
    statusClass: string;
    userUrl: string | null;
    lastSyncText: string;
  })[] {
    return this.userRows.map((row) => ({
      ...row,
      statusClass: row.isStale ? 'slds-badge slds-theme_warning' : 'slds-badge slds-theme_success',
      userUrl: row.userId ? recordPageUrl('User', row.userId) : null,
      lastSyncText: lastSyncText(row, this.now, LOCALE, TIME_ZONE),
    }));
  }

  get heartbeatText(): string {
    return heartbeatText(this.serviceHeartbeat, this.now, LOCALE);
  }

  get apiUsageText(): ApiUsageText | null {
    return this.apiUsage ? apiUsageText(this.apiUsage, LOCALE, TIME_ZONE) : null;
  }

  get hasApiUsage(): boolean {
    return this.hasStatusData && this.apiUsage !== null;
  }

  get noApiUsage(): boolean {
    return this.hasStatusData && this.apiUsage === null;
  }

  get allowanceBarPercent(): number {
    return barPercent(this.apiUsage?.allowanceFraction ?? 0);
  }

  get budgetBarPercent(): number {
    return barPercent(this.apiUsage?.budgetFraction ?? 0);
  }

  get allowanceBarStyle(): string {
    return `width: ${this.allowanceBarPercent}%`;
  }

  get budgetBarStyle(): string {
    return `width: ${this.budgetBarPercent}%`;
  }

  get budgetBarClass(): string {
    if (this.apiUsage?.overBudget) return 'slds-progress-bar__value slds-theme_error';
    if (this.apiUsage?.nearBudget) return 'slds-progress-bar__value slds-theme_warning';
    return 'slds-progress-bar__value';
  }

  get budgetWarning(): string {
    if (!this.apiUsage) return '';
    if (this.apiUsage.overBudget) {
      return 'The org has reached the sync budget: the service is slowing its calls down until usage falls. Raise the budget in SIA Sync Settings or reduce other integrations.';
    }
    if (this.apiUsage.nearBudget) {
      return 'The org is close to the sync budget: the service will slow its calls down when it reaches it.';
    }
    return '';
  }

  // ---- Actions ----

  async handleErrorAction(event: Event): Promise<void> {
    const { action, errorId } = (event.currentTarget as HTMLElement).dataset;
    if (!isErrorAction(action) || !errorId) return;
    await this.applyErrorAction(action, [errorId]);
  }

  async handleRetryCategory(event: Event): Promise<void> {
    const { category } = (event.currentTarget as HTMLElement).dataset;
    const group = this.groups.find((candidate) => candidate.value === category);
    if (!group) return;
    const ids = group.rows.filter(canRetry).map((row) => row.id);
    if (ids.length > 0) await this.applyErrorAction('retry', ids);
  }

  private async applyErrorAction(action: ErrorAction, ids: string[]): Promise<void> {
    this.savingIds = ids;
    this.actionError = undefined;
    this.announcement = '';
    const results = await Promise.allSettled(ids.map((id) => updateRecord(errorActionInput(action, id))));
    const changes = { ...this.localChanges };
    const failures: unknown[] = [];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') changes[ids[index]!] = localChangeFor(action);
      else failures.push(result.reason);
    });
    this.localChanges = changes;
    this.savingIds = [];
    const saved = ids.length - failures.length;
    if (failures.length > 0) {
      const what =
        action === 'retry' ? 'Retry could not be requested' : 'The error could not be marked resolved';
      this.actionErrorTitle =
        ids.length === 1 ? what : `${what} for ${failures.length} of ${ids.length} errors`;
      this.actionError = failures;
    }
    if (saved > 0) {
      const message = actionAnnouncement(action, saved);
      this.announcement = message;
      this.dispatchEvent(new ShowToastEvent({ title: 'SIA Sync', message, variant: 'success' }));
      // The GraphQL wire does not re-run its filters after updateRecord on its own.
      this.requestRefresh();
    }
  }

  handleOpenRecord(event: Event): void {
    const { recordId, objectApiName } = (event.currentTarget as HTMLElement).dataset;
    if (!recordId || !objectApiName) return;
    // A plain click goes through the Lightning router (keeps the console tab, no page reload);
    // the href stays for open-in-new-tab.
    event.preventDefault();
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId, objectApiName, actionName: 'view' },
    });
  }

  handleRefresh(): void {
    this.requestRefresh();
  }

  private requestRefresh(): void {
    this.refresher.request().catch((error: unknown) => {
      this.actionErrorTitle = 'SIA Sync health could not be refreshed';
      this.actionError = error;
    });
  }

  private async refreshAll(): Promise<void> {
    await Promise.all([this.errorsResult?.refresh?.(), this.statusResult?.refresh?.()]);
  }
}
