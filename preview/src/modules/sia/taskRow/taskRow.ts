import { LightningElement, api } from 'lwc';
import type { SiaTask, SiaTaskPriority, TaskPatch } from '../../../sia/sia-api.ts';
import { TYPE_ICONS, TYPE_LABELS } from '../../../sia/page-config.ts';
import { dueDateProblem, nameProblem } from '../../../sia/task-views.ts';
import type { CheckedInput } from '../taskForm/taskForm.ts';

/** A task as a row shows it: the page adds the words that need the owner's today and the sync mode. */
export interface TaskRowView extends SiaTask {
  personName: string;
  /** "Due Dec 5, 2026", in the user's locale. */
  dueText: string;
  /** "Open · In Salesforce", "Skipped (removed from Salesforce)". */
  stateText: string;
  overdue: boolean;
}

/** The row's buttons the page can send focus back to: Complete or Reopen, Edit, Delete. */
export type RowFocus = 'primary' | 'edit' | 'delete';

export interface UpdateDetail {
  taskId: string;
  patch: TaskPatch;
  /** The past tense of what was done, for the announcement: "Completed". */
  done: string;
  /** Where focus goes back to once the change is saved, if the task is still in view. */
  focus: RowFocus;
}

/** One task: what, who, when, its sync state, and the actions SIA offers on it. */
export default class TaskRow extends LightningElement {
  @api task: TaskRowView | undefined;
  @api busyTaskId: string | null = null;
  /** The owner's task sync mode (DoNotSync, SyncCompleteSkipped, SyncDeleteSkipped). */
  @api syncMode: string | undefined;
  @api locale = 'en-US';
  @api today = '';
  editing = false;
  confirmingDelete = false;
  draftName = '';
  draftDueDate = '';
  draftPriority: SiaTaskPriority = 'normal';
  private focusAfterRender: string | null = null;
  /** The button to return to once a change of this row is saved and its buttons are enabled again. */
  private focusAfterSave: RowFocus | null = null;

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

  get deleteDisabled(): boolean {
    return this.isBusy || this.confirmingDelete;
  }

  get iconName(): string {
    return TYPE_ICONS[this.task?.type ?? ''] ?? 'utility:task';
  }

  get typeLabel(): string {
    return TYPE_LABELS[this.task?.type ?? ''] ?? '';
  }

  get isHighPriority(): boolean {
    return this.task?.priority === 'high';
  }

  /** One text node, so the words keep their spaces: "Call · Ada Lovelace · Due Dec 5, 2026 · Open · In Salesforce". */
  get details(): string {
    const task = this.task;
    if (task === undefined) return '';
    const due = task.overdue ? `${task.dueText} (overdue)` : task.dueText;
    return [this.typeLabel, task.personName, due, task.stateText].filter((part) => part !== '').join(' · ');
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

  get confirmId(): string {
    return `delete-confirm-${this.task?.id ?? ''}`;
  }

  get confirmLabel(): string {
    return this.task?.salesforceTaskId && this.syncMode !== 'DoNotSync'
      ? 'Delete here and in Salesforce'
      : 'Delete';
  }

  /** What Delete does, before it does it: SIA deletes the linked Salesforce Task too while sync is on. */
  get confirmText(): string {
    const task = this.task;
    if (task === undefined) return '';
    const question = `Delete “${task.name}”?`;
    if (task.salesforceTaskId === null) return `${question} This cannot be undone.`;
    if (this.syncMode === 'DoNotSync')
      return `${question} Task sync is off, so its Salesforce Task stays. This cannot be undone.`;
    return `${question} Its Salesforce Task is deleted too. This cannot be undone.`;
  }

  override renderedCallback(): void {
    if (this.focusAfterRender !== null) {
      const target = this.template?.querySelector<HTMLElement>(this.focusAfterRender);
      this.focusAfterRender = null;
      target?.focus();
    }
    if (this.focusAfterSave !== null && !this.isBusy) {
      // Still on the row itself (not moved on by the user): back to the button they pressed.
      const row = this.template?.querySelector('.task-row');
      if (row && this.template?.activeElement === row) this.focusOn(this.focusAfterSave);
      this.focusAfterSave = null;
    }
  }

  /** Puts focus on one of the row's buttons (or the row while they are disabled); false when it has none. */
  @api
  focusOn(action: RowFocus): boolean {
    const selector = `[data-action="${action}"]`;
    const button =
      this.template?.querySelector<HTMLElement & { disabled?: boolean }>(selector) ??
      this.template?.querySelector<HTMLElement & { disabled?: boolean }>('[data-action="primary"]');
    if (button && !button.disabled) {
      button.focus();
      return true;
    }
    const row = this.template?.querySelector<HTMLElement>('.task-row');
    row?.focus();
    return row !== null && row !== undefined;
  }

  private update(patch: TaskPatch, done: string, focus: RowFocus): void {
    if (this.task === undefined) return;
    // Hold focus on the row while its buttons are disabled, rather than lose it to the page.
    this.template?.querySelector<HTMLElement>('.task-row')?.focus();
    this.focusAfterSave = focus;
    const detail: UpdateDetail = { taskId: this.task.id, patch, done, focus };
    this.dispatchEvent(new CustomEvent('update', { detail }));
  }

  handleComplete(): void {
    this.update({ status: 'completed' }, 'Completed', 'primary');
  }

  handleSkip(): void {
    this.update({ status: 'skipped' }, 'Skipped', 'primary');
  }

  handleReopen(): void {
    this.update({ status: 'open' }, 'Reopened', 'primary');
  }

  handleDelete(): void {
    this.confirmingDelete = true;
    // The safe choice first: Enter twice does not delete.
    this.focusAfterRender = '.keep';
  }

  handleKeep(): void {
    this.confirmingDelete = false;
    this.focusAfterRender = '[data-action="delete"]';
  }

  handleConfirmKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.handleKeep();
  }

