import {
  NOTICE_CHANNEL,
  NOTICE_EVENT,
  NOTICE_IDS_MAX_LENGTH,
  decodeSyncNotice,
  encodeSyncNotices,
} from 'c/siaSyncNotice';

const USER = '005Hs00000A1b2cIAB';

describe('encodeSyncNotices', () => {
  it('names each id once, in order, skipping blanks', () => {
    expect(
      encodeSyncNotices(USER, 'pushed', [
        '00THs00000T3aaaMAB',
        null,
        '003Hs00001Kk4PqIAJ',
        '',
        undefined,
        '00THs00000T3aaaMAB',
      ]),
    ).toEqual([
      { User_Id__c: USER, Kind__c: 'pushed', Record_Ids__c: '00THs00000T3aaaMAB,003Hs00001Kk4PqIAJ' },
    ]);
  });

  it('gives one notice even with no ids, so the user alone tells the pages to refresh', () => {
    expect(encodeSyncNotices(USER, 'error', [])).toEqual([
      { User_Id__c: USER, Kind__c: 'error', Record_Ids__c: '' },
    ]);
  });

  it('splits when Record_Ids__c would overflow, never cutting an id', () => {
    const ids = ['00THs00000T3aaaMAB', '00THs00000T3bbbMAB', '00THs00000T3cccMAB'];
    expect(encodeSyncNotices(USER, 'pushed', ids, 40).map((n) => n.Record_Ids__c)).toEqual([
      '00THs00000T3aaaMAB,00THs00000T3bbbMAB',
      '00THs00000T3cccMAB',
    ]);
    expect(NOTICE_IDS_MAX_LENGTH).toBe(131_072);
  });

  it('round-trips through decodeSyncNotice', () => {
    const [payload] = encodeSyncNotices(USER, 'pushed', ['00THs00000T3aaaMAB', '003Hs00001Kk4Pq']);
    expect(decodeSyncNotice(payload)).toEqual({
      userId: USER,
      recordIds: ['00THs00000T3aaaMAB', '003Hs00001Kk4Pq'],
      kind: 'pushed',
    });
  });
});

describe('decodeSyncNotice', () => {
  it('reads user, ids and kind from the event payload', () => {
    expect(
      decodeSyncNotice({
        User_Id__c: USER,
        Record_Ids__c: ' 00THs00000T3aaaMAB ,003Hs00001Kk4Pq,,x',
        Kind__c: 'error',
      }),
    ).toEqual({ userId: USER, recordIds: ['00THs00000T3aaaMAB', '003Hs00001Kk4Pq'], kind: 'error' });
    expect(decodeSyncNotice({})).toEqual({ userId: null, recordIds: [], kind: null });
    expect(decodeSyncNotice(null)).toBeNull();
    expect(decodeSyncNotice('not an event')).toBeNull();
  });

  it('is published on the platform event channel', () => {
    expect(NOTICE_EVENT).toBe('SIA_Sync_Notice__e');
    expect(NOTICE_CHANNEL).toBe('/event/SIA_Sync_Notice__e');
  });
});
