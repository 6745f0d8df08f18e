// Failures that are retried rather than settled (a 5xx, a timeout, a lost connection, a lock, an
// expired or refused session) stay invisible while a retry may still get past them, but not for
// ever: once one has failed `afterAttempts` times or for `afterMs`, it is recorded where admins and
// the SIA API see it (the errors list, SIA_Sync_Error__c on Sync Health) with its category, code,
// attempts and first and last failure, and retrying goes on. When a retry succeeds it is resolved.
import type { ErrorCategory, SiaUser } from '../sia/model.ts';
import { openErrorRow } from './error-records.ts';
import { nowIso, type SyncContext } from './context.ts';
import { reportError } from './notices.ts';

export interface FailureReportBounds {
  afterAttempts: number;
  afterMs: number;
}

/** Five failed attempts or five minutes of failing, whichever comes first. */
export const DEFAULT_FAILURE_REPORT: FailureReportBounds = { afterAttempts: 5, afterMs: 5 * 60_000 };

export interface RetriedFailureNote {
  key: string;
  category: ErrorCategory;
  code: string;
  message: string;
  direction: 'inbound' | 'outbound';
  taskId: string | null;
  salesforceId: string | null;
}

/** Notes a failed attempt; reports the failure once it has lasted past the bounds. Never throws. */
export async function noteRetry(
  ctx: SyncContext,
  user: SiaUser | undefined,
  failure: RetriedFailureNote,
): Promise<void> {
  try {
    const noted = await ctx.store.noteRetriedFailure(
      { ...failure, ownerId: user?.id ?? null },
      nowIso(ctx),
      ctx.failureReport,
    );
    ctx.openFailures.add(failure.key);
    if (!noted.reportedNow) return;
    ctx.logger.warn(
      { key: failure.key, code: failure.code, attempts: noted.attempts, since: noted.firstSeenAt },
      'a failure outlasted its retries: reported, still retrying',
    );
    if (user !== undefined)
      await reportError(ctx, user, {
        category: failure.category,
        code: failure.code,
        message: `${failure.message} (failed ${String(noted.attempts)} times since ${noted.firstSeenAt}; still retrying)`,
        taskId: failure.taskId,
        salesforceId: failure.salesforceId,
      });
  } catch (error) {
    ctx.logger.warn({ err: error, key: failure.key }, 'could not note a retried failure');
  }
}

/** Resolves the open failures under these keys (a retry got through), here and on Sync Health. */
export async function retriesSucceeded(ctx: SyncContext, keys: readonly string[]): Promise<void> {
  const open = keys.filter((key) => ctx.openFailures.has(key));
  if (open.length === 0) return;
  try {
    const resolved = await ctx.store.resolveRetriedFailures(open, nowIso(ctx));
    for (const key of open) ctx.openFailures.delete(key);
    for (const row of resolved) {
      const id = await openErrorRow(ctx.salesforce, {
        code: row.code,
        direction: row.direction === 'outbound' ? 'SiaToSalesforce' : 'SalesforceToSia',
        recordId: row.salesforceId,
        siaTaskId: row.taskId,
      });
      if (id !== undefined)
        await ctx.salesforce.updateRecords('SIA_Sync_Error__c', [{ Id: id, Resolved__c: true }]);
    }
  } catch (error) {
    ctx.logger.warn({ err: error }, 'could not resolve retried failures');
  }
}
