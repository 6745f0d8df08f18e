// One batching rule for every Salesforce call: at most 200 records (sObject Collections' limit).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLLECTION_SIZE, inBatches } from './batches.ts';

describe('batches of 200', () => {
  it('splits into consecutive batches of at most 200, keeping the order', () => {
    const items = Array.from({ length: 401 }, (_, i) => i);
    const batches = inBatches(items);
    assert.equal(COLLECTION_SIZE, 200);
    assert.deepEqual(
      batches.map((b) => b.length),
      [200, 200, 1],
    );
    assert.deepEqual(batches.flat(), items);
    assert.deepEqual(inBatches([]), []);
  });

  it('takes a smaller size and refuses a size that is not a positive whole number', () => {
    assert.deepEqual(inBatches(['a', 'b', 'c'], 2), [['a', 'b'], ['c']]);
    for (const size of [0, -1, 1.5, Number.NaN])
      assert.throws(() => inBatches([1], size), /positive whole number/);
  });
});
