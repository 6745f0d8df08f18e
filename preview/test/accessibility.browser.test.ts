// axe-core over every page of both sides of the demo, in the states people meet them in: tabs
// switched, errors shown, edit forms and confirmations open, as the rep and as the admin. A serious
// or critical violation fails; each state is its own test, so a failure names it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  axeViolations,
  refreshSyncHealthUntil,
  seriousOrCritical,
  startBrowserDemo,
  waitFor,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
  type PageOptions,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const chromiumPath = findChromium();
const SETTINGS = '/salesforce/#/n/SIA_Sync_Settings';
const HEALTH = '/salesforce/#/n/SIA_Sync_Health';

interface PageState {
  name: string;
  /** Where the page opens; a state without it goes on from the previous state's page (one load). */
  path?: (harness: BrowserDemo) => string;
  options?: PageOptions;
  /** Brings the page into the state to check, once it has loaded. */
  reach: (page: Page, harness: BrowserDemo) => Promise<void>;
}

const contactPath = (harness: BrowserDemo): string =>
  `/salesforce/#/r/Contact/${harness.demo.demo.contactId}`;
const siaRows = (page: Page) => waitVisible(page.locator('sia-task-row'), 'the SIA tasks');
const settingsForm = (page: Page) =>
  waitVisible(page.locator('c-sia-sync-settings .scope-title'), 'the settings form');

