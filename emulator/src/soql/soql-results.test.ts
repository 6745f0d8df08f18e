// Result shape (REST records with attributes and nested parents), ORDER BY, LIMIT/OFFSET, COUNT() and
// recycle-bin rows with query vs queryAll.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSoql } from './index.ts';
import { buildSource, fixtureOptions, ids, makeId } from '../../test/soql-fixture.ts';
import type { SoqlOptions } from './types.ts';

function run(soql: string, overrides: Partial<SoqlOptions> = {}) {
  return runSoql(soql, fixtureOptions(overrides));
}

function subjects(soql: string, overrides: Partial<SoqlOptions> = {}): string[] {
  return run(soql, overrides).records.map((record) => String(record.Subject));
}

const url = (type: string, id: string): string => `/services/data/v66.0/sobjects/${type}/${id}`;

describe('SOQL result records', () => {
  it('are shaped as REST returns them, with nested parent records', () => {
    const result = run(
      `SELECT Id, Subject, ActivityDate, IsClosed, CallDurationInSeconds, Who.Name, What.Name, Owner.Username FROM Task WHERE Id = '${ids.callCarla}'`,
    );
    assert.equal(result.objectName, 'Task');
    assert.equal(result.isCount, false);
    assert.equal(result.totalSize, 1);
    assert.deepEqual(result.records, [
      {
        attributes: { type: 'Task', url: url('Task', ids.callCarla) },
        Id: ids.callCarla,
        Subject: 'Call Carla',
        ActivityDate: '2026-05-06',
        IsClosed: false,
        CallDurationInSeconds: 120,
        Who: { attributes: { type: 'Contact', url: url('Contact', ids.carla) }, Name: 'Carla Diaz' },
        What: { attributes: { type: 'Account', url: url('Account', ids.acme) }, Name: 'Acme' },
        Owner: { attributes: { type: 'User', url: url('User', ids.ann) }, Username: 'ann@example.com' },
      },
    ]);
  });

  it('uses the schema spelling of names and keeps the SELECT order', () => {
    const [record] = run(`select subject, who.name, id from task where id = '${ids.callCarla}'`).records;
    assert.ok(record);
    assert.deepEqual(Object.keys(record), ['attributes', 'Subject', 'Who', 'Id']);
    assert.deepEqual(Object.keys(record.Who as Record<string, unknown>), ['attributes', 'Name']);
  });

  it('resolves a polymorphic reference through the object it points at', () => {
    const [record] = run(`SELECT Who.Name, Who.Id FROM Task WHERE Id = '${ids.emailLee}'`).records;
    assert.deepEqual(record?.Who, {
      attributes: { type: 'Lead', url: url('Lead', ids.lee) },
      Name: 'Lee Lead',
      Id: ids.lee,
    });
  });

  it('gives null for an empty reference and merges fields of one relationship', () => {
    const [record] = run(
      `SELECT Who.Name, Owner.Name, What.Name, Owner.Username FROM Task WHERE Id = '${ids.lateCall}'`,
    ).records;
    assert.deepEqual(record, {
      attributes: { type: 'Task', url: url('Task', ids.lateCall) },
      Who: null,
      Owner: {
        attributes: { type: 'User', url: url('User', ids.bob) },
        Name: 'Bob Builder',
        Username: 'bob@example.com',
      },
      What: null,
    });
  });

  it('follows two levels of parents', () => {
    const result = run(`SELECT Subject, Who.Account.Name FROM Task WHERE WhoId != null ORDER BY Subject`);
    assert.deepEqual(
      result.records.map((record) => record.Who),
      [
        {
          attributes: { type: 'Contact', url: url('Contact', ids.carla) },
          Account: { attributes: { type: 'Account', url: url('Account', ids.acme) }, Name: 'Acme' },
        },
        { attributes: { type: 'Lead', url: url('Lead', ids.lee) }, Account: null },
        {
          attributes: { type: 'Contact', url: url('Contact', ids.carla) },
          Account: { attributes: { type: 'Account', url: url('Account', ids.acme) }, Name: 'Acme' },
        },
      ],
    );
  });

  it('formats datetimes as Salesforce does (UTC, milliseconds, +0000) whatever the stored form', () => {
    const options = fixtureOptions();
    const task = makeId('00T000000000T99');
    const source = buildSource([
      {
        Id: task,
        type: 'Task',
        isDeleted: false,
        fields: {
          Subject: 'Stored as ISO',
          CompletedDateTime: '2026-05-06T23:20:00+02:00',
          ActivityDate: '2026-05-06',
        },
      },
    ]);
    const [record] = runSoql('SELECT CompletedDateTime, ActivityDate FROM Task', {
      ...options,
      source,
    }).records;
    assert.equal(record?.CompletedDateTime, '2026-05-06T21:20:00.000+0000');
    assert.equal(record.ActivityDate, '2026-05-06');
  });

  it('toLabel() returns the picklist label under the field name', () => {
    const options = fixtureOptions();
    const status = options.schema.objects.get('task')?.fields.get('status');
    assert.ok(status?.picklistValues);
    status.picklistValues = status.picklistValues.map((option) =>
      option.value === 'Not Started' ? { ...option, label: 'Open' } : option,
    );
    const result = runSoql(
      `SELECT toLabel(Status), Subject FROM Task WHERE Id = '${ids.callCarla}'`,
      options,
    );
    assert.deepEqual(result.records, [
      {
        attributes: { type: 'Task', url: url('Task', ids.callCarla) },
        Status: 'Open',
        Subject: 'Call Carla',
      },
    ]);
  });

  it('builds attributes.url from the API version', () => {
    const [record] = run(`SELECT Id FROM Task WHERE Id = '${ids.sale}'`, { apiVersion: '59.0' }).records;
    assert.deepEqual(record?.attributes, {
      type: 'Task',
      url: `/services/data/v59.0/sobjects/Task/${ids.sale}`,
    });
  });
});

