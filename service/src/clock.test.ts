import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.ts';

describe('ManualClock timers', () => {
  it('fires a timer when time is advanced past it, at its due time, and not before', () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const fired: string[] = [];
    clock.after(500, () => fired.push(clock.now().toISOString()));
    clock.advance(499);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, ['2026-12-01T00:00:00.500Z']);
    clock.advance(10_000);
    assert.deepEqual(fired, ['2026-12-01T00:00:00.500Z'], 'a one-shot timer fires once');
    assert.equal(clock.pendingTimers, 0);
  });

  it('repeats an interval for every period crossed, in due order with one-shot timers', () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const fired: string[] = [];
    clock.every(1_000, () => fired.push(`tick ${clock.now().getTime() % 10_000}`));
    clock.after(1_500, () => fired.push(`once ${clock.now().getTime() % 10_000}`));
    clock.advance(3_000);
    assert.deepEqual(fired, ['tick 1000', 'once 1500', 'tick 2000', 'tick 3000']);
    assert.equal(clock.now().toISOString(), '2026-12-01T00:00:03.000Z');
  });

  it('fires a timer set by a callback when it falls due within the same advance', () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const fired: number[] = [];
    clock.after(100, () => {
      fired.push(clock.now().getTime() % 10_000);
      clock.after(100, () => fired.push(clock.now().getTime() % 10_000));
    });
    clock.advance(250);
    assert.deepEqual(fired, [100, 200]);
  });

  it('never fires a cancelled timer; set() moves time without firing anything', () => {
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    let fired = 0;
    const once = clock.after(100, () => fired++);
    const repeating = clock.every(100, () => fired++);
    once.cancel();
    repeating.cancel();
    clock.advance(1_000);
    assert.equal(fired, 0);
    clock.after(100, () => fired++);
    clock.set('2026-12-02T00:00:00Z');
    assert.equal(fired, 0, 'set() travels in time without firing');
    clock.advance(0);
    assert.equal(fired, 1, 'the timer that fell due fires on the next advance');
  });
});
