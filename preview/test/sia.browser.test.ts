// The SIA side of the demo in Chromium, as a rep uses it: every task in a view, a new task's place
// said out loud, bad input answered next to the field without changing it, a delete asked first,
// focus kept after each row action, and a page that works with a long subject and at 400 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  focusedElement,
  shownMessages,
  startBrowserDemo,
  waitFor,
  waitGone,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';
import { addDays } from '../../force-app/main/default/lwc/siaDateBuckets/siaDateBuckets.ts';
import { formatDate } from '../../force-app/main/default/lwc/siaFormat/siaFormat.ts';

const chromiumPath = findChromium();
/** "Dec 11, 2026" (en-US, Chromium's locale here). */
const DATE = String.raw`[A-Z][a-z]{2} \d{1,2}, \d{4}`;

// One demo for the file; each suite stays within the per-test time limit of `npm test`.
let harness: BrowserDemo | undefined;
const current = (): BrowserDemo => {
  if (harness === undefined) throw new Error('the demo did not start');
  return harness;
};
let today = '';

before(async () => {
  if (chromiumPath !== undefined) harness = await startBrowserDemo(chromiumPath);
});

after(async () => {
  await harness?.close();
});

async function siaPage(width = 1280): Promise<Page> {
  const page = await current().openPage('/sia/', { width });
  await waitVisible(page.locator('sia-task-row'), 'the SIA tasks');
  // The form starts on the owner's today, which the page read from the service.
  const start = await page.locator('sia-task-form').getByLabel('Due date').inputValue();
  assert.match(start, new RegExp(`^${DATE}$`));
  if (today === '') today = new Date(`${start} UTC`).toISOString().slice(0, 10);
  return page;
}

function row(page: Page, name: string): Locator {
  return page.locator('sia-task-row', { hasText: name });
}

function form(page: Page): Locator {
  return page.locator('sia-task-form');
}

