// The time windows of task sync live in sync-windows.ts alone: the 24-hour first-sync import window
// and Salesforce's replication windows (REST API Developer Guide: Get Updated answers for the last
// 30 days, Get Deleted for the last 15).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deletedInSalesforce } from './inbound.ts';
import {
  GET_DELETED_WINDOW_MS,
  GET_UPDATED_WINDOW_MS,
  IMPORT_WINDOW_MS,
  earliestGetDeletedStart,
  earliestGetUpdatedStart,
  importWindowStart,
} from './sync-windows.ts';

describe('sync windows', () => {
  it('imports what changed in the 24 hours before sync was switched on', () => {
    assert.equal(IMPORT_WINDOW_MS, 24 * 60 * 60 * 1000);
    assert.equal(importWindowStart('2026-03-02T09:30:00.000Z'), '2026-03-01T09:30:00.000Z');
    // Across a month end and with an offset: the instant counts, not the calendar day.
    assert.equal(importWindowStart('2026-03-01T00:15:00+01:00'), '2026-02-27T23:15:00.000Z');
  });

  it('asks getUpdated for at most 30 days and getDeleted for at most 15, a minute inside', () => {
    const now = new Date('2026-03-31T12:00:00.000Z');
    assert.equal(GET_UPDATED_WINDOW_MS, 30 * 86_400_000);
    assert.equal(GET_DELETED_WINDOW_MS, 15 * 86_400_000);
    assert.equal(earliestGetUpdatedStart(now).toISOString(), '2026-03-01T12:01:00.000Z');
    assert.equal(earliestGetDeletedStart(now).toISOString(), '2026-03-16T12:01:00.000Z');
  });
});

describe('a task deleted in Salesforce', () => {
  it('is one change shape wherever the deletion was learnt', () => {
    assert.deepEqual(deletedInSalesforce('00TDn00000AbCdEIAV', '2026-03-31T12:00:00.000Z'), {
      salesforceId: '00TDn00000AbCdEIAV',
      kind: 'delete',
      record: {},
      changedFields: undefined,
      nulledFields: [],
      at: '2026-03-31T12:00:00.000Z',
      ours: false,
    });
  });
});
