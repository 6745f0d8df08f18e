// What of a request may reach the log. A caller can put a credential anywhere in a URL (an
// `?access_token=` the API refuses is still written by the request logger), so query values are
// kept only for the parameters the SIA API itself defines; every other value is replaced.
import type { FastifyRequest } from 'fastify';

/** Query parameters of the SIA API; none of them carries a secret. */
const LOGGED_QUERY_PARAMETERS = new Set(['ownerId', 'view', 'cursor', 'limit']);
/** Names callers use for credentials: logged as `name=[redacted]` so the mistake stays visible. */
const CREDENTIAL_NAMES =
  /^(?:access_?token|token|id_token|refresh_?token|api_?key|apikey|key|sid|session(?:id)?|client_secret|secret|password|code|assertion|signature|auth|authorization)$/i;
export const REDACTED = '[redacted]';

/** The URL with the value of every query parameter the API does not define replaced. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        name = '';
      }
      if (LOGGED_QUERY_PARAMETERS.has(name)) return pair;
      // Any other name may itself be the secret (`?<token>`): keep neither.
      return CREDENTIAL_NAMES.test(name) ? `${name}=${REDACTED}` : REDACTED;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/** fastify's request log shape, with the URL redacted and no headers at all. */
export function redactedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}
