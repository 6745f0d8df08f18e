import { LightningElement, api } from 'lwc';
import type { SiaTaskPriority, TaskPatch } from '../../../sia/sia-api.ts';
import { TYPE_ICONS, TYPE_LABELS } from '../../../sia/page-config.ts';
import type { TaskRowView } from '../commandCenterPage/commandCenterPage.ts';

const STATUS_LABELS: Readonly<Record<string, string>> = {
  open: 'Open',
  completed: 'Completed',
  skipped: 'Skipped',
};

/** One task: what, who, when, its sync state, and the actions SIA offers on it. */
export default class TaskRow extends LightningElement {
  @api task: TaskRowView | undefined;
  @api busyTaskId: string | null = null;
  editing = false;
  draftName = '';
  draftDueDate = '';
  draftPriority: SiaTaskPriority = 'normal';

  readonly priorityOptions = [
    { label: 'Normal', value: 'normal' },
    { label: 'High', value: 'high' },
  ];

  get isOpen(): boolean {
    return this.task?.status === 'open';
  }

  get isBusy(): boolean {
    return this.task !== undefined && this.busyTaskId === this.task.id;
  }

  get iconName(): string {
    return TYPE_ICONS[this.task?.type ?? ''] ?? 'utility:task';
  }

  get typeLabel(): string {
    return TYPE_LABELS[this.task?.type ?? ''] ?? '';
  }

  get statusLabel(): string {
    return STATUS_LABELS[this.task?.status ?? ''] ?? '';
  }

  get isHighPriority(): boolean {
    return this.task?.priority === 'high';
  }

  get syncLabel(): string {
    return this.task?.salesforceTaskId ? 'In Salesforce' : 'Not in Salesforce';
  }

  get nameClass(): string {
    return `slds-text-body_regular task-name${this.isOpen ? '' : ' done'}`;
  }

  get completeLabel(): string {
    return `Complete ${this.task?.name ?? ''}`;
  }

  get skipLabel(): string {
    return `Skip ${this.task?.name ?? ''}`;
  }

  get editLabel(): string {
    return `Edit ${this.task?.name ?? ''}`;
  }

  get deleteLabel(): string {
    return `Delete ${this.task?.name ?? ''}`;
  }

  get reopenLabel(): string {
    return `Reopen ${this.task?.name ?? ''}`;
  }

  private update(patch: TaskPatch, done: string): void {
    if (this.task === undefined) return;
    this.dispatchEvent(new CustomEvent('update', { detail: { taskId: this.task.id, patch, done } }));
  }

  handleComplete(): void {
    this.update({ status: 'completed' }, 'Completed');
  }

  handleSkip(): void {
    this.update({ status: 'skipped' }, 'Skipped');
  }

  handleReopen(): void {
    this.update({ status: 'open' }, 'Reopened');
  }

  handleDelete(): void {
    if (this.task === undefined) return;
    this.dispatchEvent(new CustomEvent('delete', { detail: { taskId: this.task.id, name: this.task.name } }));
  }

  handleEdit(): void {
    if (this.task === undefined) return;
    this.draftName = this.task.name;
    this.draftDueDate = this.task.dueDate;
    this.draftPriority = this.task.priority;
    this.editing = true;
  }

  handleCancel(): void {
    this.editing = false;
  }

  handleDraftChange(event: CustomEvent<{ value: string }>): void {
    const field = (event.target as HTMLElement).dataset.field;
    if (field === 'name') this.draftName = event.detail.value;
    else if (field === 'dueDate') this.draftDueDate = event.detail.value;
    else if (field === 'priority') this.draftPriority = event.detail.value as SiaTaskPriority;
  }

  handleSave(event: Event): void {
    event.preventDefault();
    const inputs = [
      ...(this.template?.querySelectorAll<HTMLElement & { reportValidity(): boolean }>('.validated') ?? []),
    ];
    if (!inputs.map((input) => input.reportValidity()).every(Boolean)) return;
    this.update(
      { name: this.draftName.trim(), dueDate: this.draftDueDate, priority: this.draftPriority },
      'Saved',
    );
    this.editing = false;
  }
}
