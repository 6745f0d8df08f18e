// The one policy for a refused record write (outbox push, email activity settle): retry later with
// capped full-jitter backoff when the cause may pass, otherwise report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_LATER, retriesLater, retryLaterOrReport } from './retry-later-or-report.ts';

const now = new Date('2026-03-31T12:00:00.000Z');
const ceiling = (): number => 0.999_999;

describe('retry later or report', () => {
  it('retries what may pass later: intermittent failures, a 500, an expired session', () => {
    for (const code of [
      'UNABLE_TO_LOCK_ROW',
      'SERVER_UNAVAILABLE',
      'ERROR_HTTP_503',
      'UNKNOWN_EXCEPTION',
      'TIMEOUT',
      'INVALID_SESSION_ID',
      'SOMETHING_NEW',
    ]) {
      const outcome = retryLaterOrReport({ code, message: 'x' }, 0, now, DEFAULT_RETRY_LATER, ceiling);
      assert.equal(outcome.action, 'retry', code);
    }
    const timeout = retryLaterOrReport({ code: 'INVALID_FIELD', message: 'Net::ReadTimeout' }, 0, now);
    assert.deepEqual([timeout.action, timeout.category], ['retry', 'Intermittent']);
  });

  it('reports access and validation failures, which fail the same way every time', () => {
    assert.deepEqual(retryLaterOrReport({ code: 'REQUIRED_FIELD_MISSING', message: 'Subject' }, 3, now), {
      action: 'report',
      category: 'Access & Validation',
    });
    assert.deepEqual(retryLaterOrReport({ code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: '' }, 0, now), {
      action: 'report',
      category: 'Access & Validation',
    });
  });

  it('backs off from one second, doubling, up to five minutes by default', () => {
    const delays = [0, 1, 2, 8, 20].map((attempts) => {
      const outcome = retryLaterOrReport(
        { code: 'UNABLE_TO_LOCK_ROW', message: '' },
        attempts,
        now,
        undefined,
        ceiling,
      );
      return outcome.action === 'retry' ? outcome.retryAt.getTime() - now.getTime() : -1;
    });
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 256_000, 300_000]);
  });

  it('keeps to the bounds it is given, with full jitter down to now', () => {
    const bounds = { baseDelayMs: 100, maxDelayMs: 300 };
    const high = retryLaterOrReport({ code: 'UNABLE_TO_LOCK_ROW', message: '' }, 5, now, bounds, ceiling);
    const low = retryLaterOrReport({ code: 'UNABLE_TO_LOCK_ROW', message: '' }, 5, now, bounds, () => 0);
    assert.deepEqual(
      [high, low].map((o) => (o.action === 'retry' ? o.retryAt.getTime() - now.getTime() : -1)),
      [300, 0],
    );
  });

  it('answers "retried later?" for a whole failed call the same way', () => {
    assert.equal(retriesLater({ code: 'SERVER_UNAVAILABLE', message: '' }), true);
    assert.equal(retriesLater({ code: 'UNKNOWN_EXCEPTION', message: '' }), true);
    assert.equal(retriesLater({ code: 'INSUFFICIENT_ACCESS_OR_READONLY', message: '' }), false);
  });
});
