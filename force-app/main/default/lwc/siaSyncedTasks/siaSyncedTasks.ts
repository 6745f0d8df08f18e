import { LightningElement, api, wire } from 'lwc';
import { gql, graphql, type GraphQLResult } from 'lightning/graphql';
import { getPicklistValues } from 'lightning/uiObjectInfoApi';
import TASK_STATUS_FIELD from '@salesforce/schema/Task.Status';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import LOCALE from '@salesforce/i18n/locale';
import type { IsoDate } from 'c/siaDateBuckets';
import {
  DayWatcher,
  MASTER_RECORD_TYPE_ID,
  announcementFor,
  isTaskAction,
  closedStatusFrom,
  openStatusFrom,
  queryResult,
  saveTaskAction,
  taskCardTitle,
  taskPageFrom,
  type TaskPage,
  type TaskRow,
} from 'c/siaSyncedTaskData';
import {
  RefreshCoalescer,
  SyncNoticeListener,
  noticeNamesAny,
  type SyncNotice,
} from 'c/siaSyncNoticeListener';

const DEFAULT_MAX_ROWS = 50;
/** How the empty state names the record; an account also rolls up its contacts' and deals' tasks. */
const RECORD_NOUNS: Readonly<Record<string, string>> = {
  Lead: 'lead',
  Contact: 'contact',
  Account: 'account, its contacts or its opportunities',
  Opportunity: 'opportunity',
};
const MAX_ROWS_LIMIT = 200;

// Ids are globally unique and carry their object's key prefix, so one filter serves all four
// record pages: a Lead or Contact id can only match WhoId, an Opportunity id only WhatId, and an
// Account id WhatId (tasks on the account itself) or AccountId (Task.AccountId is derived from the
// Who contact or the What opportunity, so the account page also shows its contacts' and deals'
// tasks, as the standard activity timeline does). SIA_Task_Id__c set = linked to an SIA task.
// Open and completed tasks are separate aliases so that old completed tasks never crowd open ones
// out of the row limit. Display fields are @optional (lightning/graphql, API 65+): one the user
// cannot read comes back missing instead of failing the whole query; Id, ActivityDate and IsClosed
// stay required because the grouping needs them.
const SYNCED_TASKS_QUERY = gql`
  query siaSyncedTasks($recordId: ID!, $first: Int!) {
    uiapi {
      query {
        openTasks: Task(
          where: {
            and: [
              { SIA_Task_Id__c: { ne: null } }
              { IsClosed: { eq: false } }
              {
                or: [
                  { WhoId: { eq: $recordId } }
                  { WhatId: { eq: $recordId } }
                  { AccountId: { eq: $recordId } }
                ]
              }
            ]
          }
          orderBy: { ActivityDate: { order: ASC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaTaskFields
            }
          }
        }
        completedTasks: Task(
          where: {
            and: [
              { SIA_Task_Id__c: { ne: null } }
              { IsClosed: { eq: true } }
              {
                or: [
                  { WhoId: { eq: $recordId } }
                  { WhatId: { eq: $recordId } }
                  { AccountId: { eq: $recordId } }
                ]
              }
            ]
          }
          orderBy: { ActivityDate: { order: DESC, nulls: LAST }, Id: { order: ASC } }
          first: $first
        ) {
          totalCount
          edges {
            node {
              ...SiaTaskFields
            }
          }
        }
        taskStatuses: TaskStatus(first: 100, orderBy: { SortOrder: { order: ASC } }) {
          edges {
            node {
              MasterLabel {
                value
              }
              IsClosed {
                value
              }
              IsDefault {
                value
              }
              SortOrder {
                value
              }
            }
          }
        }
      }
    }
  }

  fragment SiaTaskFields on Task {
    Id
    Subject @optional {
      value
    }
    Status @optional {
      value
      displayValue
    }
    IsClosed {
      value
    }
    Priority @optional {
      value
      displayValue
    }
    IsHighPriority @optional {
      value
    }
    ActivityDate {
      value
    }
    SIA_Activity_Type__c @optional {
      value
    }
    TaskSubtype @optional {
      value
    }
    Type @optional {
      value
    }
    WhoId @optional {
      value
    }
    WhatId @optional {
      value
    }
    Who @optional {
      ... on Contact {
        Name {
          value
        }
      }
      ... on Lead {
        Name {
          value
        }
      }
    }
    What @optional {
      ... on Account {
        Name {
          value
        }
      }
      ... on Opportunity {
        Name {
          value
        }
      }
    }
    Owner @optional {
      ... on User {
        Name {
          value
        }
      }
    }
  }
`;

