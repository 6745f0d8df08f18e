// Salesforce errors, classified into the four categories SIA's diagnostics page uses
// (Authentication / Access & Validation / Intermittent / Other).
import type { ErrorCategory } from '../sia/model.ts';

const AUTHENTICATION = new Set([
  'INVALID_SESSION_ID',
  'AUTHENTICATION_FAILURE',
  'EXPIRED_ACCESS',
  'INACTIVE_ORGANIZATION',
  'INACTIVE_USER',
  'INVALID_GRANT',
  'INVALID_CLIENT',
  'INVALID_CLIENT_ID',
  'INVALID_AUTH_HEADER',
  'INVALID_OPERATION_WITH_EXPIRED_PASSWORD',
  // The token endpoint's answers when an admin blocked the app or the user may no longer use it.
  'OAUTH_APP_BLOCKED',
  // SIA's own: no identity may write the rep's record until they connect their Salesforce.
  'NO_WRITE_ACCESS',
  'INVALID_APP_ACCESS',
]);

const ACCESS_VALIDATION = new Set([
  'API_CURRENTLY_DISABLED',
  'API_DISABLED_FOR_ORG',
  'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
  'ENTITY_IS_LOCKED',
  'ENTITY_IS_DELETED',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'FIELD_FILTER_VALIDATION_EXCEPTION',
  'FIELD_INTEGRITY_EXCEPTION',
  'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'INVALID_FIELD',
  'INVALID_TYPE',
  'INVALID_CROSS_REFERENCE_KEY',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'INVALID_ID_FIELD',
  'MALFORMED_ID',
  'MALFORMED_QUERY',
  'REQUIRED_FIELD_MISSING',
  'STRING_TOO_LONG',
  'DUPLICATE_VALUE',
  'DUPLICATE_EXTERNAL_ID',
  'TXN_SECURITY_NO_ACCESS',
  'NOT_FOUND',
  'JSON_PARSER_ERROR',
]);

const INTERMITTENT = new Set([
  'FAILED_WRITE',
  'INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE',
  'QUERY_TIMEOUT',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'FETCH_FAILED',
  'TIMEOUT',
]);

/** The SIA category of a Salesforce error code (unknown codes are Other). */
export function categorize(code: string, message = ''): ErrorCategory {
  const upper = code.toUpperCase();
  if (AUTHENTICATION.has(upper)) return 'Authentication';
  // SIA files "INVALID_FIELD Net::ReadTimeout" under Intermittent: a timeout dressed as a field error.
  if (upper === 'INVALID_FIELD' && /timeout/i.test(message)) return 'Intermittent';
  if (INTERMITTENT.has(upper) || /^ERROR_HTTP_(5\d\d|429|420)$/.test(upper)) return 'Intermittent';
  if (ACCESS_VALIDATION.has(upper)) return 'Access & Validation';
  return 'Other';
}

/**
 * Whether a failure with this category is settled as an error (recorded and dropped from the queue)
 * rather than retried: only access and validation failures, which fail the same way on every retry.
 * A 5xx (UNKNOWN_EXCEPTION is Salesforce's 500), a timeout, a dropped connection, a locked row or an
 * expired session can succeed later, so the change waits for it.
 */
export function settlesAsError(category: ErrorCategory): boolean {
  return category === 'Access & Validation';
}

/** A failed Salesforce call or record, with the context needed to report and retry it. */
export class SalesforceApiError extends Error {
  readonly errorCode: string;
  readonly category: ErrorCategory;
  readonly fields: string[];
  readonly operation: string;
  readonly attempt: number;
  constructor(options: {
    errorCode: string;
    message: string;
    fields?: string[];
    operation: string;
    attempt: number;
    cause?: unknown;
  }) {
    super(`${options.operation}: ${options.errorCode}: ${options.message}`, { cause: options.cause });
    this.name = 'SalesforceApiError';
    this.errorCode = options.errorCode;
    this.category = categorize(options.errorCode, options.message);
    this.fields = options.fields ?? [];
    this.operation = options.operation;
    this.attempt = options.attempt;
  }

  get intermittent(): boolean {
    return this.category === 'Intermittent';
  }
}

/** Reads the code out of whatever jsforce, fetch or the network threw. */
export function errorCodeOf(error: unknown): { code: string; message: string; fields: string[] } {
  if (error instanceof SalesforceApiError)
    return { code: error.errorCode, message: error.message, fields: error.fields };
  const value = error as {
    errorCode?: unknown;
    name?: unknown;
    code?: unknown;
    message?: unknown;
    data?: unknown;
    cause?: unknown;
  };
  const message = typeof value.message === 'string' ? value.message : String(error);
  const data = value.data as { fields?: unknown } | undefined;
  const fields = Array.isArray(data?.fields)
    ? data.fields.filter((f): f is string => typeof f === 'string')
    : [];
  if (typeof value.errorCode === 'string') return { code: value.errorCode, message, fields };
  const cause = value.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string') return { code: cause.code, message, fields };
  if (typeof value.code === 'string') return { code: value.code, message, fields };
  if (message === 'fetch failed') return { code: 'FETCH_FAILED', message, fields };
  // The request timeout aborts the fetch (jsforce rethrows its DOMException).
  if (value.name === 'AbortError' || value.name === 'TimeoutError')
    return { code: 'TIMEOUT', message, fields };
  if (typeof value.name === 'string' && /^[A-Z_]+$/.test(value.name))
    return { code: value.name, message, fields };
  return { code: 'UNKNOWN_EXCEPTION', message, fields };
}
