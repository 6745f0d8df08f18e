// The SIA HTTP API (/api/v1, proxied by the preview server with the API token) as the Command
// Center page uses it. Failures carry the API's message and field problems.

export type SiaTaskType = 'call' | 'email' | 'inmail' | 'custom';
export type SiaTaskStatus = 'open' | 'completed' | 'skipped';
export type SiaTaskPriority = 'normal' | 'high';

export interface SiaTask {
  id: string;
  ownerId: string;
  type: SiaTaskType;
  name: string;
  dueDate: string;
  priority: SiaTaskPriority;
  details: string | null;
  status: SiaTaskStatus;
  person: { salesforceId: string | null; email: string | null };
  relatedToId: string | null;
  createdAt: string;
  updatedAt: string;
  salesforceTaskId: string | null;
}

export interface SyncStatus {
  ownerId: string;
  mode: string;
  enabledAt: string | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  outboxDepth: number;
}

/** The rep's own Salesforce connection, as GET /users/{id}/salesforce-connection answers it. */
export interface SalesforceConnection {
  status: 'connected' | 'needs_reconnect' | 'disconnected' | 'not_connected';
  environment: 'production' | 'sandbox' | null;
  salesforceUsername: string | null;
  connectedAt: string | null;
  needsReconnect: boolean;
  lastError: { code: string; message: string; at: string } | null;
  /** Who writes the rep's changes now, and why. */
  pushes: { identity: 'org' | 'own' | 'none'; reason: string };
}

export interface NewTask {
  type: SiaTaskType;
  name: string;
  dueDate: string;
  priority: SiaTaskPriority;
  person?: { salesforceId: string };
}

export type TaskPatch = Partial<Pick<SiaTask, 'name' | 'dueDate' | 'priority' | 'status' | 'details'>>;

export class SiaApiError extends Error {
  readonly status: number;
  readonly fields: { field: string; message: string }[];

  constructor(status: number, message: string, fields: { field: string; message: string }[]) {
    super(message);
    this.name = 'SiaApiError';
    this.status = status;
    this.fields = fields;
  }
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const answer: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const problem = (answer ?? {}) as { message?: string; fields?: { field: string; message: string }[] };
    throw new SiaApiError(response.status, problem.message ?? response.statusText, problem.fields ?? []);
  }
  return answer;
}

const MAX_PAGES = 10;

export class SiaApi {
  private readonly ownerId: string;

  constructor(ownerId: string) {
    this.ownerId = ownerId;
  }

  private owner(): string {
    return encodeURIComponent(this.ownerId);
  }

  /** The Command Center: open tasks due today and tomorrow in the owner's time zone. */
  async commandCenter(): Promise<{ today: string; tasks: SiaTask[] }> {
    const answer = (await call('GET', `/tasks?ownerId=${this.owner()}&view=command-center&limit=200`)) as {
      today: string;
      tasks: SiaTask[];
    };
    return { today: answer.today, tasks: answer.tasks };
  }

  /** Every task of the owner, page by page (the demo's few hundred at most). */
  async allTasks(): Promise<SiaTask[]> {
    const tasks: SiaTask[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      // Sequential: each page starts where the previous one ended.
      const answer = (await call('GET', `/tasks?ownerId=${this.owner()}&view=all&limit=200${query}`)) as {
        tasks: SiaTask[];
        nextCursor: string | null;
      };
      tasks.push(...answer.tasks);
      cursor = answer.nextCursor;
      if (cursor === null) break;
    }
    return tasks;
  }

  async syncStatus(): Promise<SyncStatus> {
    return (await call('GET', `/sync/status?ownerId=${this.owner()}`)) as SyncStatus;
  }

  async salesforceConnection(): Promise<SalesforceConnection> {
    return (await call('GET', `/users/${this.owner()}/salesforce-connection`)) as SalesforceConnection;
  }

  /** Starts connecting: the authorize URL of the chosen login host; Salesforce returns to `returnUrl`. */
  async connectSalesforce(environment: 'production' | 'sandbox', returnUrl: string): Promise<string> {
    const answer = (await call('POST', `/users/${this.owner()}/salesforce-connection`, {
      environment,
      returnUrl,
    })) as { authorizeUrl: string };
    return answer.authorizeUrl;
  }

  /** Disconnects: SIA revokes the tokens in Salesforce and forgets them. */
  async disconnectSalesforce(): Promise<SalesforceConnection> {
    return (await call('DELETE', `/users/${this.owner()}/salesforce-connection`)) as SalesforceConnection;
  }

  async createTask(task: NewTask): Promise<SiaTask> {
    return (await call('POST', '/tasks', { ownerId: this.ownerId, ...task })) as SiaTask;
  }

  async updateTask(id: string, patch: TaskPatch): Promise<SiaTask> {
    return (await call('PATCH', `/tasks/${encodeURIComponent(id)}`, patch)) as SiaTask;
  }

  async deleteTask(id: string): Promise<void> {
    await call('DELETE', `/tasks/${encodeURIComponent(id)}`);
  }
}
