import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChangeEventPayload } from './change-event.ts';
import type { ChangeEventInput } from './types.ts';

const COMMIT = Date.parse('2026-11-28T09:30:00Z');

function input(overrides: Partial<ChangeEventInput>): ChangeEventInput {
  return {
    entityName: 'Task',
    changeType: 'CREATE',
    recordIds: ['00T5g00000AbCdEFGH'],
    values: {},
    changedFields: [],
    nulledFields: [],
    commitUser: '0055g000001AbCdAAA',
    commitTimestamp: COMMIT,
    changeOrigin: 'com/salesforce/api/rest/66.0;client=SiaSync',
    transactionKey: '00051c7a-8f6e-4e3c-9c44-5a1d2b3c4d5e',
    sequenceNumber: 1,
    ...overrides,
  };
}

describe('buildChangeEventPayload', () => {
  it('carries the ChangeEventHeader fields a CometD subscriber receives, and no others', () => {
    const payload = buildChangeEventPayload(input({ commitNumber: 11_781_522_466_513 }));
    assert.deepEqual(payload.ChangeEventHeader, {
      entityName: 'Task',
      recordIds: ['00T5g00000AbCdEFGH'],
      changeType: 'CREATE',
      changeOrigin: 'com/salesforce/api/rest/66.0;client=SiaSync',
      transactionKey: '00051c7a-8f6e-4e3c-9c44-5a1d2b3c4d5e',
      sequenceNumber: 1,
      commitTimestamp: COMMIT,
      commitNumber: 11_781_522_466_513,
      commitUser: '0055g000001AbCdAAA',
      changedFields: [],
    });
  });

  it('derives an increasing commit number when none is given', () => {
    const earlier = buildChangeEventPayload(input({}));
    const later = buildChangeEventPayload(input({ commitTimestamp: COMMIT + 1_000 }));
    const commitNumber = (payload: Record<string, unknown>): number =>
      (payload.ChangeEventHeader as { commitNumber: number }).commitNumber;
    assert.ok(commitNumber(later) > commitNumber(earlier));
  });

  it('puts every non-empty field but no Id, IsDeleted or SystemModstamp in a CREATE', () => {
    const payload = buildChangeEventPayload(
      input({
        values: {
          Id: '00T5g00000AbCdEFGH',
          Subject: 'Call back',
          Status: 'Not Started',
          Description: null,
          ActivityDate: '2026-12-01',
          IsDeleted: false,
          SystemModstamp: '2026-11-28T09:30:00.000Z',
          CreatedDate: '2026-11-28T09:30:00.000Z',
        },
      }),
    );
    assert.deepEqual(payload, {
      ChangeEventHeader: payload.ChangeEventHeader,
      Subject: 'Call back',
      Status: 'Not Started',
      ActivityDate: '2026-12-01',
      CreatedDate: '2026-11-28T09:30:00.000Z',
    });
  });

  it('puts only the changed fields in an UPDATE, nulled ones as null, and lists them in changedFields', () => {
    const payload = buildChangeEventPayload(
      input({
        changeType: 'UPDATE',
        values: {
          Subject: 'Same as before',
          Status: 'Completed',
          LastModifiedDate: '2026-11-28T09:30:00.000Z',
        },
        changedFields: ['Status', 'LastModifiedDate'],
        nulledFields: ['Description'],
      }),
    );
    const { ChangeEventHeader: header, ...body } = payload;
    assert.deepEqual(body, {
      Status: 'Completed',
      LastModifiedDate: '2026-11-28T09:30:00.000Z',
      Description: null,
    });
    assert.deepEqual((header as { changedFields: string[] }).changedFields, [
      'Status',
      'LastModifiedDate',
      'Description',
    ]);
  });

  it('puts no fields in a DELETE and all non-empty fields in an UNDELETE', () => {
    const values = { Subject: 'Call back', Description: null };
    const deleted = buildChangeEventPayload(input({ changeType: 'DELETE', values }));
    assert.deepEqual(Object.keys(deleted), ['ChangeEventHeader']);
    const undeleted = buildChangeEventPayload(input({ changeType: 'UNDELETE', values }));
    assert.deepEqual(Object.keys(undeleted), ['ChangeEventHeader', 'Subject']);
    assert.deepEqual((undeleted.ChangeEventHeader as { changedFields: string[] }).changedFields, []);
  });

  it('copies the record ids instead of sharing the caller array', () => {
    const recordIds = ['00T5g00000AbCdEFGH'];
    const payload = buildChangeEventPayload(input({ recordIds }));
    recordIds.push('00T5g00000ZzZzZZZZ');
    assert.deepEqual((payload.ChangeEventHeader as { recordIds: string[] }).recordIds, [
      '00T5g00000AbCdEFGH',
    ]);
  });
});
