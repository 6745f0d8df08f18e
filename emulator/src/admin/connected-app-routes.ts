// /__emulator/connected-apps: what an admin does in Setup under App Manager and Manage Connected Apps
// — create an app, set its callback URLs and scopes, edit its policies (permitted users, refresh
// token policy, PKCE, secrets) and block or unblock it. Blocking ends the app's sessions at once.
// Pre-authorizing users is not here: like an admin, a test adds the app to a profile or permission
// set by creating a SetupEntityAccess row over the REST API.
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCOPES, syncConnectedApplicationRows, type ConnectedApp } from '../auth/connected-apps.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

export interface ConnectedAppReply {
  status: number;
  body?: unknown;
}

const policySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('infinite') }),
  z.object({ kind: z.literal('immediately') }),
  z.object({ kind: z.literal('expireAfter'), seconds: z.number().int().positive() }),
  z.object({ kind: z.literal('expireIfNotUsed'), seconds: z.number().int().positive() }),
]);

const callbackUrl = z.string().refine((value) => URL.canParse(value), { error: 'not a URL' });

const policiesSchema = z.object({
  label: z.string().min(1).max(80).optional(),
  callbackUrls: z.array(callbackUrl).min(1).optional(),
  scopes: z.array(z.string().min(1)).min(1).optional(),
  permittedUsers: z.enum(['all', 'adminApproved']).optional(),
  refreshTokenPolicy: policySchema.optional(),
  blocked: z.boolean().optional(),
  requirePkce: z.boolean().optional(),
  requireSecretForWebServerFlow: z.boolean().optional(),
  requireSecretForRefreshToken: z.boolean().optional(),
  runAsUsername: z.string().min(1).nullable().optional(),
});

const createSchema = policiesSchema.extend({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/),
  callbackUrls: z.array(callbackUrl).min(1),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(8).optional(),
});

function invalid(error: z.ZodError | string): ConnectedAppReply {
  return {
    status: 400,
    body: { error: 'invalid_request', details: typeof error === 'string' ? error : z.treeifyError(error) },
  };
}

/** What the admin API shows of an app: everything but its secret. */
function view(app: ConnectedApp): Record<string, unknown> {
  return Object.fromEntries(Object.entries(app).filter(([key]) => key !== 'clientSecret'));
}

function applyPolicies(app: ConnectedApp, changes: z.infer<typeof policiesSchema>): ConnectedApp {
  const next: ConnectedApp = { ...app };
  if (changes.label !== undefined) next.label = changes.label;
  if (changes.callbackUrls !== undefined) next.callbackUrls = changes.callbackUrls;
  if (changes.scopes !== undefined) next.scopes = changes.scopes;
  if (changes.permittedUsers !== undefined) next.permittedUsers = changes.permittedUsers;
  if (changes.refreshTokenPolicy !== undefined) next.refreshTokenPolicy = changes.refreshTokenPolicy;
  if (changes.blocked !== undefined) next.blocked = changes.blocked;
  if (changes.requirePkce !== undefined) next.requirePkce = changes.requirePkce;
  if (changes.requireSecretForWebServerFlow !== undefined)
    next.requireSecretForWebServerFlow = changes.requireSecretForWebServerFlow;
  if (changes.requireSecretForRefreshToken !== undefined)
    next.requireSecretForRefreshToken = changes.requireSecretForRefreshToken;
  if (changes.runAsUsername === null) delete next.runAsUsername;
  else if (changes.runAsUsername !== undefined) next.runAsUsername = changes.runAsUsername;
  return next;
}

function save(state: EmulatorState, app: ConnectedApp): void {
  state.apps.put(app);
  // "Block": the app's sessions end now and new ones are refused.
  if (app.blocked) state.sessions.endSessionsOf(app.clientId);
  syncConnectedApplicationRows(state.org, state.apps);
  state.org.store.commit();
}

export function connectedAppRoute(
  state: EmulatorState,
  method: string,
  name: string | undefined,
  body: unknown,
): ConnectedAppReply {
  if (name === undefined) {
    if (method === 'GET') return { status: 200, body: { connectedApps: state.apps.all().map(view) } };
    if (method !== 'POST') return { status: 405, body: { error: 'method_not_allowed' } };
    const parsed = createSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    if (state.apps.byName(input.name) !== undefined) return invalid(`a connected app ${input.name} exists`);
    const clientId = input.clientId ?? `3MVG9${randomBytes(30).toString('base64url')}`;
    if (state.apps.byClientId(clientId) !== undefined) return invalid('that consumer key is taken');
    const app = applyPolicies(
      {
        id: state.org.ids.next('0H4'),
        name: input.name,
        label: input.label ?? input.name.replaceAll('_', ' '),
        clientId,
        clientSecret: input.clientSecret ?? randomBytes(32).toString('hex'),
        callbackUrls: input.callbackUrls,
        scopes: DEFAULT_SCOPES,
        permittedUsers: 'all',
        refreshTokenPolicy: { kind: 'infinite' },
        blocked: false,
        requirePkce: false,
        requireSecretForWebServerFlow: true,
        requireSecretForRefreshToken: true,
      },
      input,
    );
    save(state, app);
    // The secret is shown once, as Setup's "Manage Consumer Details" does.
    return { status: 201, body: { ...view(app), clientSecret: app.clientSecret } };
  }
  const app = state.apps.byName(name);
  if (app === undefined)
    return { status: 404, body: { error: 'not_found', message: `no connected app ${name}` } };
  if (method === 'GET') return { status: 200, body: view(app) };
  if (method !== 'PATCH') return { status: 405, body: { error: 'method_not_allowed' } };
  const parsed = policiesSchema.strict().safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const next = applyPolicies(app, parsed.data);
  save(state, next);
  return { status: 200, body: view(next) };
}
