// The LWC wire adapter protocol (a class the @wire decorator instantiates with a data callback,
// then drives with update / connect / disconnect) for adapters that answer one HTTP request,
// emitting `{ data, error }` as Lightning Data Service does.

export type DataCallback = (value: unknown) => void;
export type WireConfig = Record<string, unknown>;

/** LDS does not call the server while a reactive parameter ('$prop') is still undefined. */
export function hasUndefinedValue(config: WireConfig): boolean {
  return Object.values(config).some((value) => value === undefined);
}

export abstract class RequestWireAdapter {
  private readonly emit: DataCallback;
  private connected = false;
  private config: WireConfig | undefined;
  /** Bumped per request, so an older answer never overwrites a newer one. */
  private generation = 0;

  constructor(dataCallback: DataCallback) {
    this.emit = dataCallback;
  }

  /** The request's answer, or a rejection with the LDS error shape. */
  protected abstract load(config: WireConfig): Promise<unknown>;

  /** What to emit for an answer; LDS adapters emit `{ data, error }`. */
  protected result(data: unknown, error: unknown): unknown {
    return { data, error };
  }

  update(config: WireConfig): void {
    this.config = config;
    if (this.connected) void this.refetch();
  }

  connect(): void {
    this.connected = true;
    void this.refetch();
  }

  disconnect(): void {
    this.connected = false;
    this.generation++;
  }

  /** Loads the current config again and emits the answer; resolves once emitted. */
  async refetch(): Promise<void> {
    const config = this.config;
    if (config === undefined || !this.connected || hasUndefinedValue(config)) return;
    const generation = ++this.generation;
    let value: unknown;
    try {
      value = this.result(await this.load(config), undefined);
    } catch (error) {
      value = this.result(undefined, error);
    }
    // disconnect() bumps the generation too, so a disconnected adapter emits nothing.
    if (generation === this.generation) this.emit(value);
  }
}
