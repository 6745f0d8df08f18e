// Live refresh on SIA_Sync_Notice__e for the components that show synced data (siaSyncedTasks,
// siaCommandCenter, siaSyncHealth): one lightning/empApi subscription for the life of a component,
// the notices decoded by c/siaSyncNotice, and a burst of notices folded into at most two refreshes.
import { isEmpEnabled, subscribe, unsubscribe, type EmpSubscription } from 'lightning/empApi';
import { NOTICE_CHANNEL, decodeSyncNotice, type SyncNotice } from 'c/siaSyncNotice';
import { idKey } from 'c/siaSalesforceId';

export type { SyncNotice };

/** -1: only notices published from now on; an open page has just read the current state. */
export const NOTICE_REPLAY_ID = -1;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A notice from an empApi message (`{ channel, data: { payload, event } }`), or null. */
export function noticeFromMessage(message: unknown): SyncNotice | null {
  if (!isObject(message) || !isObject(message.data)) return null;
  return decodeSyncNotice(message.data.payload);
}

/** True when the notice names any of `ids` (records or tasks), in either Id form. */
export function noticeNamesAny(notice: SyncNotice, ids: Iterable<string | null | undefined>): boolean {
  const named = new Set(notice.recordIds.map(idKey));
  for (const id of ids) {
    const key = idKey(id);
    if (key !== undefined && named.has(key)) return true;
  }
  return false;
}

/**
 * One empApi subscription to SIA_Sync_Notice__e for the life of a component: start() in
 * connectedCallback, stop() in disconnectedCallback, also when stop() comes before subscribe
 * has resolved.
 */
export class SyncNoticeListener {
  private subscription: EmpSubscription | null = null;
  /** Bumped by every start() and stop(), so a start that a later call overtook backs out. */
  private generation = 0;
  private readonly onNotice: (notice: SyncNotice) => void;

  constructor(onNotice: (notice: SyncNotice) => void) {
    this.onNotice = onNotice;
  }

  /** Resolves true once subscribed, false when streaming is unavailable here (e.g. mobile). */
  async start(): Promise<boolean> {
    this.stop();
    const generation = ++this.generation;
    // empApi works in Lightning Experience on desktop only; elsewhere subscribe would fail.
    if (!(await isEmpEnabled())) return false;
    if (generation !== this.generation) return false;
    const subscription = await subscribe(NOTICE_CHANNEL, NOTICE_REPLAY_ID, (message) => {
      const notice = noticeFromMessage(message);
      if (notice && generation === this.generation) this.onNotice(notice);
    });
    if (generation !== this.generation) {
      await unsubscribe(subscription);
      return false;
    }
    this.subscription = subscription;
    return true;
  }

  stop(): void {
    this.generation++;
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) {
      // Nothing waits on the answer: the component is leaving the page.
      unsubscribe(subscription).catch(() => undefined);
    }
  }
}

/**
 * Runs `refresh` for a burst of notices at most twice: once now and once more if notices arrived
 * while it ran, so a batch of notices does not queue a refresh each.
 */
export class RefreshCoalescer {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly refresh: () => Promise<void>;

  constructor(refresh: () => Promise<void>) {
    this.refresh = refresh;
  }

  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // Sequential on purpose: the next refresh must see what the previous one missed.
          // eslint-disable-next-line no-await-in-loop
          await this.refresh();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
