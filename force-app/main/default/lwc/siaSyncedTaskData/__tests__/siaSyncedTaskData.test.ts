import { updateRecord } from 'lightning/uiRecordApi';
import {
  DayWatcher,
  FALLBACK_CLOSED_STATUS,
  FALLBACK_OPEN_STATUS,
  closedStatusFrom,
  announcementFor,
  compareTaskRows,
  isTaskAction,
  openStatusFrom,
  queryResult,
  recordInputFor,
  saveTaskAction,
  taskPageFrom,
  taskRowFrom,
  type TaskRow,
} from 'c/siaSyncedTaskData';
import taskNode from './data/taskNode.json';

describe('task rows from the GraphQL answer', () => {
  it('maps every field a row shows, preferring display values for picklists', () => {
    expect(taskRowFrom(taskNode)).toEqual({
      id: '00THs00000T3aaaMAB',
      subject: 'Call back about the SSO question',
      statusLabel: 'In Progress',
      priority: 'Hoch',
      isHighPriority: true,
      activityDate: '2026-03-12',
      isClosed: false,
      activityType: 'call',
      typeLabel: 'Call',
      typeIcon: 'utility:call',
      ownerName: 'Sam Seller',
      relatedName: 'Priya Natarajan',
      whoId: '003Hs00001Kk4PqIAJ',
      whatId: '006Hs00000Mm2NnIAJ',
    });
  });

  it('copes with missing and null fields (field-level security can hide any of them)', () => {
    expect(taskRowFrom({ Id: '00THs00000T3bbbMAB', Who: null, What: { Name: { value: 'Acme' } } })).toEqual({
      id: '00THs00000T3bbbMAB',
      subject: '(no subject)',
      statusLabel: '',
      priority: 'Normal',
      isHighPriority: false,
      activityDate: null,
      isClosed: false,
      activityType: 'custom',
      typeLabel: 'Task',
      typeIcon: 'utility:task',
      ownerName: '',
      relatedName: 'Acme',
      whoId: null,
      whatId: null,
    });
  });

  it('takes the type from TaskSubtype when SIA has not typed the task yet', () => {
    const imported = { ...taskNode, SIA_Activity_Type__c: { value: null }, TaskSubtype: { value: 'Email' } };
    expect(taskRowFrom(imported)).toMatchObject({
      activityType: 'email',
      typeIcon: 'utility:email',
      typeLabel: 'Email',
    });
    const inMail = { ...taskNode, SIA_Activity_Type__c: { value: 'InMail' }, TaskSubtype: { value: 'Task' } };
    expect(taskRowFrom(inMail)).toMatchObject({
      activityType: 'inmail',
      typeIcon: 'utility:chat',
      typeLabel: 'InMail',
    });
  });

  it('treats a non-date ActivityDate as no due date instead of guessing', () => {
    const odd = { ...taskNode, ActivityDate: { value: '2026-03-12T00:00:00.000Z' } };
    expect(taskRowFrom(odd)!.activityDate).toBeNull();
  });

  it('rejects nodes without an Id', () => {
    expect(taskRowFrom({ Subject: { value: 'x' } })).toBeNull();
    expect(taskRowFrom(null)).toBeNull();
  });

  it('reads a connection, skipping broken edges, and never reports fewer matches than rows', () => {
    const connection = { totalCount: 0, edges: [{ node: taskNode }, { node: {} }, null, { cursor: 'x' }] };
    const page = taskPageFrom(connection);
    expect(page.rows.map((row) => row.id)).toEqual(['00THs00000T3aaaMAB']);
    expect(page.totalCount).toBe(1);
    expect(taskPageFrom(undefined)).toEqual({ rows: [], totalCount: 0 });
    expect(taskPageFrom({ totalCount: 7, edges: [{ node: taskNode }] }).totalCount).toBe(7);
  });

  it('finds an alias under data.uiapi.query', () => {
    const data = { uiapi: { query: { openTasks: { edges: [] } } } };
    expect(queryResult(data, 'openTasks')).toEqual({ edges: [] });
    expect(queryResult(data, 'completedTasks')).toBeUndefined();
    expect(queryResult({ uiapi: null }, 'openTasks')).toBeUndefined();
  });

  it('orders high priority first, then by subject', () => {
    const row = (subject: string, isHighPriority: boolean) => ({
      ...taskRowFrom(taskNode)!,
      subject,
      isHighPriority,
    });
    const rows: TaskRow[] = [row('b', false), row('c', true), row('a', false)];
    expect(rows.sort(compareTaskRows).map((r) => r.subject)).toEqual(['c', 'a', 'b']);
  });
});