  handleConfirmDelete(): void {
    if (this.task === undefined) return;
    this.confirmingDelete = false;
    this.template?.querySelector<HTMLElement>('.task-row')?.focus();
    this.dispatchEvent(new CustomEvent('delete', { detail: { taskId: this.task.id, name: this.task.name } }));
  }

  handleEdit(): void {
    if (this.task === undefined) return;
    this.draftName = this.task.name;
    this.draftDueDate = this.task.dueDate;
    this.draftPriority = this.task.priority;
    this.confirmingDelete = false;
    this.editing = true;
    this.focusAfterRender = 'lightning-input[data-field="name"]';
  }

  handleCancel(): void {
    this.editing = false;
    this.focusAfterRender = '[data-action="edit"]';
  }

  handleEditKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.handleCancel();
  }

  handleDraftChange(event: CustomEvent<{ value: string }>): void {
    const target = event.target as CheckedInput;
    const field = target.dataset.field;
    // The drafts only seed the fields; what is typed stays in them and is read on Save.
    if (field === 'name') target.setCustomValidity(nameProblem(event.detail.value) ?? '');
    else if (field === 'dueDate') this.checkDate(target);
    else if (field === 'priority') this.draftPriority = event.detail.value as SiaTaskPriority;
  }

  /** The date field's one message, in plain words (the base component would add a format hint). */
  private checkDate(input: CheckedInput): void {
    input.setCustomValidity('');
    const example = this.today || this.task?.dueDate || '';
    input.setCustomValidity(dueDateProblem(input.value, input.validity.badInput, example, this.locale) ?? '');
  }

  handleSave(event: Event): void {
    event.preventDefault();
    const name = this.template?.querySelector<CheckedInput>('lightning-input[data-field="name"]');
    const date = this.template?.querySelector<CheckedInput>('lightning-input[data-field="dueDate"]');
    if (!name || !date) return;
    const typed = typeof name.value === 'string' ? name.value : '';
    name.setCustomValidity(typed === '' ? '' : (nameProblem(typed) ?? ''));
    this.checkDate(date);
    const nameOk = name.reportValidity();
    const dateOk = date.reportValidity();
    if (!nameOk || !dateOk) {
      (nameOk ? date : name).focus();
      return;
    }
    this.editing = false;
    this.update(
      { name: typed.trim(), dueDate: String(date.value), priority: this.draftPriority },
      'Saved',
      'edit',
    );
  }
}