/** Synced SIA tasks of a Lead, Contact, Account or Opportunity, grouped by due date. */
export default class SiaSyncedTasks extends LightningElement {
  @api recordId?: string;
  @api objectApiName?: string;
  /** Design property: leave completed tasks out (LWC boolean public properties default to false). */
  @api hideCompleted = false;
  /** Design property: at most this many open (and this many completed) tasks. */
  @api maxRows = DEFAULT_MAX_ROWS;

  private readonly dayWatcher = new DayWatcher(TIME_ZONE, (today) => {
    this.today = today;
  });
  today: IsoDate = this.dayWatcher.current();
  openPage: TaskPage = { rows: [], totalCount: 0 };
  completedPage: TaskPage = { rows: [], totalCount: 0 };
  loadErrors: unknown = undefined;
  actionError: unknown = undefined;
  savingTaskId: string | null = null;
  announcement = '';
  hasLoaded = false;
  liveUpdatesOff = false;

  private openStatus = openStatusFrom(undefined);
  private closedStatus = closedStatusFrom(undefined);
  private statusData: unknown = undefined;
  private statusPicklist: unknown = undefined;
  private graphqlResult: GraphQLResult | undefined;
  /**
   * Set when the notice subscription is confirmed before the first tasks arrived: the query that
   * brings them went out before the subscription was live, so it is read once more.
   */
  private refreshWhenLoaded = false;
  private readonly refresher = new RefreshCoalescer(() => this.refreshTasks());
  private readonly listener = new SyncNoticeListener((notice) => this.handleNotice(notice));

  get queryVariables(): { recordId: string; first: number } | undefined {
    if (!this.recordId) return undefined;
    return { recordId: this.recordId, first: this.rowLimit };
  }

  get rowLimit(): number {
    const rows = Math.trunc(Number(this.maxRows));
    return Number.isFinite(rows) && rows > 0 ? Math.min(rows, MAX_ROWS_LIMIT) : DEFAULT_MAX_ROWS;
  }

  @wire(graphql, { query: SYNCED_TASKS_QUERY, variables: '$queryVariables' })
  wiredTasks(result: GraphQLResult): void {
    this.graphqlResult = result;
    const { data, errors } = result ?? {};
    if (errors && errors.length > 0) {
      this.loadErrors = errors;
      this.hasLoaded = true;
      return;
    }
    if (data) {
      this.loadErrors = undefined;
      this.statusData = data;
      this.closedStatus = closedStatusFrom(data, this.statusPicklist);
      this.openPage = taskPageFrom(queryResult(data, 'openTasks'));
      this.completedPage = taskPageFrom(queryResult(data, 'completedTasks'));
      this.hasLoaded = true;
      if (this.refreshWhenLoaded) {
        this.refreshWhenLoaded = false;
        this.requestRefresh();
      }
    }
  }

  @wire(getPicklistValues, { recordTypeId: MASTER_RECORD_TYPE_ID, fieldApiName: TASK_STATUS_FIELD })
  wiredStatusValues({ data }: { data?: unknown }): void {
    // Reopening sets the org's default open status; until it is known, the platform default.
    if (data) {
      this.openStatus = openStatusFrom(data);
      this.statusPicklist = data;
      this.closedStatus = closedStatusFrom(this.statusData, data);
    }
  }

