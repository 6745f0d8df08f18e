// The SIA API's connection endpoints (bearer auth applies under /api/): POST starts a connection and
// answers the authorize URL, GET shows it, DELETE ends and revokes it. The OAuth callback is outside
// /api/ (a browser arrives there from Salesforce, carrying no SIA token): it is guarded by the state
// SIA handed out, and answers with a page, or sends the browser back to where the rep started.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { fieldProblems, userId } from '../http/schemas.ts';
import type { SiaServer } from '../http/server.ts';
import type { SiaUser } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import { ConnectionError, type ConnectionView, type Connections } from './connections.ts';
import { connectionOpenApiPaths } from './openapi-paths.ts';

export const CALLBACK_PATH = '/oauth/salesforce/callback';

export const connectBody = z
  .strictObject({
    environment: z.enum(['production', 'sandbox'], 'must be production or sandbox').default('production'),
    returnUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000, 'must be at most 2000 characters')
      .optional(),
  })
  .default({ environment: 'production' });

const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

/** Why a rep's changes do or do not reach Salesforce, for the API and the settings page. */
export interface PushRoute {
  identity: 'own' | 'org' | 'none';
  reason: string;
}

export interface ConnectionRouteDeps {
  store: Store;
  connections: Connections;
  /** How this rep's changes are written now. */
  pushRoute: (user: SiaUser, view: ConnectionView) => Promise<PushRoute>;
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const fields = fieldProblems(error);
  return reply.code(400).send({
    error: 'invalid_request',
    message: fields.map((f) => `${f.field} ${f.message}`).join('; '),
    fields,
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#181818}h1{font-size:1.25rem}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><p>You can close this window and return to SIA.</p></main></body></html>`;
}

function withResult(returnUrl: string, result: Record<string, string>): string {
  const url = new URL(returnUrl);
  for (const [key, value] of Object.entries(result)) url.searchParams.set(key, value);
  return url.toString();
}

export function registerConnectionRoutes(app: SiaServer, deps: ConnectionRouteDeps): void {
  app.documentPaths(connectionOpenApiPaths());
  const { store, connections } = deps;

  async function userOr404(id: string, reply: FastifyReply): Promise<SiaUser | undefined> {
    const user = await store.getUser(id);
    if (user === undefined) {
      await reply.code(404).send({
        error: 'not_found',
        message: `No user with id ${id}`,
        fields: [{ field: 'id', message: `no user with id ${id}` }],
      });
    }
    return user;
  }

  async function fullView(user: SiaUser): Promise<Record<string, unknown>> {
    const view = await connections.view(user.id);
    return { ...view, pushes: await deps.pushRoute(user, view) };
  }

  function connectionProblem(reply: FastifyReply, error: unknown): FastifyReply {
    if (!(error instanceof ConnectionError)) throw error;
    return reply.code(error.status).send({ error: error.code, message: error.message });
  }

  app.post('/api/v1/users/:id/salesforce-connection', async (request, reply) => {
    const params = z.object({ id: userId }).safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = connectBody.safeParse(request.body ?? undefined);
    if (!body.success) return invalid(reply, body.error);
    const user = await userOr404(params.data.id, reply);
    if (user === undefined) return reply;
    try {
      const started = await connections.begin(user, body.data.environment, body.data.returnUrl ?? null);
      return await reply.code(201).send({
        userId: user.id,
        environment: body.data.environment,
        authorizeUrl: started.authorizeUrl,
        expiresAt: started.expiresAt,
      });
    } catch (error) {
      return connectionProblem(reply, error);
    }
  });

  app.get('/api/v1/users/:id/salesforce-connection', async (request, reply) => {
    const params = z.object({ id: userId }).safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const user = await userOr404(params.data.id, reply);
    if (user === undefined) return reply;
    return reply.send(await fullView(user));
  });

  app.delete('/api/v1/users/:id/salesforce-connection', async (request, reply) => {
    const params = z.object({ id: userId }).safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const user = await userOr404(params.data.id, reply);
    if (user === undefined) return reply;
    await connections.disconnect(user);
    return reply.send(await fullView(user));
  });

  // The callback's query holds the authorization code: its requests are not logged (warn and up only).
  // Public: the browser arrives from Salesforce without the bearer token; the one-time state and
  // the PKCE verifier are what prove the request.
  app.get(CALLBACK_PATH, { logLevel: 'warn', config: { public: true } }, async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    try {
      const outcome = await connections.complete(query.data, (id) => store.getUser(id));
      if (outcome.returnUrl !== null)
        return await reply
          .code(303)
          .header('location', withResult(outcome.returnUrl, { salesforceConnection: 'connected' }))
          .send();
      return await reply
        .code(200)
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Connected to Salesforce',
            `SIA now writes your tasks and email activity to Salesforce as ${outcome.view.salesforceUsername ?? 'you'}.`,
          ),
        );
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      if (error.returnUrl !== null)
        return reply
          .code(303)
          .header(
            'location',
            withResult(error.returnUrl, { salesforceConnection: 'failed', salesforceError: error.code }),
          )
          .send();
      return reply
        .code(error.status)
        .type('text/html; charset=utf-8')
        .send(page('Salesforce connection failed', `${error.message} (${error.code})`));
    }
  });
}
