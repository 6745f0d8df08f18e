// The first-sync import of one user: their Salesforce tasks created or changed in the import window
// before switch-on, read and written a page at a time so memory stays flat in the number of tasks
// and the instance keeps answering its API while it runs.
//
// - Reading: a COUNT() first; below `bulkThreshold` records, REST query pages (2,000 a call); from
//   it on, one Bulk API 2.0 query job read `pageSize` records a call with its locator.
// - Writing: each slice of up to `writeSlice` records is one transaction of multi-row inserts
//   (tasks, links, stamps, progress); the event loop turns between slices.
// - Stamping (every imported task carries its SIA id in SIA_Task_Id__c, which the components read
//   as "linked to SIA"): below the threshold the outbox stamps them 200 a call, as it stamps a task
//   that arrives by change event; from it on one Bulk API 2.0 ingest job (update by Id) stamps them
//   all in a handful of calls, and only the rows it reports failed go through the outbox, which
//   retries or reports them as any push failure. The job's change events carry our client name
//   and are recognised as echoes.
// - Progress (records read, imported, the job ids and the next page's locator) is a checkpoint
//   written in the same transaction as the rows it counts: after a crash the import goes on from
//   the page after the last one committed (a bulk job's results stay readable for days), and a
//   record already linked is never imported twice. /api/v1/sync/status shows it.
import { randomUUID } from 'node:crypto';
import type { QueryResult } from 'jsforce';
import type { SiaTask, SiaUser } from '../sia/model.ts';
import { BulkApi, csvField, csvRecords, type BulkJobInfo } from '../salesforce/bulk.ts';
import type { Link } from '../store/store.ts';
import { nowIso, type SyncContext } from './context.ts';
import { applyRemoteChange, importedTask, isEmailActivity, stampedTaskId } from './inbound.ts';
import { publishNotice } from './notices.ts';
import { TASK_QUERY_FIELDS, taskValues, valuesHash } from './mapping.ts';
import { recordChange, type TaskRecord } from './records.ts';
import { soqlDateTime, soqlFields, soqlString } from '../salesforce/soql.ts';

export interface FirstSyncOptions {
  /** Imports of at least this many records read through Bulk API 2.0 and stamp through an ingest job. */
  bulkThreshold: number;
  /** Records per Bulk API 2.0 results page (maxRecords). */
  pageSize: number;
  /** Records written per transaction; the event loop turns between two. */
  writeSlice: number;
  /** Waits between Bulk API 2.0 job status polls (first, growing to max). */
  pollMs: number;
  maxPollMs: number;
}

export const DEFAULT_FIRST_SYNC: FirstSyncOptions = {
  bulkThreshold: 5_000,
  pageSize: 10_000,
  // A slice of 500 (tasks, links, their indexes and the commit) held the event loop for 60 ms and
  // more on the 2-core machine, enough to push the SIA API's slowest answers past 100 ms.
  writeSlice: 200,
  pollMs: 500,
  maxPollMs: 5_000,
};

/** What /api/v1/sync/status shows of a user's import, and what a restarted import resumes from. */
export interface ImportProgress {
  enabledAt: string;
  phase: 'reading' | 'stamping' | 'done';
  source: 'rest' | 'bulk';
  startedAt: string;
  finishedAt: string | null;
  /** Records the window holds (the COUNT() at the start). */
  total: number;
  /** Records read and written so far. */
  read: number;
  /** Tasks imported so far (read minus those already linked or skipped). */
  imported: number;
  queryJobId: string | null;
  /** The next results page's locator; null before the first page. */
  locator: string | null;
  ingestJobId: string | null;
  /**
   * The stamp job's failed rows are in the outbox: what is left is marking the rest stamped, in
   * slices (absent in a checkpoint written before there was such a step: false).
   */
  stampRetriesQueued?: boolean;
  stamped: number;
  stampFailed: number;
}

export function importCheckpoint(userId: string): string {
  return `import:${userId}`;
}

