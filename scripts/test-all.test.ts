import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jestCounts, nodeTestCounts } from './test-all.ts';

describe('npm test count parsing', () => {
  it('reads Jest totals', () => {
    assert.deepEqual(
      jestCounts('Test Suites: 2 passed, 2 total\nTests:       1 failed, 7 passed, 8 total\n'),
      {
        passed: 7,
        failed: 1,
      },
    );
    assert.equal(jestCounts('no summary here'), undefined);
  });

  it('reads node:test totals from the spec reporter', () => {
    assert.deepEqual(nodeTestCounts('ℹ tests 9\nℹ pass 8\nℹ fail 1\n'), { passed: 8, failed: 1 });
    assert.equal(nodeTestCounts(''), undefined);
  });
});
