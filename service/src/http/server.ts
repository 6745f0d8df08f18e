// The SIA HTTP API (fastify): bearer-token auth, zod validation with field-level 400 answers,
// the OpenAPI document, health and Prometheus metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { commandCenterRange, todayIn } from '../sia/dates.ts';
import { NotFoundError } from '../sia/errors.ts';
import type { SiaTask } from '../sia/model.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { Store } from '../store/store.ts';
import { readImportProgress, type ImportProgress } from '../sync/import.ts';
import type { SyncControl } from '../sync/sync-control.ts';
import { recordLag } from '../sync/lag.ts';
import type { Metrics } from '../metrics.ts';
import { openApiDocument } from './openapi.ts';
import { redactUrl, redactedRequest } from './redact.ts';
import {
  createTaskBody,
  fieldProblems,
  inputIssueMessage,
  listTasksQuery,
  optionalOwnerQuery,
  ownerQuery,
  patchTaskBody,
  putUserBody,
  reconcileBody,
  TASK_BODY_LIMIT,
  taskId,
  userId,
  type FieldProblem,
} from './schemas.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the bearer token. Every other route, and every unmatched path, needs it. */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Adds paths to the OpenAPI document; a part that registers routes documents them here. */
    documentPaths(paths: Record<string, unknown>): void;
  }
}

/** The first-sync import as the status shows it (null before the first switch-on). */
function firstSyncStatus(progress: ImportProgress | undefined): Record<string, unknown> | null {
  if (progress === undefined) return null;
  return {
    enabledAt: progress.enabledAt,
    phase: progress.phase,
    source: progress.source,
    total: progress.total,
    read: progress.read,
    imported: progress.imported,
    stamped: progress.stamped,
    startedAt: progress.startedAt,
    finishedAt: progress.finishedAt,
  };
}

export interface ServerDeps {
  store: Store;
  tasks: TaskService;
  sync: SyncControl;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  apiToken: string;
}

class ValidationError extends Error {
  readonly fields: FieldProblem[];
  constructor(fields: FieldProblem[]) {
    super(fields.map((f) => `${f.field} ${f.message}`).join('; '));
    this.fields = fields;
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value, { error: inputIssueMessage });
  if (!result.success) throw new ValidationError(fieldProblems(result.error, prefix));
  return result.data;
}

export function taskJson(task: SiaTask): Record<string, unknown> {
  return {
    id: task.id,
    ownerId: task.ownerId,
    type: task.type,
    name: task.name,
    dueDate: task.dueDate,
    priority: task.priority,
    details: task.details,
    status: task.status,
    person: { salesforceId: task.personSalesforceId, email: task.personEmail },
    relatedToId: task.relatedToId,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    salesforceTaskId: task.salesforceTaskId,
  };
}

