// The emulator's HTTP front: OAuth, identity, the REST data API, the Metadata API (SOAP, and REST
// deployRequest), CometD and the admin API on one node:http server (CometD needs the raw request and
// response).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin } from '../admin/admin-routes.ts';
import { faultErrorBody, oauthFaultBody, type Fault } from '../state/faults.ts';
import { servedOnLoginHost, type LoginHost } from '../auth/login-host.ts';
import { passwordPolicyProblem } from '../auth/passwords.ts';
import { isJobDataUpload, MAX_UPLOAD_BYTES, uploadTooLarge } from '../rest/bulk/upload-limit.ts';
import { handleRestDeploy } from '../metadata/rest-deploy.ts';
import { handleMetadataSoap, soapFault } from '../metadata/soap-api.ts';
import type { ApiContext } from '../rest/api-types.ts';
import { executeApi } from './api-router.ts';
import { isSupportedVersion, versionsList } from '../rest/versions.ts';
import type { CometdHandler } from '../streaming/index.ts';
import type { SessionInfo } from '../streaming/types.ts';
import { callOptionsClient, publishCommitted } from '../org/change-events.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { oauthRoute, type OAuthReply } from './oauth-routes.ts';

interface Reply {
  status: number;
  body?: unknown;
  /** An HTML page (the login, approval and error pages). */
  html?: string;
  /** A text body written piece by piece (Bulk API CSV results), with its own Content-Type header. */
  text?: Iterable<string>;
  headers?: Record<string, string | string[]>;
  counted?: boolean;
}

/** A request body as read: its text, or the byte count at which it went over the caller's limit. */
type Body = { text: string } | { tooLarge: true };

const INVALID_SESSION: Reply = {
  status: 401,
  body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
};

// A user whose profile and permission sets lack "API Enabled" is refused on every API, with what the
// REST API answers then (as clients report it, e.g. forcedotcom/salesforcedx-vscode#2387: "The REST
// API is not enabled for this Organization." after `sf org login web` as such a user) and, on the
// SOAP Metadata API, API_CURRENTLY_DISABLED "API is disabled for this User" (forcedotcom/cli#2686).
const API_DISABLED: Reply = {
  status: 403,
  body: [
    { message: 'The REST API is not enabled for this Organization.', errorCode: 'API_DISABLED_FOR_ORG' },
  ],
};

function apiEnabled(state: EmulatorState, session: SessionInfo): boolean {
  return state.access.user(session.userId).has('ApiEnabled');
}

const NOT_FOUND: Reply = {
  status: 404,
  body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
};

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.headers))
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/**
 * Reads at most `limit` bytes; a longer body (by Content-Length or as it arrives) is not held: the
 * rest is read and dropped, so the client can finish sending and read the answer on the same
 * connection.
 */
function readLimitedBody(req: IncomingMessage, limit: number): Promise<Body> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      // Flowing without a 'data' listener drops what still arrives.
      req.resume();
      chunks.length = 0;
      resolveBody({ tooLarge: true });
    };
    const onEnd = (): void => {
      resolveBody({ text: Buffer.concat(chunks).toString('utf8') });
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', rejectBody);
  });
}

function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(headers.authorization ?? '');
  return match?.[1]?.trim();
}

/** Writes a streamed text body, waiting for the socket to drain whenever its buffer is full. */
async function sendText(res: ServerResponse, reply: Reply, text: Iterable<string>): Promise<void> {
  res.writeHead(reply.status, reply.headers);
  for (const chunk of text) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolveDrain) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolveDrain();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

