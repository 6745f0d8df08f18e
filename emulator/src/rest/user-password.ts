// /sobjects/User/{id}/password: an admin (Manage Users) sets or resets a user's password, and a user
// sets their own. GET tells whether it has expired; POST {NewPassword} sets it (204); DELETE resets
// it and answers the new one. REST API Developer Guide, "sObject User Password":
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_user_password.htm
import { randomBytes } from 'node:crypto';
import { NOT_FOUND_MESSAGE, RequestError } from '../org/errors.ts';
import { normalizeId } from '../org/ids.ts';
import type { ApiContext, ApiRequest, ApiResponse } from './api-types.ts';
import { isPlainObject, parseJsonBody } from './json-body.ts';

export function userPasswordRoute(ctx: ApiContext, userId: string, req: ApiRequest): ApiResponse {
  const id = normalizeId(userId);
  const user = id === undefined ? undefined : ctx.org.store.byId(id);
  if (id === undefined || user?.type !== 'User') throw new RequestError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
  const own = id === ctx.session.userId;
  if (!own && !ctx.access.has('ManageUsers')) {
    throw new RequestError(403, 'INSUFFICIENT_ACCESS', 'insufficient access rights on cross-reference id');
  }
  switch (req.method) {
    case 'GET':
      return { status: 200, body: { isExpired: false } };
    case 'POST': {
      const body = parseJsonBody(req.rawBody);
      const password = isPlainObject(body) ? body.NewPassword : undefined;
      if (typeof password !== 'string')
        throw new RequestError(400, 'MISSING_ARGUMENT', 'NewPassword not specified');
      const problem = ctx.passwords.problem(password);
      if (problem !== undefined) throw new RequestError(400, 'INVALID_NEW_PASSWORD', problem);
      ctx.passwords.set(id, password);
      return { status: 204 };
    }
    case 'DELETE': {
      const password = `${randomBytes(6).toString('base64url')}7a`;
      ctx.passwords.set(id, password);
      return { status: 200, body: { NewPassword: password } };
    }
    default:
      throw new RequestError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET,POST,DELETE`,
      );
  }
}
