// The rep's Settings → My Account → Salesforce panel on the SIA page, in Chromium: Connect goes
// through the emulator's real login and approval pages and comes back through the service's OAuth
// callback; Disconnect revokes. Both environments are offered (production or sandbox).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_REP_USERNAME } from '../demo/demo-data.ts';
import { DEFAULT_USER_PASSWORD } from '../../emulator/src/auth/passwords.ts';
import {
  startBrowserDemo,
  waitFor,
  waitVisible,
  withScreenshots,
  type BrowserDemo,
} from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const chromiumPath = findChromium();

async function statusText(page: Page): Promise<string> {
  return page.locator('sia-salesforce-connection .connection-status').innerText();
}

describe(
  "the rep's Salesforce connection in Chromium",
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

    it(
      'connects through the login and approval pages, then disconnects',
      withScreenshots(current, async () => {
        const page = await current().openPage('/sia/');
        const panel = page.locator('sia-salesforce-connection');
        await waitVisible(panel.locator('.connection-status'), 'the connection panel');
        assert.equal(await statusText(page), 'Not connected');
        assert.equal(await panel.getByRole('radio', { name: 'Production' }).isChecked(), true);
        assert.equal(await panel.getByRole('radio', { name: 'Sandbox' }).count(), 1);

        await panel.getByRole('button', { name: 'Connect' }).click();
        // The emulator's login page, on its production login host (a sandbox's says "Log In to Sandbox").
        await waitVisible(page.getByLabel('Username'), 'the Salesforce login page');
        assert.equal(await page.locator('h1').innerText(), 'Log In');
        await page.getByLabel('Username').fill(DEMO_REP_USERNAME);
        await page.getByLabel('Password').fill(DEFAULT_USER_PASSWORD);
        await page.getByRole('button', { name: 'Log In' }).click();
        // The approval page.
        await waitVisible(page.getByRole('button', { name: 'Allow' }), 'the approval page');
        await page.getByRole('button', { name: 'Allow' }).click();

        // Back on the SIA page through the service's callback.
        await page.waitForURL((url) => url.pathname === '/sia/', { timeout: 30_000 });
        await waitVisible(panel.locator('.connection-outcome'), 'the outcome');
        assert.equal(await panel.locator('.connection-outcome').innerText(), 'Salesforce is connected.');
        await waitFor(
          () => statusText(page),
          (text) => text === `Connected as ${DEMO_REP_USERNAME} (production)`,
          'connected as the rep',
        );
        assert.doesNotMatch(page.url(), /salesforceConnection=/, 'the outcome leaves the address bar');

        await panel.getByRole('button', { name: 'Disconnect' }).click();
        await waitFor(
          () => statusText(page),
          (text) => text === 'Not connected',
          'disconnected',
        );
        assert.equal(await panel.getByRole('button', { name: 'Connect' }).count(), 1);
        assert.deepEqual(current().pageErrors, []);
      }),
    );
  },
);
