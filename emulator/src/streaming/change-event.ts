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
