// Time as a dependency: everything that asks "what time is it", and every timer, goes through a
// Clock, so tests can fix "now", step across midnight or a daylight-saving change on purpose, and
// advance time to fire timers instead of sleeping.

/** A scheduled callback; cancelling an already-cancelled or fired timer does nothing. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs `fn` once, `ms` from now on this clock. */
  after(ms: number, fn: () => void): Timer;
  /** Runs `fn` every `ms` on this clock until cancelled. */
  every(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return {
      cancel: () => {
        clearTimeout(handle);
      },
    };
  },
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    return {
      cancel: () => {
        clearInterval(handle);
      },
    };
  },
};

interface PendingTimer {
  at: number;
  /** Set for a repeating timer. */
  every: number | undefined;
  fn: () => void;
  /** Order of scheduling, so timers due at the same instant fire in the order they were set. */
  seq: number;
}

/**
 * A clock that only moves when told to. Its timers fire during `advance()`, each at its due time
 * (so `now()` inside a callback reads that time), in due order. `set()` moves "now" without
 * firing anything, for tests that travel in time (backwards included). With `realTimers`, only
 * "now" is manual and timers run on real time: for tests that travel in time while the service
 * runs on its own.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<PendingTimer>();

  readonly #realTimers: boolean;

  constructor(start: Date | string, options: { realTimers?: boolean } = {}) {
    this.#now = new Date(start).getTime();
    this.#realTimers = options.realTimers ?? false;
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(to: Date | string): void {
    this.#now = new Date(to).getTime();
  }

  after(ms: number, fn: () => void): Timer {
    return this.#realTimers ? systemClock.after(ms, fn) : this.#schedule(ms, undefined, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.#realTimers ? systemClock.every(ms, fn) : this.#schedule(ms, Math.max(1, ms), fn);
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(target);
      if (next === undefined) break;
      this.#now = Math.max(this.#now, next.at);
      if (next.every === undefined) this.#timers.delete(next);
      else {
        next.at += next.every;
        next.seq = this.#seq++;
      }
      next.fn();
    }
    this.#now = Math.max(this.#now, target);
  }

  #nextDue(target: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > target) continue;
      if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        next = timer;
    }
    return next;
  }

  #schedule(ms: number, every: number | undefined, fn: () => void): Timer {
    const timer: PendingTimer = { at: this.#now + Math.max(0, ms), every, fn, seq: this.#seq++ };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }
}