export async function readImportProgress(
  ctx: Pick<SyncContext, 'store'>,
  userId: string,
): Promise<ImportProgress | undefined> {
  const raw = await ctx.store.getCheckpoint(importCheckpoint(userId));
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as ImportProgress;
  } catch {
    return undefined;
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function windowFilter(ownerSalesforceId: string, since: string): string {
  const at = soqlDateTime(since);
  return `OwnerId = ${soqlString(ownerSalesforceId)} AND (CreatedDate >= ${at} OR LastModifiedDate >= ${at})`;
}

/** Writes one slice of records: new tasks in multi-row inserts, known ones applied as changes. */
async function writeSlice(
  ctx: SyncContext,
  user: SiaUser,
  records: TaskRecord[],
  since: string,
  progress: ImportProgress,
  stampBy: 'outbox' | 'bulk',
): Promise<void> {
  const now = nowIso(ctx);
  const candidates = records.filter((record) => !isEmailActivity(record));
  const linked = await ctx.store.linksBySalesforceIds(candidates.map((r) => r.Id));
  const stamps = candidates.map((r) => stampedTaskId(r)).filter((id): id is string => id !== null);
  const used = stamps.length > 0 ? await ctx.store.usedTaskIds(stamps) : new Set<string>();
  const tasks: SiaTask[] = [];
  const links: Link[] = [];
  const toStamp: { taskId: string; ownerId: string; salesforceId: string; at: string }[] = [];
  const known: TaskRecord[] = [];
  for (const record of candidates) {
    const link = linked.get(record.Id);
    if (link !== undefined) {
      // Unchanged since it was linked (a page read again after a crash): nothing to apply.
      if (link.synced_hash !== valuesHash(taskValues(record))) known.push(record);
      continue;
    }
    const stamped = stampedTaskId(record);
    const id = stamped !== null && !used.has(stamped) ? stamped : randomUUID();
    used.add(id);
    const { task, values } = importedTask(ctx, user, { salesforceId: record.Id, record }, id, now);
    const needsStamp = stamped !== id;
    tasks.push(task);
    links.push({
      task_id: id,
      salesforce_id: record.Id,
      owner_id: user.id,
      synced_values: JSON.stringify(values),
      synced_hash: valuesHash(values),
      // In step as of the record's last commit, so its later change events are not taken as stale.
      synced_at: recordChange(record).at,
      deleted_at: null,
      needs_stamp: needsStamp ? 1 : 0,
    });
    if (needsStamp && stampBy === 'outbox')
      toStamp.push({ taskId: id, ownerId: user.id, salesforceId: record.Id, at: now });
  }
  progress.read += records.length;
  progress.imported += tasks.length;
  await ctx.store.transaction(async (tx) => {
    await tx.insertTasks(tasks);
    await tx.insertLinks(links);
    if (toStamp.length > 0) await tx.enqueueStamps(toStamp);
    // Known records (a resumed import, or a re-enable of a user synced before) are ordinary changes.
    for (const record of known)
      await applyRemoteChange(tx, ctx, recordChange(record), { importUnknown: true });
    if (tasks.length > 0) await tx.touchSync(user.id, 'inbound', now);
    await tx.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), now);
  });
}

/** Writes a page of records in slices, yielding to the event loop between them. */
async function writePage(
  ctx: SyncContext,
  options: FirstSyncOptions,
  user: SiaUser,
  records: Iterable<TaskRecord>,
  since: string,
  progress: ImportProgress,
  pageDone: () => void,
): Promise<void> {
  const stampBy = progress.source === 'bulk' ? 'bulk' : 'outbox';
  const iterator = records[Symbol.iterator]();
  let next = iterator.next();
  do {
    const slice: TaskRecord[] = [];
    while (next.done !== true && slice.length < options.writeSlice) {
      slice.push(next.value);
      next = iterator.next();
    }
    // The page's locator moves on with its last slice: a crash inside a page reads it again.
    if (next.done === true) pageDone();
    await writeSlice(ctx, user, slice, since, progress, stampBy);
    await yieldToLoop();
  } while (next.done !== true);
}

function bulkRecord(row: Record<string, string>): TaskRecord {
  return row as TaskRecord;
}

async function readByRest(
  ctx: SyncContext,
  options: FirstSyncOptions,
  user: SiaUser,
  soql: string,
  since: string,
  progress: ImportProgress,
  onPage: () => void,
): Promise<void> {
  let page: QueryResult<TaskRecord> = await ctx.salesforce.call(
    'import query',
    async (conn) => await conn.query<TaskRecord>(soql, { autoFetch: false }),
  );
  for (;;) {
    await writePage(ctx, options, user, page.records, since, progress, () => undefined);
    onPage();
    const nextUrl = page.nextRecordsUrl;
    if (page.done || nextUrl === undefined) break;
    page = await ctx.salesforce.call(
      'import query more',
      async (conn) => await conn.queryMore<TaskRecord>(nextUrl),
    );
  }
}

