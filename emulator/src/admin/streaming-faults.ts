// /__emulator/streaming/...: faults of the Streaming API side — gap and overflow change events,
// delayed or dropped live delivery on a channel, and dropped CometD clients.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { changeEventChannel, isKnownChannel } from '../org/change-events.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { buildGapEventPayload, GAP_CHANGE_TYPES } from '../streaming/index.ts';

export const gapEventsSchema = z.object({
  entityName: z.string().min(1),
  changeType: z.enum(GAP_CHANGE_TYPES),
  /** Required for GAP_CREATE/UPDATE/DELETE/UNDELETE; an overflow event carries no record id. */
  recordIds: z.array(z.string().min(15).max(18)).default([]),
  /** One gap event per record instead of one event listing them all. */
  perRecord: z.boolean().default(false),
});

export const delaySchema = z.object({
  channel: z.string().min(1),
  /** Wall-clock milliseconds each event is held before live delivery; 0 lifts the delay. */
  delayMs: z.number().int().nonnegative().max(600_000),
  /** How many events to hold; every event until lifted when absent. */
  count: z.number().int().positive().optional(),
});

export const dropSchema = z.object({
  channel: z.string().min(1),
  count: z.number().int().positive().default(1),
});

export const discardSchema = z.object({
  /** How many of the next event deliveries are lost in transit (0 disarms). */
  count: z.number().int().nonnegative().max(1_000).default(1),
});

export type StreamingFaultResult = { ok: true; body: unknown } | { ok: false; error: string };

/** Publishes gap (or overflow) events for a CDC-selected entity on its channel and /data/ChangeEvents. */
export function publishGapEvents(
  state: EmulatorState,
  input: z.infer<typeof gapEventsSchema>,
): StreamingFaultResult {
  const entity = [...state.org.schema.changeDataCaptureEntities].find(
    (name) => name.toLowerCase() === input.entityName.toLowerCase(),
  );
  if (entity === undefined)
    return { ok: false, error: `${input.entityName} is not selected for Change Data Capture` };
  const overflow = input.changeType === 'GAP_OVERFLOW';
  if (!overflow && input.recordIds.length === 0)
    return { ok: false, error: `${input.changeType} needs recordIds` };
  const groups = overflow ? [[]] : input.perRecord ? input.recordIds.map((id) => [id]) : [input.recordIds];
  const transactionKey = randomUUID();
  const commitTimestamp = state.org.clock.now().getTime();
  const channels = [changeEventChannel(entity), '/data/ChangeEvents'];
  const events = groups.map((recordIds, index) => {
    const payload = buildGapEventPayload({
      entityName: entity,
      changeType: input.changeType,
      recordIds,
      commitUser: state.org.users[0]?.id ?? '',
      commitTimestamp,
      transactionKey,
      sequenceNumber: index + 1,
    });
    const [published] = state.bus.publishOnChannels(channels, payload);
    return { replayId: published?.replayId, payload };
  });
  return { ok: true, body: { channels, events } };
}

export function checkChannel(state: EmulatorState, channel: string): string | undefined {
  return isKnownChannel(state.org.schema, channel) ? undefined : `unknown channel ${channel}`;
}
