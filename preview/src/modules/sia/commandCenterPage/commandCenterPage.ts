import { LightningElement } from 'lwc';
import { formatDate } from 'c/siaFormat';
import { SiaApi, SiaApiError, type NewTask, type SiaTask, type SyncStatus } from '../../../sia/sia-api.ts';
import { pageConfig, type SiaPerson } from '../../../sia/page-config.ts';
import {
  VIEW_LABELS,
  apiFieldProblem,
  stateLabel,
  taskViews,
  viewOfDueDate,
  whereItShows,
  type TaskViews,
  type ViewKey,
} from '../../../sia/task-views.ts';
import type { RowFocus, TaskRowView, UpdateDetail } from '../taskRow/taskRow.ts';

/** SIA has no push channel to its own page: it asks again this often, so Salesforce changes show. */
const REFRESH_INTERVAL_MS = 2000;

interface Section {
  key: string;
  title: string;
  headingId: string;
  tasks: TaskRowView[];
  hasTasks: boolean;
  emptyText: string;
}

interface View {
  key: ViewKey;
  label: string;
  sections: Section[];
  tabId: string;
  itemClass: string;
  ariaSelected: string;
  tabIndex: number;
}

const VIEW_ORDER: readonly ViewKey[] = ['command-center', 'overdue', 'upcoming', 'done'];

/** Where a new task went, shown under the form until the next one. */
interface CreatedNotice {
  taskId: string;
  view: ViewKey;
  text: string;
  canShow: boolean;
  showLabel: string;
}

/** Where focus goes once the list renders again after a row action. */
interface FocusRequest {
  taskId: string;
  focus: RowFocus;
  /** The rows around it in its view, nearest first, for when the task leaves the view. */
  neighbors: string[];
}

interface FocusableRow extends HTMLElement {
  focusOn(action: RowFocus): boolean;
}

interface TaskFormElement extends HTMLElement {
  reset(): void;
  showProblems(problems: { field: string; message: string }[]): boolean;
}

const EMPTY_VIEWS: TaskViews = { today: [], tomorrow: [], overdue: [], upcoming: [], done: [] };

/**
 * SIA's Command Center page: the rep's tasks due today and tomorrow (as SIA documents it), and the
 * other views a SIA user has, Overdue, Upcoming and Done, so that no task is out of sight.
 */
export default class CommandCenterPage extends LightningElement {
  readonly config = pageConfig();
  /** The browser's language: the SIA page is the rep's own, in their locale and time zone. */
  readonly locale = navigator.language || 'en-US';
  private readonly api = new SiaApi(this.config.ownerId);
  today = '';
  tasks: SiaTask[] = [];
  status: SyncStatus | undefined = undefined;
  loadError = '';
  actionError = '';
  busyTaskId: string | null = null;
  announcement = '';
  loaded = false;
  activeView: ViewKey = 'command-center';
  created: CreatedNotice | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private loading: Promise<void> | null = null;
  private focusRequest: FocusRequest | null = null;
  private focusTabAfterRender = false;

