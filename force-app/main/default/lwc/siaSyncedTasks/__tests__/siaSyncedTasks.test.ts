import { createElement, type LightningHTMLElement } from 'lwc';
import SiaSyncedTasks from 'c/siaSyncedTasks';
import { graphql } from 'lightning/graphql';
import { getPicklistValues } from 'lightning/uiObjectInfoApi';
import { updateRecord } from 'lightning/uiRecordApi';
import { isEmpEnabled, subscribe, unsubscribe } from 'lightning/empApi';
import {
  asTestWireAdapter,
  flushPromises,
  resetDom,
  type GraphQLTestWireAdapter,
  type LdsTestWireAdapter,
} from 'sia-test-utils';
import syncedTasks from './data/syncedTasks.json';
import renamedTaskStatuses from './data/renamedTaskStatuses.json';
import noTasks from './data/noTasks.json';
import graphqlErrors from './data/graphqlErrors.json';
import updateRecordError from './data/updateRecordError.json';
import taskStatusPicklist from './data/taskStatusPicklist.json';
import syncNotice from './data/syncNotice.json';

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);
// Tests drive the adapter through its stub's emit(), outside any @wire.
// eslint-disable-next-line @lwc/lwc/no-unexpected-wire-adapter-usages
const picklistAdapter = asTestWireAdapter<LdsTestWireAdapter>(getPicklistValues);

const CONTACT_ID = '003Hs00001Jx2QdIAJ';
// 10:00 on 2026-03-10 in America/Los_Angeles (the test user's zone; PDT since 2026-03-08).
const MORNING = '2026-03-10T17:00:00Z';

let noticeCallback: ((message: unknown) => void) | undefined;
let refresh: jest.Mock<Promise<void>, []>;

function mount(
  props: Partial<Pick<SiaSyncedTasks, 'hideCompleted' | 'maxRows'>> = {},
): LightningHTMLElement<SiaSyncedTasks> {
  const element = createElement('c-sia-synced-tasks', { is: SiaSyncedTasks });
  element.recordId = CONTACT_ID;
  element.objectApiName = 'Contact';
  Object.assign(element, props);
  document.body.appendChild(element);
  return element;
}

function root(element: HTMLElement): ShadowRoot {
  return element.shadowRoot!;
}

function list(element: HTMLElement): ShadowRoot {
  return root(element).querySelector('c-sia-task-list')!.shadowRoot!;
}

/** [heading, [subjects]] per group, in display order. */
function groupsOf(element: HTMLElement): [string, string[]][] {
  return [...list(element).querySelectorAll('section')].map((section) => [
    section.querySelector('h3')!.textContent!,
    [...section.querySelectorAll('.task-subject')].map((a) => a.textContent!),
  ]);
}

function rowOf(element: HTMLElement, taskId: string): HTMLElement {
  return list(element).querySelector<HTMLElement>(`li.task-row[data-task-id="${taskId}"]`)!;
}

function clickAction(element: HTMLElement, taskId: string, action: string): void {
  rowOf(element, taskId).querySelector<HTMLElement>(`[data-action="${action}"]`)!.click();
}

async function loaded(
  props: Parameters<typeof mount>[0] = {},
): Promise<LightningHTMLElement<SiaSyncedTasks>> {
  const element = mount(props);
  graphqlAdapter.emit(syncedTasks, undefined, refresh);
  await flushPromises();
  // The tasks are read once more when the notice subscription is live ('live refresh' tests that);
  // what each test counts starts after it.
  refresh.mockClear();
  return element;
}

function notice(recordIds: string): unknown {
  return {
    ...syncNotice,
    data: { ...syncNotice.data, payload: { ...syncNotice.data.payload, Record_Ids__c: recordIds } },
  };
}