  override connectedCallback(): void {
    this.listener.start().then(
      (subscribed) => {
        this.liveUpdatesOff = !subscribed;
        if (subscribed) this.catchUpAfterSubscribing();
      },
      () => {
        this.liveUpdatesOff = true;
      },
    );
    this.dayWatcher.start();
  }

  override disconnectedCallback(): void {
    this.listener.stop();
    this.refreshWhenLoaded = false;
    this.dayWatcher.stop();
  }

  get showCompleted(): boolean {
    return !this.hideCompleted;
  }

  get tasks(): TaskRow[] {
    return this.showCompleted ? [...this.openPage.rows, ...this.completedPage.rows] : this.openPage.rows;
  }

  get isLoading(): boolean {
    return !this.hasLoaded && !this.loadErrors;
  }

  get isEmpty(): boolean {
    return this.hasLoaded && !this.loadErrors && this.tasks.length === 0;
  }

  get hasTasks(): boolean {
    return this.tasks.length > 0;
  }

  get cardTitle(): string {
    if (!this.hasLoaded) return 'SIA Tasks';
    const completed = this.showCompleted ? this.completedPage.totalCount : null;
    return taskCardTitle('SIA Tasks', this.openPage.totalCount, completed);
  }

  get emptyMessage(): string {
    const tasks = this.showCompleted ? 'SIA tasks' : 'open SIA tasks';
    return `No ${tasks} are linked to this ${RECORD_NOUNS[this.objectApiName ?? ''] ?? 'record'}.`;
  }

  /** Says so when the row limit cut the list, instead of silently hiding tasks. */
  get truncationNote(): string {
    const notes: string[] = [];
    if (this.openPage.totalCount > this.openPage.rows.length) {
      notes.push(`Showing ${this.openPage.rows.length} of ${this.openPage.totalCount} open tasks.`);
    }
    if (this.showCompleted && this.completedPage.totalCount > this.completedPage.rows.length) {
      notes.push(
        `Showing ${this.completedPage.rows.length} of ${this.completedPage.totalCount} completed tasks.`,
      );
    }
    return notes.join(' ');
  }

  async handleTaskAction(event: CustomEvent<unknown>): Promise<void> {
    const action = event.detail;
    if (!isTaskAction(action)) return;
    this.savingTaskId = action.taskId;
    this.actionError = undefined;
    this.announcement = '';
    try {
      await saveTaskAction(action, { openStatus: this.openStatus, closedStatus: this.closedStatus });
      this.announcement = announcementFor(action, LOCALE);
    } catch (error) {
      this.actionError = error;
      return;
    } finally {
      this.savingTaskId = null;
    }
    // updateRecord refreshes the cached task, but the GraphQL wire does not re-evaluate its
    // filters on its own (a completed task would stay in the open list), so ask it to.
    await this.refresher.request().catch((error: unknown) => {
      this.loadErrors = error;
    });
  }

  handleRetry(): void {
    this.requestRefresh();
  }

  private requestRefresh(): void {
    this.refresher.request().catch((error: unknown) => {
      this.loadErrors = error;
    });
  }

  /**
   * The tasks are read while the notice subscription is being set up (replay -1: new notices only),
   * so a push in between announces itself to nobody: read them once more now that it is live. A
   * failed read needs no second one: its Retry reads after the subscription is live.
   */
  private catchUpAfterSubscribing(): void {
    if (!this.hasLoaded) this.refreshWhenLoaded = true;
    else if (this.loadErrors === undefined) this.requestRefresh();
  }

  private async refreshTasks(): Promise<void> {
    await this.graphqlResult?.refresh?.();
  }

  private handleNotice(notice: SyncNotice): void {
    const ids: (string | null | undefined)[] = [this.recordId];
    for (const row of [...this.openPage.rows, ...this.completedPage.rows])
      ids.push(row.id, row.whoId, row.whatId);
    if (!noticeNamesAny(notice, ids)) return;
    this.requestRefresh();
  }
}
