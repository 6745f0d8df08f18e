// Browser tests of the local demo in real Chromium: the SIA Command Center page and the
// Salesforce pages with the package's components, kept in sync by the service through the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  axeViolations,
  startBrowserDemo,
  waitGone,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const chromiumPath = findChromium();
const skipBrowserTests = process.env.SKIP_BROWSER_TESTS === '1';
const NO_CHROMIUM = [
  'No Chromium found for the browser tests (looked at CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser).',
  'Install it: apt-get install -y chromium   (or set SKIP_BROWSER_TESTS=1 to skip these tests).',
];
if (chromiumPath === undefined) console.error(`\n${NO_CHROMIUM.map((line) => `!!! ${line}`).join('\n')}\n`);

function siaRow(page: Page, name: string) {
  return page.locator('sia-task-row', { hasText: name });
}

function salesforceRow(page: Page, name: string) {
  return page.locator('c-sia-synced-tasks li.task-row', { hasText: name });
}

describe('browser test prerequisites', () => {
  it('finds Chromium to drive', { skip: skipBrowserTests ? 'SKIP_BROWSER_TESTS=1' : false }, () => {
    assert.ok(chromiumPath !== undefined, NO_CHROMIUM.join(' '));
  });
});

describe('local demo in Chromium', { skip: chromiumPath === undefined ? 'no Chromium' : false }, () => {
  let harness: BrowserDemo | undefined;
  const current = (): BrowserDemo => {
    if (harness === undefined) throw new Error('the demo did not start');
    return harness;
  };
  let sia: Page;
  let contact: Page;
  const stamp = Date.now().toString(36);
  const newTask = `Call Ada about the pilot scope ${stamp}`;

  before(async () => {
    assert.ok(chromiumPath !== undefined);
    harness = await startBrowserDemo(chromiumPath);
    sia = await current().openPage('/sia/');
    contact = await current().openPage(`/salesforce/#/r/Contact/${current().demo.demo.contactId}`);
    await waitVisible(sia.locator('sia-sync-status'), 'the SIA sync status');
    await waitVisible(
      contact.locator('c-sia-synced-tasks li.task-row'),
      'the synced tasks on the Contact page',
    );
  });

  after(async () => {
    await harness?.close();
  });

  it(
    'the SIA Command Center page has no WCAG 2 A or AA violations (axe-core)',
    withScreenshots(current, async () => {
      assert.deepEqual(await axeViolations(sia), []);
    }),
  );

  it(
    'the two-pane demo page at 400 px stacks SIA above Salesforce, each the full width, nothing sideways',
    withScreenshots(current, async () => {
      const page = await current().openPage('/', { width: 400 });
      const siaPane = page.locator('section.pane[aria-label="SIA"]');
      const salesforcePane = page.locator('section.pane[aria-label="Salesforce"]');
      const siaBox = await siaPane.boundingBox();
      const salesforceBox = await salesforcePane.boundingBox();
      assert.ok(siaBox !== null && salesforceBox !== null, 'both panes are laid out');
      assert.equal(Math.round(siaBox.width), 400, 'the SIA pane takes the full width');
      assert.equal(Math.round(salesforceBox.width), 400, 'the Salesforce pane takes the full width');
      assert.ok(salesforceBox.y >= siaBox.y + siaBox.height, 'the Salesforce pane sits below the SIA pane');
      assert.ok(siaBox.height >= 600, `the SIA pane is a screen high, not squeezed (${siaBox.height} px)`);
      const overflow = await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.equal(overflow, 0, 'no sideways scrolling on the demo page at 400 px');
      // Inside the SIA pane the Command Center is usable: its form and every row button fit the pane.
      const frame = page.frameLocator('iframe[title="SIA Command Center"]');
      await waitVisible(frame.locator('sia-task-row').first(), 'a task row in the SIA pane');
      const add = await frame.getByRole('button', { name: 'Add task' }).boundingBox();
      assert.ok(add !== null && add.x >= 0 && add.x + add.width <= 400, 'Add task within the pane');
      for (const button of await frame.locator('sia-task-row button').all()) {
        const box = await button.boundingBox();
        assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 400, 'every row button within the pane');
      }
    }),
  );

  it(
    'a task created on the SIA page appears on the Contact page',
    withScreenshots(current, async () => {
      await sia.getByLabel('What to do').fill(newTask);
      await sia.getByRole('combobox', { name: 'About' }).click();
      await sia.getByRole('option', { name: 'Ada Lovelace (Contact)' }).click();
      await sia.getByRole('button', { name: 'Add task' }).click();
      await waitVisible(siaRow(sia, newTask), 'the new task on the SIA page', 10_000);
      await waitVisible(siaRow(sia, newTask).getByText('In Salesforce'), 'the task marked as pushed');
      // No reload: the service's SIA_Sync_Notice__e for the push names the task's WhoId, so the open
      // Contact page refreshes on it.
      await waitVisible(salesforceRow(contact, newTask), 'the new task on the Contact page', 10_000);
    }),
  );

  it(
    'a task completed on the Contact page shows as completed on the SIA page',
    withScreenshots(current, async () => {
      await contact.getByRole('button', { name: `Complete: ${newTask}` }).click();
      await waitVisible(
        contact.locator('c-sia-synced-tasks [data-bucket="completed"] li.task-row', { hasText: newTask }),
        'the task under Completed on the Contact page',
        10_000,
      );
      await sia.getByRole('tab', { name: /^Done/ }).click();
      const done = sia.locator('[data-section="done"] sia-task-row', { hasText: newTask });
      await waitVisible(done, 'the task under Done on the SIA page');
      await waitVisible(done.getByText('Completed'), 'the task marked Completed on the SIA page');
      await waitGone(
        sia.locator('[data-section="today"] sia-task-row', { hasText: newTask }),
        'the task under Due today',
      );
      await sia.getByRole('tab', { name: /^Command Center/ }).click();
    }),
  );

  it(
    'a task edited, then deleted on the SIA page changes, then leaves the open Contact page',
    withScreenshots(current, async () => {
      const original = 'Call Ada about the renewal terms';
      const renamed = `Call Ada about the renewal terms and the SLA ${stamp}`;
      await waitVisible(salesforceRow(contact, original), 'the task to edit on the Contact page', 10_000);
      await siaRow(sia, original).getByRole('button', { name: 'Edit' }).click();
      const editor = sia.locator('sia-task-row form.edit-form');
      await editor.getByLabel('What to do').fill(renamed);
      await editor.getByRole('button', { name: 'Save' }).click();
      await waitVisible(siaRow(sia, renamed), 'the renamed task on the SIA page', 10_000);
      // The task is on the Contact page already, so the service's notice naming it refreshes the page.
      await waitVisible(salesforceRow(contact, renamed), 'the renamed task on the Contact page');
      await siaRow(sia, renamed)
        .getByRole('button', { name: `Delete ${renamed}` })
        .click();
      // It asks first, and says the Salesforce Task goes too.
      const confirm = siaRow(sia, renamed).locator('.delete-confirm');
      assert.equal(
        await confirm.locator('.confirm-text').innerText(),
        `Delete “${renamed}”? Its Salesforce Task is deleted too. This cannot be undone.`,
      );
      await confirm.getByRole('button', { name: 'Delete here and in Salesforce' }).click();
      await waitGone(siaRow(sia, renamed), 'the deleted task on the SIA page', 10_000);
      await waitGone(salesforceRow(contact, renamed), 'the deleted task on the Contact page');
    }),
  );

  it(
    'a setting changed on the settings page takes effect: skipped tasks are deleted in Salesforce',
    withScreenshots(current, async () => {
      const settings = await current().openPage('/salesforce/#/n/SIA_Sync_Settings');
      const mode = 'Sync; skipped SIA tasks are deleted in Salesforce';
      await settings.getByText(mode, { exact: true }).click();
      assert.equal(await settings.getByLabel(mode).isChecked(), true);
      await settings.getByRole('button', { name: 'Save' }).click();
      await waitVisible(
        sia.locator('.sync-mode', { hasText: 'skipped tasks are deleted in Salesforce' }),
        'the new sync mode on the SIA page',
      );
      const skipped = 'Email Ada the onboarding plan';
      await waitVisible(salesforceRow(contact, skipped), 'the task to skip on the Contact page', 10_000);
      await siaRow(sia, skipped).getByRole('button', { name: 'Skip' }).click();
      await sia.getByRole('tab', { name: /^Done/ }).click();
      // SyncDeleteSkipped: the Salesforce task is deleted, not completed, so it leaves the page, and
      // the SIA row says so as the setting's doing, not as a failure.
      await waitGone(salesforceRow(contact, skipped), 'the skipped task on the Contact page');
      await waitVisible(
        sia
          .locator('[data-section="done"] sia-task-row', { hasText: skipped })
          .getByText('Skipped (removed from Salesforce)', { exact: false }),
        'the skipped task under Done, removed from Salesforce',
      );
      assert.equal(
        await sia
          .locator('[data-section="done"] sia-task-row', { hasText: skipped })
          .getByText('Not in Salesforce')
          .count(),
        0,
      );
    }),
  );
});
