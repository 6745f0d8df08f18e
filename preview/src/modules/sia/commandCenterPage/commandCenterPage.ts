import { LightningElement } from 'lwc';
import {
  SiaApi,
  SiaApiError,
  type NewTask,
  type SiaTask,
  type SyncStatus,
  type TaskPatch,
} from '../../../sia/sia-api.ts';
import { pageConfig, type SiaPerson } from '../../../sia/page-config.ts';

/** SIA has no push channel to its own page: it asks again this often, so Salesforce changes show. */
const REFRESH_INTERVAL_MS = 2000;

export interface TaskRowView extends SiaTask {
  personName: string;
}

interface Section {
  key: string;
  title: string;
  headingId: string;
  tasks: TaskRowView[];
  hasTasks: boolean;
  emptyText: string;
}

function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** SIA's Command Center: the rep's tasks due today and tomorrow, worked right here. */
export default class CommandCenterPage extends LightningElement {
  readonly config = pageConfig();
  private readonly api = new SiaApi(this.config.ownerId);
  today = '';
  openTasks: SiaTask[] = [];
  doneTasks: SiaTask[] = [];
  status: SyncStatus | undefined = undefined;
  loadError = '';
  actionError = '';
  busyTaskId: string | null = null;
  announcement = '';
  loaded = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private loading = false;

  override connectedCallback(): void {
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_INTERVAL_MS);
  }

  override disconnectedCallback(): void {
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const [center, all, status] = await Promise.all([
        this.api.commandCenter(),
        this.api.allTasks(),
        this.api.syncStatus(),
      ]);
      this.today = center.today;
      this.openTasks = center.tasks;
      const tomorrow = addDays(center.today, 1);
      this.doneTasks = all.filter(
        (task) => task.status !== 'open' && task.dueDate >= center.today && task.dueDate <= tomorrow,
      );
      this.status = status;
      this.loadError = '';
      this.loaded = true;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  private personName(task: SiaTask): string {
    const person: SiaPerson | undefined = this.config.people.find(
      (p) =>
        task.person.salesforceId !== null &&
        p.salesforceId.slice(0, 15) === task.person.salesforceId.slice(0, 15),
    );
    return person?.name ?? task.person.email ?? '';
  }

  private view(tasks: SiaTask[]): TaskRowView[] {
    return tasks.map((task) => ({ ...task, personName: this.personName(task) }));
  }

  get sections(): Section[] {
    const tomorrow = this.today === '' ? '' : addDays(this.today, 1);
    const section = (key: string, title: string, tasks: SiaTask[], emptyText: string): Section => ({
      key,
      title: `${title} (${tasks.length})`,
      headingId: `section-${key}`,
      tasks: this.view(tasks),
      hasTasks: tasks.length > 0,
      emptyText,
    });
    return [
      section(
        'today',
        'Due today',
        this.openTasks.filter((t) => t.dueDate <= this.today),
        'Nothing left for today.',
      ),
      section(
        'tomorrow',
        'Due tomorrow',
        this.openTasks.filter((t) => t.dueDate === tomorrow),
        'Nothing due tomorrow yet.',
      ),
      section('done', 'Done', this.doneTasks, 'No task completed or skipped yet.'),
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

  private describe(error: unknown): string {
    if (error instanceof SiaApiError && error.fields.length > 0)
      return `${error.message} (${error.fields.map((f) => `${f.field} ${f.message}`).join('; ')})`;
    return error instanceof Error ? error.message : String(error);
  }

  private async run(taskId: string | null, work: () => Promise<string>): Promise<void> {
    this.busyTaskId = taskId;
    this.actionError = '';
    try {
      this.announcement = await work();
      await this.load();
    } catch (error) {
      this.actionError = this.describe(error);
    } finally {
      this.busyTaskId = null;
    }
  }

  async handleCreate(event: CustomEvent<NewTask>): Promise<void> {
    const task = event.detail;
    await this.run(null, async () => {
      const created = await this.api.createTask(task);
      return `Created “${created.name}”.`;
    });
  }

  async handleUpdate(event: CustomEvent<{ taskId: string; patch: TaskPatch; done: string }>): Promise<void> {
    const { taskId, patch, done } = event.detail;
    await this.run(taskId, async () => {
      const task = await this.api.updateTask(taskId, patch);
      return `${done} “${task.name}”.`;
    });
  }

  async handleDelete(event: CustomEvent<{ taskId: string; name: string }>): Promise<void> {
    const { taskId, name } = event.detail;
    await this.run(taskId, async () => {
      await this.api.deleteTask(taskId);
      return `Deleted “${name}”.`;
    });
  }
}
