// The preview server (node:http): the built pages, SLDS assets, and two proxies that add the
// credentials the browser must not hold: /services/* and /cometd/* go to the org emulator as the
// demo user, /api/* goes to the sync service with its API token.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { proxy, type ProxyTarget } from './proxy.ts';
import type { SalesforceSession } from './salesforce-session.ts';
import { sendFile } from './static-files.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST_DIR = join(ROOT, 'preview', 'dist');
const STATIC_DIR = join(ROOT, 'preview', 'static');
const SLDS_ASSETS = join(ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets');

/** What the SIA page needs to know about its user and the people it can attach tasks to. */
export interface SiaPageConfig {
  ownerId: string;
  ownerName: string;
  timeZone: string;
  people: { salesforceId: string; name: string; kind: string }[];
}

export interface PreviewServerOptions {
  port: number;
  host?: string;
  emulatorUrl: string;
  /** Who the Salesforce side can be viewed as; the first is the default. */
  salesforceUsers: PreviewUser[];
  apiVersion: string;
  serviceUrl: string;
  siaApiToken: string;
  sia: SiaPageConfig;
  /** The preview route the Salesforce pane opens on, e.g. `#/r/Contact/003...`. */
  salesforceStart: string;
}

export interface PreviewUser {
  /** Short name in the view-as link and cookie, e.g. `rep`. */
  key: string;
  session: SalesforceSession;
}

const USER_COOKIE = 'sia_preview_user';

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export interface RunningPreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(body);
}

/**
 * Where a Lightning Experience address leads in the preview's Salesforce shell (its routes are
 * hash routes): a record page, a tab or the home page. Components link to the Lightning addresses,
 * as in an org, so a link opened in a new tab lands here.
 */
export function lightningRoute(path: string): string | undefined {
  const segment = '([A-Za-z][A-Za-z0-9_]*)';
  const record = new RegExp(`^/lightning/r/${segment}/([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)/view$`).exec(path);
  if (record) return `#/r/${record[1]}/${record[2]}`;
  const tab = new RegExp(`^/lightning/n/${segment}$`).exec(path);
  if (tab) return `#/n/${tab[1]}`;
  const objectHome = new RegExp(`^/lightning/o/${segment}/home$`).exec(path);
  if (objectHome) return `#/o/${objectHome[1]}`;
  if (path === '/lightning/page/home') return '#/';
  return undefined;
}

function script(variable: string, value: unknown): string {
  // `<` escaped so no value can close the script element early.
  return `globalThis.${variable} = ${JSON.stringify(value).replace(/</g, '\\u003c')};\n`;
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<RunningPreviewServer> {
  const users = await Promise.all(
    options.salesforceUsers.map(async (user) => ({ ...user, facts: await user.session.userFacts() })),
  );
  const defaultUser = users[0];
  if (defaultUser === undefined) throw new Error('the preview needs at least one Salesforce user');
  // The browser picks who it views Salesforce as (a cookie); the server holds every token.
  const userOf = (req: IncomingMessage) =>
    users.find((u) => u.key === cookieValue(req, USER_COOKIE)) ?? defaultUser;
  const sessionOf = (req: IncomingMessage) => {
    const current = userOf(req);
    return {
      ...current.facts,
      apiVersion: options.apiVersion,
      viewAs: users.map((u) => ({ key: u.key, displayName: u.facts.displayName, current: u === current })),
    };
  };
  const emulatorFor = (req: IncomingMessage): ProxyTarget => {
    const { session } = userOf(req);
    return { origin: options.emulatorUrl, token: () => session.token(), renew: () => session.renew() };
  };
  const service: ProxyTarget = {
    origin: options.serviceUrl,
    token: () => Promise.resolve(options.siaApiToken),
  };
  const page = (name: string): string => readFileSync(join(STATIC_DIR, name), 'utf8');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://preview').pathname;
    if (path.startsWith('/services/') || path.startsWith('/cometd/')) {
      await proxy(emulatorFor(req), req, res);
    } else if (path.startsWith('/api/')) {
      await proxy(service, req, res);
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain', 'Method not allowed\n');
    } else {
      serveGet(req, path, res);
    }
  }

  function serveGet(req: IncomingMessage, path: string, res: ServerResponse): void {
    const viewAs = /^\/salesforce\/as\/([a-z]+)$/.exec(path)?.[1];
    if (viewAs !== undefined && users.some((u) => u.key === viewAs)) {
      res.writeHead(302, {
        location: '/salesforce/',
        'set-cookie': `${USER_COOKIE}=${viewAs}; Path=/; SameSite=Strict; HttpOnly`,
      });
      res.end();
      return;
    }
    const route = lightningRoute(path);
    if (route !== undefined) {
      res.writeHead(302, { location: `/salesforce/${route}` });
      res.end();
      return;
    }
    const html = 'text/html; charset=utf-8';
    const pages: Record<string, () => string> = {
      '/': () => page('index.html').replace('{{salesforceStart}}', options.salesforceStart),
      '/salesforce/': () => page('salesforce.html'),
      '/sia/': () => page('sia.html'),
    };
    const scripts: Record<string, () => string> = {
      '/preview/session.js': () => script('__SIA_PREVIEW_SESSION__', sessionOf(req)),
      '/sia/session.js': () => script('__SIA_PAGE_CONFIG__', options.sia),
    };
    const pageBody = pages[path];
    const scriptBody = scripts[path];
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (pageBody !== undefined) send(res, 200, html, pageBody());
    else if (scriptBody !== undefined) send(res, 200, 'text/javascript', scriptBody());
    else if (path.startsWith('/dist/') && sendFile(res, DIST_DIR, path.slice('/dist/'.length))) return;
    else if (path.startsWith('/assets/') && sendFile(res, SLDS_ASSETS, path.slice('/assets/'.length))) return;
    else send(res, 404, 'text/plain', `Not found: ${path}\n`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(
          res,
          502,
          'text/plain',
          `Preview server: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
        server.closeAllConnections();
      }),
  };
}
