import { LightningElement, api } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
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

/** What the last row action asks focus to come back to once the list renders again. */
interface FocusRequest {
  taskId: string;
  /** The button the user pressed, or the one that stands in its place after the change. */
  action: 'toggle' | 'reschedule';
  /** The rows around it, nearest first, for when the task leaves the list. */
  neighbors: string[];
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
export default class SiaTaskList extends NavigationMixin(LightningElement) {
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
  private focusRequest: FocusRequest | null = null;

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
      // The Lightning Experience address of the task's record page, for open-in-new-tab; a click
      // goes through NavigationMixin (handleOpenTask).
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
    if (this.focusAfterRender) {
      const target = this.template?.querySelector<HTMLElement>(this.focusAfterRender);
      this.focusAfterRender = null;
      target?.focus();
    }
    this.keepFocusWithTask();
  }

  /**
   * Focus follows the task the user acted on. Its buttons are disabled while the change saves and
   * the row moves to another group once saved (a completed task under Completed, with Reopen where
   * Complete was), so the browser drops focus to the page each time; each render puts it back on
   * the row's button, or on a neighbouring row's when the task left the list.
   */
  private keepFocusWithTask(): void {
    const request = this.focusRequest;
    if (!request || !this.template) return;
    const active = this.template.activeElement;
    const row = this.template.querySelector<HTMLElement>(`li.task-row[data-task-id="${request.taskId}"]`);
    const lost = !active && (document.activeElement === null || document.activeElement === document.body);
    if (!lost && active !== row) {
      // On one of the row's buttons: fine until the row moves. Anywhere else: the user's choice.
      if (!active || !row?.contains(active)) this.focusRequest = null;
      return;
    }
    if (row) {
      const target = this.buttonFor(request.taskId, request.action);
      (target ?? row).focus();
      return;
    }
    this.focusRequest = null;
    for (const neighbor of request.neighbors) {
      const other = this.buttonFor(neighbor, 'toggle');
      if (other) {
        other.focus();
        return;
      }
    }
  }

  /** The row's enabled button for an action: "toggle" is Complete or Reopen, whichever it shows. */
  private buttonFor(taskId: string, action: FocusRequest['action']): HTMLElement | null {
    const selector =
      action === 'toggle'
        ? `[data-action="complete"][data-task-id="${taskId}"], [data-action="reopen"][data-task-id="${taskId}"]`
        : `[data-action="reschedule"][data-task-id="${taskId}"]`;
    const button = this.template?.querySelector<HTMLElement & { disabled?: boolean }>(selector);
    return button && !button.disabled ? button : null;
  }

  private followFocus(taskId: string, action: FocusRequest['action']): void {
    const order = this.groups.flatMap((group) => group.items.map((item) => item.id));
    const index = order.indexOf(taskId);
    const after = index < 0 ? [] : order.slice(index + 1);
    const before = index < 0 ? [] : order.slice(0, index).reverse();
    this.focusRequest = { taskId, action, neighbors: [...after, ...before] };
    // Hold focus on the row while its buttons are disabled, rather than lose it to the page.
    this.template?.querySelector<HTMLElement>(`li.task-row[data-task-id="${taskId}"]`)?.focus();
  }

  handleOpenTask(event: Event): void {
    const taskId = this.taskIdOf(event);
    if (!taskId) return;
    // Through the Lightning router, as a standard link would (no page reload; console tabs kept).
    event.preventDefault();
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId: taskId, objectApiName: 'Task', actionName: 'view' },
    });
  }

  handleComplete(event: Event): void {
    const taskId = this.taskIdOf(event);
    this.followFocus(taskId, 'toggle');
    this.dispatchAction({ kind: 'complete', taskId });
  }

  handleReopen(event: Event): void {
    const taskId = this.taskIdOf(event);
    this.followFocus(taskId, 'toggle');
    this.dispatchAction({ kind: 'reopen', taskId });
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
    this.followFocus(taskId, 'reschedule');
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
