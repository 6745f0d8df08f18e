// Parent-to-child subqueries, semi-joins, FIELDS() and object-name / alias prefixes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, object, reference, systemFields } from '../schema/field-builders.ts';
import { runSoql, SoqlError } from './index.ts';
import { buildSource, fixtureOptions, ids, makeId } from '../../test/soql-fixture.ts';
import type { SoqlOptions } from './types.ts';

function run(soql: string, overrides: Partial<SoqlOptions> = {}) {
  return runSoql(soql, fixtureOptions(overrides));
}

function subjects(soql: string): string[] {
  return run(soql).records.map((record) => String(record.Subject));
}

const url = (type: string, id: string): string => `/services/data/v66.0/sobjects/${type}/${id}`;

describe('SOQL child subqueries', () => {
  it('nest the children as a query result, filtered and ordered per parent', () => {
    const result = run(
      'SELECT Name, (SELECT Subject FROM Tasks WHERE IsClosed = false ORDER BY Subject DESC) FROM Contact',
    );
    assert.deepEqual(result.records, [
      {
        attributes: { type: 'Contact', url: url('Contact', ids.carla) },
        Name: 'Carla Diaz',
        Tasks: {
          totalSize: 2,
          done: true,
          records: [
            { attributes: { type: 'Task', url: url('Task', ids.quote) }, Subject: "O'Brien \\ follow-up" },
            { attributes: { type: 'Task', url: url('Task', ids.callCarla) }, Subject: 'Call Carla' },
          ],
        },
      },
    ]);
  });

  it('give null for a parent without children, and several subqueries sit side by side', () => {
    const result = run(
      'SELECT Name, (SELECT Subject FROM Tasks), (SELECT Name FROM Contacts) FROM Account ORDER BY Name',
    );
    assert.deepEqual(
      result.records.map((record) => [record.Name, record.Tasks === null, record.Contacts === null]),
      [
        ['Acme', false, false],
        ['Globex', false, true],
      ],
    );
  });

  it('read polymorphic children (Task.WhoId → Lead) and respect LIMIT per parent', () => {
    const [lead] = run('SELECT Name, (SELECT Subject, Owner.Name FROM Tasks LIMIT 1) FROM Lead').records;
    assert.deepEqual(lead?.Tasks, {
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Task', url: url('Task', ids.emailLee) },
          Subject: 'email Lee',
          Owner: { attributes: { type: 'User', url: url('User', ids.bob) }, Name: 'Bob Builder' },
        },
      ],
    });
  });

  it('use a custom lookup child relationship name from the schema', () => {
    const options = fixtureOptions();
    const visit = object(
      { name: 'Visit__c', label: 'Visit', labelPlural: 'Visits', keyPrefix: 'a01', kind: 'custom' },
      [
        ...systemFields({ owner: false }),
        field('Note__c', 'string'),
        {
          ...reference('Contact__c', ['Contact'], 'Contact__r'),
          custom: true,
          childRelationshipName: 'Site_Visits__r',
        },
      ],
    );
    options.schema.objects.set('visit__c', visit);
    const visitId = makeId('a01000000000V01');
    const source = buildSource([
      ...options.source.records('Contact'),
      {
        Id: visitId,
        type: 'Visit__c',
        isDeleted: false,
        fields: { Note__c: 'on site', Contact__c: ids.carla },
      },
    ]);
    const [contact] = runSoql(
      'SELECT Name, (SELECT Note__c, Contact__r.Name FROM Site_Visits__r) FROM Contact',
      {
        ...options,
        source,
      },
    ).records;
    assert.deepEqual(contact?.Site_Visits__r, {
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Visit__c', url: url('Visit__c', visitId) },
          Note__c: 'on site',
          Contact__r: { attributes: { type: 'Contact', url: url('Contact', ids.carla) }, Name: 'Carla Diaz' },
        },
      ],
    });
  });

  it('refuse an unknown child relationship with INVALID_TYPE', () => {
    assert.throws(
      () => run('SELECT Name, (SELECT Subject FROM Taskz) FROM Lead'),
      (error: unknown) =>
        error instanceof SoqlError &&
        error.errorCode === 'INVALID_TYPE' &&
        error.message ===
          '\nSELECT Name, (SELECT Subject FROM Taskz) FROM Lead\n                                  ^\nERROR at Row:1:Column:35\n' +
            "Didn't understand relationship 'Taskz' in FROM part of query call. If you are attempting to use a " +
            "custom relationship, be sure to append the '__r' after the custom relationship name. Please reference " +
            'your WSDL or the describe call for the appropriate names.',
    );
  });

  it('point errors inside the subquery at the subquery', () => {
    assert.throws(
      () => run('SELECT Name, (SELECT Subject, Foo FROM Tasks) FROM Lead'),
      (error: unknown) =>
        error instanceof SoqlError &&
        error.errorCode === 'INVALID_FIELD' &&
        error.message.includes("ERROR at Row:1:Column:31\nNo such column 'Foo' on entity 'Task'"),
    );
  });
});

