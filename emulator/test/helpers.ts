// Shared set-up for the emulator's conformance tests: an emulator per test on port 0, jsforce
// connections through the real OAuth endpoint, and the admin API.
import { Connection } from 'jsforce';
import { installPackage, type OrgAccess } from '../../scripts/package-install.ts';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/index.ts';
import type { Clock } from '../src/schema/types.ts';

export const API_VERSION = '62.0';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  private current: number;
  constructor(start: string | Date = '2026-11-20T10:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: string): void {
    this.current = new Date(at).getTime();
  }
}

/**
 * Runs `run` against a fresh emulator on a free port; the package is deployed and its permission
 * sets assigned first (scripts/package-install.ts) unless `installPackage` is false.
 */
export async function withEmulator(
  options: Partial<EmulatorOptions> & { installPackage?: boolean; orgAccess?: OrgAccess },
  run: (emulator: RunningEmulator) => Promise<void>,
): Promise<void> {
  const { installPackage: install = true, orgAccess, ...emulatorOptions } = options;
  // Without the package the integration user has no API access (its SIA_Sync_Integration grants
  // API Enabled), so a bare org runs the client-credentials flow as the administrator.
  const runAs = install ? {} : { runAsUsername: 'admin@sia-emulator.example' };
  const emulator = await startEmulator({ port: 0, connectHoldMs: 500, ...runAs, ...emulatorOptions });
  try {
    if (install) {
      await installPackage(emulator, orgAccess === undefined ? {} : { orgAccess });
      forgetSetupCalls(emulator);
    }
    await run(emulator);
  } finally {
    await emulator.close();
  }
}

/**
 * Clears the request log and the day's API usage after a test's set-up (deploy, assignments), so a
 * test's assertions on calls see its own calls only.
 */
export function forgetSetupCalls(emulator: RunningEmulator): void {
  emulator.state.requestLog.clear();
  emulator.state.usage.reset();
}

export async function clientCredentialsToken(emulator: RunningEmulator): Promise<string> {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A jsforce connection authorized by the client-credentials flow, re-minting its token on 401. */
export async function connect(emulator: RunningEmulator, callClient?: string): Promise<Connection> {
  const conn = new Connection({
    instanceUrl: emulator.url,
    accessToken: await clientCredentialsToken(emulator),
    version: API_VERSION,
    ...(callClient === undefined ? {} : { callOptions: { client: callClient } }),
    refreshFn: (_conn, callback) => {
      clientCredentialsToken(emulator).then(
        (token) => {
          callback(null, token);
        },
        (error: unknown) => {
          callback(error as Error);
        },
      );
    },
  });
  return conn;
}

/** An access token for any seeded user, through a refresh token the admin API mints. */
export async function userToken(emulator: RunningEmulator, username: string): Promise<string> {
  const minted = await admin(emulator, 'POST', 'refresh-tokens', { username });
  const refreshToken = (minted.body as { refresh_token: string }).refresh_token;
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      refresh_token: refreshToken,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`refresh failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function connectAs(emulator: RunningEmulator, username: string): Promise<Connection> {
  return new Connection({
    instanceUrl: emulator.url,
    accessToken: await userToken(emulator, username),
    version: API_VERSION,
  });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function raw(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export async function admin(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawResponse> {
  return raw(emulator, method, `/__emulator/${path}`, {
    headers: { 'X-Emulator-Secret': emulator.clientSecret },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export function dataPath(path: string): string {
  return `/services/data/v${API_VERSION}${path}`;
}
