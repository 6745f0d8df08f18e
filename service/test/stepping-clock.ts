// The system clock, which a test can move forward (never back) while timers run on real time: one
// clock for the org and the service, so both see the same jump.
import { systemClock, type Clock, type Timer } from '../src/clock.ts';

export class SteppingClock implements Clock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  after(ms: number, fn: () => void): Timer {
    return systemClock.after(ms, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return systemClock.every(ms, fn);
  }

  /**
   * Moves forward to `leftMs` before the end of a minute. The follow-up sweep of an overflow covers
   * the current minute once it is over: a test moves close to the end of a minute before the change
   * the sweep must find, rather than wait out most of a minute.
   */
  toMinuteEnd(leftMs: number): void {
    const now = this.now().getTime();
    let target = now - (now % 60_000) + 60_000 - leftMs;
    if (target < now) target += 60_000;
    this.#offsetMs += target - now;
  }

  /** Moves forward by `ms`. */
  advance(ms: number): void {
    this.#offsetMs += Math.max(0, ms);
  }
}
