// sObject Collections (create, update, upsert, delete) take at most 200 records a call, and the
// service reads records by id 200 at a time: one batching rule for every Salesforce call.

/** The most records an sObject Collections request takes (REST API Developer Guide, sObject Collections). */
export const COLLECTION_SIZE = 200;

/** `items` in consecutive batches of at most `size` (COLLECTION_SIZE unless said). */
export function inBatches<T>(items: readonly T[], size: number = COLLECTION_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`a batch size is a positive whole number, not ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
