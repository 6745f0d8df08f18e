// What every write step of email logging shares: the first error of a
// record result, and how a failed activity is settled (retried with backoff when the cause may
// pass, otherwise given up and reported to the admin).
import type { Clock } from '../clock.ts';
import type { RecordResult } from '../salesforce/client.ts';
import { retryLaterOrReport, type RetryLaterBounds } from '../salesforce/retry-later-or-report.ts';
import type { EmailActivity, EmailStore } from './email-store.ts';
import { emailActivityKey, reportEmailError, type EmailErrorDeps } from './error-report.ts';

export interface Failure {
  code: string;
  message: string;
  fields: string[];
}

export function firstError(result: RecordResult | undefined): Failure {
  const error = result?.errors[0];
  return {
    code: error?.code ?? 'UNKNOWN_EXCEPTION',
    message: error?.message ?? 'the record failed without an error',
    fields: error?.fields ?? [],
  };
}

export interface SettleDeps extends EmailErrorDeps {
  emailStore: EmailStore;
  clock: Clock;
  /** Backoff of an activity retried later (the service's retryLater configuration). */
  retryLater?: RetryLaterBounds | undefined;
}

/**
 * Settles an activity after a failure: retry when the cause may pass (true: still queued), else
 * report it to the admin and give up (false).
 */
export async function settleFailure(
  deps: SettleDeps,
  activity: EmailActivity,
  context: {
    failure: Failure;
    ownerSalesforceId: string | null;
    recordId: string | null;
    objectApiName: string;
  },
): Promise<boolean> {
  const { failure } = context;
  const now = deps.clock.now();
  const outcome = `${failure.code}: ${failure.message}`;
  const decision = retryLaterOrReport(failure, activity.attempts, now, deps.retryLater);
  const { category } = decision;
  if (decision.action === 'retry') {
    await deps.emailStore.retryLater(activity.id, decision.retryAt.toISOString(), outcome, now.toISOString());
    return true;
  }
  await deps.emailStore.finish(activity.id, 'failed', outcome, now.toISOString());
  await reportEmailError(deps, {
    category,
    code: failure.code,
    message: `Email "${activity.subject}" to ${activity.recipient} was not logged: ${failure.message}`,
    fields: failure.fields,
    ownerId: activity.ownerId,
    ownerSalesforceId: context.ownerSalesforceId,
    recordId: context.recordId,
    objectApiName: context.objectApiName,
    activityKey: emailActivityKey(activity.id),
  });
  return false;
}