async function send(res: ServerResponse, reply: Reply): Promise<void> {
  if (reply.text !== undefined) {
    await sendText(res, reply, reply.text);
    return;
  }
  if (reply.html !== undefined) {
    res.writeHead(reply.status, reply.headers);
    res.end(reply.html);
    return;
  }
  const headers: Record<string, string | string[]> = { ...reply.headers };
  let payload: string | undefined;
  if (typeof reply.body === 'string' && reply.body.startsWith('<?xml')) {
    // Metadata API SOAP answers.
    payload = reply.body;
    headers['Content-Type'] = 'text/xml;charset=UTF-8';
  } else if (typeof reply.body === 'string') {
    // Plain-text answers, such as userinfo's `Bad_OAuth_Token`.
    payload = reply.body;
    headers['Content-Type'] = 'text/plain;charset=UTF-8';
  } else if (reply.body !== undefined && reply.status !== 204) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json;charset=UTF-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpDependencies {
  state: EmulatorState;
  cometd: CometdHandler;
  /** Which host this server is: the instance (everything) or a login host (OAuth and identity only). */
  host: LoginHost;
}

function apiCall(
  state: EmulatorState,
  session: SessionInfo,
  version: string,
  path: string,
  url: URL,
  headers: Record<string, string | undefined>,
  method: string,
  body: Body,
): Reply {
  state.recycleBin.sweep();
  if (!state.usage.tryCount()) {
    return {
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      headers: { 'Sforce-Limit-Info': state.usage.header() },
    };
  }
  if ('tooLarge' in body) {
    const refused = uploadTooLarge();
    return {
      status: refused.status,
      body: refused.body,
      headers: { 'Sforce-Limit-Info': state.usage.header() },
      counted: true,
    };
  }
  const rawBody = body.text;
  const view = state.access.view(session.userId);
  const ctx: ApiContext = {
    // Routes read through the user's schema; saves go to the org itself, through the user's guard.
    org: { ...state.org, schema: view.schema },
    access: {
      visible: view.visible,
      has: (permission) => (view.user.permissions as ReadonlySet<string>).has(permission),
    },
    session,
    version,
    write: { org: state.org, userId: session.userId, changes: [], guard: view.guard },
    platformEvents: [],
    runSoql: state.runSoql,
    cursors: state.cursors,
    usage: state.usage,
    bulk: state.bulk,
    passwords: {
      problem: passwordPolicyProblem,
      set: (userId, password) => {
        state.passwords.set(userId, password);
        state.logins.endAllOf(userId);
      },
    },
  };
  let response;
  try {
    response = executeApi(
      ctx,
      { method, path, query: url.searchParams, headers, rawBody },
      `${state.baseUrl}/id/${session.orgId}/${session.userId}`,
    );
  } catch (error) {
    state.org.store.commit();
    console.error('emulator: unexpected error', error);
    return {
      status: 500,
      body: [
        {
          errorCode: 'UNKNOWN_EXCEPTION',
          message:
            'An unexpected error occurred. Please include this ErrorId if you contact support: 0000000000-00000 (0)',
        },
      ],
      headers: { 'Sforce-Limit-Info': state.usage.header() },
      counted: true,
    };
  }
  state.org.store.commit();
  publishCommitted(state.bus, state.org.schema, ctx.write.changes, ctx.platformEvents, {
    version,
    client: callOptionsClient(headers['sforce-call-options']),
    userId: session.userId,
  });
  const replyHeaders: Record<string, string> = {
    'Sforce-Limit-Info': state.usage.header(),
    ...response.headers,
  };
  return {
    status: response.status,
    body: response.body,
    ...(response.text === undefined ? {} : { text: response.text }),
    headers: replyHeaders,
    counted: true,
  };
}

const LIMIT_EXCEEDED = 'TotalRequests Limit exceeded.';

/** `/services/Soap/m/<version>`: the Metadata API (deploy, checkDeployStatus, cancelDeploy). */
function metadataSoapCall(state: EmulatorState, rawBody: string): Reply {
  if (!state.usage.tryCount()) {
    const fault = soapFault('REQUEST_LIMIT_EXCEEDED', LIMIT_EXCEEDED);
    return { status: fault.status, body: fault.body };
  }
  const sessionId = /<(?:\w+:)?sessionId>([^<]*)</.exec(rawBody)?.[1];
  const caller = sessionId === undefined ? undefined : state.sessions.validate(sessionId.trim());
  if (caller !== undefined && !apiEnabled(state, caller)) {
    const fault = soapFault('API_CURRENTLY_DISABLED', 'API is disabled for this User');
    return { status: fault.status, body: fault.body, counted: true };
  }
  const reply = handleMetadataSoap(
    { org: state.org, jobs: state.deployJobs, session: (token) => state.sessions.validate(token) },
    rawBody,
  );
  return { status: reply.status, body: reply.body, counted: true };
}

/** `/services/data/vXX.X/metadata/deployRequest[/<id>]`: multipart with a binary zip, read as bytes. */
async function restDeployCall(
  state: EmulatorState,
  req: IncomingMessage,
  url: URL,
  session: SessionInfo,
  version: string,
  id: string | undefined,
): Promise<Reply> {
  const bytes = await readBytes(req);
  if (!state.usage.tryCount())
    return { status: 403, body: [{ message: LIMIT_EXCEEDED, errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
  const reply = handleRestDeploy(
    { org: state.org, jobs: state.deployJobs, userId: session.userId, baseUrl: state.baseUrl, version },
    req.method ?? 'GET',
    id === undefined ? [] : [id],
    url.searchParams,
    req.headers['content-type'] ?? '',
    bytes,
  );
  return {
    status: reply.status,
    body: reply.body,
    headers: { 'Sforce-Limit-Info': state.usage.header() },
    counted: true,
  };
}

function oauthReply(answer: OAuthReply): Reply {
  if (answer.kind === 'web') {
    const { status, headers, html } = answer.reply;
    return { status, headers, ...(html === undefined ? {} : { html }) };
  }
  return {
    status: answer.status,
    ...(answer.body === undefined ? {} : { body: answer.body }),
    ...(answer.headers === undefined ? {} : { headers: answer.headers }),
  };
}

async function dispatch(
  state: EmulatorState,
  host: LoginHost,
  req: IncomingMessage,
  url: URL,
): Promise<Reply> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const headers = headerMap(req);
  if (host.kind === 'login' && !servedOnLoginHost(path)) return NOT_FOUND;
  const soapMatch = /^\/services\/Soap\/m\/(\d+\.\d)\/?$/.exec(path);
  if (soapMatch) {
    const rawBody = await readBody(req);
    if (!isSupportedVersion(soapMatch[1] ?? '') || method !== 'POST') return NOT_FOUND;
    return metadataSoapCall(state, rawBody);
  }
  const token = bearerToken(headers);
  const session = token === undefined ? undefined : state.sessions.validate(token);
  if (servedOnLoginHost(path)) {
    const answer = await oauthRoute(state, host, {
      method,
      path,
      query: url.searchParams,
      headers,
      body: await readBody(req),
      session,
    });
    return answer === undefined ? NOT_FOUND : oauthReply(answer);
  }
  if (host.kind === 'login') return NOT_FOUND;
  if (path === '/services/data' || path === '/services/data/') return { status: 200, body: versionsList() };
  const dataMatch = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path);
  if (dataMatch) {
    const version = dataMatch[1] ?? '';
    if (!isSupportedVersion(version)) return NOT_FOUND;
    if (session === undefined) return INVALID_SESSION;
    if (!apiEnabled(state, session)) {
      await readBody(req);
      return API_DISABLED;
    }
    const deployMatch = /^\/metadata\/deployRequest(?:\/([^/]+))?\/?$/.exec(dataMatch[2] ?? '');
    if (deployMatch) return restDeployCall(state, req, url, session, version, deployMatch[1]);
    const body: Body = isJobDataUpload(method, path)
      ? await readLimitedBody(req, MAX_UPLOAD_BYTES)
      : { text: await readBody(req) };
    return apiCall(state, session, version, dataMatch[2] ?? '/', url, headers, method, body);
  }
  return NOT_FOUND;
}

/** Applies an injected fault; true when the fault answered (or dropped) the request itself. */
async function applyFault(
  state: EmulatorState,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (fault.delayMs !== undefined) await sleep(fault.delayMs);
  switch (fault.action) {
    case 'status':
      await send(res, {
        status: fault.status ?? 500,
        // The token endpoint answers in OAuth's shape ({error, error_description}), the APIs with an error list.
        body: (req.url ?? '').startsWith('/services/oauth2/') ? oauthFaultBody(fault) : faultErrorBody(fault),
      });
      return true;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'revoke-token': {
      const token = bearerToken(headerMap(req));
      if (token !== undefined) state.sessions.revoke(token);
      return false;
    }
    case 'exhaust-allowance':
      state.usage.exhaust();
      return false;
    case 'delay':
    case 'hold-answer':
      return false;
  }
}

export function createRequestHandler({
  state,
  cometd,
  host,
}: HttpDependencies): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = Date.now();
    // Clients that join an instance URL ending in '/' send '//services/...': collapse repeated slashes
    // (and never read a leading '//' as a host).
    const url = new URL(`http://127.0.0.1${(req.url ?? '/').replace(/^\/{2,}/, '/')}`);
    url.pathname = url.pathname.replace(/\/{2,}/g, '/');
    const method = req.method ?? 'GET';
    const client = callOptionsClient(headerMap(req)['sforce-call-options']) ?? null;
    const log = (status: number, counted: boolean): void => {
      state.requestLog.add({
        method,
        path: url.pathname,
        query: url.search,
        status,
        counted,
        client,
        at: state.org.clock.now().toISOString(),
        durationMs: Date.now() - started,
      });
    };
    try {
      if (host.kind === 'instance' && url.pathname.startsWith('/__emulator/')) {
        const reply = handleAdmin(state, method, url.pathname, headerMap(req), await readBody(req), cometd);
        await send(res, reply);
        return;
      }
      const fault = state.faults.take(method, url.pathname);
      if (fault?.action === 'hold-answer' && !url.pathname.startsWith('/cometd/')) {
        // Applied and committed, events published; the answer is held, then lost with the connection.
        const reply = await dispatch(state, host, req, url);
        log(0, reply.counted === true);
        await sleep(fault.delayMs ?? 0);
        req.socket.destroy();
        return;
      }
      if (fault !== undefined && (await applyFault(state, fault, req, res))) {
        log(fault.action === 'drop' ? 0 : (fault.status ?? 500), false);
        return;
      }
      if (host.kind === 'instance' && url.pathname.startsWith('/cometd/')) {
        await cometd.handle(req, res);
        log(res.statusCode, false);
        return;
      }
      const reply = await dispatch(state, host, req, url);
      await send(res, reply);
      log(reply.status, reply.counted === true);
    } catch (error) {
      console.error('emulator: request failed', error);
      if (!res.headersSent)
        await send(res, {
          status: 500,
          body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' }],
        });
      log(500, false);
    }
  };
}
