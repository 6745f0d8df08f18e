import { createElement, type LightningHTMLElement } from 'lwc';
import SiaTaskList from 'c/siaTaskList';
import type { TaskAction, TaskRow } from 'c/siaSyncedTaskData';
import { flushPromises, resetDom } from 'sia-test-utils';
import taskRows from './data/taskRows.json';

const rows = taskRows as TaskRow[];

/** The lightning-input stub's public surface used here. */
interface DateInputStub extends HTMLElement {
  value: string;
  setCustomValidity(message: string): void;
  reportValidity(): boolean;
}

type Props = Partial<
  Pick<SiaTaskList, 'tasks' | 'today' | 'showCompleted' | 'showOwner' | 'showRelated' | 'savingTaskId'>
>;

function mount(props: Props = {}): { element: LightningHTMLElement<SiaTaskList>; actions: TaskAction[] } {
  const element = createElement('c-sia-task-list', { is: SiaTaskList });
  Object.assign(element, { tasks: rows, today: '2026-03-10', ...props });
  const actions: TaskAction[] = [];
  element.addEventListener('taskaction', (event) => actions.push((event as CustomEvent<TaskAction>).detail));
  document.body.appendChild(element);
  return { element, actions };
}

function headings(element: HTMLElement): string[] {
  return [...element.shadowRoot!.querySelectorAll('h3')].map((h) => h.textContent!);
}

function button(element: HTMLElement, taskId: string, action: string): HTMLElement {
  return element.shadowRoot!.querySelector<HTMLElement>(
    `li[data-task-id="${taskId}"] [data-action="${action}"]`,
  )!;
}

describe('c-sia-task-list', () => {
  afterEach(resetDom);

  it('groups by due date relative to today and hides completed tasks unless asked', async () => {
    const { element } = mount();
    await flushPromises();
    expect(headings(element)).toEqual(['Overdue (1)', 'Today (2)']);

    element.showCompleted = true;
    await flushPromises();
    expect(headings(element)).toEqual(['Overdue (1)', 'Today (2)', 'Completed (1)']);

    element.today = '2026-03-09';
    await flushPromises();
    expect(headings(element)).toEqual(['Today (1)', 'Tomorrow (2)', 'Completed (1)']);
  });

  it('labels each group list by its heading', async () => {
    const { element } = mount();
    await flushPromises();
    const section = element.shadowRoot!.querySelector('section[data-bucket="today"]')!;
    const heading = section.querySelector('h3')!;
    expect(section.querySelector('ul')!.getAttribute('aria-labelledby')).toBe(heading.id);
    expect(heading.id).not.toBe('');
  });

  it('renders nothing without a valid today', async () => {
    const { element } = mount({ today: '' });
    await flushPromises();
    expect(element.shadowRoot!.querySelector('section')).toBeNull();
  });

  it('shows owner and related name only when asked', async () => {
    const { element } = mount();
    await flushPromises();
    expect(element.shadowRoot!.querySelector('.task-owner')).toBeNull();
    expect(element.shadowRoot!.querySelector('.task-related')).toBeNull();

    element.showOwner = true;
    element.showRelated = true;
    await flushPromises();
    expect(element.shadowRoot!.querySelector('.task-owner')!.textContent).toBe('Assigned to Maria Lopez');
    expect(element.shadowRoot!.querySelector('.task-related')!.textContent).toBe('Jane Rivera');
  });

  it('dispatches complete and reopen with the task id', async () => {
    const { element, actions } = mount({ showCompleted: true });
    await flushPromises();

    button(element, '00THs00000T4cccMAB', 'complete').click();
    button(element, '00THs00000T4dddMAB', 'reopen').click();

    expect(actions).toEqual([
      { kind: 'complete', taskId: '00THs00000T4cccMAB' },
      { kind: 'reopen', taskId: '00THs00000T4dddMAB' },
    ]);
  });

  it('edits the due date inline and dispatches it as YYYY-MM-DD', async () => {
    const { element, actions } = mount();
    await flushPromises();

    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();
    const input = element.shadowRoot!.querySelector<
      HTMLElement & { value: string; required: boolean; type: string }
    >('lightning-input[data-task-id="00THs00000T4aaaMAB"]')!;
    expect(input.type).toBe('date');
    expect(input.required).toBe(true);
    expect(input.value).toBe('2026-03-09');

    input.value = '2026-04-01';
    input.dispatchEvent(new CustomEvent('change'));
    button(element, '00THs00000T4aaaMAB', 'save-due-date').click();
    await flushPromises();

    expect(actions).toEqual([
      { kind: 'reschedule', taskId: '00THs00000T4aaaMAB', activityDate: '2026-04-01' },
    ]);
    expect(element.shadowRoot!.querySelector('lightning-input')).toBeNull();
  });

  it('saves with Enter in the date field and cancels with Escape', async () => {
    const { element, actions } = mount();
    await flushPromises();

    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();
    let input = element.shadowRoot!.querySelector<HTMLElement & { value: string }>('lightning-input')!;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await flushPromises();
    expect(element.shadowRoot!.querySelector('lightning-input')).toBeNull();
    expect(actions).toEqual([]);

    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();
    input = element.shadowRoot!.querySelector<HTMLElement & { value: string }>('lightning-input')!;
    input.value = '2026-03-12';
    input.dispatchEvent(new CustomEvent('change'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flushPromises();
    expect(actions).toEqual([
      { kind: 'reschedule', taskId: '00THs00000T4aaaMAB', activityDate: '2026-03-12' },
    ]);
    expect(element.shadowRoot!.querySelector('lightning-input')).toBeNull();
  });

  it('asks for a date instead of saving an empty one', async () => {
    const { element, actions } = mount();
    await flushPromises();

    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();
    const input = element.shadowRoot!.querySelector<DateInputStub>('lightning-input')!;
    const setCustomValidity = jest.spyOn(input, 'setCustomValidity');
    const reportValidity = jest.spyOn(input, 'reportValidity');
    input.value = '';
    input.dispatchEvent(new CustomEvent('change'));
    button(element, '00THs00000T4aaaMAB', 'save-due-date').click();
    await flushPromises();

    expect(actions).toEqual([]);
    expect(setCustomValidity).toHaveBeenLastCalledWith('Enter a due date.');
    expect(reportValidity).toHaveBeenCalled();
    expect(element.shadowRoot!.querySelector('lightning-input')).not.toBeNull();
  });

  it('opens only one editor at a time', async () => {
    const { element } = mount();
    await flushPromises();

    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();
    button(element, '00THs00000T4bbbMAB', 'reschedule').click();
    await flushPromises();

    const inputs = [...element.shadowRoot!.querySelectorAll<HTMLElement>('lightning-input')];
    expect(inputs.map((input) => input.dataset.taskId)).toEqual(['00THs00000T4bbbMAB']);
  });

  it('disables the actions of the task being saved only', async () => {
    const { element } = mount({ savingTaskId: '00THs00000T4bbbMAB' });
    await flushPromises();

    const disabled = (taskId: string) =>
      (button(element, taskId, 'complete') as HTMLElement & { disabled: boolean }).disabled;
    expect(disabled('00THs00000T4bbbMAB')).toBe(true);
    expect(disabled('00THs00000T4cccMAB')).toBe(false);
  });

  it('is accessible', async () => {
    const { element } = mount({ showCompleted: true, showOwner: true, showRelated: true });
    await flushPromises();
    button(element, '00THs00000T4aaaMAB', 'reschedule').click();
    await flushPromises();

    await expect(element).toBeAccessible();
  });
});