describe('SOQL semi-joins', () => {
  it('IN (SELECT Id ...) keeps rows whose reference is among the subquery ids', () => {
    assert.deepEqual(
      subjects("SELECT Subject FROM Task WHERE WhoId IN (SELECT Id FROM Contact WHERE Name LIKE 'carla%')"),
      ['Call Carla', "O'Brien \\ follow-up"],
    );
  });

  it('NOT IN (SELECT Id ...) keeps the others, including empty references', () => {
    assert.deepEqual(subjects('SELECT Subject FROM Task WHERE WhoId NOT IN (SELECT Id FROM Contact)'), [
      'email Lee',
      '50% off_sale',
      'Late call',
    ]);
  });

  it('combine with other conditions and select a reference field', () => {
    assert.deepEqual(
      subjects(
        "SELECT Subject FROM Task WHERE IsClosed = false AND WhatId IN (SELECT AccountId FROM Contact WHERE Name = 'Carla Diaz')",
      ),
      ['Call Carla'],
    );
  });
});

describe('SOQL FIELDS() and prefixes', () => {
  it('FIELDS(STANDARD) lists the standard fields in schema order', () => {
    const [lead] = run('SELECT FIELDS(STANDARD) FROM Lead').records;
    assert.deepEqual(Object.keys(lead ?? {}), [
      'attributes',
      'Id',
      'IsDeleted',
      'CreatedDate',
      'CreatedById',
      'LastModifiedDate',
      'LastModifiedById',
      'SystemModstamp',
      'OwnerId',
      'Name',
      'Company',
    ]);
  });

  it('FIELDS(CUSTOM) with a LIMIT lists the custom fields', () => {
    const [task] = run(`SELECT FIELDS(CUSTOM) FROM Task WHERE Id = '${ids.callCarla}' LIMIT 200`).records;
    assert.deepEqual(task, {
      attributes: { type: 'Task', url: url('Task', ids.callCarla) },
      SIA_Score__c: 2.5,
      Tags__c: 'red;green',
    });
  });

  it('accepts the object name or its alias before a field', () => {
    const result = run(
      "SELECT t.Id, Task.Subject, t.Who.Name FROM Task t WHERE Task.Subject = 'Call Carla' ORDER BY t.Subject",
    );
    assert.deepEqual(result.records, [
      {
        attributes: { type: 'Task', url: url('Task', ids.callCarla) },
        Id: ids.callCarla,
        Subject: 'Call Carla',
        Who: { attributes: { type: 'Contact', url: url('Contact', ids.carla) }, Name: 'Carla Diaz' },
      },
    ]);
  });
});

describe('SOQL TYPEOF', () => {
  it('selects fields by the type of the referenced record, ELSE for the others, null when empty', () => {
    const result = run(
      "SELECT Subject, TYPEOF Who WHEN Contact THEN Name, Email ELSE Name END FROM Task WHERE Subject IN ('Call Carla', 'email Lee', 'Late call') ORDER BY Subject",
    );
    assert.deepEqual(
      result.records.map((record) => record.Who),
      [
        {
          attributes: { type: 'Contact', url: url('Contact', ids.carla) },
          Name: 'Carla Diaz',
          Email: 'carla@acme.test',
        },
        { attributes: { type: 'Lead', url: url('Lead', ids.lee) }, Name: 'Lee Lead' },
        null,
      ],
    );
  });

  it('refuses a field the WHEN object lacks', () => {
    assert.throws(
      () => run('SELECT TYPEOF Who WHEN Lead THEN Email END FROM Task'),
      (error: unknown) =>
        error instanceof SoqlError &&
        error.errorCode === 'INVALID_FIELD' &&
        error.message.includes("No such column 'Email' on entity 'Lead'"),
    );
  });
});
