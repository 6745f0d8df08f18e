// Forwards a browser request to an upstream server with a bearer token the browser never holds.
// The body is buffered so a request refused for an expired token can be sent again once renewed.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ProxyTarget {
  /** Origin of the upstream server, e.g. http://127.0.0.1:8642. */
  origin: string;
  token(): Promise<string>;
  /** A new token after a 401; absent when the token cannot change. */
  renew?: () => Promise<string>;
}

// Hop-by-hop headers, and the browser's own credentials, never cross the proxy.
const DROPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'content-length',
]);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function forward(
  target: ProxyTarget,
  req: IncomingMessage,
  body: Buffer,
  token: string,
): Promise<IncomingMessage> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !DROPPED_HEADERS.has(name)) headers[name] = value;
  headers.authorization = `Bearer ${token}`;
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      new URL(req.url ?? '/', target.origin),
      { method: req.method ?? 'GET', headers },
      resolve,
    );
    upstream.on('error', reject);
    req.on('close', () => {
      // The browser left (a page closed while a long poll was held): stop waiting upstream.
      if (!req.complete || req.destroyed) upstream.destroy();
    });
    upstream.end(body);
  });
}

export async function proxy(target: ProxyTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  let answer = await forward(target, req, body, await target.token());
  if (answer.statusCode === 401 && target.renew !== undefined) {
    answer.resume();
    answer = await forward(target, req, body, await target.renew());
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers))
    if (value !== undefined && !DROPPED_HEADERS.has(name) && name !== 'www-authenticate')
      headers[name] = value;
  res.writeHead(answer.statusCode ?? 502, headers);
  answer.pipe(res);
}
