// /__emulator/...: the test and demo control surface, guarded by the OAuth client secret
// (`Authorization: Bearer <secret>` or `X-Emulator-Secret: <secret>`).
import { customPermissionsOf, syncSetupRecords } from '../org/access-records.ts';
import { syncMetadataRecords } from '../metadata/metadata-records.ts';
import { timingSafeEqual } from 'node:crypto';
import { mintRefreshToken } from '../auth/oauth-token.ts';
import { syncConnectedApplicationRows } from '../auth/connected-apps.ts';
import { connectedAppRoute } from './connected-app-routes.ts';
import { modelProblem, SHARING_MODELS, type SharingModel } from '../security/sharing-settings.ts';
import { seedBaseline } from '../org/org.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { faultSchema } from '../state/faults.ts';
import { seedRecords, seedRequestSchema } from './seed-records.ts';
import {
  checkChannel,
  delaySchema,
  discardSchema,
  dropSchema,
  gapEventsSchema,
  publishGapEvents,
} from './streaming-faults.ts';
import { z } from 'zod';

export interface AdminResponse {
  status: number;
  body?: unknown;
}

function authorized(state: EmulatorState, headers: Record<string, string | undefined>): boolean {
  const bearer = headers.authorization?.replace(/^Bearer\s+/i, '');
  const given = headers['x-emulator-secret'] ?? bearer;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(state.oauth.clientSecret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parse(raw: string): unknown {
  try {
    return raw.trim() === '' ? {} : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

function invalid(error: z.ZodError | string): AdminResponse {
  return {
    status: 400,
    body: { error: 'invalid_request', details: typeof error === 'string' ? error : z.treeifyError(error) },
  };
}

/**
 * Setup, not data: users, roles, permission sets with their rows and assignments, and what they grant
 * (SetupEntityAccess). A reset keeps them, as clearing an org's records keeps who may do what.
 */
const SETUP_TYPES = new Set([
  'user',
  'userrole',
  'profile',
  'permissionset',
  'permissionsetassignment',
  'objectpermissions',
  'fieldpermissions',
  'setupentityaccess',
  'custompermission',
]);

function reset(state: EmulatorState): void {
  const setup = state.org.store.allRecords().filter((r) => SETUP_TYPES.has(r.type.toLowerCase()));
  state.org.store.clear();
  for (const record of setup) state.org.store.put(record);
  seedBaseline(state.org);
  // Deployed metadata stays; the setup rows it defines follow it.
  syncSetupRecords(state.org, undefined);
  syncMetadataRecords(state.org);
  syncConnectedApplicationRows(state.org, state.apps);
  state.org.store.commit();
  state.usage.reset();
  state.requestLog.clear();
  state.faults.clear();
  state.bus.clear();
  state.cursors.clear();
  state.bulk.reset();
}

const sharingSchema = z.record(
  z.string().min(1),
  z.enum(SHARING_MODELS as [SharingModel, ...SharingModel[]]),
);

const limitsSchema = z.object({
  max: z.number().int().positive().optional(),
  used: z.number().int().nonnegative().optional(),
});
const refreshSchema = z.object({ username: z.string() });

/** What the admin API needs from the CometD endpoint. */
export interface StreamingControl {
  /** Forgets every CometD client (they get 403::Unknown client and handshake again). */
  dropClients(): number;
  /** Arms lost deliveries: the next `count` event deliveries are dequeued, then the connection is reset. */
  discardDeliveries(count: number): number;
}

/**
 * Setup → Connected Apps OAuth Usage → Revoke (or the user's own Settings → Connected Apps →
 * Revoke): ends every session and refresh token the user holds for the app.
 */
function revokeAppUser(state: EmulatorState, name: string, body: unknown): AdminResponse {
  const app = state.apps.byName(name);
  if (app === undefined)
    return { status: 404, body: { error: 'not_found', message: `no connected app ${name}` } };
  const parsed = z.object({ username: z.string().min(1) }).safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const wanted = parsed.data.username.toLowerCase();
  const user = [...state.org.store.records('User')].find(
    (u) => typeof u.fields.Username === 'string' && u.fields.Username.toLowerCase() === wanted,
  );
  if (user === undefined) return invalid(`unknown user ${parsed.data.username}`);
  state.sessions.revokeUserApp(user.Id, app.clientId);
  return { status: 204 };
}

export function handleAdmin(
  state: EmulatorState,
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
  streaming?: StreamingControl,
): AdminResponse {
  if (!authorized(state, headers))
    return { status: 401, body: { error: 'unauthorized', message: 'admin API needs the client secret' } };
  const route = `${method} ${path.replace(/\/$/, '')}`;
  const body = parse(rawBody);
  if (body === undefined) return invalid('body is not JSON');
  const appMatch = /^\/__emulator\/connected-apps(?:\/([^/]+))?\/?$/.exec(path);
  if (appMatch) return connectedAppRoute(state, method, appMatch[1], body);
  const usageMatch = /^\/__emulator\/connected-apps\/([^/]+)\/revoke\/?$/.exec(path);
  if (usageMatch && method === 'POST') return revokeAppUser(state, usageMatch[1] ?? '', body);
  switch (route) {
    case 'GET /__emulator/info':
      return {
        status: 200,
        body: {
          url: state.baseUrl,
          loginUrls: { production: state.hosts.production.baseUrl, sandbox: state.hosts.sandbox.baseUrl },
          orgId: state.org.orgId,
          clientId: state.oauth.clientId,
          // What each user holds through their profile and permission set assignments.
          users: state.org.users.map((user) => ({
            ...user,
            permissions: [...customPermissionsOf(state.org, user.id)].sort(),
          })),
        },
      };
    case 'POST /__emulator/reset':
      reset(state);
      return { status: 204 };
    case 'POST /__emulator/records': {
      const parsed = seedRequestSchema.safeParse(Array.isArray(body) ? { records: body } : body);
      if (!parsed.success) return invalid(parsed.error);
      const result = seedRecords(state.org, parsed.data.records, state.org.users[0]?.id ?? '');
      return result.ok
        ? { status: 201, body: { ids: result.ids } }
        : { status: 400, body: { error: 'invalid_records', records: result.errors } };
    }
    case 'GET /__emulator/requests':
      return { status: 200, body: { requests: state.requestLog.list() } };
    case 'DELETE /__emulator/requests':
      state.requestLog.clear();
      return { status: 204 };
    case 'GET /__emulator/events':
      return { status: 200, body: { events: state.bus.all() } };
    case 'DELETE /__emulator/events':
      state.bus.clear();
      return { status: 204 };
    case 'POST /__emulator/streaming/gap-events': {
      const parsed = gapEventsSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const result = publishGapEvents(state, parsed.data);
      return result.ok ? { status: 201, body: result.body } : invalid(result.error);
    }
    case 'POST /__emulator/streaming/delay': {
      const parsed = delaySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const unknown = checkChannel(state, parsed.data.channel);
      if (unknown !== undefined) return invalid(unknown);
      state.bus.delayDelivery(parsed.data.channel, parsed.data.delayMs, parsed.data.count);
      return { status: 201, body: { faults: state.bus.deliveryFaults() } };
    }
    case 'POST /__emulator/streaming/drop': {
      const parsed = dropSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const unknown = checkChannel(state, parsed.data.channel);
      if (unknown !== undefined) return invalid(unknown);
      state.bus.dropDelivery(parsed.data.channel, parsed.data.count);
      return { status: 201, body: { faults: state.bus.deliveryFaults() } };
    }
    case 'GET /__emulator/streaming/faults':
      return { status: 200, body: { faults: state.bus.deliveryFaults() } };
    case 'DELETE /__emulator/streaming/faults':
      state.bus.clearDeliveryFaults();
      return { status: 204 };
    case 'POST /__emulator/streaming/discard-deliveries': {
      const parsed = discardSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      return { status: 201, body: { armed: streaming?.discardDeliveries(parsed.data.count) ?? 0 } };
    }
    case 'POST /__emulator/streaming/drop-clients':
      return { status: 200, body: { dropped: streaming?.dropClients() ?? 0 } };
    case 'GET /__emulator/faults':
      return { status: 200, body: { faults: state.faults.list() } };
    case 'POST /__emulator/faults': {
      const parsed = faultSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      return { status: 201, body: state.faults.add(parsed.data) };
    }
    case 'DELETE /__emulator/faults':
      state.faults.clear();
      return { status: 204 };
    case 'GET /__emulator/sharing':
      return { status: 200, body: { defaults: state.access.sharing.all(state.org) } };
    case 'PUT /__emulator/sharing': {
      // Setup → Sharing Settings → Organization-Wide Defaults → Edit.
      const parsed = sharingSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      for (const [object, model] of Object.entries(parsed.data)) {
        const known = object === 'Activity' || state.org.schema.objects.has(object.toLowerCase());
        if (!known) return invalid(`no object ${object}`);
        const problem = modelProblem(object, model);
        if (problem !== undefined) return invalid(problem);
      }
      for (const [object, model] of Object.entries(parsed.data)) state.access.sharing.put(object, model);
      return { status: 200, body: { defaults: state.access.sharing.all(state.org) } };
    }
    case 'GET /__emulator/limits':
      return { status: 200, body: { used: state.usage.used(), max: state.usage.max } };
    case 'PUT /__emulator/limits': {
      const parsed = limitsSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      if (parsed.data.max !== undefined) state.usage.max = parsed.data.max;
      if (parsed.data.used !== undefined) {
        state.usage.reset();
        for (let i = 0; i < parsed.data.used; i++) state.usage.tryCount();
      }
      return { status: 200, body: { used: state.usage.used(), max: state.usage.max } };
    }
    case 'POST /__emulator/refresh-tokens': {
      const parsed = refreshSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      // Any User record counts, including users seeded through POST /__emulator/records.
      const wanted = parsed.data.username.toLowerCase();
      const user = [...state.org.store.records('User')].find(
        (u) => typeof u.fields.Username === 'string' && u.fields.Username.toLowerCase() === wanted,
      );
      const token =
        user === undefined
          ? undefined
          : mintRefreshToken(
              { org: state.org, sessions: state.sessions, apps: state.apps, config: state.oauth },
              user.Id,
            );
      return token === undefined
        ? invalid(`unknown user ${parsed.data.username}`)
        : { status: 201, body: { refresh_token: token } };
    }
    case 'POST /__emulator/sessions/revoke':
      state.sessions.revokeAll();
      return { status: 204 };
    default:
      return { status: 404, body: { error: 'not_found', message: `no admin route ${route}` } };
  }
}
