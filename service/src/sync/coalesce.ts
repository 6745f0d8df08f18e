// When queued SIA changes leave for Salesforce: a full collection (200 records, the most one
// sObject Collections call carries) goes at once; a smaller batch waits for company until its
// oldest new change has waited the coalescing window, which is the latency bound. A change being
// retried has already waited out its backoff and goes as soon as it is due. The decision is pure
// (the caller reads the outbox and the clock); DrainAlarm is the one timer that acts on it.
import type { Clock, Timer } from '../clock.ts';

/** What is due in a batch's outbox (or the whole outbox), as the coalescing policy needs it. */
export interface DueChanges {
  /** Changes due now. */
  count: number;
  /** When the oldest due change not sent before became due (epoch ms); undefined when none is. */
  oldestNewAt: number | undefined;
  /** Some due change is a retry (it failed before and its backoff has passed). */
  retryDue: boolean;
}

export interface CoalescePolicy {
  /** How long the oldest new change may wait for others (the latency bound). */
  windowMs: number;
  /** A batch this large goes at once (COLLECTION_SIZE). */
  fullBatch: number;
}

export type CoalesceDecision =
  | { action: 'send' }
  /** Nothing should go before `until` (epoch ms), unless more changes fill a collection first. */
  | { action: 'wait'; until: number }
  | { action: 'idle' };

export function coalesceDecision(due: DueChanges, now: number, policy: CoalescePolicy): CoalesceDecision {
  if (due.count === 0) return { action: 'idle' };
  // Every due change is new or a retry, so no new one means a retry is due.
  if (due.count >= policy.fullBatch || due.retryDue || due.oldestNewAt === undefined)
    return { action: 'send' };
  const until = due.oldestNewAt + policy.windowMs;
  return until <= now ? { action: 'send' } : { action: 'wait', until };
}

/** The DueChanges of outbox entries already read as due (a batch about to be sent). */
export function dueChangesOf(entries: readonly { nextAttemptAt: string; attempts: number }[]): DueChanges {
  let oldestNewAt: number | undefined;
  let retryDue = false;
  for (const entry of entries) {
    if (entry.attempts > 0) {
      retryDue = true;
      continue;
    }
    const at = Date.parse(entry.nextAttemptAt);
    if (oldestNewAt === undefined || at < oldestNewAt) oldestNewAt = at;
  }
  return { count: entries.length, oldestNewAt, retryDue };
}

/**
 * One timer for the next drain, however many changes are queued: asked for several times, it keeps
 * the earliest time and fires once, with that time (the drain decides as of then: a timer may fire
 * before the clock's "now" reads its time, e.g. a millisecond early against Date.now()).
 */
export class DrainAlarm {
  readonly #clock: Clock;
  readonly #onAlarm: (at: number) => void;
  #timer: Timer | undefined;
  #at: number | undefined;

  constructor(clock: Clock, onAlarm: (at: number) => void) {
    this.#clock = clock;
    this.#onAlarm = onAlarm;
  }

  /** When it fires next (epoch ms), if set. */
  get at(): number | undefined {
    return this.#at;
  }

  /** Fires at `at` (epoch ms; now if past), unless it is already set to fire no later. */
  wakeAt(at: number): void {
    if (this.#at !== undefined && this.#at <= at) return;
    this.#timer?.cancel();
    this.#at = at;
    this.#timer = this.#clock.after(Math.max(0, at - this.#clock.now().getTime()), () => {
      this.#timer = undefined;
      this.#at = undefined;
      this.#onAlarm(at);
    });
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#at = undefined;
  }
}
