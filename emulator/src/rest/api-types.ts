// The REST layer's request/response model: plain values, so Composite can run subrequests through the
// same routes as top-level requests.
import type { BulkJobs } from '../bulk/bulk-jobs.ts';
import type { ApiUsage } from './api-usage.ts';
import type { QueryCursors } from './query-cursors.ts';
import type { WriteContext } from '../org/dml.ts';
import type { Org } from '../org/org.ts';
import type { SoqlOptions, SoqlResult } from '../soql/types.ts';
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

export interface PendingPlatformEvent {
  channel: string;
  payload: Record<string, unknown>;
}

export type SoqlRunner = (soql: string, options: SoqlOptions) => SoqlResult;

/** Users' login passwords, as `/sobjects/User/{id}/password` sets and resets them. */
export interface PasswordStore {
  set(userId: string, password: string): void;
  clear(userId: string): void;
}

/** Everything a route needs for one authenticated request. */
export interface ApiContext {
  org: Org;
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
