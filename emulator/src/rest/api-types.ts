// The REST layer's request/response model: plain values, so Composite can run subrequests through the
// same routes as top-level requests.
import type { BulkJobs } from './bulk/bulk-jobs.ts';
import type { ApiUsage } from './api-usage.ts';
import type { QueryCursors } from './query-cursors.ts';
import type { WriteContext } from '../org/dml.ts';
import type { PendingPlatformEvent } from '../org/change-events.ts';
import type { Org } from '../org/org.ts';
import type { SoqlOptions, SoqlResult } from '../soql/types.ts';
import type { RecordSource } from '../schema/types.ts';
import type { SessionInfo } from '../streaming/types.ts';

export interface ApiRequest {
  method: string;
  /** Path after `/services/data/vXX.X`, e.g. `/sobjects/Task/00T...`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A text body produced piece by piece (Bulk API CSV), sent with the Content-Type in `headers`. */
  text?: Iterable<string>;
  headers?: Record<string, string>;
}

export type SoqlRunner = (soql: string, options: SoqlOptions) => SoqlResult;

/** Users' login passwords, as `/sobjects/User/{id}/password` sets and resets them. */
export interface PasswordStore {
  /** Why the password policy refuses a new password; undefined when it is fine. */
  problem(password: string): string | undefined;
  set(userId: string, password: string): void;
}

/** What the request's user can see: reads go through it, so records they cannot see do not exist. */
export interface RequestAccess {
  visible: RecordSource;
  /** Whether the user holds a system permission (`ManageUsers`, ...). */
  has(permission: string): boolean;
}

/** Everything a route needs for one authenticated request. */
export interface ApiContext {
  /** The org as the request's user sees it: `schema` holds only what they may read. */
  org: Org;
  access: RequestAccess;
  session: SessionInfo;
  /** e.g. '62.0' */
  version: string;
  write: WriteContext;
  platformEvents: PendingPlatformEvent[];
  runSoql: SoqlRunner;
  cursors: QueryCursors;
  usage: ApiUsage;
  /** Bulk API 2.0 jobs and their daily allocations. */
  bulk: BulkJobs;
  passwords: PasswordStore;
}
