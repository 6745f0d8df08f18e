// Shared set-up of the browser tests: one demo stack on a throw-away data folder and free ports,
// one Chromium, bounded waits, and a screenshot of every open page when a test fails.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../demo/demo-stack.ts';
import { launchChromium } from './chromium.ts';

export const RESULTS_DIR = resolve(import.meta.dirname, '..', '..', 'test-results');
/** Long enough for a push or a change event round trip; a failure shows within it, not after minutes. */
export const SYNC_WAIT_MS = 30_000;

export interface BrowserDemo {
  demo: RunningDemo;
  browser: Browser;
  dataDir: string;
  pages: Page[];
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserDemo(chromiumPath: string): Promise<BrowserDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sia-demo-test-'));
  const demo = await startDemo({ dataDir, previewPort: 0, reset: true, log: () => undefined });
  let browser: Browser;
  try {
    browser = await launchChromium(chromiumPath);
  } catch (error) {
    await demo.close();
    throw error;
  }
  const pages: Page[] = [];
  return {
    demo,
    browser,
    dataDir,
    pages,
    async openPage(path) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      pages.push(page);
      await page.goto(`${demo.url}${path}`);
      return page;
    },
    async close() {
      await browser.close();
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot of each open page under test-results/, named after the test. */
export async function screenshotPages(pages: Page[], testName: string): Promise<string[]> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stem = testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const files: string[] = [];
  for (const [index, page] of pages.entries()) {
    if (page.isClosed()) continue;
    const file = join(RESULTS_DIR, `${stem}-${index + 1}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    files.push(file);
  }
  return files;
}

/** Waits until the locator matches a visible element, or fails naming what it waited for. */
export async function waitVisible(locator: Locator, what: string, timeout = SYNC_WAIT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`${what}: not visible within ${timeout / 1000} s`);
  }
}

export async function waitGone(locator: Locator, what: string, timeout = SYNC_WAIT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'detached', timeout });
  } catch {
    throw new Error(`${what}: still there after ${timeout / 1000} s`);
  }
}
