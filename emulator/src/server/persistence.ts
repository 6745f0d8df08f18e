// `--data <file>`: the org's records and the event bus's retained events as JSON, loaded at start
// and written (atomically, debounced) after changes and on close. Keeping the retained events (72
// hours) lets a restarted emulator accept a replay id a subscriber stored before the restart.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ConnectedAppsSnapshot } from '../auth/connected-apps.ts';
import type { PasswordsSnapshot } from '../auth/passwords.ts';
import type { SessionsSnapshot } from '../auth/session-store.ts';
import { orgSnapshot, type Org, type OrgSnapshot } from '../org/org.ts';
import { SHARING_MODELS, type SharingSnapshot } from '../security/sharing-settings.ts';
import type { EventBus, RetainedEvent, RetainedLog } from '../streaming/types.ts';

/** Login and OAuth state: connected apps and approvals, password hashes, refresh tokens (hashed). */
export interface AuthSnapshot {
  connectedApps: ConnectedAppsSnapshot;
  passwords: PasswordsSnapshot;
  sessions: SessionsSnapshot;
}

export interface DataFile extends OrgSnapshot {
  /** Absent in files written before events were kept. */
  events?: RetainedLog;
  /** Absent in files written before the emulator had login pages. */
  auth?: AuthSnapshot;
  /** Organization-wide defaults an admin set; absent before the emulator enforced sharing. */
  sharing?: SharingSnapshot;
}

/** What is kept besides the records, metadata and events. */
export type ExtraState = Pick<DataFile, 'auth' | 'sharing'>;

export function loadSnapshot(path: string): DataFile | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<OrgSnapshot>;
  if (parsed.format !== 'sia-emulator-org/1' || !Array.isArray(parsed.records)) {
    throw new Error(`${path} is not an emulator data file`);
  }
  const events = retainedLogOf((parsed as { events?: unknown }).events);
  const auth = authOf((parsed as { auth?: unknown }).auth);
  const sharing = sharingOf((parsed as { sharing?: unknown }).sharing);
  return {
    format: parsed.format,
    idCounter: typeof parsed.idCounter === 'number' ? parsed.idCounter : 0,
    records: parsed.records,
    ...(parsed.metadata === undefined ? {} : { metadata: parsed.metadata }),
    ...(events === undefined ? {} : { events }),
    ...(auth === undefined ? {} : { auth }),
    ...(sharing === undefined ? {} : { sharing }),
  };
}

function sharingOf(value: unknown): SharingSnapshot | undefined {
  if (!isObject(value)) return undefined;
  const models: string[] = [...SHARING_MODELS];
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, SharingSnapshot[string]] =>
        typeof entry[1] === 'string' && models.includes(entry[1]),
    ),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function authOf(value: unknown): AuthSnapshot | undefined {
  if (!isObject(value)) return undefined;
  const { connectedApps, passwords, sessions } = value;
  if (
    !isObject(connectedApps) ||
    !Array.isArray(connectedApps.apps) ||
    !Array.isArray(connectedApps.approvals)
  )
    return undefined;
  if (!isObject(passwords) || !isObject(sessions) || !isObject(sessions.refreshTokens)) return undefined;
  // Written by this emulator; the shapes inside are its own.
  return {
    connectedApps: connectedApps as unknown as ConnectedAppsSnapshot,
    passwords: passwords as PasswordsSnapshot,
    sessions: sessions as unknown as SessionsSnapshot,
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
  private closed = false;
  private readonly org: Org;
  private readonly path: string;
  private readonly delayMs: number;
  private readonly bus: EventBus | undefined;
  private readonly extra: (() => ExtraState) | undefined;

  constructor(org: Org, path: string, delayMs = 1000, bus?: EventBus, extra?: () => ExtraState) {
    this.org = org;
    this.path = path;
    this.delayMs = delayMs;
    this.bus = bus;
    this.extra = extra;
    org.store.onChange(() => {
      this.schedule();
    });
    // Platform events are published without a record change.
    bus?.onEvent(() => {
      this.schedule();
    });
  }

  /** Saves soon (state outside the records changed). */
  schedule(): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  /**
   * The last save, on close. A request still running when the emulator stopped (one held by a delay
   * fault) may change the org afterwards; that is not saved, so an emulator restarted on the same
   * file never has it overwritten by the stopped one.
   */
  close(): void {
    this.flush();
    this.closed = true;
  }

  flush(): void {
    if (this.closed) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const temp = `${this.path}.tmp`;
    const data: DataFile = {
      ...orgSnapshot(this.org),
      ...(this.bus === undefined ? {} : { events: this.bus.exportRetained() }),
      ...this.extra?.(),
    };
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, this.path);
  }
}
