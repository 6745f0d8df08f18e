import { LightningElement, api } from 'lwc';
import type { NewTask, SiaTaskPriority, SiaTaskType } from '../../../sia/sia-api.ts';
import { TYPE_LABELS, type SiaPerson } from '../../../sia/page-config.ts';
import { apiFieldProblem, dueDateProblem, nameProblem } from '../../../sia/task-views.ts';

interface Option {
  label: string;
  value: string;
}

/** The lightning-input surface the form checks (HTMLElement brings focus()). */
export interface CheckedInput extends HTMLElement {
  value: unknown;
  validity: { valid: boolean; valueMissing: boolean; badInput: boolean };
  setCustomValidity(message: string): void;
  reportValidity(): boolean;
}

const NO_PERSON = '';

/**
 * The new-task form: type, what to do, who it is about, due date and priority. It checks what was
 * typed and says what is wrong next to the field, in plain words; it never cuts or replaces a value.
 * It asks the page to create the task (`create` event) and is cleared by the page once it exists.
 */
export default class TaskForm extends LightningElement {
  @api people: SiaPerson[] = [];
  @api locale = 'en-US';

  type: SiaTaskType = 'call';
  name = '';
  priority: SiaTaskPriority = 'normal';
  personId = NO_PERSON;
  /** What the date field starts with; what the user types stays in the field, never rewritten. */
  initialDueDate = '';
  private todayValue = '';

  /** The owner's calendar date: the due date a new form starts with. */
  @api
  get today(): string {
    return this.todayValue;
  }
  set today(value: string) {
    if (this.initialDueDate === '' || this.initialDueDate === this.todayValue) this.initialDueDate = value;
    this.todayValue = value;
  }

  readonly typeOptions: Option[] = Object.entries(TYPE_LABELS).map(([value, label]) => ({ label, value }));
  readonly priorityOptions: Option[] = [
    { label: 'Normal', value: 'normal' },
    { label: 'High', value: 'high' },
  ];

  get personOptions(): Option[] {
    return [
      { label: 'Nobody in particular', value: NO_PERSON },
      ...this.people.map((person) => ({
        label: `${person.name} (${person.kind})`,
        value: person.salesforceId,
      })),
    ];
  }

  private input(field: 'name' | 'dueDate'): CheckedInput | null {
    return this.template?.querySelector<CheckedInput>(`lightning-input[data-field="${field}"]`) ?? null;
  }

  handleChange(event: CustomEvent<{ value: string }>): void {
    const target = event.target as HTMLElement;
    const field = target.dataset.field;
    const value = event.detail.value;
    if (field === 'type') this.type = value as SiaTaskType;
    else if (field === 'name') {
      this.name = value;
      // Checked as typed, shown when the field is left: a name of spaces or one too long says so.
      const input = target as CheckedInput;
      input.setCustomValidity(value === '' ? '' : (nameProblem(value) ?? ''));
    } else if (field === 'dueDate') this.checkDate(target as CheckedInput);
    else if (field === 'priority') this.priority = value as SiaTaskPriority;
    else if (field === 'person') this.personId = value;
  }

  /** The date field's one message, in plain words (the base component would add a format hint). */
  private checkDate(input: CheckedInput): void {
    input.setCustomValidity('');
    const example = this.todayValue;
    input.setCustomValidity(dueDateProblem(input.value, input.validity.badInput, example, this.locale) ?? '');
  }

  handleSubmit(event: Event): void {
    event.preventDefault();
    const name = this.input('name');
    const date = this.input('dueDate');
    if (name === null || date === null) return;
    const typed = typeof name.value === 'string' ? name.value : '';
    name.setCustomValidity(typed === '' ? '' : (nameProblem(typed) ?? ''));
    this.checkDate(date);
    const checks = [name, date].map((input) => input.reportValidity());
    const firstInvalid = [name, date].find((_, index) => !checks[index]);
    if (firstInvalid !== undefined) {
      firstInvalid.focus();
      return;
    }
    const task: NewTask = {
      type: this.type,
      name: typed.trim(),
      dueDate: String(date.value),
      priority: this.priority,
      ...(this.personId === NO_PERSON ? {} : { person: { salesforceId: this.personId } }),
    };
    this.dispatchEvent(new CustomEvent('create', { detail: task }));
  }

  /** After the task exists: an empty name for the next one; the other choices stay. */
  @api
  reset(): void {
    this.name = '';
    const name = this.input('name');
    if (name !== null) {
      name.value = '';
      name.setCustomValidity('');
    }
  }

  /** Problems the SIA API found, shown on their fields; the first one takes focus. */
  @api
  showProblems(problems: { field: string; message: string }[]): boolean {
    let first: CheckedInput | null = null;
    for (const problem of problems) {
      const input =
        problem.field === 'name' || problem.field === 'dueDate' ? this.input(problem.field) : null;
      if (input === null) continue;
      input.setCustomValidity(apiFieldProblem(problem.field, problem.message));
      input.reportValidity();
      first ??= input;
    }
    first?.focus();
    return first !== null;
  }
}
