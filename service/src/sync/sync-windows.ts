// The time windows of task sync, each in one place:
// - the first-sync import window: switching a user's sync on at T0 imports their Salesforce tasks
//   created or updated in the 24 hours before T0 (and the sweep and change events import an unknown
//   task only if it changed inside that window);
// - the replication windows: getUpdated answers for the last 30 days and getDeleted for the last 15
//   (REST API Developer Guide, "Get Updated" and "Get Deleted" resources).
const DAY_MS = 86_400_000;
/** Salesforce's replication windows are counted to the day of the call: stay a minute inside them. */
const WINDOW_MARGIN_MS = 60_000;

/** The first-sync import window: 24 hours before sync was switched on. */
export const IMPORT_WINDOW_MS = DAY_MS;
/** getUpdated answers only for the last 30 days. */
export const GET_UPDATED_WINDOW_MS = 30 * DAY_MS;
/** getDeleted answers only for the last 15 days (less if the Recycle Bin was emptied). */
export const GET_DELETED_WINDOW_MS = 15 * DAY_MS;

/** Where the import window of a user who switched sync on at `enabledAt` starts (ISO-8601). */
export function importWindowStart(enabledAt: string): string {
  return new Date(new Date(enabledAt).getTime() - IMPORT_WINDOW_MS).toISOString();
}

/** The earliest start a getUpdated call made at `now` may ask for. */
export function earliestGetUpdatedStart(now: Date): Date {
  return new Date(now.getTime() - GET_UPDATED_WINDOW_MS + WINDOW_MARGIN_MS);
}

/** The earliest start a getDeleted call made at `now` may ask for. */
export function earliestGetDeletedStart(now: Date): Date {
  return new Date(now.getTime() - GET_DELETED_WINDOW_MS + WINDOW_MARGIN_MS);
}
