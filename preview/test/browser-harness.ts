// Shared set-up of the browser tests: one demo stack on a throw-away data folder and free ports,
// one Chromium, bounded waits, and a screenshot of every open page when a test fails.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../demo/demo-stack.ts';
import { launchChromium } from './chromium.ts';
import type { PageElement, PageGlobals } from './page-dom.ts';

export const RESULTS_DIR = resolve(import.meta.dirname, '..', '..', 'test-results');
/** Long enough for a push or a change event round trip; a failure shows within it, not after minutes. */
export const SYNC_WAIT_MS = 30_000;

export interface PageOptions {
  /** Who the Salesforce side shows: the rep (default) or the admin (`/salesforce/as/<key>`). */
  as?: 'rep' | 'admin';
  width?: number;
  height?: number;
}

export interface BrowserDemo {
  demo: RunningDemo;
  browser: Browser;
  dataDir: string;
  pages: Page[];
  /** Uncaught errors of every page opened, as `<url>: <message>`. */
  pageErrors: string[];
  openPage(path: string, options?: PageOptions): Promise<Page>;
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
  const pageErrors: string[] = [];
  return {
    demo,
    browser,
    dataDir,
    pages,
    pageErrors,
    async openPage(path, options = {}) {
      const page = await browser.newPage({
        viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      });
      pages.push(page);
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      // Each page has its own browser context, so its own "view as" cookie.
      if (options.as !== undefined) await page.goto(`${demo.url}/salesforce/as/${options.as}`);
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

/** Runs a test body; on failure saves every open page under test-results/ and names the files. */
export function withScreenshots(harness: () => BrowserDemo, body: (t: TestContext) => Promise<void>) {
  return async (t: TestContext): Promise<void> => {
    try {
      await body(t);
    } catch (error) {
      const files = await screenshotPages(harness().pages, t.name);
      if (files.length > 0) t.diagnostic(`screenshots: ${files.join(', ')}`);
      throw error;
    }
  };
}

/** Waits until `read` returns what `expected` accepts, or fails with the last value read. */
export async function waitFor<T>(
  read: () => Promise<T>,
  expected: (value: T) => boolean,
  what: string,
  timeout = SYNC_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await read();
  while (!expected(last)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout / 1000} s`);
    // Poll on the page's own frames: a condition to meet, not a sleep.
    await new Promise<void>((next) => setImmediate(next));
    last = await read();
  }
  return last;
}

/**
 * On the Sync Health page: clicks Refresh, and waits for its query, until `locator` matches. The
 * service writes what the page reads (SIA_Sync_Status__c) on its own interval and publishes no
 * sync notice for it, so the page shows a newer row only when read again.
 */
export async function refreshSyncHealthUntil(page: Page, locator: Locator, what: string): Promise<void> {
  await waitFor(
    async () => {
      if ((await locator.count()) > 0) return true;
      const answer = page.waitForResponse((response) => response.url().endsWith('/graphql'));
      await page.getByRole('button', { name: 'Refresh sync health' }).click();
      await answer;
      return false;
    },
    (shown) => shown,
    what,
  );
}

/**
 * The element that has focus, through shadow roots and the synthetic shadow the components use:
 * its tag, and its accessible label or text, e.g. `INPUT Email to Salesforce address`.
 */
export async function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    let active: PageElement | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (active === null || active === document.body) return 'BODY';
    // A required field's label starts with its asterisk.
    const label = active.labels?.[0]?.textContent?.replace(/^\s*\*/, '');
    const labelled =
      active.getAttribute('aria-label') ?? active.getAttribute('title') ?? label ?? active.textContent ?? '';
    return `${active.tagName} ${labelled.replace(/\s+/g, ' ').trim()}`.trim();
  });
}

/** True when the whole of the element is inside the viewport. */
export async function inViewport(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = locator.page().viewportSize();
  if (box === null || viewport === null) return false;
  return (
    box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width
  );
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The part of axe-core's API the accessibility check uses. */
interface AxeRunner {
  run(
    context: unknown,
    options: { runOnly: string[] },
  ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
}

/**
 * axe-core's WCAG 2 A and AA rules over the page as it is now: each violation as
 * `<impact> <rule>: <elements>`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals & { axe: AxeRunner };
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map(
      (v) => `${v.impact ?? 'unknown'} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}

/** The violations a user is blocked or badly hindered by (axe impact serious or critical). */
export function seriousOrCritical(violations: string[]): string[] {
  return violations.filter((v) => v.startsWith('serious ') || v.startsWith('critical '));
}

/**
 * The messages lightning-input and lightning-radio-group show under a field, as they read on
 * screen: the help lines inside `field`, without what only screen readers get (the label they
 * repeat, the date format hint) and without empty lines.
 */
export function shownMessages(field: Locator): Promise<string[]> {
  return field.locator('.slds-form-element__help').evaluateAll((lines: PageElement[]) =>
    lines
      .filter((line) => !line.classList.contains('slds-assistive-text'))
      .map((line) => {
        const copy = line.cloneNode(true);
        for (const hidden of copy.querySelectorAll('.slds-assistive-text')) hidden.remove();
        return (copy.textContent ?? '').trim();
      })
      .filter((text) => text !== ''),
  );
}
