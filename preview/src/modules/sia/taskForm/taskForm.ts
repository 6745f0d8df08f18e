import { LightningElement, api } from 'lwc';
import type { NewTask, SiaTaskPriority, SiaTaskType } from '../../../sia/sia-api.ts';
import { TYPE_LABELS, type SiaPerson } from '../../../sia/page-config.ts';

interface Option {
  label: string;
  value: string;
}

const NO_PERSON = '';

/** The new-task form: type, what to do, who it is about, due date and priority. */
export default class TaskForm extends LightningElement {
  @api people: SiaPerson[] = [];
  @api today = '';

  type: SiaTaskType = 'call';
  name = '';
  dueDate = '';
  priority: SiaTaskPriority = 'normal';
  personId = NO_PERSON;

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

  get dueDateValue(): string {
    return this.dueDate || this.today;
  }

  handleChange(event: CustomEvent<{ value: string }>): void {
    const field = (event.target as HTMLElement).dataset.field;
    const value = event.detail.value;
    if (field === 'type') this.type = value as SiaTaskType;
    else if (field === 'name') this.name = value;
    else if (field === 'dueDate') this.dueDate = value;
    else if (field === 'priority') this.priority = value as SiaTaskPriority;
    else if (field === 'person') this.personId = value;
  }

  handleSubmit(event: Event): void {
    event.preventDefault();
    const inputs = [
      ...(this.template?.querySelectorAll<HTMLElement & { reportValidity(): boolean }>('.validated') ?? []),
    ];
    const valid = inputs.map((input) => input.reportValidity()).every(Boolean);
    if (!valid) return;
    const task: NewTask = {
      type: this.type,
      name: this.name.trim(),
      dueDate: this.dueDateValue,
      priority: this.priority,
      ...(this.personId === NO_PERSON ? {} : { person: { salesforceId: this.personId } }),
    };
    this.dispatchEvent(new CustomEvent('create', { detail: task }));
    this.name = '';
  }
}
