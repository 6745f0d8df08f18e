// The SIA_Sync_Notice__e payload: the sync service encodes it (after a pushed batch, or an error it
// reports) and the components decode it to refresh at once. Both sides use this file (the service
// imports it by relative path, so it stays self-contained: no imports, erasable TypeScript only,
// no DOM).

/** The platform event, and the channel components subscribe to through lightning/empApi. */
export const NOTICE_EVENT = 'SIA_Sync_Notice__e';
export const NOTICE_CHANNEL = `/event/${NOTICE_EVENT}`;

/** Record_Ids__c is a LongTextArea(131072). */
export const NOTICE_IDS_MAX_LENGTH = 131_072;

/** Kind__c: `pushed` after the service wrote a batch of tasks, `error` after it recorded a failure. */
export type NoticeKind = 'pushed' | 'error';

/** One event as the service publishes it, keyed by field API name. */
export type NoticePayload = {
  /** The Salesforce user whose tasks changed (18-character Id), if any. */
  User_Id__c: string | null;
  Kind__c: NoticeKind;
  /** Comma-separated Ids of the Tasks and the records they are linked to (WhoId, WhatId). */
  Record_Ids__c: string;
};

/** A notice as the components read it. */
export interface SyncNotice {
  userId: string | null;
  recordIds: string[];
  kind: string | null;
}

/**
 * The events announcing `recordIds` (each named once, in order): one per chunk of comma-separated
 * Ids that fits Record_Ids__c, and at least one even when there are none, since the user alone
 * tells the user's own pages to refresh.
 */
export function encodeSyncNotices(
  userId: string | null,
  kind: NoticeKind,
  recordIds: Iterable<string | null | undefined>,
  maxLength: number = NOTICE_IDS_MAX_LENGTH,
): NoticePayload[] {
  const chunks: string[] = [];
  let current = '';
  for (const id of new Set(recordIds)) {
    if (typeof id !== 'string' || id === '') continue;
    const next = current === '' ? id : `${current},${id}`;
    if (next.length > maxLength && current !== '') {
      chunks.push(current);
      current = id;
    } else current = next;
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks.map((ids) => ({ User_Id__c: userId, Kind__c: kind, Record_Ids__c: ids }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A notice from an event payload (keyed by field API name), or null when it is not one. */
export function decodeSyncNotice(payload: unknown): SyncNotice | null {
  if (!isObject(payload)) return null;
  const ids = typeof payload.Record_Ids__c === 'string' ? payload.Record_Ids__c : '';
  return {
    userId: typeof payload.User_Id__c === 'string' && payload.User_Id__c ? payload.User_Id__c : null,
    recordIds: ids
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length >= 15),
    kind: typeof payload.Kind__c === 'string' ? payload.Kind__c : null,
  };
}
