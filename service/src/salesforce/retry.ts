// Retries intermittent Salesforce failures with exponential backoff and full jitter. jsforce
// itself never retries POST/PATCH, so every write goes through here (upserts are idempotent by
// external id, which makes retrying them safe).
import { SalesforceApiError, errorCodeOf } from './errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Full jitter: a random delay between 0 and base·2^attempt, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(policy.random() * ceiling);
}

export async function withRetry<T>(
  operation: string,
  policy: RetryPolicy,
  work: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (error) {
      const { code, message, fields } = errorCodeOf(error);
      const failure = new SalesforceApiError({
        errorCode: code,
        message,
        fields,
        operation,
        attempt,
        cause: error,
      });
      if (!failure.intermittent || attempt >= policy.maxAttempts) throw failure;
      await policy.sleep(backoffDelay(policy, attempt));
    }
  }
}
