// `--data <file>`: the org's records and the event bus's retained events as JSON, loaded at start
// and written (atomically, debounced) after changes and on close. Keeping the retained events (72
// hours) lets a restarted emulator accept a replay id a subscriber stored before the restart.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { orgSnapshot, type Org, type OrgSnapshot } from '../org/org.ts';
import type { EventBus, RetainedEvent, RetainedLog } from '../streaming/types.ts';

export interface DataFile extends OrgSnapshot {
  /** Absent in files written before events were kept. */
  events?: RetainedLog;
}

export function loadSnapshot(path: string): DataFile | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<OrgSnapshot>;
  if (parsed.format !== 'sia-emulator-org/1' || !Array.isArray(parsed.records)) {
    throw new Error(`${path} is not an emulator data file`);
  }
  const events = retainedLogOf((parsed as { events?: unknown }).events);
  return {
    format: parsed.format,
    idCounter: typeof parsed.idCounter === 'number' ? parsed.idCounter : 0,
    records: parsed.records,
    ...(parsed.metadata === undefined ? {} : { metadata: parsed.metadata }),
    ...(events === undefined ? {} : { events }),
  };
}

function retainedLogOf(value: unknown): RetainedLog | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { lastReplayId, events } = value as { lastReplayId?: unknown; events?: unknown };
  if (typeof lastReplayId !== 'number' || !Array.isArray(events)) return undefined;
  const valid = events.filter(
    (event): event is RetainedEvent =>
      typeof event === 'object' &&
      event !== null &&
      typeof (event as RetainedEvent).channel === 'string' &&
      typeof (event as RetainedEvent).replayId === 'number' &&
      typeof (event as RetainedEvent).publishedAt === 'number' &&
      typeof (event as RetainedEvent).payload === 'object',
  );
  return { lastReplayId, events: valid };
}

export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private readonly org: Org;
  private readonly path: string;
  private readonly delayMs: number;
  private readonly bus: EventBus | undefined;

  constructor(org: Org, path: string, delayMs = 1000, bus?: EventBus) {
    this.org = org;
    this.path = path;
    this.delayMs = delayMs;
    this.bus = bus;
    org.store.onChange(() => {
      this.schedule();
    });
    // Platform events are published without a record change.
    bus?.onEvent(() => {
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const temp = `${this.path}.tmp`;
    const data: DataFile = {
      ...orgSnapshot(this.org),
      ...(this.bus === undefined ? {} : { events: this.bus.exportRetained() }),
    };
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, this.path);
  }
}