describe('task actions', () => {
  afterEach(() => jest.clearAllMocks());

  it('falls back to the standard closed and open statuses shared with the service', () => {
    expect(FALLBACK_CLOSED_STATUS).toBe('Completed');
    expect(FALLBACK_OPEN_STATUS).toBe('Not Started');
  });

  it('reads the default open status from the Status picklist, never a closed one', () => {
    expect(openStatusFrom({ defaultValue: { value: 'Open', label: 'Open' } })).toBe('Open');
    expect(openStatusFrom({ defaultValue: null })).toBe('Not Started');
    expect(openStatusFrom({ defaultValue: { value: 'Completed' } })).toBe('Not Started');
    expect(openStatusFrom(undefined)).toBe('Not Started');
  });

  it("completes with the org's default closed status: Completed when it is closed, else the first closed value", () => {
    const statuses = (rows: [string, boolean, number][]): unknown => ({
      uiapi: {
        query: {
          taskStatuses: {
            edges: rows.map(([name, closed, order]) => ({
              node: {
                MasterLabel: { value: name },
                IsClosed: { value: closed },
                IsDefault: { value: order === 1 },
                SortOrder: { value: order },
              },
            })),
          },
        },
      },
    });
    expect(
      closedStatusFrom(
        statuses([
          ['Open', false, 1],
          ['Finished', true, 3],
          ['Done', true, 2],
        ]),
      ),
    ).toBe('Done');
    expect(
      closedStatusFrom(
        statuses([
          ['Open', false, 1],
          ['Done', true, 2],
          ['Completed', true, 3],
        ]),
      ),
    ).toBe('Completed');
    expect(closedStatusFrom(statuses([['Open', false, 1]]))).toBe(FALLBACK_CLOSED_STATUS);
    expect(closedStatusFrom({ uiapi: { query: {} } })).toBe('Completed');
    expect(closedStatusFrom(undefined)).toBe('Completed');
    // A value whose API name differs from its master label is written by its API name.
    const picklist = { values: [{ value: 'Open' }, { value: 'DONE_FINAL', label: 'Done' }] };
    expect(
      closedStatusFrom(
        statuses([
          ['Open', false, 1],
          ['Done', true, 2],
        ]),
        picklist,
      ),
    ).toBe('DONE_FINAL');
  });

  it('builds the updateRecord input of each action', () => {
    const statuses = { openStatus: 'Open', closedStatus: 'Done' };
    expect(recordInputFor({ kind: 'complete', taskId: '00T1' }, statuses)).toEqual({
      fields: { Id: '00T1', Status: 'Done' },
    });
    expect(recordInputFor({ kind: 'reopen', taskId: '00T1' }, statuses)).toEqual({
      fields: { Id: '00T1', Status: 'Open' },
    });
    expect(
      recordInputFor({ kind: 'reschedule', taskId: '00T1', activityDate: '2026-11-01' }, statuses),
    ).toEqual({
      fields: { Id: '00T1', ActivityDate: '2026-11-01' },
    });
    expect(() =>
      recordInputFor({ kind: 'reschedule', taskId: '00T1', activityDate: '11/01/2026' }, statuses),
    ).toThrow(RangeError);
  });

  it('saves through updateRecord and passes its failure on', async () => {
    jest.mocked(updateRecord).mockResolvedValueOnce({ apiName: 'Task', id: '00T1', fields: {} });
    const standard = { openStatus: 'Not Started', closedStatus: 'Completed' };
    await saveTaskAction({ kind: 'complete', taskId: '00T1' }, standard);
    expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: '00T1', Status: 'Completed' } });

    const failure = { body: { message: 'locked' } };
    jest.mocked(updateRecord).mockRejectedValueOnce(failure);
    await expect(saveTaskAction({ kind: 'reopen', taskId: '00T1' }, standard)).rejects.toBe(failure);
  });

  it('accepts only well-formed action details', () => {
    expect(isTaskAction({ kind: 'complete', taskId: '00T1' })).toBe(true);
    expect(isTaskAction({ kind: 'reschedule', taskId: '00T1', activityDate: '2026-03-01' })).toBe(true);
    expect(isTaskAction({ kind: 'reschedule', taskId: '00T1', activityDate: '' })).toBe(false);
    expect(isTaskAction({ kind: 'delete', taskId: '00T1' })).toBe(false);
    expect(isTaskAction({ kind: 'complete', taskId: '' })).toBe(false);
    expect(isTaskAction('complete')).toBe(false);
  });

  it('announces what was saved', () => {
    expect(announcementFor({ kind: 'complete', taskId: '00T1' }, 'en-US')).toBe('Task completed.');
    expect(announcementFor({ kind: 'reopen', taskId: '00T1' }, 'en-US')).toBe('Task reopened.');
    expect(announcementFor({ kind: 'reschedule', taskId: '00T1', activityDate: '2026-03-01' }, 'en-US')).toBe(
      'Due date changed to Mar 1, 2026.',
    );
  });
});

describe('DayWatcher', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it("reports the day change at the zone's midnight, once", () => {
    jest.setSystemTime(new Date('2026-11-02T04:58:00Z')); // 23:58 EST on 2026-11-01 (the 25-hour day)
    const days: string[] = [];
    const watcher = new DayWatcher('America/New_York', (today) => days.push(today));
    expect(watcher.current()).toBe('2026-11-01');

    watcher.start();
    jest.advanceTimersByTime(60_000);
    expect(days).toEqual([]);
    jest.advanceTimersByTime(60_000); // 00:00 on 2026-11-02
    expect(days).toEqual(['2026-11-02']);
    jest.advanceTimersByTime(10 * 60_000);
    expect(days).toEqual(['2026-11-02']);
    expect(watcher.current()).toBe('2026-11-02');

    watcher.stop();
    jest.setSystemTime(new Date('2026-11-04T12:00:00Z'));
    jest.advanceTimersByTime(5 * 60_000);
    expect(days).toEqual(['2026-11-02']);
  });

  it('catches up at start when the day changed before it was started', () => {
    jest.setSystemTime(new Date('2026-03-08T09:59:00Z')); // 23:59 on 2026-03-08 in Pacific/Kiritimati (UTC+14)
    const days: string[] = [];
    const watcher = new DayWatcher('Pacific/Kiritimati', (today) => days.push(today));
    jest.setSystemTime(new Date('2026-03-08T10:00:00Z'));
    watcher.start();
    expect(days).toEqual(['2026-03-09']);
    watcher.stop();
  });
});