async function readByBulk(
  ctx: SyncContext,
  options: FirstSyncOptions,
  bulk: BulkApi,
  user: SiaUser,
  soql: string,
  since: string,
  progress: ImportProgress,
  onPage: () => void,
): Promise<void> {
  let job: BulkJobInfo | undefined;
  if (progress.queryJobId !== null) {
    try {
      job = await bulk.waitForJob('query', progress.queryJobId);
    } catch (error) {
      ctx.logger.warn({ err: error, job: progress.queryJobId }, 'import query job lost: starting a new one');
    }
    if (job?.state !== 'JobComplete') job = undefined;
  }
  if (job === undefined) {
    job = await bulk.createQueryJob(soql);
    progress.queryJobId = job.id;
    progress.locator = null;
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
    job = await bulk.waitForJob('query', job.id);
  }
  if (job.state !== 'JobComplete')
    throw new Error(`import query job ${job.id} ended ${job.state}: ${job.errorMessage ?? ''}`);
  for (;;) {
    const page = await bulk.queryResults(job.id, progress.locator, options.pageSize);
    await writePage(
      ctx,
      options,
      user,
      (function* () {
        for (const row of csvRecords(page.csv)) yield bulkRecord(row);
      })(),
      since,
      progress,
      () => {
        progress.locator = page.locator;
      },
    );
    onPage();
    if (page.locator === null) break;
  }
}

/** Stamps every imported task still without its SIA id in one ingest job; failed rows go to the outbox. */
async function stampByBulk(
  ctx: SyncContext,
  bulk: BulkApi,
  user: SiaUser,
  progress: ImportProgress,
): Promise<void> {
  if (progress.stampRetriesQueued !== true) await queueStampRetries(ctx, bulk, user, progress);
  ctx.hooks.afterStampRetriesQueued?.(progress);
  // Marking 100,000 links stamped in one statement held the event loop for half a second: it is
  // done a slice at a time, each slice one short statement, with a turn of the loop between.
  // In task id order, each slice after the last one (from the start again after a restart).
  let after = '';
  for (;;) {
    const rows = await ctx.store.unstampedLinks(user.id, after, MARK_STAMPED_SLICE);
    const last = rows.at(-1);
    if (last === undefined) break;
    after = last.task_id;
    progress.stamped += await ctx.store.markStamped(rows.map((row) => row.task_id));
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
    await yieldToLoop();
  }
  // One notice for the whole import (open task lists refresh on it; it names the user, not 100,000 ids).
  await publishNotice(ctx, user, 'pushed', []);
}

/** Links marked stamped per statement once the stamp job is done (2,000 held the loop 60 ms). */
const MARK_STAMPED_SLICE = 500;

/**
 * Runs (or finds again after a crash) the stamp job and queues its failed rows in the outbox, in one
 * transaction with the checkpoint that says so; every stamp goes through the outbox if the job failed.
 */
async function queueStampRetries(
  ctx: SyncContext,
  bulk: BulkApi,
  user: SiaUser,
  progress: ImportProgress,
): Promise<void> {
  let job: BulkJobInfo | undefined;
  if (progress.ingestJobId !== null) {
    try {
      job = await bulk.job('ingest', progress.ingestJobId);
      if (job.state === 'Open') job = await bulk.setIngestState(job.id, 'Aborted');
    } catch (error) {
      ctx.logger.warn({ err: error, job: progress.ingestJobId }, 'stamp job lost: starting a new one');
      job = undefined;
    }
    if (job?.state === 'Aborted') job = undefined;
  }
  if (job === undefined) {
    // One string per page of rows, so no row's own string outlives its page (100,000 of them
    // would survive into the old generation while the pages are read).
    const parts = ['Id,SIA_Task_Id__c\n'];
    let after = '';
    for (;;) {
      const rows = await ctx.store.unstampedLinks(user.id, after, 5_000);
      const last = rows.at(-1);
      if (last === undefined) break;
      parts.push(rows.map((row) => `${csvField(row.salesforce_id)},${csvField(row.task_id)}\n`).join(''));
      after = last.task_id;
      await yieldToLoop();
    }
    if (parts.length === 1) return;
    job = await bulk.createIngestJob('Task', 'update');
    progress.ingestJobId = job.id;
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
    await bulk.uploadAndClose(job.id, parts.join(''));
  }
  job = await bulk.waitForJob('ingest', job.id);
  const failed = job.state === 'JobComplete' ? await bulk.failedResults(job.id) : undefined;
  const now = nowIso(ctx);
  await ctx.store.transaction(async (tx) => {
    if (failed === undefined) {
      // The whole job failed: every stamp goes through the outbox instead.
      const all: { taskId: string; ownerId: string; salesforceId: string; at: string }[] = [];
      let after = '';
      for (;;) {
        const rows = await tx.unstampedLinks(user.id, after, 5_000);
        for (const row of rows)
          all.push({ taskId: row.task_id, ownerId: user.id, salesforceId: row.salesforce_id, at: now });
        const last = rows.at(-1);
        if (last === undefined) break;
        after = last.task_id;
      }
      await tx.enqueueStamps(all);
      progress.stampFailed = all.length;
      ctx.logger.warn(
        { user: user.id, job: job.id, state: job.state, error: job.errorMessage },
        'stamp job failed: stamping through the outbox',
      );
    } else {
      const retry = failed
        .filter((row) => row['Id'] !== undefined && row['SIA_Task_Id__c'] !== undefined)
        .map((row) => ({
          taskId: row['SIA_Task_Id__c'] ?? '',
          ownerId: user.id,
          salesforceId: row['Id'] ?? '',
          at: now,
        }));
      await tx.enqueueStamps(retry);
      progress.stampFailed = retry.length;
    }
    progress.stampRetriesQueued = true;
    await tx.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), now);
  });
}