async function view(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${label} \\(\\d+\\)$`) }).click();
}

async function addTask(page: Page, name: string, dueDate: string): Promise<void> {
  await form(page).getByLabel('What to do').fill(name);
  await form(page).getByLabel('Due date').fill(dueDate);
  await form(page).getByRole('button', { name: 'Add task' }).click();
}

describe(
  'SIA Command Center in Chromium: views and bad input',
  { skip: chromiumPath === undefined ? 'no Chromium' : false },
  () => {
    it(
      'a task due next week or last week is said to be where it went, and shows there',
      withScreenshots(current, async () => {
        const page = await siaPage();
        const next = addDays(today, 6);
        const name = 'Send Grace the security questionnaire';
        await addTask(page, name, formatDate(next, 'en-US'));
        const notice = page.locator('.created-notice');
        await waitVisible(notice, 'where the new task went');
        assert.equal(
          await notice.locator('.created-text').innerText(),
          `Added “${name}”. Due ${formatDate(next, 'en-US')}: under Upcoming; it shows in Command Center from ${formatDate(addDays(next, -1), 'en-US')}.`,
        );
        await notice.getByRole('button', { name: 'Show it under Upcoming' }).click();
        await waitFor(
          () => focusedElement(page),
          (focused) => focused === `BUTTON Complete ${name}`,
          'focus on the new task under Upcoming',
        );
        assert.equal(
          await page.locator('[data-section="upcoming"] sia-task-row', { hasText: name }).count(),
          1,
        );

        const late = 'Return Linus the signed NDA';
        await addTask(page, late, formatDate(addDays(today, -3), 'en-US'));
        await waitVisible(notice.getByText(`Added “${late}”.`, { exact: false }), 'where the late task went');
        assert.match(await notice.locator('.created-text').innerText(), /which has passed: under Overdue\.$/);
        await view(page, 'Overdue');
        const overdue = page.locator('[data-section="overdue"] sia-task-row', { hasText: late });
        await waitVisible(overdue, 'the late task under Overdue');
        assert.match(
          await overdue.locator('.task-details').innerText(),
          new RegExp(`Due ${DATE} \\(overdue\\)`),
        );
      }),
    );

    it(
      'bad input is answered next to the field, in plain words, and nothing typed is changed or lost',
      withScreenshots(current, async () => {
        const page = await siaPage();
        assert.equal(
          await form(page)
            .locator('form')
            .evaluate((f: { noValidate: boolean }) => f.noValidate),
          true,
        );
        const rows = await page.locator('sia-task-row').count();
        const name = form(page).getByLabel('What to do');
        const date = form(page).getByLabel('Due date');

        await name.fill('   ');
        await form(page).getByRole('button', { name: 'Add task' }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === 'INPUT What to do',
          'focus on What to do',
        );
        assert.deepEqual(await shownMessages(form(page).locator('[data-field="name"]')), [
          'Enter what to do.',
        ]);

        const long = `${'Ask about the renewal and the pilot scope, '.repeat(7)}and the SLA`;
        assert.equal(long.length, 312);
        await name.fill(long);
        await date.fill('the 11th');
        await form(page).getByRole('button', { name: 'Add task' }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === 'INPUT What to do',
          'focus on What to do',
        );
        assert.deepEqual(await shownMessages(form(page).locator('[data-field="name"]')), [
          'Shorten to 255 characters, the Salesforce subject limit (this has 312).',
        ]);
        assert.deepEqual(await shownMessages(form(page).locator('[data-field="dueDate"]')), [
          `Enter a date such as ${formatDate(today, 'en-US')}.`,
        ]);
        // What was typed is still there, whole.
        assert.equal(await name.inputValue(), long);
        assert.equal(await date.inputValue(), 'the 11th');
        assert.equal(await page.locator('sia-task-row').count(), rows);
        assert.equal(await page.locator('.created-notice').count(), 0);

        await date.fill('');
        await date.blur();
        // The message for the text typed before is still shown until the blur is handled: wait for
        // the message to change, then check it is the one for an empty date.
        const emptyDate = await waitFor(
          () => shownMessages(form(page).locator('[data-field="dueDate"]')),
          (messages) => messages.length > 0 && !messages[0]?.startsWith('Enter a date such as'),
          'the empty date message',
        );
        assert.deepEqual(emptyDate, ['Enter a due date.']);
      }),
    );
  },
);

describe(
  'SIA Command Center in Chromium: focus and narrow panes',
  { skip: chromiumPath === undefined ? 'no Chromium' : false },
  () => {
    it(
      'focus stays with the task through Edit, Cancel, Save, Complete, Reopen and Delete',
      withScreenshots(current, async () => {
        const page = await siaPage();
        const name = 'InMail Katherine about the pilot';
        const id = await row(page, name).getAttribute('data-task-id');
        const byId = page.locator(`sia-task-row[data-task-id="${id}"]`);
        await byId.getByRole('button', { name: 'Edit' }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === 'INPUT What to do',
          'focus in the edit form',
        );
        await byId.getByRole('button', { name: 'Cancel' }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === `BUTTON Edit ${name}`,
          'focus back on Edit',
        );

        // Save after an error: the first click saves; nothing moved when the message went.
        await page.keyboard.press('Enter');
        const editor = byId.locator('form.edit-form');
        await editor.getByLabel('What to do').fill('');
        const save = editor.getByRole('button', { name: 'Save' });
        await save.click();
        assert.deepEqual(await shownMessages(editor.locator('[data-field="name"]')), ['Enter what to do.']);
        const box = await save.boundingBox();
        const renamed = `${name} and the pricing`;
        await editor.getByLabel('What to do').fill(renamed);
        await editor.getByLabel('What to do').blur();
        await waitFor(
          () => shownMessages(editor.locator('[data-field="name"]')),
          (messages) => messages.length === 0,
          'the message gone once the name is there',
        );
        assert.deepEqual(await save.boundingBox(), box, 'Save did not move');
        await save.click();
        await waitVisible(row(page, renamed).locator('.task-name', { hasText: renamed }), 'the saved name');
        await waitFor(
          () => focusedElement(page),
          (f) => f === `BUTTON Edit ${renamed}`,
          'focus back on Edit after Save',
        );

        // Complete: the task goes to Done, focus to the next task in the view.
        // The next task in the view (today, then tomorrow), or the one before when it was the last.
        const order = await page
          .locator('[data-section="today"] .task-name, [data-section="tomorrow"] .task-name')
          .allInnerTexts();
        const next = order[order.indexOf(renamed) + 1] ?? order[order.indexOf(renamed) - 1];
        assert.ok(next !== undefined, `another task due today: ${order.join(', ')}`);
        await byId.getByRole('button', { name: 'Complete' }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === `BUTTON Complete ${next}`,
          'focus on the next task',
        );
        assert.match(
          await page.locator('.announcement').innerText(),
          /^Completed “.*”\. It is under Done\.$/,
        );

        // Reopen from Done: the task goes back to Command Center; focus stays in Done or its heading.
        await view(page, 'Done');
        const done = page.locator(`[data-section="done"] sia-task-row[data-task-id="${id}"]`);
        await done.getByRole('button', { name: 'Reopen' }).click();
        await waitGone(done, 'the reopened task under Done');
        await waitFor(
          () => focusedElement(page),
          (f) => f !== 'BODY',
          'focus kept somewhere in the Done view',
        );

        // Delete asks first; Keep it goes back to the button, Delete removes and moves focus on.
        await view(page, 'Command Center');
        const reopened = page.locator(`[data-section="today"] sia-task-row[data-task-id="${id}"]`);
        await waitVisible(reopened, 'the reopened task under Due today');
        await reopened.getByRole('button', { name: `Delete ${renamed}` }).click();
        await waitFor(
          () => focusedElement(page),
          (f) => f === 'BUTTON Keep it',
          'focus on Keep it',
        );
        await page.keyboard.press('Enter');
        await waitFor(
          () => focusedElement(page),
          (f) => f === `BUTTON Delete ${renamed}`,
          'focus back on Delete',
        );
        await page.keyboard.press('Enter');
        await reopened.getByRole('button', { name: 'Delete here and in Salesforce' }).click();
        await waitGone(reopened, 'the deleted task');
        await waitFor(
          () => focusedElement(page),
          (f) => f.startsWith('BUTTON Complete '),
          'focus on a neighbouring task after Delete',
        );
      }),
    );

    it(
      'a 255-character subject with no spaces wraps inside the row; at 400 px nothing leaves the screen',
      withScreenshots(current, async () => {
        const page = await siaPage();
        const long = 'X'.repeat(255);
        await addTask(page, long, formatDate(today, 'en-US'));
        const added = row(page, long);
        await waitVisible(added, 'the long task');
        const pane = await page.locator('.views').boundingBox();
        const button = await added.locator('.delete button').boundingBox();
        assert.ok(pane !== null && button !== null);
        assert.ok(button.x + button.width <= pane.x + pane.width, 'Delete is inside the pane');

        const narrow = await siaPage(400);
        const overflow = await narrow.evaluate(() => {
          const root = (
            globalThis as unknown as {
              document: { documentElement: { scrollWidth: number; clientWidth: number } };
            }
          ).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        assert.equal(overflow, 0, 'no sideways scrolling at 400 px');
        for (const button of await narrow.locator('sia-task-row button').all()) {
          const box = await button.boundingBox();
          assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 400, 'every row button within 400 px');
        }
      }),
    );
  },
);