// The auth scheme name is case-insensitive (RFC 7235 section 2.1); the token is one token68.
const BEARER = /^bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests, so neither the token nor its length leaks through timing. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const given = header === undefined ? undefined : BEARER.exec(header)?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function buildServer(deps: ServerDeps) {
  // Fastify's own request logging writes two info lines per request; on a busy instance that is
  // most of its log and a share of its CPU. Each request is logged once, at debug, below; metrics
  // count them all.
  const app = Fastify({
    // The request serializer keeps credentials that arrive in a query string out of the log.
    loggerInstance: deps.logger.child({}, { serializers: { req: redactedRequest } }),
    bodyLimit: TASK_BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const { store, tasks, metrics } = deps;

  // Many HTTP clients send `content-type: application/json` on every request, a body-less DELETE
  // included: an empty body is no body, whatever its content type says.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void jsonParser(request, text, done);
  });

  // Authentication runs on the route fastify matched (after it decoded and normalised the path),
  // so no spelling of a path reaches a handler without the token. Deny by default: only routes
  // marked public are open, and an unmatched path answers 401 before it answers 404.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.public === true) return;
    if (!tokenMatches(request.headers.authorization, deps.apiToken)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'Send Authorization: Bearer <SIA_API_TOKEN>' });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    request.log.debug(
      {
        method: request.method,
        route,
        // Query values the API does not define are redacted: callers put credentials there.
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    return Promise.resolve();
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    if (error instanceof ValidationError) {
      return reply.code(400).send({ error: 'invalid_request', message: error.message, fields: error.fields });
    }
    if (error instanceof NotFoundError) {
      const fields =
        error.field === undefined
          ? undefined
          : [{ field: error.field, message: `no ${error.resource.toLowerCase()} with id ${error.id}` }];
      return reply.code(404).send({ error: 'not_found', message: error.message, fields });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // fastify's own client errors: malformed JSON, wrong content type, body too large
      const message = error instanceof Error ? error.message : 'Bad request';
      return reply
        .code(status)
        .send({ error: 'invalid_request', message, fields: [{ field: '(body)', message }] });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'Internal error' });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}` }),
  );

  app.get('/healthz', { config: { public: true } }, async () => {
    await store.getCheckpoint('healthz');
    return { status: 'ok' };
  });
  app.get('/metrics', async (_request, reply) => {
    recordLag(metrics, await deps.sync.lag());
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
  const featurePaths: Record<string, unknown> = {};
  app.decorate('documentPaths', (paths: Record<string, unknown>) => {
    Object.assign(featurePaths, paths);
  });
  let openApi: Record<string, unknown> | undefined;
  app.get('/openapi.json', { config: { public: true } }, () =>
    Promise.resolve((openApi ??= openApiDocument(featurePaths))),
  );

  app.put('/api/v1/users/:id', async (request) => {
    const { id } = parse(z.object({ id: userId }), request.params);
    const body = parse(putUserBody, request.body);
    const clash = await store.getUserBySalesforceId(body.salesforceUserId);
    if (clash && clash.id !== id) {
      throw new ValidationError([
        { field: 'salesforceUserId', message: `is already mapped to user ${clash.id}` },
      ]);
    }
    return tasks.putUser(id, body);
  });
  app.get('/api/v1/users/:id', async (request) => {
    const { id } = parse(z.object({ id: userId }), request.params);
    const user = await store.getUser(id);
    if (!user) throw new NotFoundError('User', id);
    return user;
  });

  app.post('/api/v1/tasks', async (request, reply) => {
    const body = parse(createTaskBody, request.body);
    const task = await tasks.createTask(body);
    return reply.code(201).header('location', `/api/v1/tasks/${task.id}`).send(taskJson(task));
  });
  app.get('/api/v1/tasks/:id', async (request) => {
    const { id } = parse(z.object({ id: taskId }), request.params);
    return taskJson(await tasks.getTask(id));
  });
  app.patch('/api/v1/tasks/:id', async (request) => {
    const { id } = parse(z.object({ id: taskId }), request.params);
    const body = parse(patchTaskBody, request.body);
    return taskJson(await tasks.updateTask(id, body));
  });
  app.delete('/api/v1/tasks/:id', async (request, reply) => {
    const { id } = parse(z.object({ id: taskId }), request.params);
    await tasks.deleteTask(id);
    return reply.code(204).send();
  });
  app.get('/api/v1/tasks', async (request) => {
    const query = parse(listTasksQuery, request.query);
    const owner = await store.getUser(query.ownerId);
    if (!owner) throw new NotFoundError('User', query.ownerId, 'ownerId');
    const [cursorDue, cursorId] = query.cursor?.split('|') ?? [];
    const cursor =
      cursorDue !== undefined && cursorId !== undefined ? { dueDate: cursorDue, id: cursorId } : undefined;
    if (query.view === 'command-center') {
      const today = todayIn(owner.timeZone, deps.clock.now());
      const range = commandCenterRange(today);
      const page = await store.listTasks({
        ownerId: owner.id,
        statuses: ['open'],
        dueFrom: range.from,
        dueTo: range.to,
        cursor,
        limit: query.limit,
      });
      return { today, tasks: page.tasks.map(taskJson), nextCursor: page.nextCursor };
    }
    const page = await store.listTasks({ ownerId: owner.id, cursor, limit: query.limit });
    return { tasks: page.tasks.map(taskJson), nextCursor: page.nextCursor };
  });

  app.get('/api/v1/sync/status', async (request) => {
    const { ownerId } = parse(ownerQuery, request.query);
    if (!(await store.getUser(ownerId))) throw new NotFoundError('User', ownerId, 'ownerId');
    const state = await store.getSyncState(ownerId);
    return {
      ownerId,
      mode: state?.mode ?? 'DoNotSync',
      enabledAt: state?.enabled_at ?? null,
      lastInboundAt: state?.last_inbound_at ?? null,
      lastOutboundAt: state?.last_outbound_at ?? null,
      outboxDepth: await store.outboxDepth(ownerId),
      apiUsage: deps.sync.apiUsage(),
      firstSync: firstSyncStatus(await readImportProgress({ store }, ownerId)),
      lag: await deps.sync.lag(),
    };
  });
  app.get('/api/v1/conflicts', async (request) => {
    const { ownerId, limit } = parse(optionalOwnerQuery, request.query);
    return { conflicts: await store.listConflicts(ownerId, limit) };
  });
  app.get('/api/v1/errors', async (request) => {
    const { ownerId, limit } = parse(optionalOwnerQuery, request.query);
    return { errors: await store.listErrors(ownerId, limit) };
  });
  app.post('/api/v1/sync/reconcile', async (request, reply) => {
    const body = parse(reconcileBody, request.body ?? undefined);
    if (body?.ownerId !== undefined && !(await store.getUser(body.ownerId)))
      throw new NotFoundError('User', body.ownerId, 'ownerId');
    const result = await deps.sync.reconcile(body?.ownerId);
    return reply.code(202).send(result);
  });

  return app;
}
export type SiaServer = ReturnType<typeof buildServer>;
