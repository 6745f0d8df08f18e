// The email logging endpoints in the SIA API's OpenAPI document, generated from the zod schemas
// that validate them.
import { z } from 'zod';
import { errorResponse } from '../http/schemas.ts';
import { emailActivityBody } from './schemas.ts';

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});
const problem = (description: string) => ({ description, content: json(errorResponse) });

const mode = z.object({
  mode: z.enum(['api', 'bcc', 'none']),
  forcedByTeam: z.boolean(),
  teamLoggingOverride: z.enum(['None', 'ApiOnly', 'BccOnly']),
  bccAddress: z.string().nullable(),
});

export function emailOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/email-activities': {
      post: {
        summary: 'Report a sent email, reply, open or click',
        description:
          'API mode (Log_Email_Via_Api__c, subject to Team_Logging_Override__c): the activity is queued once per messageId, kind and recipient and written to Salesforce in batches. BCC mode: nothing is written; the answer carries the Email to Salesforce address to BCC.',
        requestBody: { required: true, content: json(emailActivityBody) },
        responses: {
          200: {
            description: 'BCC mode or logging off: nothing is written',
            content: json(
              mode.extend({
                messageId: z.string(),
                kind: z.string(),
                logged: z.literal(false),
                message: z.string(),
              }),
            ),
          },
          202: {
            description: 'API mode: each recipient queued, or a duplicate of one already taken',
            content: json(
              mode.extend({
                messageId: z.string(),
                kind: z.string(),
                activities: z.array(
                  z.object({ recipient: z.string(), status: z.enum(['queued', 'duplicate']) }),
                ),
              }),
            ),
          },
          400: problem('Invalid body; `fields` names each problem'),
          404: problem('No SIA user with that ownerId'),
          409: problem('BCC mode without an Email to Salesforce address (Bcc_Address__c)'),
        },
      },
    },
    '/api/v1/users/{id}/email-logging': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        summary: 'Which email logging mode applies to a user, and the BCC address',
        responses: {
          200: {
            description: 'The mode in effect',
            content: json(mode.extend({ userId: z.string(), logReplies: z.boolean() })),
          },
          404: problem('No such user'),
          409: problem('BCC mode without an Email to Salesforce address (Bcc_Address__c)'),
        },
      },
    },
  };
}
