// What becomes of a record write Salesforce refused (a task push from the outbox, an email
// activity being settled): an access or validation failure fails the same way on every attempt, so
// it is final and reported to the admin (settlesAsError); anything else (a 5xx, a timeout, a
// dropped connection, a locked row, an expired session) may pass, so the write is tried again later
// with exponential backoff and full jitter. The outbox and email logging both decide here.
import type { ErrorCategory } from '../sia/model.ts';
import { categorize, settlesAsError } from './errors.ts';
import { backoffDelay, defaultRetryPolicy } from './retry.ts';

/** The backoff between later attempts: full jitter up to base·2^(attempt-1), capped at the maximum. */
export interface RetryLaterBounds {
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_LATER: RetryLaterBounds = { baseDelayMs: 1_000, maxDelayMs: 300_000 };

export type FailedWriteOutcome =
  { action: 'retry'; category: ErrorCategory; retryAt: Date } | { action: 'report'; category: ErrorCategory };

/** Whether a refused write is tried again later (true) or final and reported (false). */
export function retriesLater(failure: { code: string; message: string }): boolean {
  return !settlesAsError(categorize(failure.code, failure.message));
}

/**
 * Retry later or report: `attempts` is how often the write already failed before this failure,
 * `now` the time of this one.
 */
export function retryLaterOrReport(
  failure: { code: string; message: string },
  attempts: number,
  now: Date,
  bounds: RetryLaterBounds = DEFAULT_RETRY_LATER,
  random: () => number = defaultRetryPolicy.random,
): FailedWriteOutcome {
  const category = categorize(failure.code, failure.message);
  if (settlesAsError(category)) return { action: 'report', category };
  const delay = backoffDelay({ ...defaultRetryPolicy, ...bounds, random }, attempts + 1);
  return { action: 'retry', category, retryAt: new Date(now.getTime() + delay) };
}
