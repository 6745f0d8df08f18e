// The OpenAPI 3.1 document of the SIA API, generated from the same zod schemas that validate
// requests, so the document cannot drift from the code.
import { z } from 'zod';
import {
  createTaskBody,
  errorResponse,
  patchTaskBody,
  putUserBody,
  taskResponse,
  userResponse,
} from './schemas.ts';

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});
const problem = (description: string) => ({ description, content: json(errorResponse) });
const ownerParam = { name: 'ownerId', in: 'query', required: true, schema: { type: 'string' } };

/** `featurePaths`: the paths the parts above the HTTP layer (email, connections) documented with their routes. */
export function openApiDocument(featurePaths: Record<string, unknown>): Record<string, unknown> {
  const taskPage = z.object({
    tasks: z.array(taskResponse),
    nextCursor: z.string().nullable(),
    today: z.string().optional(),
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'SIA Sync API',
      version: '1.0.0',
      description: 'SIA task store with two-way task sync to Salesforce.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/users/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        put: {
          summary: 'Create or update a SIA user',
          requestBody: { required: true, content: json(putUserBody) },
          responses: {
            200: { description: 'The user', content: json(userResponse) },
            400: problem('Invalid input'),
          },
        },
        get: {
          summary: 'A SIA user',
          responses: {
            200: { description: 'The user', content: json(userResponse) },
            404: problem('Unknown user'),
          },
        },
      },
      '/api/v1/tasks': {
        post: {
          summary: 'Create a task',
          requestBody: { required: true, content: json(createTaskBody) },
          responses: {
            201: { description: 'Created', content: json(taskResponse) },
            400: problem('Invalid input'),
            404: problem('Unknown owner'),
          },
        },
        get: {
          summary:
            'Tasks of an owner: the Command Center view (open, due today or tomorrow in the owner time zone) or all, with cursor paging',
          parameters: [
            ownerParam,
            {
              name: 'view',
              in: 'query',
              schema: { type: 'string', enum: ['command-center', 'all'], default: 'all' },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            },
          ],
          responses: {
            200: { description: 'A page of tasks', content: json(taskPage) },
            400: problem('Invalid query'),
            404: problem('Unknown owner'),
          },
        },
      },
      '/api/v1/tasks/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        get: {
          summary: 'A task',
          responses: {
            200: { description: 'The task', content: json(taskResponse) },
            404: problem('Unknown task'),
          },
        },
        patch: {
          summary: 'Change a task',
          requestBody: { required: true, content: json(patchTaskBody) },
          responses: {
            200: { description: 'The task', content: json(taskResponse) },
            400: problem('Invalid input'),
            404: problem('Unknown task'),
          },
        },
        delete: {
          summary: 'Delete a task',
          responses: { 204: { description: 'Deleted' }, 404: problem('Unknown task') },
        },
      },
      '/api/v1/sync/status': {
        get: {
          summary:
            'Sync state of a user: mode, enabled-at, last inbound/outbound, outbox depth, API usage, first-sync import progress, and the service lag (outbox, inbound events, change streams)',
          parameters: [ownerParam],
          responses: { 200: { description: 'Status' }, 404: problem('Unknown owner') },
        },
      },
      '/api/v1/conflicts': {
        get: {
          summary: 'Recorded field conflicts, newest first',
          responses: { 200: { description: 'Conflicts' } },
        },
      },
      '/api/v1/errors': {
        get: {
          summary: 'Recorded sync errors by SIA category, newest first',
          responses: { 200: { description: 'Errors' } },
        },
      },
      '/api/v1/sync/reconcile': {
        post: {
          summary: 'Run the getUpdated/getDeleted reconciliation sweep now',
          responses: { 202: { description: 'Sweep done' } },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness (database reachable)',
          security: [],
          responses: { 200: { description: 'OK' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (bearer token like every route but /healthz and /openapi.json)',
          responses: { 200: { description: 'Metrics text' } },
        },
      },
      ...featurePaths,
    },
  };
}
