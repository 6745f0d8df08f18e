// Aggregate queries: AggregateResult rows, expr0.. naming, GROUP BY, HAVING and ORDER BY on groups.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSoql, SoqlError } from './index.ts';
import { fixtureOptions } from '../../test/soql-fixture.ts';
import type { SoqlOptions } from './types.ts';

function records(soql: string, overrides: Partial<SoqlOptions> = {}): Record<string, unknown>[] {
  return runSoql(soql, fixtureOptions(overrides)).records;
}

const AGGREGATE = { type: 'AggregateResult' };

describe('SOQL aggregate functions without GROUP BY', () => {
  it('answer one AggregateResult row, naming unaliased aggregates expr0, expr1, ...', () => {
    assert.deepEqual(
      records(
        'SELECT COUNT(Id) cnt, MAX(CreatedDate), MIN(ActivityDate), SUM(CallDurationInSeconds), AVG(SIA_Score__c), COUNT_DISTINCT(OwnerId) FROM Task',
      ),
      [
        {
          attributes: AGGREGATE,
          cnt: 5,
          expr0: '2026-05-05T10:00:00.000+0000',
          expr1: '2026-05-05',
          expr2: 795,
          expr3: 4.625,
          expr4: 2,
        },
      ],
    );
  });

  it('count non-null values only, and answer a row even when nothing matches', () => {
    assert.deepEqual(records('SELECT COUNT(ActivityDate), COUNT(Id) FROM Task'), [
      { attributes: AGGREGATE, expr0: 4, expr1: 5 },
    ]);
    assert.deepEqual(
      records("SELECT COUNT(Id), MAX(SystemModstamp), SUM(SIA_Score__c) FROM Task WHERE Subject = 'none'"),
      [{ attributes: AGGREGATE, expr0: 0, expr1: null, expr2: null }],
    );
  });

  it('include recycle-bin rows only with queryAll', () => {
    assert.deepEqual(records('SELECT COUNT(Id) FROM Task', { includeDeleted: true }), [
      { attributes: AGGREGATE, expr0: 6 },
    ]);
  });
});

describe('SOQL GROUP BY', () => {
  it('groups rows and orders groups by an aggregate or a grouped field', () => {
    assert.deepEqual(
      records('SELECT Status, COUNT(Id) FROM Task GROUP BY Status ORDER BY COUNT(Id) DESC, Status'),
      [
        { attributes: AGGREGATE, Status: 'Completed', expr0: 2 },
        { attributes: AGGREGATE, Status: 'Not Started', expr0: 2 },
        { attributes: AGGREGATE, Status: 'In Progress', expr0: 1 },
      ],
    );
  });

  it('groups by a parent field, named by its field name, and filters groups with HAVING', () => {
    assert.deepEqual(
      records('SELECT Owner.Name, COUNT(Id) n FROM Task GROUP BY Owner.Name HAVING COUNT(Id) > 2'),
      [{ attributes: AGGREGATE, Name: 'Bob Builder', n: 3 }],
    );
    assert.deepEqual(
      records(
        "SELECT Status, MAX(ActivityDate) FROM Task GROUP BY Status HAVING Status != 'Completed' ORDER BY Status",
      ),
      [
        { attributes: AGGREGATE, Status: 'In Progress', expr0: null },
        { attributes: AGGREGATE, Status: 'Not Started', expr0: '2026-05-08' },
      ],
    );
  });

  it('applies LIMIT and OFFSET to groups', () => {
    assert.deepEqual(
      records('SELECT Priority FROM Task GROUP BY Priority ORDER BY Priority LIMIT 1 OFFSET 1'),
      [{ attributes: AGGREGATE, Priority: 'Low' }],
    );
  });

  it('groups by date functions, named expr0.. in SELECT order unless aliased', () => {
    assert.deepEqual(
      records('SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Task GROUP BY CALENDAR_YEAR(CreatedDate)'),
      [{ attributes: AGGREGATE, expr0: 2026, expr1: 5 }],
    );
    assert.deepEqual(
      records(
        'SELECT DAY_ONLY(CreatedDate) day, COUNT(Id) FROM Task GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate) DESC LIMIT 2',
      ),
      [
        { attributes: AGGREGATE, day: '2026-05-05', expr0: 2 },
        { attributes: AGGREGATE, day: '2026-05-03', expr0: 1 },
      ],
    );
  });

  it('refuses a selected field that is neither grouped nor aggregated', () => {
    assert.throws(
      () => records('SELECT Subject, COUNT(Id) FROM Task GROUP BY Status'),
      (error: unknown) =>
        error instanceof SoqlError &&
        error.errorCode === 'MALFORMED_QUERY' &&
        error.message.endsWith('ERROR at Row:1:Column:8\nField must be grouped or aggregated: Subject'),
    );
  });
});
