import { isEmpEnabled, subscribe, unsubscribe } from 'lightning/empApi';
import {
  NOTICE_REPLAY_ID,
  RefreshCoalescer,
  SyncNoticeListener,
  noticeFromMessage,
  noticeNamesAny,
  type SyncNotice,
} from 'c/siaSyncNoticeListener';
import { NOTICE_CHANNEL } from 'c/siaSyncNotice';
import { flushPromises } from 'sia-test-utils';

describe('sync notices', () => {
  const message = (payload: Record<string, unknown>) => ({
    channel: NOTICE_CHANNEL,
    data: { payload, event: { replayId: 1 } },
  });

  it('reads user, ids and kind from the empApi message', () => {
    expect(
      noticeFromMessage(
        message({
          User_Id__c: '005Hs00000A1b2cIAB',
          Record_Ids__c: ' 00THs00000T3aaaMAB ,003Hs00001Kk4Pq,,x',
          Kind__c: 'Error',
        }),
      ),
    ).toEqual({
      userId: '005Hs00000A1b2cIAB',
      recordIds: ['00THs00000T3aaaMAB', '003Hs00001Kk4Pq'],
      kind: 'Error',
    });
    expect(noticeFromMessage(message({}))).toEqual({ userId: null, recordIds: [], kind: null });
    expect(noticeFromMessage({ data: null })).toBeNull();
  });

  it('tells whether a notice names any of some ids', () => {
    const notice: SyncNotice = {
      userId: null,
      recordIds: ['00THs00000T3aaaMAB', '003Hs00001Kk4Pq'],
      kind: 'Applied',
    };
    expect(noticeNamesAny(notice, ['003Hs00001Kk4PqIAJ'])).toBe(true);
    expect(noticeNamesAny(notice, [null, undefined, '00THs00000T3aaa'])).toBe(true);
    expect(noticeNamesAny(notice, ['001Hs00000Zz9YxIAJ', ''])).toBe(false);
    // A 15-character Id is case-sensitive: another case is another record.
    expect(noticeNamesAny(notice, ['003hs00001kk4pq'])).toBe(false);
  });
});

describe('SyncNoticeListener', () => {
  let deliver: ((message: unknown) => void) | undefined;

  beforeEach(() => {
    deliver = undefined;
    jest.mocked(isEmpEnabled).mockResolvedValue(true);
    jest.mocked(subscribe).mockImplementation((channel, replayId, callback) => {
      deliver = callback as (message: unknown) => void;
      return Promise.resolve({ id: 'sub', channel, replayId });
    });
    jest.mocked(unsubscribe).mockResolvedValue({});
  });

  afterEach(() => jest.clearAllMocks());

  it('subscribes from the tip and hands on parsed notices until stopped', async () => {
    const notices: SyncNotice[] = [];
    const listener = new SyncNoticeListener((notice) => notices.push(notice));

    await expect(listener.start()).resolves.toBe(true);
    expect(subscribe).toHaveBeenCalledWith(
      '/event/SIA_Sync_Notice__e',
      NOTICE_REPLAY_ID,
      expect.any(Function),
    );
    expect(NOTICE_REPLAY_ID).toBe(-1);
    deliver!({ data: { payload: { Record_Ids__c: '00THs00000T3aaaMAB', Kind__c: 'Applied' } } });
    deliver!('not an event');
    expect(notices).toEqual([{ userId: null, recordIds: ['00THs00000T3aaaMAB'], kind: 'Applied' }]);

    listener.stop();
    await flushPromises();
    expect(unsubscribe).toHaveBeenCalledWith({ id: 'sub', channel: NOTICE_CHANNEL, replayId: -1 });
    deliver!({ data: { payload: { Record_Ids__c: '00THs00000T3aaaMAB' } } });
    expect(notices).toHaveLength(1);
  });

  it('does not subscribe where empApi is unavailable', async () => {
    jest.mocked(isEmpEnabled).mockResolvedValue(false);
    const listener = new SyncNoticeListener(() => undefined);
    await expect(listener.start()).resolves.toBe(false);
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('does not subscribe when stopped while checking availability', async () => {
    const listener = new SyncNoticeListener(() => undefined);
    const started = listener.start();
    listener.stop();
    await expect(started).resolves.toBe(false);
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('keeps one subscription when restarted before the first start finished', async () => {
    const confirms: (() => void)[] = [];
    jest.mocked(subscribe).mockImplementation(
      (channel, replayId, callback) =>
        new Promise((resolve) => {
          deliver = callback as (message: unknown) => void;
          const id = `sub-${confirms.length + 1}`;
          confirms.push(() => resolve({ id, channel, replayId }));
        }),
    );
    const notices: SyncNotice[] = [];
    const listener = new SyncNoticeListener((notice) => notices.push(notice));

    const first = listener.start();
    await flushPromises();
    listener.stop(); // disconnected ...
    const second = listener.start(); // ... and connected again, e.g. moved on the page
    await flushPromises();
    confirms[0]!();
    confirms[1]!();

    await expect(first).resolves.toBe(false);
    await expect(second).resolves.toBe(true);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(jest.mocked(unsubscribe).mock.calls[0]![0]).toMatchObject({ id: 'sub-1' });
    deliver!({ data: { payload: { Record_Ids__c: '00THs00000T3aaaMAB' } } });
    expect(notices).toHaveLength(1);
  });

  it('swallows an unsubscribe failure on the way out', async () => {
    jest.mocked(unsubscribe).mockRejectedValue(new Error('CometD disconnected'));
    const listener = new SyncNoticeListener(() => undefined);
    await listener.start();
    listener.stop();
    await flushPromises();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});

describe('RefreshCoalescer', () => {
  it('runs once per request when requests do not overlap', async () => {
    const refresh = jest.fn<Promise<void>, []>().mockResolvedValue(undefined);
    const coalescer = new RefreshCoalescer(refresh);
    await coalescer.request();
    await coalescer.request();
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('folds requests made during a refresh into one more refresh', async () => {
    const finishers: (() => void)[] = [];
    const refresh = jest.fn(() => new Promise<void>((resolve) => finishers.push(resolve)));
    const coalescer = new RefreshCoalescer(refresh);

    const first = coalescer.request();
    const second = coalescer.request();
    const third = coalescer.request();
    expect(second).toBe(first);
    expect(third).toBe(first);
    finishers.shift()!();
    await flushPromises();
    expect(refresh).toHaveBeenCalledTimes(2);
    finishers.shift()!();
    await first;
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('passes a failure on and recovers for the next request', async () => {
    const refresh = jest
      .fn<Promise<void>, []>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue(undefined);
    const coalescer = new RefreshCoalescer(refresh);
    await expect(coalescer.request()).rejects.toThrow('offline');
    await expect(coalescer.request()).resolves.toBeUndefined();
  });
});
