// One fetch for the adapters. A failure rejects with what Lightning Data Service rejects with: the
// FetchResponse fields `{ status, statusText, ok: false, body }`, body being the server's error answer.

export class FetchResponseError extends Error {
  readonly status: number;
  readonly statusText: string;
  readonly ok = false;
  readonly body: unknown;

  constructor(status: number, statusText: string, body: unknown) {
    super(`${status} ${statusText}`);
    this.name = 'FetchResponseError';
    this.status = status;
    this.statusText = statusText;
    this.body = body;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text };
  }
}

export async function fetchJson(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    throw new FetchResponseError(0, 'Network error', {
      message: error instanceof Error ? error.message : String(error),
    });
  }
  const body = await readBody(response);
  if (!response.ok) throw new FetchResponseError(response.status, response.statusText, body);
  return body;
}
