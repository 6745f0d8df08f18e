// Contract of the SOQL engine (implemented in soql/index.ts as `runSoql`).
import type { Clock, RecordSource, Schema } from '../schema/types.ts';

export interface SoqlOptions {
  schema: Schema;
  source: RecordSource;
  /** queryAll: include recycle-bin rows (`IsDeleted = true`). */
  includeDeleted: boolean;
  clock: Clock;
  /** IANA zone that date literals (TODAY, LAST_N_DAYS:n) are evaluated in: the running user's zone. */
  timeZone: string;
  /** e.g. '66.0', for each record's `attributes.url`. */
  apiVersion: string;
  /** First day of the week in the user's locale for THIS_WEEK and friends: 0 Sunday (en_US, the default) … 6 Saturday. */
  firstDayOfWeek?: number;
}

export interface SoqlResult {
  /** Object API name in FROM, with Salesforce's casing. */
  objectName: string;
  /** True for `SELECT COUNT() ...`: totalSize carries the count and records is empty. */
  isCount: boolean;
  totalSize: number;
  /**
   * Every matching row after ORDER BY / OFFSET / LIMIT, shaped as the REST API returns it:
   * `{ attributes: { type, url }, Id, Subject, Who: { attributes, Name } | null, ... }`.
   * Paging (nextRecordsUrl) is the REST layer's job.
   */
  records: Record<string, unknown>[];
}

/** A query Salesforce would refuse, with its error code and message style. */
export class SoqlError extends Error {
  readonly errorCode:
    | 'MALFORMED_QUERY'
    | 'INVALID_FIELD'
    | 'INVALID_TYPE'
    | 'INVALID_QUERY_FILTER_OPERATOR'
    | 'NUMBER_OUTSIDE_VALID_RANGE';
  constructor(errorCode: SoqlError['errorCode'], message: string) {
    super(message);
    this.name = 'SoqlError';
    this.errorCode = errorCode;
  }
}
