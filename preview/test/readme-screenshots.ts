// `npm run screenshots`: retakes the README's screenshots (preview/screenshots/) from a fresh demo
// in Chromium, so they show the screens as they are. Run it after changing what a screen shows.
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserDemo, waitVisible } from './browser-harness.ts';
import { findChromium } from './chromium.ts';

const OUT = resolve(import.meta.dirname, '..', 'screenshots');

/** Waits for the page's fonts (the pages keep a long poll open, so the network never idles). */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts
      .ready;
  });
}

async function main(): Promise<void> {
  const chromium = findChromium();
  if (chromium === undefined)
    throw new Error('No Chromium: apt-get install -y chromium, or set CHROMIUM_PATH.');
  const harness = await startBrowserDemo(chromium);
  try {
    const both = await harness.openPage('/', { width: 1600, height: 860 });
    const sia = both.frameLocator('iframe[title="SIA Command Center"]');
    const salesforce = both.frameLocator('iframe[title="Salesforce"]');
    await waitVisible(
      sia.locator('sia-task-row .task-details', { hasText: 'In Salesforce' }),
      'the SIA tasks',
    );
    await waitVisible(salesforce.locator('c-sia-synced-tasks li.task-row'), 'the Contact page tasks');
    await settled(both);
    await both.screenshot({ path: join(OUT, 'demo-two-sides.png') });

    const home = await harness.openPage('/salesforce/', { width: 1280, height: 560 });
    await waitVisible(home.locator('c-sia-command-center li.task-row'), 'SIA Command Center on Home');
    await settled(home);
    await home.screenshot({ path: join(OUT, 'salesforce-home.png') });

    const settings = await harness.openPage('/salesforce/#/n/SIA_Sync_Settings', {
      width: 1280,
      height: 1000,
    });
    await waitVisible(settings.locator('c-sia-sync-settings .scope-title'), 'the settings form');
    await settled(settings);
    await settings.screenshot({ path: join(OUT, 'sync-settings.png') });
    console.log(`Screenshots written to ${OUT}`);
  } finally {
    await harness.close();
  }
}

await main();
