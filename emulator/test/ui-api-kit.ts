// Shared set-up for the UI API and GraphQL tests: an emulator on port 0, user tokens through the
// real OAuth endpoints, JSON calls under /services/data/vXX.X, and the package's own GraphQL queries
// read from the components' source so the tests run exactly what the LWCs send.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { admin, TestClock, userToken } from './helpers.ts';
import { installPackage } from '../../scripts/package-install.ts';

export const VERSION = '66.0';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface UiApiSession {
  emulator: RunningEmulator;
  clock: TestClock;
  token: string;
  call: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<Reply<T>>;
  graphql: <T = unknown>(query: string, variables?: Record<string, unknown>) => Promise<Reply<T>>;
  /**
   * Seeds a record through the admin API and returns its id: test data the org already holds (tasks
   * the sync service wrote with SIA fields no person may edit, other users' rows), owned by the
   * session user unless `OwnerId` says otherwise; not a save by the session user.
   */
  insert: (type: string, fields: Record<string, unknown>) => Promise<string>;
  userId: (username: string) => string;
}

export const ADMIN = 'admin@sia-emulator.example';
export const REP = 'rep@sia-emulator.example';

export async function withUiApi(
  run: (session: UiApiSession) => Promise<void>,
  options: { username?: string; now?: string } = {},
): Promise<void> {
  const clock = new TestClock(options.now ?? '2026-11-20T15:00:00.000Z');
  const emulator = await startEmulator({ port: 0, clock, connectHoldMs: 200 });
  try {
    await installPackage(emulator);
    const token = await userToken(emulator, options.username ?? ADMIN);
    const call = async <T>(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Reply<T>> => {
      const response = await fetch(`${emulator.url}/services/data/v${VERSION}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text === '' ? undefined : JSON.parse(text)) as T,
      };
    };
    const session: UiApiSession = {
      emulator,
      clock,
      token,
      call,
      graphql: (query, variables) => call('POST', '/graphql', { query, variables: variables ?? {} }),
      insert: async (type, fields) => {
        const owned =
          emulator.state.org.schema.objects.get(type.toLowerCase())?.fields.has('ownerid') === true;
        const owner = emulator.users.find((u) => u.username === (options.username ?? ADMIN))?.id;
        const seeded = owned && owner !== undefined ? { OwnerId: owner, ...fields } : fields;
        const reply = await admin(emulator, 'POST', 'records', { records: [{ type, fields: seeded }] });
        const id = (reply.body as { ids?: string[] }).ids?.[0];
        if (reply.status !== 201 || id === undefined)
          throw new Error(`insert ${type} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
        return id;
      },
      userId: (username) => {
        const user = emulator.users.find((u) => u.username === username);
        if (user === undefined) throw new Error(`no user ${username}`);
        return user.id;
      },
    };
    await run(session);
  } finally {
    await emulator.close();
  }
}

const LWC_DIR = resolve(import.meta.dirname, '..', '..', 'force-app', 'main', 'default', 'lwc');

/** Every gql`...` document in a component's source, in order. */
export function componentQueries(component: string): string[] {
  const source = readFileSync(resolve(LWC_DIR, component, `${component}.ts`), 'utf8');
  return [...source.matchAll(/gql`([^`]*)`/g)].map((match) => match[1] ?? '');
}

/** The one gql document of a component whose operation is `name`. */
export function componentQuery(component: string, name: string): string {
  const query = componentQueries(component).find((text) => new RegExp(`query\\s+${name}\\b`).test(text));
  if (query === undefined) throw new Error(`${component} has no query ${name}`);
  return query;
}
