// The SIA Sync Settings screen in Chromium, as an admin and a rep use it: where it opens, what each
// choice shows, and what a failed save or Activate tells them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  focusedElement,
  inViewport,
  shownMessages,
  startBrowserDemo,
  waitFor,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const chromiumPath = findChromium();
const SETTINGS = '/salesforce/#/n/SIA_Sync_Settings';

/** The messages under a settings control, as they read on screen. */
function fieldMessages(page: Page, field: string): Promise<string[]> {
  return shownMessages(page.locator(`[data-field="${field}"]`));
}

describe(
  'SIA Sync Settings in Chromium',
  { skip: chromiumPath === undefined ? 'no Chromium' : false },
  () => {
    let harness: BrowserDemo | undefined;
    const current = (): BrowserDemo => {
      if (harness === undefined) throw new Error('the demo did not start');
      return harness;
    };

    before(async () => {
      assert.ok(chromiumPath !== undefined);
      harness = await startBrowserDemo(chromiumPath);
    });

    after(async () => {
      await harness?.close();
    });

    async function openSettings(as: 'rep' | 'admin'): Promise<Page> {
      const page = await current().openPage(SETTINGS, { as });
      await waitVisible(page.locator('c-sia-sync-settings .scope-title'), 'the settings form');
      return page;
    }

    it(
      'an admin lands on Admin settings, each org choice shows what applies, and the tabs stay two',
      withScreenshots(current, async () => {
        const page = await openSettings('admin');
        assert.equal(await page.locator('.scope-title').innerText(), 'Admin settings');
        // Blank org settings show the built-in values that apply, as "In effect" says.
        assert.equal(await page.getByLabel('No override: each user chooses').isChecked(), true);
        assert.equal(await page.getByLabel('Leads and Contacts').isChecked(), true);
        assert.equal(
          await page.getByLabel('Reminder task subject (InMail and other reminders)').inputValue(),
          '{{activity_subject}}',
        );
        assert.equal(await page.getByLabel('API budget (% of the daily allowance)').inputValue(), '50');

        const scope = page.locator('.scope-picker');
        for (const label of ['My account', 'Admin settings', 'My account', 'Admin settings']) {
          await scope.getByText(label, { exact: true }).click();
          await waitFor(
            () => page.locator('.scope-title').innerText(),
            (title) => title === label,
            `the ${label} title`,
          );
        }
        assert.deepEqual(await page.getByRole('tab').allInnerTexts(), [
          'Salesforce API',
          'Email to Salesforce (BCC)',
        ]);
        assert.deepEqual(
          current().pageErrors.filter((error) => error.includes('/salesforce/')),
          [],
        );
      }),
    );

    it(
      'a failed save takes the user to the field in trouble, on its tab, with the reason next to Save',
      withScreenshots(current, async () => {
        const page = await openSettings('rep');
        await page.getByRole('tab', { name: 'Email to Salesforce (BCC)' }).click();
        await page.getByLabel('Email to Salesforce address').fill('not-an-address');
        await page.getByRole('tab', { name: 'Salesforce API' }).click();
        await page.getByRole('button', { name: 'Save' }).click();

        await waitFor(
          () => focusedElement(page),
          (focused) => focused === 'INPUT Email to Salesforce address',
          'focus on the address field',
        );
        assert.equal(
          await page.getByRole('tab', { name: 'Email to Salesforce (BCC)' }).getAttribute('aria-selected'),
          'true',
        );
        const summary = page.locator('.field-error-summary');
        assert.equal(
          (await summary.innerText()).replace(/\s+/g, ' ').trim(),
          'Not saved. Check these settings: Email to Salesforce address: Enter an email address like name@example.com.',
        );
        assert.ok(await inViewport(summary), 'the summary is in view');
        assert.ok(await inViewport(page.getByLabel('Email to Salesforce address')), 'the field is in view');
        // One message on the field, the same words as the summary.
        assert.deepEqual(await fieldMessages(page, 'Bcc_Address__c'), [
          'Enter an email address like name@example.com.',
        ]);

        // The summary's link leads back to the field from anywhere.
        await page.getByRole('tab', { name: 'Salesforce API' }).click();
        await summary.getByRole('button', { name: 'Email to Salesforce address' }).click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused === 'INPUT Email to Salesforce address',
          'focus back on the address field',
        );
      }),
    );

    it(
      'Activate with an unsaved invalid address says it is not active, and why',
      withScreenshots(current, async () => {
        const page = await openSettings('rep');
        await page.getByRole('tab', { name: 'Email to Salesforce (BCC)' }).click();
        await page.getByLabel('Email to Salesforce address').fill('me@');
        await page.getByRole('button', { name: 'Activate' }).click();

        await waitVisible(page.locator('.field-error-summary'), 'the reason Activate did not save');
        assert.equal(
          await page.locator('.bcc-status').innerText(),
          'Email to Salesforce (BCC) is not active.',
        );
        assert.equal(await page.getByRole('button', { name: 'Activate' }).count(), 1);
        assert.deepEqual(await fieldMessages(page, 'Bcc_Address__c'), [
          'Enter an email address like name@example.com.',
        ]);
        assert.equal(await focusedElement(page), 'INPUT Email to Salesforce address');
      }),
    );

    it(
      'a field out of range says one thing in plain words, when typed and when saved',
      withScreenshots(current, async () => {
        const page = await openSettings('admin');
        const budget = page.getByLabel('API budget (% of the daily allowance)');
        await budget.fill('150');
        await budget.blur();
        await waitFor(
          () => fieldMessages(page, 'Api_Budget_Percent__c'),
          (messages) => messages.length > 0,
          'the budget message after leaving the field',
        );
        assert.deepEqual(await fieldMessages(page, 'Api_Budget_Percent__c'), [
          'Enter a whole number from 1 to 100.',
        ]);
        await page.getByRole('button', { name: 'Save' }).click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused.startsWith('INPUT API budget'),
          'focus on the budget field',
        );
        assert.deepEqual(await fieldMessages(page, 'Api_Budget_Percent__c'), [
          'Enter a whole number from 1 to 100.',
        ]);
        assert.ok(await inViewport(page.locator('.field-error-summary')), 'the summary is in view');
      }),
    );
  },
);
