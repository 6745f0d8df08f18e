// The package's Salesforce screens in Chromium beyond settings: Sync Health as an admin and a rep
// reads it, every link opening a real page, and the task cards (what the count counts, dates in the
// user's locale, focus after each row action, clicks not lost to a layout jump).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  focusedElement,
  refreshSyncHealthUntil,
  shownMessages,
  startBrowserDemo,
  waitFor,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const chromiumPath = findChromium();
const HEALTH = '/salesforce/#/n/SIA_Sync_Health';
/** "Dec 4, 2026, 3:58 PM" (en-US, the demo users' locale); ICU puts U+202F or a space before PM. */
const DATE_TIME = String.raw`[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M`;
const AGO = String.raw`(now|\d+ minutes? ago|\d+ hours? ago)`;
const DUE = /^Due [A-Z][a-z]{2} \d{1,2}, \d{4}$/;

describe(
  'Salesforce screens in Chromium',
  { skip: chromiumPath === undefined ? 'no Chromium' : false },
  () => {
    let harness: BrowserDemo | undefined;
    const current = (): BrowserDemo => {
      if (harness === undefined) throw new Error('the demo did not start');
      return harness;
    };
    const renewal = 'Call Ada about the renewal terms';
    const onboarding = 'Email Ada the onboarding plan';

    before(async () => {
      assert.ok(chromiumPath !== undefined);
      harness = await startBrowserDemo(chromiumPath);
    });

    after(async () => {
      await harness?.close();
    });

    async function contactPage(): Promise<Page> {
      const page = await current().openPage(`/salesforce/#/r/Contact/${current().demo.demo.contactId}`);
      await waitVisible(taskRow(page, renewal), 'the synced task on the Contact page');
      await waitVisible(taskRow(page, onboarding), 'the second synced task on the Contact page');
      return page;
    }

    function taskRow(page: Page, subject: string): Locator {
      return page.locator('c-sia-synced-tasks li.task-row', { hasText: subject });
    }

    async function taskId(page: Page, subject: string): Promise<string> {
      const id = await taskRow(page, subject).getAttribute('data-task-id');
      assert.ok(id !== null, `no Task id on the row of ${subject}`);
      return id;
    }

    it(
      'Sync Health reads as sentences: words and numbers spaced, dates in the user locale',
      withScreenshots(current, async () => {
        const page = await current().openPage(HEALTH, { as: 'admin' });
        const used = page.locator('c-sia-sync-health .api-used');
        // A fresh demo's service reports its first usage within seconds; Refresh reads it again.
        await refreshSyncHealthUntil(page, used, 'the API usage the service reported');
        assert.match(await used.innerText(), /^\d[\d,]* of 15,000 requests \(\d+(\.\d)?%\)$/);
        assert.equal(
          await page.locator('.api-budget').innerText(),
          '7,500 requests: 50% of the allowance (built-in default; set it in SIA Sync Settings)',
        );
        assert.match(await page.locator('.api-budget-used').innerText(), /^\d+%$/);
        assert.match(await page.locator('.api-read-at').innerText(), new RegExp(`^${DATE_TIME}$`));
        const heartbeat = page.locator('.heartbeat');
        await waitVisible(heartbeat, 'the last sync for anyone');
        assert.match(await heartbeat.innerText(), new RegExp(`^Last sync for anyone: ${AGO}$`));
        const rep = page.locator('tr.user-row', { hasText: 'Riley Rep' });
        await waitVisible(rep, 'the rep in Last sync per user');
        assert.match(
          await rep.locator('.user-last-sync').innerText(),
          new RegExp(`^${DATE_TIME} \\(${AGO}\\)$`),
        );
      }),
    );

    it(
      'a rep without SIA Sync Admin has no Health tab, and its address says what they lack',
      withScreenshots(current, async () => {
        const page = await current().openPage(HEALTH, { as: 'rep' });
        const notice = page.locator('c-sia-sync-health .needs-admin');
        await waitVisible(notice, 'the needs-SIA-Sync-Admin notice');
        assert.equal(
          await notice.locator('h2').innerText(),
          'SIA Sync Health needs the SIA Sync Admin permission set',
        );
        assert.equal(await page.locator('c-sia-sync-health .api-usage').count(), 0);
        assert.equal(await page.locator('c-sia-sync-health .user-sync').count(), 0);
        assert.deepEqual(await page.locator('nav[aria-label="SIA Sync app"] a').allInnerTexts(), [
          'Home',
          'SIA Sync Settings',
        ]);
      }),
    );

    it(
      'a task subject opens the Task, whose lookups open the User and the Contact, in page and by address',
      withScreenshots(current, async () => {
        const page = await contactPage();
        const id = await taskId(page, renewal);
        const subject = taskRow(page, renewal).locator('a.task-subject');
        assert.equal(await subject.getAttribute('href'), `/lightning/r/Task/${id}/view`);
        await subject.click();
        await waitFor(
          () => page.locator('preview-record-page .record-title').innerText(),
          (title) => title === renewal,
          'the Task record page',
        );
        assert.equal(await page.locator('.record-object').innerText(), 'Task');
        assert.match(
          await page.locator('[data-field="ActivityDate"]').innerText(),
          /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/,
        );

        await page.locator('[data-field="OwnerId"] a').click();
        await waitFor(
          () => page.locator('.record-title').innerText(),
          (title) => title === 'Riley Rep',
          'the User record page',
        );
        assert.equal(await page.locator('.record-object').innerText(), 'User');

        // The Lightning address itself, as opened in a new tab, lands on the same page.
        const tab = await current().openPage(`/lightning/r/Task/${id}/view`);
        await waitFor(
          () => tab.locator('.record-title').innerText(),
          (title) => title === renewal,
          'the Task page from its Lightning address',
        );
        await tab.locator('[data-field="WhoId"] a').click();
        await waitVisible(tab.locator('c-sia-synced-tasks'), 'the Contact page with its SIA tasks');
      }),
    );

    it(
      'Sync Health links open the error record, the affected Task and the user',
      withScreenshots(current, async () => {
        const contact = await contactPage();
        const id = await taskId(contact, renewal);
        const { demo } = current().demo;
        await current().demo.emulatorAdmin.seed([
          {
            type: 'SIA_Sync_Error__c',
            fields: {
              Category__c: 'AccessValidation',
              Error_Code__c: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
              Message__c: 'Tasks on closed opportunities cannot be edited.',
              Direction__c: 'SiaToSalesforce',
              Object_Api_Name__c: 'Task',
              Record_Id__c: id,
              User__c: demo.rep.userId,
              Occurred_At__c: new Date().toISOString(),
            },
          },
        ]);
        const page = await current().openPage(HEALTH, { as: 'admin' });
        const row = page.locator('tr.error-row', { hasText: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
        await waitVisible(row, 'the sync error');
        assert.match(await row.locator('.error-occurred').innerText(), new RegExp(`^${DATE_TIME}$`));

        await row.locator('a.record-link').click();
        await waitFor(
          () => page.locator('.record-title').innerText(),
          (title) => title === renewal,
          'the affected Task',
        );
        await page.goBack();
        await row.locator('a.error-name').click();
        await waitFor(
          () => page.locator('.record-object').innerText(),
          (object) => object === 'SIA Sync Error',
          'the error record',
        );
        assert.equal(
          await page.locator('[data-field="Error_Code__c"]').innerText(),
          'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        );
        await page.goBack();
        await page.locator('tr.user-row a', { hasText: 'Riley Rep' }).click();
        await waitFor(
          () => page.locator('.record-object').innerText(),
          (object) => object === 'User',
          'the user record',
        );
      }),
    );

    it(
      'the task card counts what it lists, with due dates in the user locale',
      withScreenshots(current, async () => {
        const page = await contactPage();
        const title = await page
          .locator('c-sia-synced-tasks lightning-card .slds-card__header-title')
          .innerText();
        const match = /^SIA Tasks \((\d+) open, (\d+) completed\)$/.exec(title);
        assert.ok(match, `the title says what it counts: ${title}`);
        const completed = await page
          .locator('c-sia-synced-tasks [data-bucket="completed"] li.task-row')
          .count();
        const all = await page.locator('c-sia-synced-tasks li.task-row').count();
        assert.deepEqual([Number(match[1]), Number(match[2])], [all - completed, completed]);
        for (const due of await page.locator('c-sia-synced-tasks .task-due').allInnerTexts())
          assert.match(due, DUE);
      }),
    );

    it(
      'focus stays with the task through Complete, Reopen, Change due date and Cancel',
      withScreenshots(current, async () => {
        const page = await contactPage();
        await taskRow(page, onboarding)
          .getByRole('button', { name: `Complete: ${onboarding}` })
          .click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused === `BUTTON Reopen: ${onboarding}`,
          'focus on Reopen of the completed task',
        );
        assert.equal(
          await page
            .locator('c-sia-synced-tasks [data-bucket="completed"] li.task-row', { hasText: onboarding })
            .count(),
          1,
        );
        await page.keyboard.press('Enter');
        await waitFor(
          () => focusedElement(page),
          (focused) => focused === `BUTTON Complete: ${onboarding}`,
          'focus back on Complete of the reopened task',
        );

        const change = taskRow(page, onboarding).getByRole('button', {
          name: `Change due date: ${onboarding}`,
        });
        await change.click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused.startsWith(`INPUT New due date for ${onboarding}`),
          'focus in the due date field',
        );
        await taskRow(page, onboarding).getByRole('button', { name: 'Cancel' }).click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused === `BUTTON Change due date: ${onboarding}`,
          'focus back on Change due date after Cancel',
        );
      }),
    );

    it(
      'after a due date error, the first click on Save saves: nothing moves when the message goes',
      withScreenshots(current, async () => {
        const page = await contactPage();
        const row = taskRow(page, renewal);
        await row.getByRole('button', { name: `Change due date: ${renewal}` }).click();
        const date = row.getByLabel(`New due date for ${renewal}`);
        await date.fill('');
        const save = row.getByRole('button', { name: 'Save' });
        await save.click();
        const editor = row.locator('.due-date-editor');
        await waitFor(
          () => shownMessages(editor),
          (messages) => messages.length > 0,
          'the due date message',
        );
        assert.deepEqual(await shownMessages(editor), ['Enter a due date.']);

        const before = await save.boundingBox();
        await date.fill('Jan 15, 2031');
        await date.blur();
        await waitFor(
          () => shownMessages(editor),
          (messages) => messages.length === 0,
          'the message gone once the date is valid',
        );
        assert.deepEqual(await save.boundingBox(), before, 'Save did not move');
        await save.click();
        await waitVisible(
          taskRow(page, renewal).locator('.task-due', { hasText: 'Due Jan 15, 2031' }),
          'the new due date after one click on Save',
        );
      }),
    );
  },
);
