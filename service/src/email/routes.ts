// The SIA API's email logging endpoints, registered on the service's fastify app (its bearer auth
// and error handler apply): POST /api/v1/email-activities and GET /api/v1/users/{id}/email-logging.
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { fieldProblems, inputIssueMessage } from '../http/schemas.ts';
import type { SiaServer } from '../http/server.ts';
import { SalesforceApiError } from '../salesforce/errors.ts';
import { BccAddressMissingError, type EmailLogging, type LoggingModeView } from './email-logging.ts';
import { emailOpenApiPaths } from './openapi-paths.ts';
import { EMAIL_ACTIVITY_BODY_LIMIT, emailActivityBody, userParams } from './schemas.ts';

type Parsed<T> = { ok: true; data: T } | { ok: false; reply: FastifyReply };

function parse<T>(schema: z.ZodType<T>, value: unknown, reply: FastifyReply): Parsed<T> {
  const result = schema.safeParse(value, { error: inputIssueMessage });
  if (result.success) return { ok: true, data: result.data };
  const fields = fieldProblems(result.error);
  return {
    ok: false,
    reply: reply.code(400).send({
      error: 'invalid_request',
      message: fields.map((f) => `${f.field} ${f.message}`).join('; '),
      fields,
    }),
  };
}

function bccMissing(reply: FastifyReply, error: BccAddressMissingError): FastifyReply {
  return reply.code(409).send({
    error: 'bcc_address_missing',
    message: error.message,
    mode: 'bcc',
    forcedByTeam: error.forcedByTeam,
    fields: [{ field: 'Bcc_Address__c', message: 'is empty: enter your Email to Salesforce address' }],
  });
}

/**
 * Problems the caller can act on become answers: BCC mode without an address (409), and settings
 * that cannot be read from Salesforce right now (503: nothing was stored, send it again later).
 */
function bccProblem(error: unknown): BccAddressMissingError | SalesforceApiError {
  if (error instanceof BccAddressMissingError || error instanceof SalesforceApiError) return error;
  throw error;
}

function unavailable(reply: FastifyReply, error: SalesforceApiError): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', '60')
    .send({
      error: 'salesforce_unavailable',
      message: `The email logging settings could not be read from Salesforce (${error.errorCode}); nothing was stored. Send the activity again later.`,
    });
}

function modeJson(view: LoggingModeView): Record<string, unknown> {
  return {
    mode: view.mode,
    forcedByTeam: view.forcedByTeam,
    teamLoggingOverride: view.teamLoggingOverride,
    bccAddress: view.bccAddress,
  };
}

export function registerEmailRoutes(app: SiaServer, logging: EmailLogging): void {
  app.documentPaths(emailOpenApiPaths());
  app.post('/api/v1/email-activities', { bodyLimit: EMAIL_ACTIVITY_BODY_LIMIT }, async (request, reply) => {
    const body = parse(emailActivityBody, request.body, reply);
    if (!body.ok) return body.reply;
    const result = await logging.accept(body.data).catch(bccProblem);
    if (result instanceof BccAddressMissingError) return bccMissing(reply, result);
    if (result instanceof SalesforceApiError) return unavailable(reply, result);
    const base = { messageId: body.data.messageId, kind: body.data.kind, ...modeJson(result.view) };
    if (result.mode === 'api') return reply.code(202).send({ ...base, activities: result.activities });
    if (result.mode === 'bcc') {
      // Email to Salesforce only ever sees the sent email: replies, opens and clicks are not logged.
      const tracking = body.data.kind !== 'sent';
      return reply.code(200).send({
        ...base,
        logged: false,
        message: tracking
          ? `Emails are logged by BCC: Salesforce records the sent email itself; ${body.data.kind === 'reply' ? 'replies' : `${body.data.kind}s`} are not logged.`
          : `Emails are logged by BCC: add ${result.view.bccAddress ?? ''} as BCC when sending; the service writes nothing to Salesforce.`,
      });
    }
    return reply.code(200).send({
      ...base,
      logged: false,
      message:
        'Email logging is off for this user: an admin or the user turns on Log_Email_Via_Api__c (Salesforce API) or Bcc_Enabled__c (Email to Salesforce).',
    });
  });

  app.get('/api/v1/users/:id/email-logging', async (request, reply) => {
    const params = parse(userParams, request.params, reply);
    if (!params.ok) return params.reply;
    const view = await logging.modeFor(params.data.id).catch(bccProblem);
    if (view instanceof BccAddressMissingError) return bccMissing(reply, view);
    if (view instanceof SalesforceApiError) return unavailable(reply, view);
    return reply.send({ userId: view.userId, ...modeJson(view), logReplies: view.logReplies });
  });
}