/**
 * Imports the user's tasks of the window starting at `since` for the switch-on at `enabledAt`,
 * resuming an import of the same switch-on that a crash interrupted.
 */
export async function importWindow(
  ctx: SyncContext,
  options: FirstSyncOptions,
  user: SiaUser,
  enabledAt: string,
  since: string,
): Promise<ImportProgress> {
  const bulk = new BulkApi(ctx.salesforce, { pollMs: options.pollMs, maxPollMs: options.maxPollMs });
  const filter = windowFilter(user.salesforceUserId, since);
  let progress = await readImportProgress(ctx, user.id);
  if (progress?.enabledAt !== enabledAt || progress.phase === 'done') {
    const counted = await ctx.salesforce.call(
      'import count',
      async (conn) => await conn.query(`SELECT COUNT() FROM Task WHERE ${filter}`),
    );
    progress = {
      enabledAt,
      phase: 'reading',
      source: counted.totalSize >= options.bulkThreshold ? 'bulk' : 'rest',
      startedAt: nowIso(ctx),
      finishedAt: null,
      total: counted.totalSize,
      read: 0,
      imported: 0,
      queryJobId: null,
      locator: null,
      ingestJobId: null,
      stamped: 0,
      stampFailed: 0,
    };
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
  } else {
    ctx.logger.info({ user: user.id, read: progress.read, total: progress.total }, 'resuming the import');
  }
  ctx.logger.info(
    { user: user.id, total: progress.total, source: progress.source },
    'importing tasks of the window before switch-on',
  );
  const soql = `SELECT ${soqlFields(TASK_QUERY_FIELDS)} FROM Task WHERE ${filter}`;
  const started = Date.now();
  let logged = started;
  const current = progress;
  const onPage = (): void => {
    if (Date.now() - logged >= 5_000) {
      logged = Date.now();
      ctx.logger.info(
        { user: user.id, read: current.read, total: current.total, imported: current.imported },
        'import progress',
      );
    }
    ctx.hooks.afterImportPage?.(current);
  };
  if (progress.phase === 'reading') {
    if (progress.source === 'bulk') await readByBulk(ctx, options, bulk, user, soql, since, progress, onPage);
    else
      await readByRest(ctx, options, user, `${soql} ORDER BY LastModifiedDate, Id`, since, progress, onPage);
    progress.phase = progress.source === 'bulk' ? 'stamping' : 'done';
    if (progress.phase === 'done') progress.finishedAt = nowIso(ctx);
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
  }
  if (progress.phase === 'stamping') {
    // The stamps edit the rep's tasks: the ingest job runs as the identity that may edit them (the
    // rep's own connection when the org identity lacks Modify All Data).
    const route = await ctx.identities.route(user);
    const stamper =
      route.client === undefined || route.client === ctx.salesforce
        ? bulk
        : new BulkApi(route.client, { pollMs: options.pollMs, maxPollMs: options.maxPollMs });
    await stampByBulk(ctx, stamper, user, progress);
    progress.phase = 'done';
    progress.finishedAt = nowIso(ctx);
    await ctx.store.setCheckpoint(importCheckpoint(user.id), JSON.stringify(progress), nowIso(ctx));
  }
  ctx.logger.info(
    {
      user: user.id,
      read: progress.read,
      imported: progress.imported,
      stamped: progress.stamped,
      ms: Date.now() - started,
    },
    'import finished',
  );
  return progress;
}
