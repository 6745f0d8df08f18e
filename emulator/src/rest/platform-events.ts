// POST /sobjects/<Name>__e: high-volume platform events are published asynchronously; the REST
// response is 201 with `OPERATION_ENQUEUED` carrying the EventUuid (Platform Events Developer Guide,
// "Publish Event Messages Using REST API").
import { randomUUID } from 'node:crypto';
import { formatDateTime } from '../org/datetime.ts';
import { RequestError, recordError, toApiErrors, type RecordError } from '../org/errors.ts';
import { coerceFieldValue } from '../org/field-values.ts';
import { findField, type ObjectDef } from '../schema/types.ts';
import type { ApiContext, ApiResponse } from './api-types.ts';

export type EnqueueResult =
  { ok: true; id: string; eventUuid: string } | { ok: false; errors: RecordError[] };

/** The REST answer for one published event: 201 with OPERATION_ENQUEUED carrying the EventUuid. */
export function enqueuedResult(
  id: string,
  eventUuid: string,
): { id: string; success: true; errors: RecordError[] } {
  return {
    id,
    success: true,
    errors: [{ statusCode: 'OPERATION_ENQUEUED', message: eventUuid, fields: [] }],
  };
}

export function publishPlatformEvent(
  ctx: ApiContext,
  def: ObjectDef,
  input: Record<string, unknown>,
  rawBody: string,
): ApiResponse {
  const result = enqueuePlatformEvent(ctx, def, input, rawBody);
  if (!result.ok) return { status: 400, body: toApiErrors(result.errors) };
  return { status: 201, body: enqueuedResult(result.id, result.eventUuid) };
}

export function enqueuePlatformEvent(
  ctx: ApiContext,
  def: ObjectDef,
  input: Record<string, unknown>,
  rawBody: string,
): EnqueueResult {
  // Publishing needs Create on the event (ctx.org.schema is the user's view of the org).
  if (!def.createable) {
    return {
      ok: false,
      errors: [
        recordError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be inserted: ${def.label}`),
      ],
    };
  }
  const payload: Record<string, unknown> = {};
  const errors: RecordError[] = [];
  for (const field of def.fields.values()) if (field.custom) payload[field.name] = null;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const field = findField(def, key);
    if (field === undefined) {
      throw new RequestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`);
    }
    if (!field.createable) {
      errors.push(
        recordError('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${field.name}.`, [
          field.name,
        ]),
      );
      continue;
    }
    const result = coerceFieldValue(field, value, {
      schema: ctx.org.schema,
      source: ctx.access.visible,
      rawBody,
    });
    if (result.ok) payload[field.name] = result.value;
    else errors.push(result.error);
  }
  const missing = [...def.fields.values()].filter(
    (f) => f.custom && !f.nillable && f.type !== 'boolean' && payload[f.name] == null,
  );
  if (missing.length > 0) {
    const names = missing.map((f) => f.name);
    errors.push(
      recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names),
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  const eventUuid = randomUUID();
  ctx.platformEvents.push({
    channel: `/event/${def.name}`,
    payload: {
      CreatedDate: formatDateTime(ctx.org.clock.now()),
      CreatedById: ctx.session.userId,
      EventUuid: eventUuid,
      ...payload,
    },
  });
  // The returned id is a placeholder, not unique per event: the EventUuid identifies the message.
  return { ok: true, id: `${def.keyPrefix}xx0000000001AAA`, eventUuid };
}
