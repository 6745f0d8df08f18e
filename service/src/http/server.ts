// The SIA HTTP API (fastify): bearer-token auth, zod validation with field-level 400 answers,
// the OpenAPI document, health and Prometheus metrics.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { commandCenterRange, todayIn } from '../sia/dates.ts';
import { NotFoundError } from '../sia/errors.ts';
import type { SiaTask } from '../sia/model.ts';
import type { TaskService } from '../sia/task-service.ts';
import type { Store } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import {
  createTaskBody,
  fieldProblems,
  listTasksQuery,
  optionalOwnerQuery,
  ownerQuery,
  patchTaskBody,
  putUserBody,
  reconcileBody,
  taskId,
  userId,
  type FieldProblem,
} from './schemas.ts';

export interface ApiUsage {
  used: number;
  limit: number;
  budgetPercent: number | null;
}

/** What the API needs from the sync engine. */
export interface SyncControl {
  apiUsage(): ApiUsage | null;
  reconcile(ownerId: string | undefined): Promise<{ users: number }>;
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
  const result = schema.safeParse(value);
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

function tokenMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function buildServer(deps: ServerDeps) {
  const app = Fastify({ loggerInstance: deps.logger, bodyLimit: 256 * 1024 });
  const { store, tasks, metrics } = deps;

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/')) return;
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

  app.get('/healthz', async () => {
    await store.getCheckpoint('healthz');
    return { status: 'ok' };
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
  const openApi = openApiDocument();
  app.get('/openapi.json', () => Promise.resolve(openApi));

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