async function siaTab(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${label} \\(`) }).click();
  await waitFor(
    () => page.getByRole('tab', { selected: true }).innerText(),
    (selected) => selected.startsWith(label),
    `the ${label} tab`,
  );
}

async function failedSave(page: Page): Promise<void> {
  await settingsForm(page);
  await page.getByRole('tab', { name: 'Email to Salesforce (BCC)' }).click();
  await page.getByLabel('Email to Salesforce address').fill('not-an-address');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitVisible(page.locator('.field-error-summary'), 'the reasons the save failed');
}

const SIA_STATES: PageState[] = [
  {
    name: 'the two-sided demo page',
    path: () => '/',
    reach: (page) => waitVisible(page.locator('iframe').first(), 'the panes'),
  },
  { name: 'SIA: Command Center', path: () => '/sia/', reach: siaRows },
  { name: 'SIA: Overdue', reach: (page) => siaTab(page, 'Overdue') },
  { name: 'SIA: Upcoming', reach: (page) => siaTab(page, 'Upcoming') },
  { name: 'SIA: Done', reach: (page) => siaTab(page, 'Done') },
  {
    name: 'SIA: new task errors shown',
    reach: async (page) => {
      await siaTab(page, 'Command Center');
      await page.locator('sia-task-form').getByLabel('Due date').fill('someday');
      await page.getByRole('button', { name: 'Add task' }).click();
      await waitVisible(page.locator('sia-task-form .slds-has-error'), 'the field errors');
    },
  },
  {
    name: 'SIA: a new task added, with where it went',
    reach: async (page) => {
      const form = page.locator('sia-task-form');
      await form.getByLabel('What to do').fill('Plan the Q1 review with Alan');
      await form.getByLabel('Due date').fill('Dec 31, 2099');
      await form.getByRole('button', { name: 'Add task' }).click();
      await waitVisible(page.locator('.created-notice .show-created'), 'the Show it button');
    },
  },
  {
    name: 'SIA: edit form open with an error',
    reach: async (page) => {
      await page.locator('sia-task-row').first().getByRole('button', { name: 'Edit' }).click();
      const editor = page.locator('sia-task-row form.edit-form');
      await editor.getByLabel('What to do').fill('');
      await editor.getByRole('button', { name: 'Save' }).click();
      await waitVisible(editor.locator('.slds-has-error'), 'the edit error');
    },
  },
  {
    name: 'SIA: delete confirmation open',
    reach: async (page) => {
      await page.locator('sia-task-row .delete button').first().click();
      await waitVisible(page.locator('.delete-confirm'), 'the delete confirmation');
    },
  },
  { name: 'SIA: 400 px wide', path: () => '/sia/', options: { width: 400 }, reach: siaRows },
];

const REP_STATES: PageState[] = [
  {
    name: 'Salesforce (rep): Home',
    path: () => '/salesforce/',
    reach: (page) => waitVisible(page.locator('c-sia-command-center'), 'SIA Command Center on Home'),
  },
  {
    name: 'Salesforce (rep): Contact page, due date editor open with an error',
    path: contactPath,
    reach: async (page) => {
      const row = page.locator('c-sia-synced-tasks li.task-row').first();
      await waitVisible(row, 'the synced tasks');
      await row.locator('[data-action="reschedule"] button').click();
      await row.locator('lightning-input input').fill('');
      await row.getByRole('button', { name: 'Save' }).click();
      await waitVisible(row.locator('.slds-has-error'), 'the due date error');
    },
  },
  {
    name: 'Salesforce (rep): a Task record',
    path: contactPath,
    reach: async (page) => {
      const subject = page.locator('c-sia-synced-tasks a.task-subject').first();
      await waitVisible(subject, 'a task subject');
      await subject.click();
      await waitFor(
        () =>
          page
            .locator('.record-object')
            .innerText()
            .catch(() => ''),
        (object) => object === 'Task',
        'the Task record page',
      );
    },
  },
  { name: 'Salesforce (rep): Settings, My account', path: () => SETTINGS, reach: settingsForm },
  {
    name: 'Salesforce (rep): Settings, BCC tab',
    reach: async (page) => {
      await page.getByRole('tab', { name: 'Email to Salesforce (BCC)' }).click();
    },
  },
  { name: 'Salesforce (rep): Settings, a failed save', reach: failedSave },
  {
    name: 'Salesforce (rep): Health, needs SIA Sync Admin',
    path: () => HEALTH,
    reach: (page) => waitVisible(page.locator('c-sia-sync-health .needs-admin'), 'the needs-admin notice'),
  },
];

const ADMIN_STATES: PageState[] = [
  {
    name: 'Salesforce (admin): Home',
    path: () => '/salesforce/',
    options: { as: 'admin' },
    reach: (page) => waitVisible(page.locator('c-sia-command-center'), 'SIA Command Center on Home'),
  },
  {
    name: 'Salesforce (admin): Settings, Admin settings',
    path: () => SETTINGS,
    options: { as: 'admin' },
    reach: settingsForm,
  },
  {
    name: 'Salesforce (admin): Settings, Admin settings, a failed save',
    reach: failedSave,
  },
  {
    name: 'Salesforce (admin): Settings, My account',
    reach: async (page) => {
      await settingsForm(page);
      await page.locator('.scope-picker').getByText('My account', { exact: true }).click();
      await waitFor(
        () => page.locator('.scope-title').innerText(),
        (title) => title === 'My account',
        'the My account title',
      );
    },
  },
  {
    name: 'Salesforce (admin): Sync Health',
    path: () => HEALTH,
    options: { as: 'admin' },
    reach: (page) => waitVisible(page.locator('c-sia-sync-health .user-sync'), 'last sync per user'),
  },
  {
    name: 'Salesforce (admin): a User record',
    path: () => HEALTH,
    options: { as: 'admin' },
    reach: async (page) => {
      const user = page.locator('tr.user-row a').first();
      // The service writes a user's status row within seconds of its first pass (a loaded machine
      // may take longer than the page).
      await refreshSyncHealthUntil(page, user, 'a user in Last sync per user');
      await waitVisible(user, 'a user link');
      await user.click();
      await waitFor(
        () =>
          page
            .locator('.record-object')
            .innerText()
            .catch(() => ''),
        (object) => object === 'User',
        'the User record page',
      );
    },
  },
];

let harness: BrowserDemo | undefined;
const current = (): BrowserDemo => {
  if (harness === undefined) throw new Error('the demo did not start');
  return harness;
};

before(async () => {
  if (chromiumPath !== undefined) harness = await startBrowserDemo(chromiumPath);
});

after(async () => {
  await harness?.close();
});

/** One suite per side, each within the per-test time limit; a state without a path goes on in its page. */
function checkStates(title: string, states: PageState[]): void {
  describe(title, { skip: chromiumPath === undefined ? 'no Chromium' : false }, () => {
    let page: Page | undefined;
    for (const state of states) {
      it(
        state.name,
        withScreenshots(current, async () => {
          if (state.path !== undefined) {
            await page?.close();
            page = await current().openPage(state.path(current()), state.options);
          }
          assert.ok(page !== undefined, 'the first state opens a page');
          await state.reach(page, current());
          assert.deepEqual(seriousOrCritical(await axeViolations(page)), []);
        }),
      );
    }
  });
}

checkStates('axe-core: the SIA side and the two-pane page (no serious or critical violation)', SIA_STATES);
checkStates('axe-core: Salesforce as the rep (no serious or critical violation)', REP_STATES);
checkStates('axe-core: Salesforce as the admin (no serious or critical violation)', ADMIN_STATES);
