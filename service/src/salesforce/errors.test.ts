import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SalesforceApiError, categorize, errorCodeOf, settlesAsError } from './errors.ts';
import { backoffDelay, defaultRetryPolicy, withRetry } from './retry.ts';

describe('error classification (SIA diagnostics categories)', () => {
  const cases: [string, string, string][] = [
    ['INVALID_SESSION_ID', '', 'Authentication'],
    ['INACTIVE_USER', '', 'Authentication'],
    ['REQUIRED_FIELD_MISSING', '', 'Access & Validation'],
    ['FIELD_CUSTOM_VALIDATION_EXCEPTION', '', 'Access & Validation'],
    ['INVALID_FIELD', 'No such column', 'Access & Validation'],
    ['INVALID_FIELD', 'Net::ReadTimeout', 'Intermittent'],
    ['UNABLE_TO_LOCK_ROW', '', 'Intermittent'],
    ['SERVER_UNAVAILABLE', '', 'Intermittent'],
    ['REQUEST_LIMIT_EXCEEDED', '', 'Intermittent'],
    ['ERROR_HTTP_503', '', 'Intermittent'],
    ['ECONNRESET', '', 'Intermittent'],
    ['CANNOT_UPDATE_CONVERTED_LEAD', '', 'Other'],
    ['UNKNOWN_EXCEPTION', '', 'Other'],
  ];
  for (const [code, message, category] of cases) {
    it(`${code}${message ? ` (${message})` : ''} is ${category}`, () => {
      assert.equal(categorize(code, message), category);
    });
  }
});

describe('withRetry', () => {
  const slept: number[] = [];
  const policy = {
    ...defaultRetryPolicy,
    sleep: (ms: number) => (slept.push(ms), Promise.resolve()),
    random: () => 0.5,
  };

  it('retries intermittent failures with growing jittered delays, then succeeds', async () => {
    slept.length = 0;
    let calls = 0;
    const result = await withRetry('upsert', policy, () => {
      calls += 1;
      if (calls < 3)
        return Promise.reject(Object.assign(new Error('locked'), { errorCode: 'UNABLE_TO_LOCK_ROW' }));
      return Promise.resolve('ok');
    });
    assert.equal(result, 'ok');
    assert.deepEqual(slept, [backoffDelay(policy, 1), backoffDelay(policy, 2)]);
    assert.ok((slept[1] ?? 0) > (slept[0] ?? 0));
  });

  it('does not retry a validation error and reports it with its category and attempt', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry('upsert', policy, () => {
        calls += 1;
        return Promise.reject(
          Object.assign(new Error('Subject missing'), {
            errorCode: 'REQUIRED_FIELD_MISSING',
            data: { fields: ['Subject'] },
          }),
        );
      }),
      (error: unknown) =>
        error instanceof SalesforceApiError &&
        error.category === 'Access & Validation' &&
        error.attempt === 1 &&
        error.fields[0] === 'Subject',
    );
    assert.equal(calls, 1);
  });

  it('gives up after maxAttempts', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry('query', { ...policy, maxAttempts: 3 }, () => {
        calls += 1;
        return Promise.reject(Object.assign(new Error('down'), { errorCode: 'SERVER_UNAVAILABLE' }));
      }),
      (error: unknown) => error instanceof SalesforceApiError && error.attempt === 3,
    );
    assert.equal(calls, 3);
  });
});

describe('what settles as an error', () => {
  it('settles access and validation failures only; 5xx, timeouts, locks and sessions wait for a retry', () => {
    assert.equal(settlesAsError(categorize('FIELD_CUSTOM_VALIDATION_EXCEPTION')), true);
    assert.equal(settlesAsError(categorize('INSUFFICIENT_ACCESS_OR_READONLY')), true);
    for (const code of [
      'UNKNOWN_EXCEPTION',
      'SERVER_UNAVAILABLE',
      'TIMEOUT',
      'UND_ERR_SOCKET',
      'UNABLE_TO_LOCK_ROW',
    ])
      assert.equal(settlesAsError(categorize(code)), false, code);
    assert.equal(settlesAsError(categorize('INVALID_SESSION_ID')), false);
  });

  it('reads an aborted request (the request timeout) as TIMEOUT, an Intermittent failure', () => {
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    assert.equal(errorCodeOf(aborted).code, 'TIMEOUT');
    assert.equal(categorize(errorCodeOf(aborted).code), 'Intermittent');
  });
});
