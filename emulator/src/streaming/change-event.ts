// Change data capture payloads in the JSON shape Salesforce delivers over CometD.
//
// Sources (Change Data Capture Developer Guide):
// - "Change Event Message Structure" (cdc_message_structure, API 56.0+): a CometD client receives
//   `{ schema, payload: { ChangeEventHeader: { entityName, recordIds, changeType, changeOrigin,
//   transactionKey, sequenceNumber, commitTimestamp, commitUser, commitNumber, changedFields },
//   <fields> }, event: { replayId } }`; "the received event in Pub/Sub API contains these
//   ChangeEventHeader fields: nulledFields and diffFields" — CometD messages carry neither, a field
//   set to null is sent as an explicit null instead.
// - "Change Event Body Fields" (cdc_event_fields_body, JSON messages): CREATE carries all non-empty
//   fields and system fields; UPDATE only the changed fields (nulled ones as null) plus
//   LastModifiedDate; DELETE no fields; UNDELETE all non-empty fields of the restored record.
// - A change event never carries IsDeleted or SystemModstamp; the record id travels in recordIds.
import type { ChangeEventInput } from './types.ts';

/** Fields a change event body never includes. */
const FIELDS_NOT_IN_CHANGE_EVENTS = new Set(['id', 'isdeleted', 'systemmodstamp']);

export function buildChangeEventPayload(input: ChangeEventInput): Record<string, unknown> {
  const changedFields =
    input.changeType === 'UPDATE' ? [...new Set([...input.changedFields, ...input.nulledFields])] : [];
  const header = {
    entityName: input.entityName,
    recordIds: [...input.recordIds],
    changeType: input.changeType,
    changeOrigin: input.changeOrigin,
    transactionKey: input.transactionKey,
    sequenceNumber: input.sequenceNumber,
    commitTimestamp: input.commitTimestamp,
    // The system change number of the transaction: increases with commits, diagnostic only.
    commitNumber: input.commitNumber ?? input.commitTimestamp * 1000,
    commitUser: input.commitUser,
    changedFields,
  };
  return { ChangeEventHeader: header, ...bodyFields(input, changedFields) };
}

function bodyFields(input: ChangeEventInput, changedFields: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const carried = (name: string): boolean => !FIELDS_NOT_IN_CHANGE_EVENTS.has(name.toLowerCase());
  switch (input.changeType) {
    case 'CREATE':
    case 'UNDELETE':
      for (const [name, value] of Object.entries(input.values)) {
        if (value !== null && value !== undefined && carried(name)) body[name] = value;
      }
      break;
    case 'UPDATE': {
      const nulled = new Set(input.nulledFields);
      for (const name of changedFields) {
        if (!carried(name)) continue;
        body[name] = nulled.has(name) ? null : (input.values[name] ?? null);
      }
      break;
    }
    case 'DELETE':
      break;
  }
  return body;
}

export type GapChangeType = 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE' | 'GAP_UNDELETE' | 'GAP_OVERFLOW';

export const GAP_CHANGE_TYPES: readonly GapChangeType[] = [
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
];

/**
 * An overflow event's recordIds holds only the empty record id ("Overflow Events",
 * cdc_other_events_overflow: "The record ID for the change is always set to 000000000000000AAA").
 */
export const EMPTY_RECORD_ID = '000000000000000AAA';

export interface GapEventInput {
  entityName: string;
  changeType: GapChangeType;
  /** The changed records; ignored for GAP_OVERFLOW. */
  recordIds: string[];
  commitUser: string;
  commitTimestamp: number;
  transactionKey: string;
  sequenceNumber?: number;
}

/**
 * A gap or overflow event: header only, no field values.
 *
 * Sources (Change Data Capture Developer Guide, "Other Types of Change Events: Gap and Overflow
 * Events", cdc_other_events_gap / cdc_other_events_overflow):
 * - "A gap event contains information about the change in the header, such as the change type and
 *   record ID. It doesn't include details about the change, such as record fields." changeType is
 *   GAP_CREATE, GAP_UPDATE, GAP_DELETE or GAP_UNDELETE; the CometD sample (API 47.0 guide) has
 *   `changeOrigin: ""`, `changedFields: []` and `sequenceNumber: 1`.
 * - "An overflow event contains only header fields. The changeType field header value is
 *   GAP_OVERFLOW ... The object type corresponding to the change is in the entityName field. An
 *   overflow event doesn't include details about the change, such as the record fields or record
 *   ID"; its recordIds carries the empty record id 000000000000000AAA.
 * The Pub/Sub API sample lists every body field as null; CometD JSON omits absent fields, as it
 * does for DELETE, so the payload here is the header alone.
 */
export function buildGapEventPayload(input: GapEventInput): Record<string, unknown> {
  return {
    ChangeEventHeader: {
      entityName: input.entityName,
      recordIds: input.changeType === 'GAP_OVERFLOW' ? [EMPTY_RECORD_ID] : [...input.recordIds],
      changeType: input.changeType,
      changeOrigin: '',
      transactionKey: input.transactionKey,
      sequenceNumber: input.sequenceNumber ?? 1,
      commitTimestamp: input.commitTimestamp,
      commitNumber: input.commitTimestamp * 1000,
      commitUser: input.commitUser,
      changedFields: [],
    },
  };
}
