import { LightningElement, api } from 'lwc';
import type { SyncStatus } from '../../../sia/sia-api.ts';

const MODE_LABELS: Readonly<Record<string, string>> = {
  DoNotSync: 'Off',
  SyncCompleteSkipped: 'On (skipped tasks are completed in Salesforce)',
  SyncDeleteSkipped: 'On (skipped tasks are deleted in Salesforce)',
};

function when(instant: string | null): string {
  return instant === null ? 'never' : new Date(instant).toLocaleTimeString();
}

/** Task sync with Salesforce, as the service reports it: mode, last exchanges, waiting changes. */
export default class SyncStatusPanel extends LightningElement {
  @api status: SyncStatus | undefined;

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

  get lastOutbound(): string {
    return when(this.status?.lastOutboundAt ?? null);
  }

  get lastInbound(): string {
    return when(this.status?.lastInboundAt ?? null);
  }

  get waiting(): number {
    return this.status?.outboxDepth ?? 0;
  }
}
