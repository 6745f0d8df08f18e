// Publishes what a committed request did: one change event per CDC-selected record write (shared
// transactionKey, increasing sequenceNumber) on its entity channel and on /data/ChangeEvents, and the
// platform events it published.
import { randomUUID } from 'node:crypto';
import type { ChangeRecord } from './dml.ts';
import type { Schema } from '../schema/types.ts';
import { buildChangeEventPayload } from '../streaming/index.ts';
import type { EventPublisher } from '../streaming/types.ts';

/** A platform event a request published, delivered once the request's work commits. */
export interface PendingPlatformEvent {
  channel: string;
  payload: Record<string, unknown>;
}

/** `Task` → `/data/TaskChangeEvent`, `SIA_Sync_Error__c` → `/data/SIA_Sync_Error__ChangeEvent`. */
export function changeEventChannel(entity: string): string {
  return entity.endsWith('__c') ? `/data/${entity.slice(0, -3)}__ChangeEvent` : `/data/${entity}ChangeEvent`;
}

export function isKnownChannel(schema: Schema, channel: string): boolean {
  if (channel === '/data/ChangeEvents') return true;
  if (channel.startsWith('/event/')) {
    const def = schema.objects.get(channel.slice('/event/'.length).toLowerCase());
    return def?.kind === 'platformEvent' && `/event/${def.name}` === channel;
  }
  return [...schema.changeDataCaptureEntities].some((entity) => changeEventChannel(entity) === channel);
}

/** The `client=` value of `Sforce-Call-Options` (e.g. `client=SIASync, defaultNamespace=x`). */
export function callOptionsClient(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /(?:^|[,;\s])client=([^,;\s]+)/.exec(header);
  return match?.[1];
}

export interface CommitInfo {
  /** The API that made the change, as changeOrigin names it: `rest` (default) or `bulkapi`. */
  api?: 'rest' | 'bulkapi';
  version: string;
  client: string | undefined;
  userId: string;
}

export function publishCommitted(
  bus: EventPublisher,
  schema: Schema,
  changes: ChangeRecord[],
  platformEvents: PendingPlatformEvent[],
  info: CommitInfo,
): void {
  const transactionKey = randomUUID();
  const changeOrigin = `com/salesforce/api/${info.api ?? 'rest'}/${info.version}${info.client === undefined ? '' : `;client=${info.client}`}`;
  let sequenceNumber = 0;
  for (const change of changes) {
    if (!schema.changeDataCaptureEntities.has(change.entityName)) continue;
    sequenceNumber++;
    const payload = buildChangeEventPayload({
      entityName: change.entityName,
      changeType: change.changeType,
      recordIds: [change.recordId],
      values: change.values,
      changedFields: change.changedFields,
      nulledFields: change.nulledFields,
      commitUser: info.userId,
      commitTimestamp: change.commitTimestamp,
      changeOrigin,
      transactionKey,
      sequenceNumber,
    });
    // One change event, one replay id, on both channels (see README, "Replay ids").
    bus.publishOnChannels([changeEventChannel(change.entityName), '/data/ChangeEvents'], payload);
  }
  for (const event of platformEvents) bus.publish(event.channel, event.payload);
}
