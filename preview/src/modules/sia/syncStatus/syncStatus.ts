import { LightningElement, api } from 'lwc';
import { todayIn } from 'c/siaDateBuckets';
import { formatDateTime, formatTime } from 'c/siaFormat';
import type { SyncStatus } from '../../../sia/sia-api.ts';

const MODE_LABELS: Readonly<Record<string, string>> = {
  DoNotSync: 'Off',
  SyncCompleteSkipped: 'On (skipped tasks are completed in Salesforce)',
  SyncDeleteSkipped: 'On (skipped tasks are deleted in Salesforce)',
};

/** Task sync with Salesforce, as the service reports it: mode, last exchanges, waiting changes. */
export default class SyncStatusPanel extends LightningElement {
  @api status: SyncStatus | undefined;
  @api locale = 'en-US';
  /** The SIA user's time zone (IANA), in which the times read. */
  @api timeZone = 'UTC';

  get hasStatus(): boolean {
    return this.status !== undefined;
  }

  get modeLabel(): string {
    return MODE_LABELS[this.status?.mode ?? ''] ?? this.status?.mode ?? '';
  }

  get isOn(): boolean {
    return this.status !== undefined && this.status.mode !== 'DoNotSync';
  }

  get iconName(): string {
    return this.isOn ? 'utility:sync' : 'utility:warning';
  }

  /** Today's instants as a time ("3:58 PM"), older ones with their date, in the user's zone. */
  private when(instant: string | null): string {
    if (instant === null) return 'never';
    const today = todayIn(this.timeZone, Date.now());
    return todayIn(this.timeZone, new Date(instant)) === today
      ? formatTime(instant, this.locale, this.timeZone)
      : formatDateTime(instant, this.locale, this.timeZone);
  }

  /** One text node, so the words keep their spaces. */
  get summary(): string {
    const status = this.status;
    if (status === undefined) return '';
    const waiting = status.outboxDepth === 1 ? '1 change waiting' : `${status.outboxDepth} changes waiting`;
    return `last sent ${this.when(status.lastOutboundAt)} · last received ${this.when(status.lastInboundAt)} · ${waiting}`;
  }
}
