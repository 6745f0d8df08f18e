// The engine against the emulator's real schema (standard catalogue plus the deployed package): the
// queries the sync service and the Lightning components send must plan and run.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { installPackage } from '../../../scripts/package-install.ts';
import { startEmulator } from '../index.ts';
import { findObject, type Schema, type StoredRecord } from '../schema/types.ts';
import { runSoql } from './index.ts';
import { buildSource, makeId, NOW } from '../../test/soql-fixture.ts';
import type { SoqlOptions } from './types.ts';

// The schema of an org the package was deployed to (through the emulator's Metadata API).
let schema: Schema;
before(async () => {
  const emulator = await startEmulator({ port: 0 });
  try {
    await installPackage(emulator);
    schema = emulator.state.org.schema;
  } finally {
    await emulator.close();
  }
});

function options(records: StoredRecord[]): SoqlOptions {
  return {
    schema,
    source: buildSource(records),
    includeDeleted: false,
    clock: { now: () => NOW },
    timeZone: 'Pacific/Auckland',
    apiVersion: '68.0',
  };
}

const user = makeId('005000000000Usr');
const contact = makeId('003000000000Con');
const task = makeId('00T000000000Tsk');
const setting = makeId('a00000000000Set');

const records: StoredRecord[] = [
  { Id: user, type: 'User', isDeleted: false, fields: { Username: 'rep@example.com', Name: 'Rep One' } },
  {
    Id: contact,
    type: 'Contact',
    isDeleted: false,
    fields: { FirstName: 'Ada', LastName: 'Lovelace', Name: 'Ada Lovelace' },
  },
  {
    Id: task,
    type: 'Task',
    isDeleted: false,
    fields: {
      Subject: 'Follow up',
      Status: 'Not Started',
      OwnerId: user,
      WhoId: contact,
      SIA_Task_Id__c: 'sia-1',
      ActivityDate: '2026-05-07',
      LastModifiedDate: '2026-05-06T20:00:00.000+0000',
      CreatedDate: '2026-05-06T20:00:00.000+0000',
    },
  },
  {
    Id: setting,
    type: 'SIA_Sync_Setting__c',
    isDeleted: false,
    fields: { User__c: user, Scope_Key__c: 'USER' },
  },
];

describe('SOQL on the org schema', () => {
  it('runs the sync service task query shape', () => {
    const result = runSoql(
      `SELECT Id, OwnerId, Subject, SIA_Task_Id__c, Who.Name, Owner.Username FROM Task WHERE OwnerId = '${user}' AND (CreatedDate >= 2026-05-01T00:00:00Z OR LastModifiedDate >= 2026-05-01T00:00:00Z) ORDER BY LastModifiedDate, Id`,
      options(records),
    );
    assert.equal(result.totalSize, 1);
    assert.deepEqual(result.records[0]?.Who, {
      attributes: { type: 'Contact', url: `/services/data/v68.0/sobjects/Contact/${contact}` },
      Name: 'Ada Lovelace',
    });
    assert.equal(result.records[0].SIA_Task_Id__c, 'sia-1');
  });

  it('evaluates TODAY in the user zone (Auckland is already on the 7th at 09:30)', () => {
    const result = runSoql('SELECT Id FROM Task WHERE ActivityDate = TODAY', options(records));
    assert.equal(result.totalSize, 1);
  });

  it('follows a custom lookup by its field name with __r', () => {
    const result = runSoql('SELECT Id, User__r.Username FROM SIA_Sync_Setting__c', options(records));
    assert.deepEqual(result.records[0]?.User__r, {
      attributes: { type: 'User', url: `/services/data/v68.0/sobjects/User/${user}` },
      Username: 'rep@example.com',
    });
  });

  it('reads a custom lookup child relationship by its metadata relationshipName with __r', () => {
    const result = runSoql(
      'SELECT Username, (SELECT Scope_Key__c FROM SIA_Sync_Settings__r) FROM User',
      options(records),
    );
    assert.deepEqual(result.records[0]?.SIA_Sync_Settings__r, {
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: {
            type: 'SIA_Sync_Setting__c',
            url: `/services/data/v68.0/sobjects/SIA_Sync_Setting__c/${setting}`,
          },
          Scope_Key__c: 'USER',
        },
      ],
    });
  });

  it('plans every standard object the product touches', () => {
    for (const name of [
      'Organization',
      'User',
      'Lead',
      'Contact',
      'Account',
      'Opportunity',
      'TaskStatus',
      'TaskPriority',
    ]) {
      assert.ok(findObject(schema, name), name);
      assert.equal(runSoql(`SELECT COUNT() FROM ${name}`, options([])).totalSize, 0, name);
    }
  });
});
