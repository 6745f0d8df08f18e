import { createElement, type LightningHTMLElement } from 'lwc';
import SiaSyncHealth from 'c/siaSyncHealth';
import { graphql } from 'lightning/graphql';
import { updateRecord } from 'lightning/uiRecordApi';
import { isEmpEnabled, subscribe, unsubscribe } from 'lightning/empApi';
import type { PageReference } from 'lightning/navigation';
import { asTestWireAdapter, flushPromises, resetDom, type GraphQLTestWireAdapter } from 'sia-test-utils';
import syncErrors from './data/syncErrors.json';
import syncErrorsNone from './data/syncErrorsNone.json';
import syncErrorsIncludingResolved from './data/syncErrorsIncludingResolved.json';
import syncStatus from './data/syncStatus.json';
import syncStatusNotReported from './data/syncStatusNotReported.json';
import graphqlErrors from './data/graphqlErrors.json';
import updateRecordError from './data/updateRecordError.json';
import syncNotice from './data/syncNotice.json';

// An SIA Sync admin (siaSyncHealthRep.test.ts covers everyone else).
jest.mock('@salesforce/customPermission/SIA_Sync_Admin', () => ({ __esModule: true, default: true }), {
  virtual: true,
});

// sfdx-lwc-jest's NavigationMixin stub swallows calls; this one records them.
const mockNavigate = jest.fn<void, [PageReference, boolean | undefined]>();
jest.mock('lightning/navigation', () => {
  const Navigate = Symbol('Navigate');
  const GenerateUrl = Symbol('GenerateUrl');
  const NavigationMixin = Object.assign(
    (Base: new () => object) =>
      class extends Base {
        [Navigate](pageReference: PageReference, replace?: boolean): void {
          mockNavigate(pageReference, replace);
        }
        [GenerateUrl](): Promise<string> {
          return Promise.resolve('/generated');
        }
      },
    { Navigate, GenerateUrl },
  );
  return { NavigationMixin };
});

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);

// 10:00 on 2026-03-10 in Los Angeles (sfdx-lwc-jest's user time zone).
const NOW = '2026-03-10T17:00:00Z';

type Config = Record<string, unknown>;
function variablesOf(config: Config): Record<string, unknown> {
  const variables = config.variables;
  return typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {};
}
const isErrorsWire = (config: Config): boolean => 'includeResolved' in variablesOf(config);
const isStatusWire = (config: Config): boolean => 'orgKey' in variablesOf(config);

let refreshErrors: jest.Mock<Promise<void>, []>;
let refreshStatus: jest.Mock<Promise<void>, []>;
let noticeCallback: ((message: unknown) => void) | undefined;
let lastErrorsVariables: Record<string, unknown> | undefined;

/** Mounts the page and waits for its wires to receive their config (emit filters on it). */
async function mount(): Promise<LightningHTMLElement<SiaSyncHealth>> {
  const element = createElement('c-sia-sync-health', { is: SiaSyncHealth });
  document.body.appendChild(element);
  await flushPromises();
  return element;
}

function emitErrors(data: unknown): void {
  graphqlAdapter.emit(
    data,
    (config) => {
      if (!isErrorsWire(config)) return false;
      lastErrorsVariables = variablesOf(config);
      return true;
    },
    refreshErrors,
  );
}

function emitStatus(data: unknown): void {
  graphqlAdapter.emit(data, isStatusWire, refreshStatus);
}

async function loaded(
  errors: unknown = syncErrors,
  status: unknown = syncStatus,
): Promise<LightningHTMLElement<SiaSyncHealth>> {
  const element = await mount();
  emitErrors(errors);
  emitStatus(status);
  await flushPromises();
  return element;
}

function root(element: HTMLElement): ShadowRoot {
  return element.shadowRoot!;
}

/** ICU versions differ in the space before AM/PM (U+202F or U+0020); people see a space either way. */
function plain(value: string | null | undefined): string {
  return (value ?? '').replace(/\s/g, ' ');
}

function text(element: Element | null): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function groupsOf(element: HTMLElement): [string, string[]][] {
  return [...root(element).querySelectorAll('section.error-group')].map((section) => [
    text(section.querySelector('h3')),
    [...section.querySelectorAll('a.error-name')].map((a) => a.textContent!),
  ]);
}

