import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { COLLECTION_SIZE } from '../salesforce/batches.ts';
import { DrainAlarm, coalesceDecision, dueChangesOf, type DueChanges } from './coalesce.ts';

const policy = { windowMs: 1_200, fullBatch: COLLECTION_SIZE };
const START = '2026-12-05T10:00:00.000Z';

/** `count` new changes, arriving `gapMs` apart from the clock's start. */
function arrivals(count: number, gapMs: number): { nextAttemptAt: string; attempts: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    nextAttemptAt: new Date(Date.parse(START) + i * gapMs).toISOString(),
    attempts: 0,
  }));
}

describe('coalescing the outbox', () => {
  it('sends a full collection at once, however young', () => {
    const clock = new ManualClock(START);
    const due = dueChangesOf(arrivals(COLLECTION_SIZE, 0));
    assert.deepEqual(coalesceDecision(due, clock.now().getTime(), policy), { action: 'send' });
  });

  it('holds a smaller batch until its oldest change has waited the window, then sends it', () => {
    const clock = new ManualClock(START);
    const start = clock.now().getTime();
    const queued = arrivals(1, 0);
    assert.deepEqual(coalesceDecision(dueChangesOf(queued), start, policy), {
      action: 'wait',
      until: start + 1_200,
    });
    // Later arrivals do not move the deadline: it belongs to the oldest.
    clock.advance(700);
    queued.push({ nextAttemptAt: clock.now().toISOString(), attempts: 0 });
    assert.deepEqual(coalesceDecision(dueChangesOf(queued), clock.now().getTime(), policy), {
      action: 'wait',
      until: start + 1_200,
    });
    clock.advance(499);
    assert.equal(coalesceDecision(dueChangesOf(queued), clock.now().getTime(), policy).action, 'wait');
    clock.advance(1);
    assert.deepEqual(coalesceDecision(dueChangesOf(queued), clock.now().getTime(), policy), {
      action: 'send',
    });
  });

  it('sends a due retry at once: it has waited out its backoff', () => {
    const clock = new ManualClock(START);
    const due = dueChangesOf([...arrivals(3, 10), { nextAttemptAt: clock.now().toISOString(), attempts: 2 }]);
    assert.deepEqual(due, { count: 4, oldestNewAt: clock.now().getTime(), retryDue: true });
    assert.deepEqual(coalesceDecision(due, clock.now().getTime(), policy), { action: 'send' });
  });

  it('has nothing to do for an empty outbox', () => {
    const empty: DueChanges = { count: 0, oldestNewAt: undefined, retryDue: false };
    assert.deepEqual(coalesceDecision(empty, Date.parse(START), policy), { action: 'idle' });
  });

  it('makes 10 changes a second leave about 12 to a call, none waiting longer than the window', () => {
    // Arrivals every 100 ms for 100 s; a drain runs when the alarm says and takes the due batch.
    const clock = new ManualClock(START);
    let queued: { nextAttemptAt: string; attempts: number }[] = [];
    const calls: { size: number; waitedMs: number }[] = [];
    const alarm = new DrainAlarm(clock, () => {
      const decision = coalesceDecision(dueChangesOf(queued), clock.now().getTime(), policy);
      if (decision.action === 'wait') alarm.wakeAt(decision.until);
      if (decision.action !== 'send') return;
      const oldest = Math.min(...queued.map((q) => Date.parse(q.nextAttemptAt)));
      calls.push({ size: queued.length, waitedMs: clock.now().getTime() - oldest });
      queued = [];
    });
    for (let i = 0; i < 1_000; i += 1) {
      queued.push({ nextAttemptAt: clock.now().toISOString(), attempts: 0 });
      alarm.wakeAt(clock.now().getTime() + policy.windowMs);
      clock.advance(100);
    }
    clock.advance(policy.windowMs);
    assert.equal(
      calls.reduce((sum, c) => sum + c.size, 0),
      1_000,
    );
    assert.ok(calls.length <= 1_000 / 12 + 1, `${String(calls.length)} calls for 1,000 changes`);
    assert.ok(
      calls.every((c) => c.waitedMs <= policy.windowMs),
      'no change waited past the window',
    );
  });
});

describe('the drain alarm', () => {
  it('keeps one timer at the earliest time asked for and fires once', () => {
    const clock = new ManualClock(START);
    const fired: { at: number; now: number }[] = [];
    const alarm = new DrainAlarm(clock, (at) => fired.push({ at, now: clock.now().getTime() }));
    const start = clock.now().getTime();
    for (let i = 0; i < 50; i += 1) alarm.wakeAt(start + 1_200 + i);
    alarm.wakeAt(start + 800);
    assert.equal(clock.pendingTimers, 1);
    assert.equal(alarm.at, start + 800);
    clock.advance(5_000);
    assert.deepEqual(fired, [{ at: start + 800, now: start + 800 }]);
    assert.equal(alarm.at, undefined);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires at once for a time already past, and not at all once cancelled', () => {
    const clock = new ManualClock(START);
    let fired = 0;
    const alarm = new DrainAlarm(clock, () => (fired += 1));
    alarm.wakeAt(clock.now().getTime() - 5_000);
    clock.advance(0);
    assert.equal(fired, 1);
    alarm.wakeAt(clock.now().getTime() + 100);
    alarm.cancel();
    clock.advance(1_000);
    assert.equal(fired, 1);
    assert.equal(clock.pendingTimers, 0);
  });
});
