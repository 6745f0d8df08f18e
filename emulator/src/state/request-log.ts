// Every API request the emulator answered, so tests and benchmarks can count calls.
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Whether the request counted against the daily API allowance. */
  counted: boolean;
  /**
   * The `client=` of the request's `Sforce-Call-Options` header (e.g. `SIASync`), null without one:
   * tells the sync service's calls from a rep's.
   */
  client: string | null;
  at: string;
  durationMs: number;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private readonly max: number;

  constructor(max = 100_000) {
    this.max = max;
  }

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  list(): LoggedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
