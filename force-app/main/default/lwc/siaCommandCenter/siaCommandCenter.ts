import { LightningElement, api, wire } from 'lwc';
import { gql, graphql, type GraphQLResult } from 'lightning/graphql';
import { getPicklistValues } from 'lightning/uiObjectInfoApi';
import TASK_STATUS_FIELD from '@salesforce/schema/Task.Status';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import LOCALE from '@salesforce/i18n/locale';
import USER_ID from '@salesforce/user/Id';
import { commandCenterRange, isCommandCenterTask, type IsoDate } from 'c/siaDateBuckets';
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
import { sameId } from 'c/siaSalesforceId';

const DEFAULT_MAX_ROWS = 100;
const MAX_ROWS_LIMIT = 200;

// The Command Center rule: the running user's open synced tasks due today or tomorrow
// in the user's time zone. The dates are computed here (c/siaDateBuckets, as the service does)
// rather than with the TODAY/TOMORROW literals, so both sides apply one rule; they are plain
// dates, compared without any time-zone shift. The fragment matches siaSyncedTasks' (a test
// keeps them equal, @optional display fields included) so both lists render the same rows.
const COMMAND_CENTER_QUERY = gql`
  query siaCommandCenter($userId: ID!, $from: Date!, $to: Date!, $first: Int!) {
    uiapi {
      query {
        openTasks: Task(
          where: {
            and: [
              { OwnerId: { eq: $userId } }
              { SIA_Task_Id__c: { ne: null } }
              { IsClosed: { eq: false } }
              { ActivityDate: { gte: { value: $from }, lte: { value: $to } } }
            ]
          }
          orderBy: { ActivityDate: { order: ASC }, Id: { order: ASC } }
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

/** The running user's SIA Command Center in Salesforce: open synced tasks due today and tomorrow. */
export default class SiaCommandCenter extends LightningElement {
  /** Design property: at most this many tasks. */
  @api maxRows = DEFAULT_MAX_ROWS;

  taskPage: TaskPage = { rows: [], totalCount: 0 };
  /**
   * Tasks completed here since the page opened. The query drops them, but they stay listed under
   * Completed so a rep can take back a click with Reopen.
   */
  completedHere: TaskRow[] = [];
  loadErrors: unknown = undefined;
  actionError: unknown = undefined;
  savingTaskId: string | null = null;
  announcement = '';
  hasLoaded = false;
  liveUpdatesOff = false;

  private readonly dayWatcher = new DayWatcher(TIME_ZONE, (today) => {
    this.today = today;
  });
  today: IsoDate = this.dayWatcher.current();

  private openStatus = openStatusFrom(undefined);
  private closedStatus = closedStatusFrom(undefined);
  private statusData: unknown = undefined;
  private statusPicklist: unknown = undefined;
  private graphqlResult: GraphQLResult | undefined;
  private readonly refresher = new RefreshCoalescer(() => this.refreshTasks());
  private readonly listener = new SyncNoticeListener((notice) => this.handleNotice(notice));

  /** Changes at the user's midnight, which re-runs the query for the new two days. */
  get queryVariables(): { userId: string; from: IsoDate; to: IsoDate; first: number } {
    const { from, to } = commandCenterRange(this.today);
    return { userId: USER_ID, from, to, first: this.rowLimit };
  }

  get rowLimit(): number {
    const rows = Math.trunc(Number(this.maxRows));
    return Number.isFinite(rows) && rows > 0 ? Math.min(rows, MAX_ROWS_LIMIT) : DEFAULT_MAX_ROWS;
  }

  @wire(graphql, { query: COMMAND_CENTER_QUERY, variables: '$queryVariables' })
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
      this.taskPage = taskPageFrom(queryResult(data, 'openTasks'));
      this.hasLoaded = true;
    }
  }

  @wire(getPicklistValues, { recordTypeId: MASTER_RECORD_TYPE_ID, fieldApiName: TASK_STATUS_FIELD })
  wiredStatusValues({ data }: { data?: unknown }): void {
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
      },
      () => {
        this.liveUpdatesOff = true;
      },
    );
    this.dayWatcher.start();
  }

  override disconnectedCallback(): void {
    this.listener.stop();
    this.dayWatcher.stop();
  }

  /**
   * The rows that still belong here: after a save and before the refreshed answer arrives, a
   * completed or rescheduled task already leaves the open groups. A task open on the server is
   * shown open even if it was completed here (it was reopened elsewhere since).
   */
  get tasks(): TaskRow[] {
    const open = this.taskPage.rows.filter((row) => isCommandCenterTask(row, this.today));
    const openIds = new Set(open.map((row) => row.id));
    return [...open, ...this.completedHere.filter((row) => !openIds.has(row.id))];
  }

  get isLoading(): boolean {
    return !this.hasLoaded && !this.loadErrors;
  }

  /** Nothing left to do today or tomorrow (tasks completed here may still be listed). */
  get isEmpty(): boolean {
    return this.hasLoaded && !this.loadErrors && !this.tasks.some((row) => !row.isClosed);
  }

  get hasTasks(): boolean {
    return this.tasks.length > 0;
  }

  /** Counts what is listed: the open tasks, and the ones completed here since the page opened. */
  get cardTitle(): string {
    if (!this.hasLoaded) return 'SIA Command Center';
    const open = this.tasks.filter((row) => !row.isClosed).length;
    const completed = this.tasks.length - open;
    return taskCardTitle('SIA Command Center', open, completed > 0 ? completed : null);
  }

  get truncationNote(): string {
    return this.taskPage.totalCount > this.taskPage.rows.length
      ? `Showing ${this.taskPage.rows.length} of ${this.taskPage.totalCount} tasks.`
      : '';
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
      this.rememberCompletion(action.kind, action.taskId);
    } catch (error) {
      this.actionError = error;
      return;
    } finally {
      this.savingTaskId = null;
    }
    // The GraphQL wire does not re-evaluate its filters after updateRecord on its own.
    await this.refresher.request().catch((error: unknown) => {
      this.loadErrors = error;
    });
  }

  private rememberCompletion(kind: string, taskId: string): void {
    if (kind === 'reopen') {
      this.completedHere = this.completedHere.filter((row) => row.id !== taskId);
      return;
    }
    if (kind !== 'complete') return;
    const row = this.taskPage.rows.find((candidate) => candidate.id === taskId);
    if (row) {
      this.completedHere = [
        ...this.completedHere.filter((other) => other.id !== taskId),
        { ...row, isClosed: true, statusLabel: this.closedStatus },
      ];
    }
  }

  handleRetry(): void {
    this.refresher.request().catch((error: unknown) => {
      this.loadErrors = error;
    });
  }

  private async refreshTasks(): Promise<void> {
    await this.graphqlResult?.refresh?.();
  }

  /** A notice for this user, or naming a listed task (e.g. one reassigned away), refreshes. */
  private handleNotice(notice: SyncNotice): void {
    const mine = sameId(notice.userId, USER_ID);
    if (
      !mine &&
      !noticeNamesAny(
        notice,
        this.taskPage.rows.map((row) => row.id),
      )
    )
      return;
    this.refresher.request().catch((error: unknown) => {
      this.loadErrors = error;
    });
  }
}