  override connectedCallback(): void {
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_INTERVAL_MS);
  }

  override disconnectedCallback(): void {
    clearInterval(this.timer);
  }

  /** One load at a time; a caller that needs fresh data after its change waits for a new one. */
  private async load(): Promise<void> {
    while (this.loading) await this.loading;
    this.loading = this.fetchAll();
    try {
      await this.loading;
    } finally {
      this.loading = null;
    }
  }

  private async fetchAll(): Promise<void> {
    try {
      const [center, all, status] = await Promise.all([
        this.api.commandCenter(),
        this.api.allTasks(),
        this.api.syncStatus(),
      ]);
      this.today = center.today;
      this.tasks = all;
      this.status = status;
      this.loadError = '';
      this.loaded = true;
    } catch (error) {
      this.loadError = `The SIA tasks could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  get syncMode(): string | undefined {
    return this.status?.mode;
  }

  private personName(task: SiaTask): string {
    const person: SiaPerson | undefined = this.config.people.find(
      (p) =>
        task.person.salesforceId !== null &&
        p.salesforceId.slice(0, 15) === task.person.salesforceId.slice(0, 15),
    );
    return person?.name ?? task.person.email ?? '';
  }

  private rowView(task: SiaTask): TaskRowView {
    return {
      ...task,
      personName: this.personName(task),
      dueText: `Due ${formatDate(task.dueDate, this.locale)}`,
      stateText: stateLabel(task, this.syncMode),
      overdue: task.status === 'open' && this.today !== '' && task.dueDate < this.today,
    };
  }

  private get grouped(): TaskViews {
    return this.today === '' ? EMPTY_VIEWS : taskViews(this.tasks, this.today);
  }

  get views(): View[] {
    const grouped = this.grouped;
    const section = (key: string, title: string, tasks: SiaTask[], emptyText: string): Section => ({
      key,
      title: `${title} (${tasks.length})`,
      headingId: `section-${key}`,
      tasks: tasks.map((task) => this.rowView(task)),
      hasTasks: tasks.length > 0,
      emptyText,
    });
    const view = (key: ViewKey, count: number, sections: Section[]): View => {
      const active = key === this.activeView;
      return {
        key,
        label: `${VIEW_LABELS[key]} (${count})`,
        sections,
        tabId: `view-tab-${key}`,
        itemClass: `slds-tabs_default__item${active ? ' slds-is-active' : ''}`,
        ariaSelected: String(active),
        // One tab stop for the tab list; arrow keys move between tabs.
        tabIndex: active ? 0 : -1,
      };
    };
    return [
      view('command-center', grouped.today.length + grouped.tomorrow.length, [
        section('today', 'Due today', grouped.today, 'Nothing left for today.'),
        section('tomorrow', 'Due tomorrow', grouped.tomorrow, 'Nothing due tomorrow yet.'),
      ]),
      view('overdue', grouped.overdue.length, [
        section('overdue', 'Overdue', grouped.overdue, 'Nothing overdue.'),
      ]),
      view('upcoming', grouped.upcoming.length, [
        section('upcoming', 'Upcoming, after tomorrow', grouped.upcoming, 'Nothing due after tomorrow.'),
      ]),
      view('done', grouped.done.length, [
        section('done', 'Done', grouped.done, 'No task completed or skipped yet.'),
      ]),
    ];
  }

  get isLoading(): boolean {
    return !this.loaded && this.loadError === '';
  }

  get hasLoadError(): boolean {
    return this.loadError !== '';
  }

  get hasActionError(): boolean {
    return this.actionError !== '';
  }

  get activeSections(): Section[] {
    return this.views.find((view) => view.key === this.activeView)?.sections ?? [];
  }

  get activeTabId(): string {
    return `view-tab-${this.activeView}`;
  }

  handleTabClick(event: Event): void {
    event.preventDefault();
    const key = (event.currentTarget as HTMLElement).dataset.view;
    if (key !== undefined && key in VIEW_LABELS) this.activeView = key as ViewKey;
  }

  /** Arrow keys, Home and End move along the tabs and show the view (the tabs pattern of WAI-ARIA). */
  handleTabKeydown(event: KeyboardEvent): void {
    const index = VIEW_ORDER.indexOf(this.activeView);
    const next: Partial<Record<string, number>> = {
      ArrowRight: (index + 1) % VIEW_ORDER.length,
      ArrowLeft: (index - 1 + VIEW_ORDER.length) % VIEW_ORDER.length,
      Home: 0,
      End: VIEW_ORDER.length - 1,
    };
    const target = next[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.activeView = VIEW_ORDER[target] ?? this.activeView;
    this.focusTabAfterRender = true;
  }

  override renderedCallback(): void {
    if (this.focusTabAfterRender) {
      this.focusTabAfterRender = false;
      this.template?.querySelector<HTMLElement>(`[role="tab"][data-view="${this.activeView}"]`)?.focus();
    }
    this.keepFocusWithTask();
  }

  /**
   * After a row action the row is re-created where the task now shows, or leaves the view (a
   * completed task goes to Done), and the browser drops focus to the page. Each render puts it back
   * on the task's row, or on a neighbouring row's when the task left the view.
   */
  private keepFocusWithTask(): void {
    const request = this.focusRequest;
    if (request === null) return;
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    if (!lost) {
      // Focus is somewhere: on the row while it saves (it hands focus back itself), or where the user put it.
      if (this.busyTaskId === null) this.focusRequest = null;
      return;
    }
    const row = this.rowElement(request.taskId);
    if (row !== null) {
      row.focusOn(request.focus);
      return;
    }
    for (const neighbor of request.neighbors) {
      const other = this.rowElement(neighbor);
      if (other !== null) {
        this.focusRequest = null;
        other.focusOn('primary');
        return;
      }
    }
    // The view is empty now: its heading, so the user is still where they were.
    this.focusRequest = null;
    this.template?.querySelector<HTMLElement>('.task-section h2')?.focus();
  }

  private rowElement(taskId: string): FocusableRow | null {
    return this.template?.querySelector<FocusableRow>(`sia-task-row[data-task-id="${taskId}"]`) ?? null;
  }

  private followFocus(taskId: string, focus: RowFocus): void {
    const order = this.activeSections.flatMap((section) => section.tasks.map((task) => task.id));
    const index = order.indexOf(taskId);
    const after = index < 0 ? [] : order.slice(index + 1);
    const before = index < 0 ? [] : order.slice(0, index).reverse();
    this.focusRequest = { taskId, focus, neighbors: [...after, ...before] };
  }

  private describe(error: unknown): string {
    if (error instanceof SiaApiError && error.fields.length > 0)
      return error.fields.map((problem) => apiFieldProblem(problem.field, problem.message)).join(' ');
    return error instanceof Error ? error.message : String(error);
  }

  /** Where a task now shows, for the announcement after a change. */
  private whereNow(task: SiaTask): string {
    if (task.status !== 'open') return 'It is under Done.';
    return whereItShows(task.dueDate, this.today, this.locale);
  }

  async handleCreate(event: CustomEvent<NewTask>): Promise<void> {
    const form = event.target as TaskFormElement;
    this.actionError = '';
    this.created = null;
    try {
      const task = await this.api.createTask(event.detail);
      form.reset();
      const view = viewOfDueDate(task.dueDate, this.today);
      const text = `Added “${task.name}”. ${whereItShows(task.dueDate, this.today, this.locale)}`;
      this.created = {
        taskId: task.id,
        view,
        text,
        canShow: view !== this.activeView,
        showLabel: `Show it under ${VIEW_LABELS[view]}`,
      };
      await this.load();
    } catch (error) {
      // Problems with a field show on the field; anything else above the form.
      const onFields = error instanceof SiaApiError && form.showProblems(error.fields);
      if (!onFields) this.actionError = `The task was not added: ${this.describe(error)}`;
    }
  }

  handleShowCreated(): void {
    const created = this.created;
    if (created === null) return;
    this.activeView = created.view;
    this.created = { ...created, canShow: false };
    // The button goes away with this render; the task's row in its view takes focus.
    this.focusRequest = { taskId: created.taskId, focus: 'primary', neighbors: [] };
  }

  async handleUpdate(event: CustomEvent<UpdateDetail>): Promise<void> {
    const { taskId, patch, done, focus } = event.detail;
    this.followFocus(taskId, focus);
    this.busyTaskId = taskId;
    this.actionError = '';
    try {
      const task = await this.api.updateTask(taskId, patch);
      await this.load();
      this.announcement = `${done} “${task.name}”. ${this.whereNow(task)}`;
    } catch (error) {
      const name = this.tasks.find((task) => task.id === taskId)?.name ?? 'the task';
      this.actionError = `“${name}” was not changed: ${this.describe(error)}`;
    } finally {
      this.busyTaskId = null;
    }
  }

  async handleDelete(event: CustomEvent<{ taskId: string; name: string }>): Promise<void> {
    const { taskId, name } = event.detail;
    this.followFocus(taskId, 'primary');
    this.busyTaskId = taskId;
    this.actionError = '';
    try {
      await this.api.deleteTask(taskId);
      await this.load();
      this.announcement = `Deleted “${name}”.`;
    } catch (error) {
      this.actionError = `“${name}” was not deleted: ${this.describe(error)}`;
    } finally {
      this.busyTaskId = null;
    }
  }
}
