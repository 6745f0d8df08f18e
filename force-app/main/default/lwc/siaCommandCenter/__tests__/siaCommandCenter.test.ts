import { createElement, type LightningHTMLElement } from 'lwc';
import SiaCommandCenter from 'c/siaCommandCenter';
import 'c/siaSyncedTasks';
import { gql, graphql } from 'lightning/graphql';
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
import commandCenterTasks from './data/commandCenterTasks.json';
import renamedTaskStatuses from './data/renamedTaskStatuses.json';
import noTasks from './data/noTasks.json';
import graphqlErrors from './data/graphqlErrors.json';
import updateRecordError from './data/updateRecordError.json';
import taskStatusPicklist from './data/taskStatusPicklist.json';
import syncNotice from './data/syncNotice.json';

// The query documents both components handed to gql when their modules loaded.
const queryTexts = jest.mocked(gql).mock.calls.map(([strings]) => (strings as TemplateStringsArray).join(''));

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);
// Tests drive the adapter through its stub's emit(), outside any @wire.
// eslint-disable-next-line @lwc/lwc/no-unexpected-wire-adapter-usages
const picklistAdapter = asTestWireAdapter<LdsTestWireAdapter>(getPicklistValues);

// @salesforce/user/Id as jest/salesforce-user-id.cjs sets it, and sfdx-lwc-jest's
// @salesforce/i18n/timeZone (America/Los_Angeles).
const USER_ID = '005000000000000AAA';
// 10:00 on 2026-03-10 in Los Angeles.
const MORNING = '2026-03-10T17:00:00Z';

let noticeCallback: ((message: unknown) => void) | undefined;
let refresh: jest.Mock<Promise<void>, []>;

