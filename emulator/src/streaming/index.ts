// The emulator's events: the retained event bus, change-event payloads and the CometD endpoint.
export { createEventBus, DEFAULT_RETENTION_MS, type EventBusOptions } from './event-bus.ts';
export {
  buildChangeEventPayload,
  buildGapEventPayload,
  EMPTY_RECORD_ID,
  GAP_CHANGE_TYPES,
  type GapChangeType,
} from './change-event.ts';
export { createCometdHandler, type CometdHandler, type CometdHandlerOptions } from './cometd-handler.ts';
export type {
  ChangeEventInput,
  DeliveryFault,
  EventBus,
  EventPublisher,
  RetainedEvent,
  RetainedLog,
  SessionInfo,
  SessionValidator,
} from './types.ts';