describe('c-sia-synced-tasks', () => {
  beforeEach(() => {
    // Only the clock is fake: promises and the test helpers still run on real timers.
    jest.useFakeTimers({
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
      ],
    });
    jest.setSystemTime(new Date(MORNING));
    refresh = jest.fn<Promise<void>, []>().mockResolvedValue(undefined);
    noticeCallback = undefined;
    jest.mocked(isEmpEnabled).mockResolvedValue(true);
    jest.mocked(subscribe).mockImplementation((channel, replayId, callback) => {
      noticeCallback = callback as (message: unknown) => void;
      return Promise.resolve({ id: 'sub-1', channel, replayId });
    });
    jest.mocked(unsubscribe).mockResolvedValue({});
    jest.mocked(updateRecord).mockResolvedValue({ apiName: 'Task', id: 'x', fields: {} });
  });

  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  describe('loading and rendering', () => {
    it('shows a spinner until the tasks arrive', async () => {
      const element = mount();
      await flushPromises();

      expect(root(element).querySelector('lightning-spinner')).not.toBeNull();
      expect(root(element).querySelector('c-sia-task-list')).toBeNull();

      graphqlAdapter.emit(syncedTasks, undefined, refresh);
      await flushPromises();
      expect(root(element).querySelector('lightning-spinner')).toBeNull();
    });

    it('queries this record with the row limit', async () => {
      mount({ maxRows: 25 });
      await flushPromises();
      expect(graphqlAdapter.getLastConfig().variables).toEqual({ recordId: CONTACT_ID, first: 25 });
    });

    it('keeps the row limit within 1..200', async () => {
      mount({ maxRows: 5000 });
      await flushPromises();
      expect(graphqlAdapter.getLastConfig().variables).toEqual({ recordId: CONTACT_ID, first: 200 });
    });

    it('groups the tasks by due date in the user time zone, high priority first within a day', async () => {
      const element = await loaded();

      expect(groupsOf(element)).toEqual([
        ['Overdue (1)', ['Call Jane about the renewal']],
        ['Today (1)', ['Send pricing follow-up']],
        ['Tomorrow (1)', ['InMail the VP of Sales']],
        ['Later (1)', ['Share the Acme case study']],
        ['No due date (1)', ['Check in after the demo']],
        ['Completed (1)', ['Intro call']],
      ]);
      expect(root(element).querySelector<HTMLElement>('lightning-card')!.title).toBe(
        'SIA Tasks (5 open, 1 completed)',
      );
    });

    it('shows type icon, due date, priority, status and owner of each task', async () => {
      const element = await loaded();

      const overdue = rowOf(element, '00THs00000T1aaaMAB');
      const icon = overdue.querySelector<HTMLElement & { iconName: string; alternativeText: string }>(
        'lightning-icon.task-type',
      )!;
      expect(icon.iconName).toBe('utility:call');
      expect(icon.alternativeText).toBe('Call');
      expect(overdue.querySelector('.task-due')!.textContent).toBe('Due Mar 6, 2026');
      expect(overdue.querySelector('.task-due span')!.className).toBe('slds-text-color_error');
      expect(overdue.querySelector('.task-priority')!.textContent!.trim()).toBe('Normal priority');
      expect(overdue.querySelector('.task-status')!.textContent).toBe('Not Started');
      expect(overdue.querySelector('.task-owner')!.textContent).toBe('Assigned to Maria Lopez');
      expect(overdue.querySelector<HTMLAnchorElement>('.task-subject')!.getAttribute('href')).toBe(
        '/lightning/r/Task/00THs00000T1aaaMAB/view',
      );

      const icons = [
        '00THs00000T1bbbMAB',
        '00THs00000T1cccMAB',
        '00THs00000T1dddMAB',
        '00THs00000T1eeeMAB',
      ].map((id) => {
        const el = rowOf(element, id).querySelector<
          HTMLElement & { iconName: string; alternativeText: string }
        >('lightning-icon.task-type')!;
        return [el.iconName, el.alternativeText];
      });
      expect(icons).toEqual([
        ['utility:email', 'Email'],
        ['utility:chat', 'InMail'],
        ['utility:task', 'Task'],
        // Imported at the first sync, before it had an SIA type: TaskSubtype Email decides.
        ['utility:email', 'Email'],
      ]);

      const high = rowOf(element, '00THs00000T1bbbMAB');
      expect(high.querySelector('.task-priority')!.textContent!.trim()).toBe('High priority');
      expect(
        high.querySelector<HTMLElement & { alternativeText: string }>('.task-priority lightning-icon')!
          .alternativeText,
      ).toBe('High priority');
      expect(rowOf(element, '00THs00000T1dddMAB').querySelector('.task-related')!.textContent).toBe(
        'Jane Rivera',
      );
      expect(rowOf(element, '00THs00000T1eeeMAB').querySelector('.task-due')!.textContent).toBe(
        'No due date',
      );
    });

    it('offers complete and change due date on open tasks, reopen on completed ones', async () => {
      const element = await loaded();

      const open = rowOf(element, '00THs00000T1bbbMAB');
      const labels = [
        ...open.querySelectorAll<HTMLElement & { alternativeText: string }>('lightning-button-icon'),
      ].map((b) => b.alternativeText);
      expect(labels).toEqual(['Complete: Send pricing follow-up', 'Change due date: Send pricing follow-up']);

      const done = rowOf(element, '00THs00000T1fffMAB');
      const doneLabels = [
        ...done.querySelectorAll<HTMLElement & { alternativeText: string }>('lightning-button-icon'),
      ].map((b) => b.alternativeText);
      expect(doneLabels).toEqual(['Reopen: Intro call']);
    });

    it('leaves completed tasks out when the page hides them', async () => {
      const element = await loaded({ hideCompleted: true });

      expect(groupsOf(element).map(([heading]) => heading)).toEqual([
        'Overdue (1)',
        'Today (1)',
        'Tomorrow (1)',
        'Later (1)',
        'No due date (1)',
      ]);
      // The title counts what the card lists.
      expect(root(element).querySelector<HTMLElement>('lightning-card')!.title).toBe('SIA Tasks (5 open)');
    });

    it('uses the user calendar day, not UTC: at 23:30 in Los Angeles a task due the next UTC day is tomorrow', async () => {
      // 06:30 UTC on 2026-03-11 is still 2026-03-10 in Los Angeles.
      jest.setSystemTime(new Date('2026-03-11T06:30:00Z'));
      const element = await loaded();

      const groups = Object.fromEntries(groupsOf(element));
      expect(groups['Today (1)']).toEqual(['Send pricing follow-up']);
      expect(groups['Tomorrow (1)']).toEqual(['InMail the VP of Sales']);
    });

    it('moves the buckets at the user midnight while the page stays open', async () => {
      jest.setSystemTime(new Date('2026-03-11T06:59:30Z')); // 23:59:30 in Los Angeles
      const element = await loaded();
      expect(Object.fromEntries(groupsOf(element))['Today (1)']).toEqual(['Send pricing follow-up']);

      jest.advanceTimersByTime(60_000); // 00:00:30 on 2026-03-11
      await flushPromises();

      expect(groupsOf(element).map(([heading, subjects]) => [heading, subjects.length])).toEqual([
        ['Overdue (2)', 2],
        ['Today (1)', 1],
        ['Later (1)', 1],
        ['No due date (1)', 1],
        ['Completed (1)', 1],
      ]);
      expect(Object.fromEntries(groupsOf(element))['Today (1)']).toEqual(['InMail the VP of Sales']);
    });

    it('says when the record has no synced tasks', async () => {
      const element = mount();
      graphqlAdapter.emit(noTasks, undefined, refresh);
      await flushPromises();

      expect(root(element).querySelector('.empty')!.textContent).toBe(
        'No SIA tasks are linked to this contact.',
      );
      expect(root(element).querySelector('c-sia-task-list')).toBeNull();
      expect(root(element).querySelector<HTMLElement>('lightning-card')!.title).toBe(
        'SIA Tasks (0 open, 0 completed)',
      );
    });

    it('names the record kind in the empty state, an account with its contacts and deals', async () => {
      const element = createElement('c-sia-synced-tasks', { is: SiaSyncedTasks });
      element.recordId = '001Hs00000Zz9YxIAJ';
      element.objectApiName = 'Account';
      element.hideCompleted = true;
      document.body.appendChild(element);
      graphqlAdapter.emit(noTasks, undefined, refresh);
      await flushPromises();

      // One query serves every object: an account id matches WhatId or the derived AccountId.
      expect(graphqlAdapter.getLastConfig().variables).toEqual({ recordId: '001Hs00000Zz9YxIAJ', first: 50 });
      expect(root(element).querySelector('.empty')!.textContent).toBe(
        'No open SIA tasks are linked to this account, its contacts or its opportunities.',
      );
    });

    it('says how many tasks the row limit left out', async () => {
      const element = mount({ maxRows: 5 });
      const cut = JSON.parse(JSON.stringify(syncedTasks)) as typeof syncedTasks;
      cut.uiapi.query.openTasks.totalCount = 12;
      graphqlAdapter.emit(cut, undefined, refresh);
      await flushPromises();

      expect(root(element).querySelector('.truncation')!.textContent).toBe('Showing 5 of 12 open tasks.');
    });

    it('counts cut completed tasks too, unless they are hidden', async () => {
      const element = mount({ maxRows: 5 });
      const cut = JSON.parse(JSON.stringify(syncedTasks)) as typeof syncedTasks;
      cut.uiapi.query.completedTasks.totalCount = 40;
      graphqlAdapter.emit(cut, undefined, refresh);
      await flushPromises();
      expect(root(element).querySelector('.truncation')!.textContent).toBe(
        'Showing 1 of 40 completed tasks.',
      );

      element.hideCompleted = true;
      await flushPromises();
      expect(root(element).querySelector('.truncation')).toBeNull();
    });

    it('shows GraphQL errors in the error panel and retries on request', async () => {
      const element = mount();
      graphqlAdapter.emitErrors(graphqlErrors, undefined, refresh);
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.load-error',
      )!;
      expect(panel.friendlyMessage).toBe('SIA tasks could not be loaded');
      expect([...panel.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
        graphqlErrors[0]!.message,
      ]);
      expect(root(element).querySelector('lightning-spinner')).toBeNull();
      expect(root(element).querySelector('c-sia-task-list')).toBeNull();

      root(element).querySelector<HTMLElement>('lightning-button.retry')!.click();
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);

      graphqlAdapter.emit(syncedTasks, undefined, refresh);
      await flushPromises();
      expect(root(element).querySelector('c-sia-error-panel.load-error')).toBeNull();
      expect(groupsOf(element)).toHaveLength(6);
    });
  });

  describe('actions', () => {
    it("completes with the org's own closed status when the org renamed its statuses", async () => {
      const element = mount();
      // An org whose closed values are Done and Cancelled (no Completed): TaskStatus rows arrive
      // with the tasks.
      const withStatuses = JSON.parse(JSON.stringify(syncedTasks)) as typeof syncedTasks & {
        uiapi: { query: Record<string, unknown> };
      };
      withStatuses.uiapi.query.taskStatuses = renamedTaskStatuses;
      graphqlAdapter.emit(withStatuses, undefined, refresh);
      await flushPromises();

      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();

      expect(updateRecord).toHaveBeenLastCalledWith({ fields: { Id: '00THs00000T1bbbMAB', Status: 'Done' } });
    });

    it('completes a task with Status Completed, then refreshes the list', async () => {
      const element = await loaded();

      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledTimes(1);
      expect(updateRecord).toHaveBeenCalledWith({
        fields: { Id: '00THs00000T1bbbMAB', Status: 'Completed' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(root(element).querySelector('[role="status"]')!.textContent).toBe('Task completed.');
    });

    it('reopens a task with the org default open status', async () => {
      const element = await loaded();
      picklistAdapter.emit(taskStatusPicklist);
      await flushPromises();

      clickAction(element, '00THs00000T1fffMAB', 'reopen');
      await flushPromises();

      expect(picklistAdapter.getLastConfig()).toEqual({
        recordTypeId: '012000000000000AAA',
        fieldApiName: { objectApiName: 'Task', fieldApiName: 'Status' },
      });
      expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: '00THs00000T1fffMAB', Status: 'Open' } });
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('reopens to Not Started when the picklist default is not known', async () => {
      const element = await loaded();

      clickAction(element, '00THs00000T1fffMAB', 'reopen');
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledWith({
        fields: { Id: '00THs00000T1fffMAB', Status: 'Not Started' },
      });
    });

    it('changes the due date to the picked date, sent as YYYY-MM-DD', async () => {
      const element = await loaded();

      clickAction(element, '00THs00000T1aaaMAB', 'reschedule');
      await flushPromises();
      const input = rowOf(element, '00THs00000T1aaaMAB').querySelector<
        HTMLElement & { value: string; label: string }
      >('lightning-input')!;
      expect(input.label).toBe('New due date for Call Jane about the renewal');
      expect(input.value).toBe('2026-03-06');

      input.value = '2026-03-13';
      input.dispatchEvent(new CustomEvent('change', { detail: { value: '2026-03-13' } }));
      clickAction(element, '00THs00000T1aaaMAB', 'save-due-date');
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledWith({
        fields: { Id: '00THs00000T1aaaMAB', ActivityDate: '2026-03-13' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(rowOf(element, '00THs00000T1aaaMAB').querySelector('lightning-input')).toBeNull();
    });

    it('does not save an empty due date', async () => {
      const element = await loaded();

      clickAction(element, '00THs00000T1aaaMAB', 'reschedule');
      await flushPromises();
      const input = rowOf(element, '00THs00000T1aaaMAB').querySelector<HTMLElement & { value: string }>(
        'lightning-input',
      )!;
      input.value = '';
      input.dispatchEvent(new CustomEvent('change', { detail: { value: '' } }));
      clickAction(element, '00THs00000T1aaaMAB', 'save-due-date');
      await flushPromises();

      expect(updateRecord).not.toHaveBeenCalled();
      expect(rowOf(element, '00THs00000T1aaaMAB').querySelector('lightning-input')).not.toBeNull();
    });

    it('cancels a due date change without saving and returns focus to its button', async () => {
      const element = await loaded();

      const button = rowOf(element, '00THs00000T1aaaMAB').querySelector<HTMLElement>(
        '[data-action="reschedule"]',
      )!;
      // The stubbed base components are not focusable in jsdom, so watch the focus() calls.
      const focusButton = jest.spyOn(button, 'focus');
      clickAction(element, '00THs00000T1aaaMAB', 'reschedule');
      await flushPromises();
      const input = rowOf(element, '00THs00000T1aaaMAB').querySelector<HTMLElement>('lightning-input')!;
      expect(input).not.toBeNull();
      clickAction(element, '00THs00000T1aaaMAB', 'cancel-due-date');
      await flushPromises();

      expect(updateRecord).not.toHaveBeenCalled();
      expect(rowOf(element, '00THs00000T1aaaMAB').querySelector('lightning-input')).toBeNull();
      expect(focusButton).toHaveBeenCalledTimes(1);
    });

    it('moves focus into the date field when the editor opens and closes it on Escape', async () => {
      const element = await loaded();
      const focusInput = jest.spyOn(HTMLElement.prototype, 'focus');

      clickAction(element, '00THs00000T1aaaMAB', 'reschedule');
      await flushPromises();
      const input = rowOf(element, '00THs00000T1aaaMAB').querySelector<HTMLElement>('lightning-input')!;
      expect(focusInput.mock.contexts).toContain(input);

      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await flushPromises();
      expect(rowOf(element, '00THs00000T1aaaMAB').querySelector('lightning-input')).toBeNull();
      expect(updateRecord).not.toHaveBeenCalled();
      focusInput.mockRestore();
    });

    it('shows a failed update and keeps the list as it was', async () => {
      jest.mocked(updateRecord).mockRejectedValue(updateRecordError);
      const element = await loaded();

      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.action-error',
      )!;
      expect(panel.friendlyMessage).toBe('The task was not updated');
      expect([...panel.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
        'An error occurred while trying to update the record. Please try again.',
        'This record is locked. If you need to edit it, contact your admin.',
      ]);
      expect(refresh).not.toHaveBeenCalled();
      expect(Object.fromEntries(groupsOf(element))['Today (1)']).toEqual(['Send pricing follow-up']);

      // The next successful action clears the message.
      jest.mocked(updateRecord).mockResolvedValue({ apiName: 'Task', id: 'x', fields: {} });
      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();
      expect(root(element).querySelector('c-sia-error-panel.action-error')).toBeNull();
    });

    it('shows a refresh that fails after a saved change as a load error', async () => {
      refresh.mockRejectedValue({ body: { message: 'The requested resource does not exist' }, status: 404 });
      const element = await loaded();

      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();

      expect(root(element).querySelector('c-sia-error-panel.action-error')).toBeNull();
      const panel = root(element).querySelector('c-sia-error-panel.load-error')!;
      expect(panel.shadowRoot!.querySelector('li')!.textContent).toBe(
        'The requested resource does not exist',
      );
    });

    it('disables the row actions while its change is saved', async () => {
      let finish: () => void = () => undefined;
      jest.mocked(updateRecord).mockReturnValue(
        new Promise((resolve) => {
          finish = () => resolve({ apiName: 'Task', id: 'x', fields: {} });
        }),
      );
      const element = await loaded();

      clickAction(element, '00THs00000T1bbbMAB', 'complete');
      await flushPromises();
      const buttons = () =>
        [
          ...rowOf(element, '00THs00000T1bbbMAB').querySelectorAll<HTMLElement & { disabled: boolean }>(
            'lightning-button-icon',
          ),
        ].map((b) => b.disabled);
      expect(buttons()).toEqual([true, true]);

      finish();
      await flushPromises();
      expect(buttons()).toEqual([false, false]);
    });
  });

  describe('live refresh', () => {
    it('subscribes to the sync notice channel from the tip (-1)', async () => {
      mount();
      await flushPromises();

      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(subscribe).toHaveBeenCalledWith('/event/SIA_Sync_Notice__e', -1, expect.any(Function));
    });

    it('refreshes when a notice names this record', async () => {
      const element = await loaded();

      noticeCallback!(syncNotice);
      await flushPromises();

      expect(refresh).toHaveBeenCalledTimes(1);
      expect(element).toBeTruthy();
    });

    it('refreshes when a notice names one of the listed tasks, in 15- or 18-character form', async () => {
      await loaded();

      noticeCallback!(notice('00THs00000T1ccc'));
      await flushPromises();
      noticeCallback!(notice('001Hs00000Zz9YxIAJ, 00THs00000T1fffMAB'));
      await flushPromises();

      expect(refresh).toHaveBeenCalledTimes(2);
    });

    it('ignores a notice about other records', async () => {
      await loaded();

      noticeCallback!(notice('003Hs00001Qq1WwIAJ,00THs00000T9xyzMAB'));
      noticeCallback!({ channel: '/event/SIA_Sync_Notice__e', data: { payload: {} } });
      await flushPromises();

      expect(refresh).not.toHaveBeenCalled();
    });

    it('folds a burst of notices into at most one more refresh', async () => {
      await loaded();
      let finish: () => void = () => undefined;
      refresh.mockImplementation(
        () =>
          new Promise<void>((resolve) => {
            finish = resolve;
          }),
      );

      noticeCallback!(syncNotice);
      noticeCallback!(syncNotice);
      noticeCallback!(syncNotice);
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);

      finish();
      await flushPromises();
      finish();
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(2);
    });

    it('reads the tasks once more when the subscription is confirmed after they loaded', async () => {
      let confirm: () => void = () => undefined;
      jest.mocked(subscribe).mockImplementation(
        (channel, replayId, callback) =>
          new Promise((resolve) => {
            noticeCallback = callback as (message: unknown) => void;
            confirm = () => resolve({ id: 'sub-late', channel, replayId });
          }),
      );
      const element = mount();
      graphqlAdapter.emit(noTasks, undefined, refresh);
      await flushPromises();
      expect(refresh).not.toHaveBeenCalled();

      // A task pushed now announces itself to nobody yet; the read after confirmation shows it.
      confirm();
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);
      graphqlAdapter.emit(syncedTasks, undefined, refresh);
      await flushPromises();
      expect(groupsOf(element)).toHaveLength(6);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('reads the tasks once more when they arrive after the subscription was confirmed', async () => {
      const element = mount();
      await flushPromises();
      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(refresh).not.toHaveBeenCalled();

      graphqlAdapter.emit(noTasks, undefined, refresh);
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);
      graphqlAdapter.emit(syncedTasks, undefined, refresh);
      await flushPromises();
      expect(groupsOf(element)).toHaveLength(6);
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('does not read again after subscribing when live updates are off', async () => {
      jest.mocked(subscribe).mockRejectedValue(new Error('403::Forbidden'));
      mount();
      graphqlAdapter.emit(syncedTasks, undefined, refresh);
      await flushPromises();

      expect(refresh).not.toHaveBeenCalled();
    });

    it('unsubscribes when removed from the page', async () => {
      const element = await loaded();

      element.remove();
      await flushPromises();

      expect(unsubscribe).toHaveBeenCalledWith({
        id: 'sub-1',
        channel: '/event/SIA_Sync_Notice__e',
        replayId: -1,
      });
    });

    it('unsubscribes also when removed before the subscription is confirmed', async () => {
      let confirm: () => void = () => undefined;
      jest.mocked(subscribe).mockImplementation(
        (channel, replayId) =>
          new Promise((resolve) => {
            confirm = () => resolve({ id: 'sub-late', channel, replayId });
          }),
      );
      const element = mount();
      await flushPromises();

      element.remove();
      confirm();
      await flushPromises();

      expect(unsubscribe).toHaveBeenCalledWith({
        id: 'sub-late',
        channel: '/event/SIA_Sync_Notice__e',
        replayId: -1,
      });
    });

    it('says live updates are off when the subscription fails', async () => {
      jest.mocked(subscribe).mockRejectedValue(new Error('403::Forbidden'));
      const element = await loaded();

      expect(root(element).querySelector('.live-off')).not.toBeNull();
      expect(groupsOf(element)).toHaveLength(6);
    });

    it('says live updates are off where streaming is unavailable', async () => {
      jest.mocked(isEmpEnabled).mockResolvedValue(false);
      const element = await loaded();

      expect(subscribe).not.toHaveBeenCalled();
      expect(root(element).querySelector('.live-off')).not.toBeNull();
    });
  });

  it('is accessible', async () => {
    const element = await loaded();
    clickAction(element, '00THs00000T1aaaMAB', 'reschedule');
    await flushPromises();

    await expect(element).toBeAccessible();
  });

  it('is accessible with an error', async () => {
    const element = mount();
    graphqlAdapter.emitErrors(graphqlErrors, undefined, refresh);
    await flushPromises();

    await expect(element).toBeAccessible();
  });
});