function mount(
  props: Partial<Pick<SiaCommandCenter, 'maxRows'>> = {},
): LightningHTMLElement<SiaCommandCenter> {
  const element = createElement('c-sia-command-center', { is: SiaCommandCenter });
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

function groupsOf(element: HTMLElement): [string, string[]][] {
  const taskList = root(element).querySelector('c-sia-task-list');
  if (!taskList) return [];
  return [...taskList.shadowRoot!.querySelectorAll('section')].map((section) => [
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
): Promise<LightningHTMLElement<SiaCommandCenter>> {
  const element = mount(props);
  graphqlAdapter.emit(commandCenterTasks, undefined, refresh);
  await flushPromises();
  return element;
}

function notice(userId: string, recordIds: string): unknown {
  return {
    ...syncNotice,
    data: {
      ...syncNotice.data,
      payload: { ...syncNotice.data.payload, User_Id__c: userId, Record_Ids__c: recordIds },
    },
  };
}

/** The selection set both lists render from. */
function fragmentOf(query: string): string {
  const start = query.indexOf('fragment SiaTaskFields on Task');
  return start < 0 ? '' : query.slice(start).replace(/\s+/g, ' ').trim();
}

describe('c-sia-command-center', () => {
  beforeEach(() => {
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
      return Promise.resolve({ id: 'sub-cc', channel, replayId });
    });
    jest.mocked(unsubscribe).mockResolvedValue({});
    jest.mocked(updateRecord).mockResolvedValue({ apiName: 'Task', id: 'x', fields: {} });
  });

  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  it('selects the same task fields as the record page list', () => {
    expect(queryTexts).toHaveLength(2);
    const [first, second] = queryTexts.map(fragmentOf);
    expect(first).toContain('SIA_Activity_Type__c');
    expect(first).toBe(second);
  });

  describe('query', () => {
    it("asks for the user's tasks due today and tomorrow in the user's time zone", async () => {
      mount();
      await flushPromises();
      expect(graphqlAdapter.getLastConfig().variables).toEqual({
        userId: USER_ID,
        from: '2026-03-10',
        to: '2026-03-11',
        first: 100,
      });
    });

    it('uses the user calendar day at 23:30 in Los Angeles, when UTC is already on the next day', async () => {
      jest.setSystemTime(new Date('2026-03-11T06:30:00Z'));
      mount({ maxRows: 20 });
      await flushPromises();
      expect(graphqlAdapter.getLastConfig().variables).toEqual({
        userId: USER_ID,
        from: '2026-03-10',
        to: '2026-03-11',
        first: 20,
      });
    });

    it('moves to the next two days at the user midnight', async () => {
      jest.setSystemTime(new Date('2026-03-11T06:59:30Z')); // 23:59:30 in Los Angeles
      await loaded();

      jest.advanceTimersByTime(60_000);
      await flushPromises();

      expect(graphqlAdapter.getLastConfig().variables).toMatchObject({
        from: '2026-03-11',
        to: '2026-03-12',
      });
    });
  });

  describe('rendering', () => {
    it('shows a spinner until the tasks arrive', async () => {
      const element = mount();
      await flushPromises();
      expect(root(element).querySelector('lightning-spinner')).not.toBeNull();
    });

    it('groups Today and Tomorrow, high priority first, with whom each task is about', async () => {
      const element = await loaded();

      expect(groupsOf(element)).toEqual([
        ['Today (2)', ['Email the signed order form', 'Call Priya about the pilot']],
        ['Tomorrow (2)', ['InMail the new CFO', 'Prepare renewal quote']],
      ]);
      expect(root(element).querySelector<HTMLElement>('lightning-card')!.title).toBe(
        'SIA Command Center (4 open)',
      );
      expect(rowOf(element, '00THs00000T2aaaMAB').querySelector('.task-related')!.textContent).toBe(
        'Priya Natarajan',
      );
      expect(rowOf(element, '00THs00000T2dddMAB').querySelector('.task-related')!.textContent).toBe(
        'Globex - Renewal 2026',
      );
      // The owner is the user: not repeated on every row.
      expect(list(element).querySelector('.task-owner')).toBeNull();
    });

    it('says when nothing is due today or tomorrow', async () => {
      const element = mount();
      graphqlAdapter.emit(noTasks, undefined, refresh);
      await flushPromises();

      expect(root(element).querySelector('.empty')!.textContent).toBe(
        'No open SIA tasks due today or tomorrow.',
      );
      expect(root(element).querySelector('c-sia-task-list')).toBeNull();
    });

    it('says how many tasks the row limit left out', async () => {
      const element = mount({ maxRows: 4 });
      const cut = JSON.parse(JSON.stringify(commandCenterTasks)) as typeof commandCenterTasks;
      cut.uiapi.query.openTasks.totalCount = 9;
      graphqlAdapter.emit(cut, undefined, refresh);
      await flushPromises();

      expect(root(element).querySelector('.truncation')!.textContent).toBe('Showing 4 of 9 tasks.');
    });

    it('shows wire errors in the error panel', async () => {
      const element = mount();
      graphqlAdapter.emitErrors(graphqlErrors, undefined, refresh);
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.load-error',
      )!;
      expect(panel.friendlyMessage).toBe('Your SIA tasks could not be loaded');
      expect(panel.shadowRoot!.querySelector('li')!.textContent).toBe(graphqlErrors[0]!.message);
      expect(root(element).querySelector('lightning-spinner')).toBeNull();

      root(element).querySelector<HTMLElement>('lightning-button.retry')!.click();
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('actions', () => {
    it("completes with the org's own closed status when the org renamed its statuses", async () => {
      const element = mount();
      // An org whose closed values are Done and Cancelled (no Completed): TaskStatus rows arrive
      // with the tasks.
      const withStatuses = JSON.parse(JSON.stringify(commandCenterTasks)) as typeof commandCenterTasks & {
        uiapi: { query: Record<string, unknown> };
      };
      withStatuses.uiapi.query.taskStatuses = renamedTaskStatuses;
      graphqlAdapter.emit(withStatuses, undefined, refresh);
      await flushPromises();

      clickAction(element, '00THs00000T2aaaMAB', 'complete');
      await flushPromises();

      expect(updateRecord).toHaveBeenLastCalledWith({ fields: { Id: '00THs00000T2aaaMAB', Status: 'Done' } });
    });

    it('completes a task, keeps it under Completed for an undo, and reopens it with the default open status', async () => {
      const element = await loaded();
      picklistAdapter.emit(taskStatusPicklist);

      clickAction(element, '00THs00000T2aaaMAB', 'complete');
      await flushPromises();
      expect(updateRecord).toHaveBeenLastCalledWith({
        fields: { Id: '00THs00000T2aaaMAB', Status: 'Completed' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);

      // The refreshed answer no longer has the task.
      const after = JSON.parse(JSON.stringify(commandCenterTasks)) as typeof commandCenterTasks;
      after.uiapi.query.openTasks.edges = after.uiapi.query.openTasks.edges.filter(
        (edge) => edge.node.Id !== '00THs00000T2aaaMAB',
      );
      after.uiapi.query.openTasks.totalCount = 3;
      graphqlAdapter.emit(after, undefined, refresh);
      await flushPromises();

      expect(groupsOf(element)).toEqual([
        ['Today (1)', ['Email the signed order form']],
        ['Tomorrow (2)', ['InMail the new CFO', 'Prepare renewal quote']],
        ['Completed (1)', ['Call Priya about the pilot']],
      ]);
      expect(root(element).querySelector<HTMLElement>('lightning-card')!.title).toBe(
        'SIA Command Center (3 open, 1 completed)',
      );

      clickAction(element, '00THs00000T2aaaMAB', 'reopen');
      await flushPromises();
      expect(updateRecord).toHaveBeenLastCalledWith({ fields: { Id: '00THs00000T2aaaMAB', Status: 'Open' } });
      expect(refresh).toHaveBeenCalledTimes(2);
      expect(groupsOf(element).map(([heading]) => heading)).toEqual(['Today (1)', 'Tomorrow (2)']);
    });

    it('changes a due date and drops the task from the list when it leaves the two days', async () => {
      const element = await loaded();

      clickAction(element, '00THs00000T2cccMAB', 'reschedule');
      await flushPromises();
      const input = rowOf(element, '00THs00000T2cccMAB').querySelector<HTMLElement & { value: string }>(
        'lightning-input',
      )!;
      expect(input.value).toBe('2026-03-11');
      input.value = '2026-03-20';
      input.dispatchEvent(new CustomEvent('change', { detail: { value: '2026-03-20' } }));
      clickAction(element, '00THs00000T2cccMAB', 'save-due-date');
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledWith({
        fields: { Id: '00THs00000T2cccMAB', ActivityDate: '2026-03-20' },
      });
      expect(refresh).toHaveBeenCalledTimes(1);

      // LDS re-emits the cached result with the task's new date without re-running the query's
      // filter; the list applies the Command Center rule itself.
      const stale = JSON.parse(JSON.stringify(commandCenterTasks)) as typeof commandCenterTasks;
      stale.uiapi.query.openTasks.edges[2]!.node.ActivityDate.value = '2026-03-20';
      graphqlAdapter.emit(stale, undefined, refresh);
      await flushPromises();
      expect(groupsOf(element)).toEqual([
        ['Today (2)', ['Email the signed order form', 'Call Priya about the pilot']],
        ['Tomorrow (1)', ['Prepare renewal quote']],
      ]);
    });

    it('shows a failed update', async () => {
      jest.mocked(updateRecord).mockRejectedValue(updateRecordError);
      const element = await loaded();

      clickAction(element, '00THs00000T2bbbMAB', 'complete');
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.action-error',
      )!;
      expect(panel.friendlyMessage).toBe('The task was not updated');
      expect(panel.shadowRoot!.textContent).toContain('This record is locked.');
      expect(refresh).not.toHaveBeenCalled();
      expect(groupsOf(element).map(([heading]) => heading)).toEqual(['Today (2)', 'Tomorrow (2)']);
    });
  });

  describe('live refresh', () => {
    it('subscribes to the sync notice channel from the tip (-1) and unsubscribes on disconnect', async () => {
      const element = await loaded();
      expect(subscribe).toHaveBeenCalledWith('/event/SIA_Sync_Notice__e', -1, expect.any(Function));

      element.remove();
      await flushPromises();
      expect(unsubscribe).toHaveBeenCalledWith({
        id: 'sub-cc',
        channel: '/event/SIA_Sync_Notice__e',
        replayId: -1,
      });
    });

    it('refreshes on a notice for this user, in 15- or 18-character form', async () => {
      await loaded();

      noticeCallback!(syncNotice);
      await flushPromises();
      noticeCallback!(notice('005000000000000', '00THs00000T9qqqMAB'));
      await flushPromises();

      expect(refresh).toHaveBeenCalledTimes(2);
    });

    it("refreshes on another user's notice only when it names a listed task", async () => {
      await loaded();

      noticeCallback!(notice('005Hs00000Zq1AbIAJ', '00THs00000T9qqqMAB,003Hs00001Qq1WwIAJ'));
      await flushPromises();
      expect(refresh).not.toHaveBeenCalled();

      // Reassigned away from this user: the list must drop it.
      noticeCallback!(notice('005Hs00000Zq1AbIAJ', '00THs00000T2dddMAB'));
      await flushPromises();
      expect(refresh).toHaveBeenCalledTimes(1);
    });
  });

  it('is accessible', async () => {
    const element = await loaded();
    clickAction(element, '00THs00000T2bbbMAB', 'reschedule');
    await flushPromises();

    await expect(element).toBeAccessible();
  });
});
