// GET /sobjects/<type>/updated and /deleted: ids changed or deleted in a window, limited to 30 and 15
// days before the day of the call; latestDateCovered is whole minutes, never after the call.
import { formatDateTime, parseDateTime } from '../org/datetime.ts';
import { RequestError } from '../org/errors.ts';
import type { ObjectDef } from '../schema/types.ts';
import type { ApiContext, ApiResponse } from './api-types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function floorMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

function window(
  ctx: ApiContext,
  query: URLSearchParams,
  days: number,
): { start: number; covered: number; earliest: number } {
  const startRaw = query.get('start');
  const endRaw = query.get('end');
  if (startRaw === null || endRaw === null) {
    throw new RequestError(
      400,
      'MISSING_ARGUMENT',
      `${startRaw === null ? 'start' : 'end'} parameter is required`,
    );
  }
  const start = parseDateTime(startRaw);
  const end = parseDateTime(endRaw);
  if (start === undefined || end === undefined) {
    throw new RequestError(
      400,
      'INVALID_REPLICATION_DATE',
      `Invalid date: ${start === undefined ? startRaw : endRaw}`,
    );
  }
  if (start.getTime() >= end.getTime()) {
    throw new RequestError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
  }
  const now = ctx.org.clock.now().getTime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const earliest = today - days * DAY_MS;
  if (start.getTime() < earliest) {
    throw new RequestError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${days} days ago`);
  }
  return { start: start.getTime(), covered: floorMinute(Math.min(end.getTime(), now)), earliest };
}

function replicable(def: ObjectDef): void {
  if (!def.replicateable) {
    throw new RequestError(400, 'INVALID_TYPE', `sObject type '${def.name}' is not supported.`);
  }
}

export function getUpdated(ctx: ApiContext, def: ObjectDef, query: URLSearchParams): ApiResponse {
  replicable(def);
  const { start, covered } = window(ctx, query, 30);
  const ids: string[] = [];
  for (const record of ctx.access.visible.records(def.name)) {
    if (record.isDeleted) continue;
    const raw = record.fields.SystemModstamp ?? record.fields.LastModifiedDate;
    const stamp = typeof raw === 'string' ? parseDateTime(raw) : undefined;
    if (stamp !== undefined && stamp.getTime() >= start && stamp.getTime() < covered) ids.push(record.Id);
  }
  if (ids.length > 600_000) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached');
  return { status: 200, body: { ids: ids.sort(), latestDateCovered: formatDateTime(new Date(covered)) } };
}

export function getDeleted(ctx: ApiContext, def: ObjectDef, query: URLSearchParams): ApiResponse {
  replicable(def);
  const { start, covered, earliest } = window(ctx, query, 15);
  const deletedRecords: { id: string; deletedDate: string }[] = [];
  for (const record of ctx.access.visible.records(def.name)) {
    if (!record.isDeleted || record.deletedDate === undefined) continue;
    const at = parseDateTime(record.deletedDate)?.getTime();
    if (at !== undefined && at >= start && at < covered && at >= earliest) {
      deletedRecords.push({ id: record.Id, deletedDate: record.deletedDate });
    }
  }
  deletedRecords.sort((a, b) => a.deletedDate.localeCompare(b.deletedDate) || a.id.localeCompare(b.id));
  return {
    status: 200,
    body: {
      deletedRecords,
      earliestDateAvailable: formatDateTime(new Date(earliest)),
      latestDateCovered: formatDateTime(new Date(covered)),
    },
  };
}
