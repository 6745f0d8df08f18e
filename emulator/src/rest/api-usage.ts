// The org's rolling 24-hour API request allowance, reported in `Sforce-Limit-Info: api-usage=used/max`.
import type { Clock } from '../schema/types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export class ApiUsage {
  private readonly calls: number[] = [];
  private readonly clock: Clock;
  max: number;

  constructor(options: { clock: Clock; dailyLimit: number }) {
    this.clock = options.clock;
    this.max = options.dailyLimit;
  }

  used(): number {
    const cutoff = this.clock.now().getTime() - DAY_MS;
    let expired = 0;
    while (expired < this.calls.length && (this.calls[expired] ?? 0) <= cutoff) expired++;
    if (expired > 0) this.calls.splice(0, expired);
    return this.calls.length;
  }

  /** Counts one call; false (and nothing counted) when the allowance is spent. */
  tryCount(): boolean {
    if (this.used() >= this.max) return false;
    this.calls.push(this.clock.now().getTime());
    return true;
  }

  /** Spends the rest of the allowance (fault injection: an exhausted org). */
  exhaust(): void {
    const now = this.clock.now().getTime();
    while (this.used() < this.max) this.calls.push(now);
  }

  reset(): void {
    this.calls.length = 0;
  }

  header(): string {
    return `api-usage=${this.used()}/${this.max}`;
  }
}
