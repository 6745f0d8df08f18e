import { LightningElement, api } from 'lwc';
import LOCALE from '@salesforce/i18n/locale';
import { groupByBucket, isIsoDate, type DateBucket, type IsoDate } from 'c/siaDateBuckets';
import { formatDate } from 'c/siaFormat';
import { compareTaskRows, type TaskAction, type TaskRow } from 'c/siaSyncedTaskData';

interface TaskView extends TaskRow {
  url: string;
  dueLabel: string;
  dueClass: string;
  priorityText: string;
  completeLabel: string;
  reopenLabel: string;
  rescheduleLabel: string;
  dueDateInputLabel: string;
  isEditing: boolean;
  isSaving: boolean;
}

interface GroupView {
  bucket: DateBucket;
  label: string;
  headingId: string;
  heading: string;
  items: TaskView[];
}

/** The lightning-input methods used here (HTMLElement already brings focus()). */
interface DateInput extends HTMLElement {
  value?: unknown;
  setCustomValidity(message: string): void;
  reportValidity(): boolean;
}

/**
 * Synced tasks grouped Overdue / Today / Tomorrow / Later / Completed on the user's `today`, with
 * the row actions. It renders and asks; the parent writes: every action is a `taskaction` event
 * whose detail is a TaskAction.
 */
export default class SiaTaskList extends LightningElement {
  /** The rows to show, in any order. */
  @api tasks: TaskRow[] = [];
  /** The user's calendar date (YYYY-MM-DD in their time zone), which the buckets are relative to. */
  @api today: IsoDate = '';
  @api showCompleted = false;
  @api showOwner = false;
  /** Show whom (Who) or what (What) each task is about, for lists that span records. */
  @api showRelated = false;
  /** The task whose change is being saved: its actions are disabled meanwhile. */
  @api savingTaskId: string | null = null;

  editingTaskId: string | null = null;
  draftDate: IsoDate = '';
  private focusAfterRender: string | null = null;

  get groups(): GroupView[] {
    if (!isIsoDate(this.today)) return [];
    return groupByBucket(this.tasks ?? [], this.today, {
      includeCompleted: this.showCompleted,
      tieBreak: compareTaskRows,
    }).map((group) => ({
      bucket: group.bucket,
      label: group.label,
      headingId: `sia-task-group-${group.bucket}`,
      heading: `${group.label} (${group.items.length})`,
      items: group.items.map((task) => this.viewOf(task, group.bucket)),
    }));
  }

  get hasGroups(): boolean {
    return this.groups.length > 0;
  }

  private viewOf(task: TaskRow, bucket: DateBucket): TaskView {
    const dueLabel = task.activityDate ? `Due ${formatDate(task.activityDate, LOCALE)}` : 'No due date';
    return {
      ...task,
      // The Lightning Experience address of a record page.
      url: `/lightning/r/Task/${task.id}/view`,
      dueLabel,
      dueClass: bucket === 'overdue' ? 'slds-text-color_error' : '',
      priorityText: `${task.priority} priority`,
      completeLabel: `Complete: ${task.subject}`,
      reopenLabel: `Reopen: ${task.subject}`,
      rescheduleLabel: `Change due date: ${task.subject}`,
      dueDateInputLabel: `New due date for ${task.subject}`,
      isEditing: task.id === this.editingTaskId,
      isSaving: task.id === this.savingTaskId,
    };
  }

  override renderedCallback(): void {
    if (!this.focusAfterRender) return;
    const target = this.template?.querySelector<HTMLElement>(this.focusAfterRender);
    this.focusAfterRender = null;
    target?.focus();
  }

  handleComplete(event: Event): void {
    this.dispatchAction({ kind: 'complete', taskId: this.taskIdOf(event) });
  }

  handleReopen(event: Event): void {
    this.dispatchAction({ kind: 'reopen', taskId: this.taskIdOf(event) });
  }

  handleEditDueDate(event: Event): void {
    const taskId = this.taskIdOf(event);
    const task = (this.tasks ?? []).find((row) => row.id === taskId);
    this.editingTaskId = taskId;
    this.draftDate = task?.activityDate ?? this.today;
    this.focusAfterRender = `lightning-input[data-task-id="${taskId}"]`;
  }

  handleDraftChange(event: Event): void {
    const input = event.target as unknown as DateInput;
    this.draftDate = typeof input.value === 'string' ? input.value : '';
    input.setCustomValidity('');
  }

  handleSaveDueDate(event: Event): void {
    this.saveDueDate(this.taskIdOf(event));
  }

  handleCancelDueDate(event: Event): void {
    this.closeEditor(this.taskIdOf(event));
  }

  /** Escape cancels; Enter in the date field saves, as in a one-field form. */
  handleEditorKeydown(event: KeyboardEvent): void {
    const taskId = this.editingTaskId;
    if (!taskId) return;
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.closeEditor(taskId);
    } else if (event.key === 'Enter' && (event.target as HTMLElement | null)?.tagName === 'LIGHTNING-INPUT') {
      event.preventDefault();
      this.saveDueDate(taskId);
    }
  }

  private saveDueDate(taskId: string): void {
    const input = this.template?.querySelector<DateInput>(`lightning-input[data-task-id="${taskId}"]`);
    if (!isIsoDate(this.draftDate)) {
      input?.setCustomValidity('Enter a due date.');
      input?.reportValidity();
      return;
    }
    this.dispatchAction({ kind: 'reschedule', taskId, activityDate: this.draftDate });
    this.closeEditor(taskId);
  }

  private closeEditor(taskId: string): void {
    this.editingTaskId = null;
    this.draftDate = '';
    // Back to the button that opened the editor, so keyboard users keep their place.
    this.focusAfterRender = `lightning-button-icon[data-action="reschedule"][data-task-id="${taskId}"]`;
  }

  private taskIdOf(event: Event): string {
    const target = event.currentTarget as HTMLElement | null;
    return target?.dataset.taskId ?? '';
  }

  private dispatchAction(action: TaskAction): void {
    if (!action.taskId) return;
    this.dispatchEvent(new CustomEvent<TaskAction>('taskaction', { detail: action }));
  }
}