function rowOf(element: HTMLElement, errorId: string): HTMLElement {
  return root(element).querySelector<HTMLElement>(`tr.error-row[data-error-id="${errorId}"]`)!;
}

type ButtonElement = HTMLElement & { disabled: boolean; label: string };
function buttonOf(element: HTMLElement, errorId: string, action: 'retry' | 'resolve'): ButtonElement {
  return rowOf(element, errorId).querySelector<ButtonElement>(`lightning-button[data-action="${action}"]`)!;
}

function retryAllOf(element: HTMLElement, category: string): ButtonElement {
  return root(element).querySelector<ButtonElement>(
    `section.error-group[data-category="${category}"] lightning-button.retry-all`,
  )!;
}

function changeCombobox(element: HTMLElement, selector: string, value: string): void {
  const combobox = root(element).querySelector(selector)!;
  combobox.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

const PRIYA_VALIDATION = 'a03Hs00000Gq1bAIAR';
const PRIYA_REQUIRED = 'a03Hs00000Gq1cAIAR';
const DANA_RETRIED = 'a03Hs00000Gq1dAIAR';
const MARCUS_AUTH = 'a03Hs00000Gq1aAIAR';
const MARCUS_LEAD = 'a03Hs00000Gq1eAIAR';

describe('c-sia-sync-health', () => {
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
    jest.setSystemTime(new Date(NOW));
    refreshErrors = jest.fn<Promise<void>, []>().mockResolvedValue(undefined);
    refreshStatus = jest.fn<Promise<void>, []>().mockResolvedValue(undefined);
    noticeCallback = undefined;
    lastErrorsVariables = undefined;
    jest.mocked(isEmpEnabled).mockResolvedValue(true);
    jest.mocked(subscribe).mockImplementation((channel, replayId, callback) => {
      noticeCallback = callback as (message: unknown) => void;
      return Promise.resolve({ id: 'sub-health', channel, replayId });
    });
    jest.mocked(unsubscribe).mockResolvedValue({});
    jest.mocked(updateRecord).mockResolvedValue({ apiName: 'SIA_Sync_Error__c', id: 'x', fields: {} });
  });

  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  describe('loading and errors', () => {
    it('shows a spinner in each section until its data arrives', async () => {
      const element = await mount();
      const spinners = [
        ...root(element).querySelectorAll<HTMLElement & { alternativeText: string }>('lightning-spinner'),
      ].map((spinner) => spinner.alternativeText);
      expect(spinners).toEqual(['Loading sync status', 'Loading sync errors']);

      emitErrors(syncErrors);
      await flushPromises();
      expect(root(element).querySelectorAll('lightning-spinner')).toHaveLength(1);
    });

    it('asks for unresolved errors by default, with the row limit', async () => {
      await loaded();
      expect(lastErrorsVariables).toEqual({ includeResolved: false, first: 50 });
    });

    it('shows an errors-query failure in the error panel and keeps the rest of the page', async () => {
      const element = await mount();
      graphqlAdapter.emitErrors(graphqlErrors, isErrorsWire, refreshErrors);
      emitStatus(syncStatus);
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.errors-load-error',
      )!;
      expect(panel.friendlyMessage).toBe('The sync errors could not be loaded');
      expect(text(panel.shadowRoot!.querySelector('li'))).toBe(graphqlErrors[0]!.message);
      expect(root(element).querySelector('section.error-group')).toBeNull();
      expect(root(element).querySelectorAll('tr.user-row')).toHaveLength(3);
    });

    it('shows a status-query failure in its own panel', async () => {
      const element = await mount();
      emitErrors(syncErrors);
      graphqlAdapter.emitErrors(graphqlErrors, isStatusWire, refreshStatus);
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.status-load-error',
      )!;
      expect(panel.friendlyMessage).toBe('The sync status could not be loaded');
      expect(root(element).querySelector('.api-used')).toBeNull();
      expect(groupsOf(element)).toHaveLength(3);
    });
  });

  describe('errors by category', () => {
    it('counts every category and lists the non-empty ones in SIA order, newest first', async () => {
      const element = await loaded();

      const summary = [...root(element).querySelectorAll('.category-summary li')].map((li) => [
        text(li.querySelector('.category-label')),
        text(li.querySelector('.category-total')),
      ]);
      expect(summary).toEqual([
        ['Authentication', '1'],
        ['Access & Validation', '3'],
        ['Intermittent', '0'],
        ['Other', '1'],
      ]);
      expect(groupsOf(element)).toEqual([
        ['Authentication (1)', ['SIAE-000118']],
        ['Access & Validation (3)', ['SIAE-000121', 'SIAE-000119', 'SIAE-000117']],
        ['Other (1)', ['SIAE-000112']],
      ]);
      expect(
        text(root(element).querySelector('section[data-category="Authentication"] .group-guidance')),
      ).toContain('allow the service IP addresses');
    });

    it('shows code, message, affected record, user, direction and status of each error', async () => {
      const element = await loaded();

      const row = rowOf(element, PRIYA_VALIDATION);
      expect(text(row.querySelector('.error-code'))).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      expect(text(row.querySelector('.error-message'))).toBe(
        'Tasks on closed opportunities cannot be edited.',
      );
      const link = row.querySelector<HTMLAnchorElement>('a.record-link')!;
      expect(text(link)).toBe('Task 00THs00000T2aaaMAB');
      expect(link.getAttribute('href')).toBe('/lightning/r/Task/00THs00000T2aaaMAB/view');
      expect(text(row.querySelector('.error-user'))).toBe('Priya Natarajan');
      expect(text(row.querySelector('.error-direction'))).toBe('SIA to Salesforce');
      expect(text(row.querySelector('.slds-badge'))).toBe('Open');
      // 16:58:31Z in the user's zone (America/Los_Angeles) and locale (en-US).
      expect(text(row.querySelector('.error-occurred'))).toBe('Mar 10, 2026, 9:58 AM');

      // An email-logging failure with no record yet: nothing to link to.
      expect(rowOf(element, PRIYA_REQUIRED).querySelector('a.record-link')).toBeNull();
      expect(text(rowOf(element, PRIYA_REQUIRED).querySelector('.record-none'))).toBe('No record');
      // An authentication failure before the task reached Salesforce names the SIA task.
      expect(text(rowOf(element, MARCUS_AUTH).querySelector('.record-none'))).toBe(
        'SIA task 6c1f0e9a-2b7d-4f3e-9a51-0d8e7c6b5a41',
      );
      expect(rowOf(element, MARCUS_LEAD).querySelector('a.record-link')!.getAttribute('href')).toBe(
        '/lightning/r/Lead/00QHs00000Lm3nPMAR/view',
      );
    });

    it('shows an error already waiting for a retry, with Retry off', async () => {
      const element = await loaded();
      expect(text(rowOf(element, DANA_RETRIED).querySelector('.slds-badge'))).toBe('Retry requested');
      expect(buttonOf(element, DANA_RETRIED, 'retry').disabled).toBe(true);
      expect(buttonOf(element, DANA_RETRIED, 'resolve').disabled).toBe(false);
      expect(retryAllOf(element, 'AccessValidation').label).toBe('Retry all listed (2)');
    });

    it('opens the affected record and the error record through the Lightning router', async () => {
      const element = await loaded();

      const click = new MouseEvent('click', { bubbles: true, cancelable: true });
      rowOf(element, PRIYA_VALIDATION).querySelector('a.record-link')!.dispatchEvent(click);
      expect(click.defaultPrevented).toBe(true);
      expect(mockNavigate).toHaveBeenLastCalledWith(
        {
          type: 'standard__recordPage',
          attributes: { recordId: '00THs00000T2aaaMAB', objectApiName: 'Task', actionName: 'view' },
        },
        undefined,
      );

      rowOf(element, PRIYA_VALIDATION).querySelector<HTMLElement>('a.error-name')!.click();
      expect(mockNavigate).toHaveBeenLastCalledWith(
        {
          type: 'standard__recordPage',
          attributes: { recordId: PRIYA_VALIDATION, objectApiName: 'SIA_Sync_Error__c', actionName: 'view' },
        },
        undefined,
      );
    });

    it('says how many errors of a category the row limit left out', async () => {
      const cut = JSON.parse(JSON.stringify(syncErrors)) as typeof syncErrors;
      cut.uiapi.query.accessValidation.totalCount = 57;
      const element = await loaded(cut);

      expect(text(root(element).querySelector('section[data-category="AccessValidation"] h3'))).toBe(
        'Access & Validation (57)',
      );
      expect(text(root(element).querySelector('section[data-category="AccessValidation"] .truncation'))).toBe(
        'Showing the latest 3 of 57 Access & Validation errors.',
      );
    });

    it('says when there are no unresolved errors', async () => {
      const element = await loaded(syncErrorsNone);
      expect(text(root(element).querySelector('.errors-empty'))).toBe(
        'No unresolved sync errors: SIA Sync is writing to Salesforce without failures.',
      );
      expect(root(element).querySelector('section.error-group')).toBeNull();
    });
  });

  describe('filters', () => {
    it('includes resolved errors on request, without actions on them', async () => {
      const element = await loaded();

      changeCombobox(element, 'lightning-combobox.show-filter', 'all');
      await flushPromises();
      lastErrorsVariables = undefined;
      emitErrors(syncErrorsIncludingResolved);
      await flushPromises();

      expect(lastErrorsVariables).toEqual({ includeResolved: true, first: 50 });
      const resolved = 'a03Hs00000Gq1fAIAR';
      expect(text(rowOf(element, resolved).querySelector('.slds-badge'))).toBe('Resolved');
      expect(buttonOf(element, resolved, 'retry').disabled).toBe(true);
      expect(buttonOf(element, resolved, 'resolve').disabled).toBe(true);
      expect(groupsOf(element).map(([heading]) => heading)).toContain('Intermittent (1)');
    });

    it('narrows the list to one category and says when it has none', async () => {
      const element = await loaded();

      changeCombobox(element, 'lightning-combobox.category-filter', 'Other');
      await flushPromises();
      expect(groupsOf(element)).toEqual([['Other (1)', ['SIAE-000112']]]);

      changeCombobox(element, 'lightning-combobox.category-filter', 'Intermittent');
      await flushPromises();
      expect(groupsOf(element)).toEqual([]);
      expect(text(root(element).querySelector('.errors-empty'))).toBe(
        'No unresolved Intermittent sync errors.',
      );
      // The counts stay for every category.
      expect(root(element).querySelectorAll('.category-summary li')).toHaveLength(4);
    });
  });

  describe('actions', () => {
    it('Retry sets Retry_Requested__c, confirms it and refreshes', async () => {
      const element = await loaded();
      const toasts: unknown[] = [];
      element.addEventListener('lightning__showtoast', (event) => toasts.push((event as CustomEvent).detail));

      buttonOf(element, PRIYA_VALIDATION, 'retry').click();
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledTimes(1);
      expect(updateRecord).toHaveBeenCalledWith({
        fields: { Id: PRIYA_VALIDATION, Retry_Requested__c: true },
      });
      expect(text(rowOf(element, PRIYA_VALIDATION).querySelector('.slds-badge'))).toBe('Retry requested');
      expect(buttonOf(element, PRIYA_VALIDATION, 'retry').disabled).toBe(true);
      expect(text(root(element).querySelector('.announcement'))).toBe(
        'Retry requested for 1 sync error. The sync service will try again shortly.',
      );
      expect(toasts).toEqual([
        {
          title: 'SIA Sync',
          message: 'Retry requested for 1 sync error. The sync service will try again shortly.',
          variant: 'success',
        },
      ]);
      expect(refreshErrors).toHaveBeenCalledTimes(1);
      expect(refreshStatus).toHaveBeenCalledTimes(1);
    });

    it('Mark resolved sets Resolved__c and takes the error out of the unresolved list and counts', async () => {
      const element = await loaded();

      buttonOf(element, MARCUS_LEAD, 'resolve').click();
      await flushPromises();

      expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: MARCUS_LEAD, Resolved__c: true } });
      expect(rowOf(element, MARCUS_LEAD)).toBeNull();
      expect(groupsOf(element).map(([heading]) => heading)).toEqual([
        'Authentication (1)',
        'Access & Validation (3)',
      ]);
      expect(text(root(element).querySelector('.announcement'))).toBe('1 sync error marked resolved.');
      expect(refreshErrors).toHaveBeenCalledTimes(1);
    });

    it('Retry all listed asks once per retryable error of the category', async () => {
      const element = await loaded();

      retryAllOf(element, 'AccessValidation').click();
      await flushPromises();

      expect(jest.mocked(updateRecord).mock.calls.map(([input]) => input)).toEqual([
        { fields: { Id: PRIYA_VALIDATION, Retry_Requested__c: true } },
        { fields: { Id: PRIYA_REQUIRED, Retry_Requested__c: true } },
      ]);
      expect(retryAllOf(element, 'AccessValidation').disabled).toBe(true);
      expect(text(root(element).querySelector('.announcement'))).toBe(
        'Retry requested for 2 sync errors. The sync service will try again shortly.',
      );
    });

    it('shows a failed update in the error panel and leaves the error as it was', async () => {
      const element = await loaded();
      jest.mocked(updateRecord).mockRejectedValueOnce(updateRecordError);

      buttonOf(element, PRIYA_VALIDATION, 'resolve').click();
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.action-error',
      )!;
      expect(panel.friendlyMessage).toBe('The error could not be marked resolved');
      expect(text(panel.shadowRoot!.querySelector('li'))).toBe(updateRecordError.body.message);
      expect(rowOf(element, PRIYA_VALIDATION)).not.toBeNull();
      expect(buttonOf(element, PRIYA_VALIDATION, 'resolve').disabled).toBe(false);
      expect(refreshErrors).not.toHaveBeenCalled();
    });

    it('reports a partly failed Retry all and keeps the saved half', async () => {
      const element = await loaded();
      jest.mocked(updateRecord).mockResolvedValueOnce({ apiName: 'SIA_Sync_Error__c', id: 'x', fields: {} });
      jest.mocked(updateRecord).mockRejectedValueOnce(updateRecordError);

      retryAllOf(element, 'AccessValidation').click();
      await flushPromises();

      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.action-error',
      )!;
      expect(panel.friendlyMessage).toBe('Retry could not be requested for 1 of 2 errors');
      expect(text(rowOf(element, PRIYA_VALIDATION).querySelector('.slds-badge'))).toBe('Retry requested');
      expect(text(rowOf(element, PRIYA_REQUIRED).querySelector('.slds-badge'))).toBe('Open');
      expect(retryAllOf(element, 'AccessValidation').label).toBe('Retry all listed (1)');
    });

    it('drops its own pending changes once the refreshed answer arrives', async () => {
      const element = await loaded();
      buttonOf(element, PRIYA_VALIDATION, 'retry').click();
      await flushPromises();

      // The service picked the retry up and cleared the flag before the refresh answered.
      emitErrors(JSON.parse(JSON.stringify(syncErrors)));
      await flushPromises();
      expect(text(rowOf(element, PRIYA_VALIDATION).querySelector('.slds-badge'))).toBe('Open');
    });
  });

  describe('API usage', () => {
    it('shows used and allowed requests and the budget from the admin settings', async () => {
      const element = await loaded();

      // The rendered text, as it reads: words and numbers spaced, numbers in the user's locale.
      const line = (selector: string): string | null | undefined =>
        root(element).querySelector(selector)?.textContent;
      expect(line('.api-used')).toBe('5,620 of 15,000 requests (37.5%)');
      expect(line('.api-budget')).toBe('6,000 requests: 40% of the allowance (Admin settings)');
      expect(line('.api-budget-used')).toBe('94%');
      expect(plain(line('.api-read-at'))).toBe('Mar 10, 2026, 9:55 AM');
      expect(root(element).querySelector('.allowance-bar')!.getAttribute('aria-valuenow')).toBe('37');
      expect(root(element).querySelector('.budget-bar')!.getAttribute('aria-valuenow')).toBe('94');
      expect(text(root(element).querySelector('.budget-warning'))).toBe(
        'The org is close to the sync budget: the service will slow its calls down when it reaches it.',
      );
    });

    it('says when the service has not reported usage or any user yet', async () => {
      const element = await loaded(syncErrors, syncStatusNotReported);
      expect(text(root(element).querySelector('.api-usage-empty'))).toContain(
        "The sync service has not reported the org's API usage yet.",
      );
      expect(text(root(element).querySelector('.users-empty'))).toBe(
        'No user has synced yet. The sync service lists each user here after their first sync.',
      );
      expect(root(element).querySelector('.heartbeat')).toBeNull();
    });
  });

  describe('last sync per user', () => {
    it('lists users stalest first and flags the ones the service has not reached', async () => {
      const element = await loaded();

      const rows = [...root(element).querySelectorAll('tr.user-row')].map((row) => [
        text(row.querySelector('.user-name')),
        text(row.querySelector('.slds-badge')),
      ]);
      expect(rows).toEqual([
        ['Dana Okafor', 'Never synced'],
        ['Marcus Webb', 'No sync in 24 h'],
        ['Priya Natarajan', 'Syncing'],
      ]);
      const priya = root(element).querySelector('tr.user-row[data-user-id="005Hs00000A1b2cIAB"]')!;
      expect(plain(priya.querySelector('.user-last-sync')!.textContent)).toBe(
        'Mar 10, 2026, 9:52 AM (8 minutes ago)',
      );
      const dana = root(element).querySelector('tr.user-row[data-user-id="005Hs00000A1b2eIAB"]')!;
      expect(dana.querySelector('.user-last-sync')!.textContent).toBe('Never');
      expect(priya.querySelector('a')!.getAttribute('href')).toBe(
        '/lightning/r/User/005Hs00000A1b2cIAB/view',
      );
      expect(root(element).querySelector('.heartbeat')!.textContent).toBe(
        'Last sync for anyone: 8 minutes ago',
      );
    });

    it('moves "... ago" on while the page stays open', async () => {
      const element = await loaded();
      jest.advanceTimersByTime(10 * 60_000);
      await flushPromises();
      expect(root(element).querySelector('.heartbeat')!.textContent).toBe(
        'Last sync for anyone: 18 minutes ago',
      );
    });
  });

  describe('live refresh', () => {
    it('subscribes to SIA_Sync_Notice__e and refreshes both lists on a notice', async () => {
      await loaded();
      expect(subscribe).toHaveBeenCalledWith('/event/SIA_Sync_Notice__e', -1, expect.any(Function));

      noticeCallback!(syncNotice);
      await flushPromises();
      expect(refreshErrors).toHaveBeenCalledTimes(1);
      expect(refreshStatus).toHaveBeenCalledTimes(1);
    });

    it('refreshes on demand', async () => {
      const element = await loaded();
      root(element).querySelector<HTMLElement>('lightning-button-icon.refresh')!.click();
      await flushPromises();
      expect(refreshErrors).toHaveBeenCalledTimes(1);
      expect(refreshStatus).toHaveBeenCalledTimes(1);
    });

    it('unsubscribes when it leaves the page', async () => {
      const element = await loaded();
      element.remove();
      await flushPromises();
      expect(unsubscribe).toHaveBeenCalledWith({
        id: 'sub-health',
        channel: '/event/SIA_Sync_Notice__e',
        replayId: -1,
      });
    });

    it('says live updates are off where streaming is unavailable', async () => {
      jest.mocked(isEmpEnabled).mockResolvedValue(false);
      const element = await loaded();
      expect(subscribe).not.toHaveBeenCalled();
      expect(text(root(element).querySelector('.live-off'))).toBe(
        'Live updates are off here; use Refresh to see what the sync service did since.',
      );
    });

    it('shows a failed refresh', async () => {
      const element = await loaded();
      refreshErrors.mockRejectedValueOnce(new Error('Network error'));
      noticeCallback!(syncNotice);
      await flushPromises();
      const panel = root(element).querySelector<HTMLElement & { friendlyMessage: string }>(
        'c-sia-error-panel.action-error',
      )!;
      expect(panel.friendlyMessage).toBe('SIA Sync health could not be refreshed');
    });
  });

  it('is accessible', async () => {
    const element = await loaded();
    await expect(element).toBeAccessible();
  });
});
