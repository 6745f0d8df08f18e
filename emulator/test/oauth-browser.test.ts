// The OAuth login and approval pages in real Chromium: a person opens the authorize URL, fills in the
// login form by its labels, allows the app and lands on the app's callback with a code that the
// token endpoint exchanges; both pages pass axe-core's WCAG 2 A/AA rules.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../../preview/test/chromium.ts';
import { DEFAULT_USER_PASSWORD, startEmulator, type RunningEmulator } from '../src/index.ts';
import { admin } from './helpers.ts';
import { authorizeUrl, pkcePair } from './oauth-kit.ts';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const chromiumPath = findChromium();
const skip =
  process.env.SKIP_BROWSER_TESTS === '1'
    ? 'SKIP_BROWSER_TESTS=1'
    : chromiumPath === undefined
      ? 'no Chromium (set CHROMIUM_PATH)'
      : false;

interface AxeRunner {
  run(context: unknown, options: { runOnly: string[] }): Promise<{ violations: { id: string }[] }>;
}

async function wcagViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: AxeRunner }).axe;
    const result = await axe.run('html', { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map((v) => v.id);
  });
}

describe('OAuth pages in a browser', { skip }, () => {
  let emulator: RunningEmulator;
  let browser: Browser;
  let callbackServer: Server;
  let callbackUrl = '';

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    callbackServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html lang="en"><title>Connected</title><h1>Connected</h1></html>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    const patched = await admin(emulator, 'PATCH', 'connected-apps/SIA_Sync', {
      callbackUrls: [callbackUrl],
    });
    assert.equal(patched.status, 200);
    browser = await launchChromium(chromiumPath ?? '');
  });

  after(async () => {
    await browser.close();
    await new Promise<void>((resolve) => {
      callbackServer.close(() => {
        resolve();
      });
    });
    await emulator.close();
  });

  it('logs a rep in, asks for approval and returns to the callback with a code the token endpoint takes', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      const pkce = pkcePair();
      await page.goto(
        authorizeUrl({
          loginUrl: emulator.loginUrls.production,
          clientId: emulator.clientId,
          redirectUri: callbackUrl,
          state: 'from-the-browser',
          codeChallenge: pkce.challenge,
        }),
      );
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log In');
      assert.deepEqual(await wcagViolations(page), []);
      await page.getByLabel('Username').fill('rep@sia-emulator.example');
      await page.getByLabel('Password').fill('not-the-password1');
      await page.getByRole('button', { name: 'Log In' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(
        (await page.getByRole('alert').textContent()) ?? '',
        /Please check your username and password/,
      );

      await page.getByLabel('Password').fill(DEFAULT_USER_PASSWORD);
      await page.getByRole('button', { name: 'Log In' }).click();
      await page.getByRole('heading', { name: 'Allow Access?' }).waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /SIA Sync\s+is asking to/);
      assert.match((await page.locator('main').textContent()) ?? '', /rep@sia-emulator\.example/);
      assert.deepEqual(await wcagViolations(page), []);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(callbackUrl));

      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('state'), 'from-the-browser');
      const response = await fetch(`${emulator.loginUrls.production}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: landed.searchParams.get('code') ?? '',
          client_id: emulator.clientId,
          client_secret: emulator.clientSecret,
          redirect_uri: callbackUrl,
          code_verifier: pkce.verifier,
        }),
      });
      const tokens = (await response.json()) as { access_token?: string; refresh_token?: string };
      assert.equal(response.status, 200, JSON.stringify(tokens));
      assert.ok(tokens.refresh_token);
    } finally {
      await context.close();
    }
  });
});
