// The inbound rule at its one home: whose change an event is, when it is stale, when an unknown
// task is imported, and when a linked task's values make it an echo, unchanged or changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importsUnknownTask, isOurChange, isStaleEdit, valuesVerdict } from './inbound-decision.ts';
import { valuesHash, type TaskValues } from './mapping.ts';

const synced: TaskValues = {
  Subject: 'Call Ada',
  ActivityDate: '2026-04-01',
  Status: 'Not Started',
  Priority: 'Normal',
  Description: null,
  WhoId: null,
  WhatId: null,
};
const link = { synced_hash: valuesHash(synced) };

describe('the inbound rule', () => {
  it("reads our client in a change event's changeOrigin", () => {
    // Change Data Capture: changeOrigin is `com/salesforce/api/rest/66.0;client=SIASync` for a
    // change made through the REST API with Sforce-Call-Options: client=SIASync.
    assert.equal(isOurChange('com/salesforce/api/rest/66.0;client=SIASync'), true);
    assert.equal(isOurChange('com/salesforce/api/soap/66.0; client=SIASync'), true);
    assert.equal(isOurChange('com/salesforce/api/rest/66.0;client=SIASyncer'), false);
    assert.equal(isOurChange('com/salesforce/api/rest/66.0;client=Other'), false);
    assert.equal(isOurChange(''), false);
  });

  it('drops our own change that leaves the values we last synced as an echo', () => {
    assert.deepEqual(valuesVerdict(true, link, synced, { ...synced }), { verdict: 'echo' });
  });

  it('applies nothing for someone else’s change that leaves the synced values, and says so', () => {
    assert.deepEqual(valuesVerdict(false, link, synced, { ...synced }), { verdict: 'unchanged' });
  });

  it('applies the fields that changed, whoever changed them', () => {
    const remote = { ...synced, Subject: 'Call Ada back', Status: 'Completed' };
    assert.deepEqual(valuesVerdict(false, link, synced, remote), {
      verdict: 'changed',
      fields: ['Subject', 'Status'],
    });
    // Our client wrote values other than the ones we synced (a trigger changed them): applied.
    assert.deepEqual(valuesVerdict(true, link, synced, remote), {
      verdict: 'changed',
      fields: ['Subject', 'Status'],
    });
  });

  it('re-reads an edit by someone else committed before our last sync (stale)', () => {
    const edit = { changedFields: ['Subject'], ours: false, at: '2026-04-01T10:00:00.000Z' };
    assert.equal(isStaleEdit(edit, { synced_at: '2026-04-01T10:00:01.000Z' }), true);
    assert.equal(isStaleEdit(edit, { synced_at: '2026-04-01T10:00:00.000Z' }), false);
    assert.equal(isStaleEdit(edit, { synced_at: null }), false);
    assert.equal(isStaleEdit(edit, undefined), false);
    assert.equal(isStaleEdit({ ...edit, ours: true }, { synced_at: '2026-04-01T10:00:01.000Z' }), false);
    assert.equal(
      isStaleEdit({ ...edit, changedFields: undefined }, { synced_at: '2026-04-01T10:00:01.000Z' }),
      false,
      'a whole record (create, sweep) is never stale',
    );
  });

  it('imports an unknown task only from a whole record changed inside the import window', () => {
    const enabledAt = '2026-04-01T10:00:00.000Z';
    const created = { changedFields: undefined, lastModified: '2026-03-31T10:00:00.000Z' };
    assert.equal(importsUnknownTask(created, true, enabledAt), true);
    const older = { ...created, lastModified: '2026-03-31T09:59:59.999Z' };
    assert.equal(importsUnknownTask(older, true, enabledAt), false);
    assert.equal(importsUnknownTask({ ...created, changedFields: ['Subject'] }, true, enabledAt), false);
    assert.equal(importsUnknownTask(created, false, enabledAt), false);
  });
});