describe('SOQL ORDER BY', () => {
  it('sorts text case-insensitively, ascending by default', () => {
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY Subject'), [
      '50% off_sale',
      'Call Carla',
      'email Lee',
      'Late call',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(
      subjects('SELECT Subject FROM Task ORDER BY Subject DESC').at(0),
      "O'Brien \\ follow-up",
    );
  });

  it('puts nulls first ascending and last descending unless told otherwise', () => {
    const base = 'SELECT Subject FROM Task ORDER BY ActivityDate';
    assert.deepEqual(subjects(base), [
      '50% off_sale',
      'Late call',
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects(`${base} DESC`), [
      "O'Brien \\ follow-up",
      'email Lee',
      'Call Carla',
      'Late call',
      '50% off_sale',
    ]);
    assert.deepEqual(subjects(`${base} ASC NULLS LAST`), [
      'Late call',
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
      '50% off_sale',
    ]);
    assert.deepEqual(subjects(`${base} DESC NULLS FIRST`), [
      '50% off_sale',
      "O'Brien \\ follow-up",
      'email Lee',
      'Call Carla',
      'Late call',
    ]);
  });

  it('sorts by several terms, datetimes and parent fields', () => {
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY Status, CallDurationInSeconds DESC'), [
      'Late call',
      'email Lee',
      '50% off_sale',
      "O'Brien \\ follow-up",
      'Call Carla',
    ]);
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY CompletedDateTime DESC'), [
      'Late call',
      'email Lee',
      '50% off_sale',
      'Call Carla',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY Who.Name, Subject'), [
      '50% off_sale',
      'Late call',
      'Call Carla',
      "O'Brien \\ follow-up",
      'email Lee',
    ]);
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY IsClosed DESC, Id'), [
      'email Lee',
      'Late call',
      'Call Carla',
      '50% off_sale',
      "O'Brien \\ follow-up",
    ]);
  });

  it('keeps creation order without ORDER BY', () => {
    assert.deepEqual(subjects('SELECT Subject FROM Task'), [
      'Call Carla',
      'email Lee',
      '50% off_sale',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
  });
});

describe('SOQL LIMIT and OFFSET', () => {
  it('LIMIT caps the rows and totalSize counts what is returned', () => {
    const result = run('SELECT Subject FROM Task ORDER BY Subject LIMIT 2');
    assert.deepEqual(
      result.records.map((record) => record.Subject),
      ['50% off_sale', 'Call Carla'],
    );
    assert.equal(result.totalSize, 2);
  });

  it('OFFSET skips rows after ordering', () => {
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY Subject LIMIT 2 OFFSET 1'), [
      'Call Carla',
      'email Lee',
    ]);
    assert.deepEqual(subjects('SELECT Subject FROM Task ORDER BY Subject OFFSET 4'), [
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects('SELECT Subject FROM Task OFFSET 10'), []);
  });
});

describe('SOQL COUNT()', () => {
  it('returns the count in totalSize and no records', () => {
    assert.deepEqual(run('SELECT COUNT() FROM Task'), {
      objectName: 'Task',
      isCount: true,
      totalSize: 5,
      records: [],
    });
    assert.equal(run('SELECT COUNT() FROM Task WHERE IsClosed = true').totalSize, 2);
    assert.equal(run('SELECT count() FROM Contact').totalSize, 1);
    assert.equal(run('SELECT COUNT() FROM Task LIMIT 3').totalSize, 3);
  });

  it('counts recycle-bin rows only with queryAll', () => {
    assert.equal(run('SELECT COUNT() FROM Task', { includeDeleted: true }).totalSize, 6);
  });
});

describe('SOQL recycle bin (IsDeleted) with query and queryAll', () => {
  it('query never returns deleted rows, even when asked for them', () => {
    assert.ok(!subjects('SELECT Subject FROM Task').includes('Recycled task'));
    assert.deepEqual(subjects('SELECT Subject FROM Task WHERE IsDeleted = true'), []);
  });

  it('queryAll returns them, and IsDeleted filters them either way', () => {
    assert.ok(subjects('SELECT Subject FROM Task', { includeDeleted: true }).includes('Recycled task'));
    assert.deepEqual(subjects('SELECT Subject FROM Task WHERE IsDeleted = true', { includeDeleted: true }), [
      'Recycled task',
    ]);
    assert.ok(
      !subjects('SELECT Subject FROM Task WHERE IsDeleted = false', { includeDeleted: true }).includes(
        'Recycled task',
      ),
    );
    const [record] = run('SELECT Id, IsDeleted FROM Task WHERE IsDeleted = true', {
      includeDeleted: true,
    }).records;
    assert.deepEqual(record, {
      attributes: { type: 'Task', url: url('Task', ids.recycled) },
      Id: ids.recycled,
      IsDeleted: true,
    });
  });

  it('shows a recycled parent as an empty reference', () => {
    const options = fixtureOptions();
    const contact = makeId('003000000000Gon');
    const task = makeId('00T000000000T98');
    const source = buildSource([
      { Id: contact, type: 'Contact', isDeleted: true, fields: { Name: 'Gone' } },
      { Id: task, type: 'Task', isDeleted: false, fields: { Subject: 'Orphan', WhoId: contact } },
    ]);
    const [record] = runSoql('SELECT Subject, Who.Name FROM Task', { ...options, source }).records;
    assert.equal(record?.Who, null);
  });
});
