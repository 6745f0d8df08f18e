// The inbound rule: what one Salesforce change (a change event, a record the sweep or a gap event
// read, a deletion) does to SIA. inbound.ts carries the decision out; engine.ts only reads events.
//
// - ignore: a logged email's Task; a task of a user whose sync is off; an edit (UPDATE event) of a
//   task SIA never had; an unknown task last changed before the import window; an edit of a task
//   deleted in SIA (its delete is on its way: delete beats edit).
// - import: a task SIA has not seen, created (or, in the sweep, changed) inside the import window.
// - echo: our own write coming back. A change event made through our client names it in
//   changeOrigin (`client=SIASync`, from the Sforce-Call-Options header every call sends); one
//   that also leaves the synced values as we last wrote them (links.synced_hash) is dropped.
// - unchanged: someone else's write that leaves the synced fields as they were: nothing to apply.
// - stale: an edit committed before our last sync of the record (a late event). The record is read
//   as it is now; a field our later push overwrote is a conflict SIA won, not a change to apply.
// - conflict: SIA has unsent edits of the same fields; per field the later write wins and the
//   conflict is recorded (inbound.ts).
// - apply: everything else.
import { CALL_OPTIONS_CLIENT } from '../salesforce/client.ts';
import type { Link } from '../store/store.ts';
import { differingFields, valuesHash, type TaskSyncField, type TaskValues } from './mapping.ts';
import { importWindowStart } from './sync-windows.ts';

/** True when a change event's changeOrigin names our client (`client=SIASync`). */
export function isOurChange(changeOrigin: string): boolean {
  return changeOrigin.split(';').some((part) => part.trim() === `client=${CALL_OPTIONS_CLIENT}`);
}

/**
 * Stale: an edit event (not ours) committed before our last sync of the record, so the record is
 * read again as it is now before it is applied.
 */
export function isStaleEdit(
  change: { changedFields: string[] | undefined; ours: boolean; at: string },
  link: Pick<Link, 'synced_at'> | undefined,
): boolean {
  return (
    change.changedFields !== undefined &&
    !change.ours &&
    link?.synced_at !== undefined &&
    link.synced_at !== null &&
    link.synced_at > change.at
  );
}

/**
 * Whether a task SIA has not seen is imported: only where the caller imports at all (a create event,
 * the sweep, the first-sync import), only from a whole record (an edit event carries just the
 * changed fields), and only when it was last changed inside the owner's import window.
 */
export function importsUnknownTask(
  change: { changedFields: string[] | undefined; lastModified: string },
  importUnknown: boolean,
  ownerEnabledAt: string,
): boolean {
  if (!importUnknown || change.changedFields !== undefined) return false;
  return change.lastModified >= importWindowStart(ownerEnabledAt);
}

export type ValuesVerdict =
  { verdict: 'echo' } | { verdict: 'unchanged' } | { verdict: 'changed'; fields: TaskSyncField[] };

/**
 * What a linked task's values say: our own change that leaves the values we last synced is an echo;
 * anyone's change that leaves them is nothing to apply; otherwise the fields that changed.
 */
export function valuesVerdict(
  ours: boolean,
  link: Pick<Link, 'synced_hash'>,
  synced: TaskValues,
  remote: TaskValues,
): ValuesVerdict {
  if (ours && link.synced_hash === valuesHash(remote)) return { verdict: 'echo' };
  const fields = differingFields(synced, remote);
  if (fields.length > 0) return { verdict: 'changed', fields };
  return { verdict: ours ? 'echo' : 'unchanged' };
}
