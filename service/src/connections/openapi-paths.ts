// The connection endpoints in the SIA API's OpenAPI document, with every error code they answer.
import { z } from 'zod';
import { errorResponse } from '../http/schemas.ts';
import { CALLBACK_PATH, connectBody } from './routes.ts';

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});
const problem = (description: string) => ({ description, content: json(errorResponse) });

const connection = z.object({
  userId: z.string(),
  status: z.enum(['connected', 'needs_reconnect', 'disconnected', 'not_connected']),
  environment: z.enum(['production', 'sandbox']).nullable(),
  salesforceUserId: z.string().nullable().describe('The Salesforce user the rep connected as'),
  salesforceUsername: z.string().nullable(),
  instanceUrl: z.string().nullable(),
  connectedAt: z.string().nullable(),
  lastRefreshedAt: z.string().nullable(),
  needsReconnect: z.boolean(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  pushes: z
    .object({ identity: z.enum(['own', 'org', 'none']), reason: z.string() })
    .describe("Whose Salesforce access writes this rep's changes now, and why"),
});

const CALLBACK_ERRORS = [
  ['state_missing', 400, 'the callback carries no state'],
  ['state_mismatch', 400, 'the state matches no connection SIA started (forged or from another service)'],
  ['state_used', 400, 'the state was already used (a replayed callback)'],
  ['state_expired', 400, 'more than 15 minutes passed since the connection started'],
  ['access_denied', 403, 'the rep chose Deny on the approval page'],
  [
    'salesforce_<error>',
    400,
    'Salesforce sent the browser back with an error (e.g. salesforce_OAUTH_APP_BLOCKED)',
  ],
  [
    'salesforce_invalid_grant',
    400,
    'the code exchange was refused: a replayed or expired code, or a PKCE verifier that does not match',
  ],
  [
    'salesforce_user_mismatch',
    409,
    'the rep logged in as another Salesforce user than their SIA user maps to',
  ],
  ['api_disabled', 403, 'the Salesforce user lacks API Enabled'],
  ['missing_permissions', 403, 'the Salesforce user cannot create and edit Tasks with SIA_Task_Id__c'],
  ['refresh_token_missing', 400, 'the connected app did not grant the refresh_token scope'],
] as const;

export function connectionOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/users/{id}/salesforce-connection': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      post: {
        summary: 'Start connecting the user to their own Salesforce account',
        description:
          'Answers the authorize URL to open in the browser (the production or sandbox login host), with a state bound to this user and usable once within 15 minutes, and a PKCE S256 challenge. After login and approval Salesforce sends the browser to the callback, which completes the connection.',
        requestBody: { required: false, content: json(connectBody) },
        responses: {
          201: {
            description: 'The authorize URL',
            content: json(
              z.object({
                userId: z.string(),
                environment: z.enum(['production', 'sandbox']),
                authorizeUrl: z.string(),
                expiresAt: z.string(),
              }),
            ),
          },
          400: problem('Invalid body'),
          404: problem('No SIA user with that id'),
          503: problem('connections_unavailable: the service has no SIA_TOKEN_KEYS to encrypt tokens with'),
        },
      },
      get: {
        summary: "The user's Salesforce connection",
        description:
          'Connected as which Salesforce user, since when, the last error, whether it needs reconnecting, and which identity writes the user’s changes (pushes). Tokens are never shown.',
        responses: {
          200: { description: 'The connection', content: json(connection) },
          404: problem('No SIA user'),
        },
      },
      delete: {
        summary: 'Disconnect: revoke the refresh token in Salesforce and forget the tokens',
        responses: {
          200: { description: 'The connection, now disconnected', content: json(connection) },
          404: problem('No SIA user'),
        },
      },
    },
    [CALLBACK_PATH]: {
      get: {
        summary: 'OAuth callback (the browser arrives here from Salesforce)',
        description: `Exchanges the code (with the PKCE verifier) and keeps the connection. Without a returnUrl it answers an HTML page; with one it redirects there with salesforceConnection=connected, or salesforceConnection=failed&salesforceError=<code>. Error codes: ${CALLBACK_ERRORS.map(([code, status, why]) => `${code} (${status}): ${why}`).join('; ')}.`,
        security: [],
        parameters: ['state', 'code', 'error', 'error_description'].map((name) => ({
          name,
          in: 'query',
          schema: { type: 'string' },
        })),
        responses: {
          200: { description: 'Connected (HTML page)' },
          303: { description: 'Back to the returnUrl given when the connection started' },
          400: { description: 'A refused callback (HTML page naming the error code)' },
          403: { description: 'Refused: access_denied, api_disabled or missing_permissions (HTML page)' },
          409: { description: 'salesforce_user_mismatch (HTML page)' },
        },
      },
    },
  };
}
