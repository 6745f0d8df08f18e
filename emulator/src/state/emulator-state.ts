// Everything one running emulator holds, passed to the HTTP layer and the admin API.
import type { FaultInjector } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import type { AuthorizationCodes } from '../auth/authorization-codes.ts';
import type { ConnectedApps } from '../auth/connected-apps.ts';
import type { LoginHost } from '../auth/login-host.ts';
import type { LoginSessions } from '../auth/login-sessions.ts';
import type { OAuthConfig } from '../auth/oauth-token.ts';
import type { UserPasswords } from '../auth/passwords.ts';
import type { SessionStore } from '../auth/session-store.ts';
import type { BulkJobs } from '../rest/bulk/bulk-jobs.ts';
import type { DeployJobs } from '../metadata/deploy.ts';
import type { Org } from '../org/org.ts';
import type { RecycleBin } from '../org/recycle-bin.ts';
import type { SoqlRunner } from '../rest/api-types.ts';
import type { ApiUsage } from '../rest/api-usage.ts';
import type { QueryCursors } from '../rest/query-cursors.ts';
import type { AccessControl } from '../security/access-control.ts';
import type { EventBus } from '../streaming/types.ts';

export interface EmulatorState {
  org: Org;
  recycleBin: RecycleBin;
  sessions: SessionStore;
  usage: ApiUsage;
  bus: EventBus;
  cursors: QueryCursors;
  bulk: BulkJobs;
  requestLog: RequestLog;
  faults: FaultInjector;
  /** Metadata API deploys and their results. */
  deployJobs: DeployJobs;
  oauth: OAuthConfig;
  /** Connected apps, their admin policies and users' approvals. */
  apps: ConnectedApps;
  /** Authorization codes of the web-server flow. */
  codes: AuthorizationCodes;
  /** Users' login passwords. */
  passwords: UserPasswords;
  /** Login-page sessions and authorize requests waiting for approval. */
  logins: LoginSessions;
  /** Who may see and change what: permissions, sharing, field-level security, event delivery. */
  access: AccessControl;
  runSoql: SoqlRunner;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl: string;
  /** The instance and the production and sandbox login hosts; their URLs are set once each listens. */
  hosts: { instance: LoginHost; production: LoginHost; sandbox: LoginHost };
}
