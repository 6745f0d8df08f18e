// WHERE evaluation: every comparison operator, literal kind and logical combination integrations send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSoql } from './index.ts';
import { fixtureOptions, ids } from '../../test/soql-fixture.ts';
import type { SoqlOptions } from './types.ts';

/** Subjects of the matching tasks, in result order. */
function subjects(where: string, overrides: Partial<SoqlOptions> = {}): string[] {
  const result = runSoql(`SELECT Id, Subject FROM Task WHERE ${where}`, fixtureOptions(overrides));
  return result.records.map((record) => String(record.Subject));
}

const OPEN = ['Call Carla', '50% off_sale', "O'Brien \\ follow-up"];
const CLOSED = ['email Lee', 'Late call'];

describe('SOQL comparison operators', () => {
  it('= compares text case-insensitively', () => {
    assert.deepEqual(subjects("Subject = 'call carla'"), ['Call Carla']);
    assert.deepEqual(subjects("Status = 'COMPLETED'"), CLOSED);
  });

  it('!= and <> keep rows whose value differs, including nulls', () => {
    const others = ['email Lee', '50% off_sale', "O'Brien \\ follow-up", 'Late call'];
    assert.deepEqual(subjects("Subject != 'Call Carla'"), others);
    assert.deepEqual(subjects("Subject <> 'Call Carla'"), others);
    assert.deepEqual(subjects('CallDurationInSeconds != 30'), [
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
  });

  it('< <= > >= order numbers and skip nulls', () => {
    assert.deepEqual(subjects('CallDurationInSeconds < 100'), ['50% off_sale', 'Late call']);
    assert.deepEqual(subjects('CallDurationInSeconds <= 45'), ['50% off_sale', 'Late call']);
    assert.deepEqual(subjects('CallDurationInSeconds > 100'), ['Call Carla', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('CallDurationInSeconds >= 120'), ['Call Carla', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('SIA_Score__c < 0'), ['email Lee']);
    assert.deepEqual(subjects('SIA_Score__c = 2.5'), ['Call Carla']);
    assert.deepEqual(subjects('SIA_Score__c > -1.5'), [
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
  });

  it('< and > order text case-insensitively', () => {
    assert.deepEqual(subjects("Subject < 'd'"), ['Call Carla', '50% off_sale']);
    assert.deepEqual(subjects("Subject >= 'EMAIL LEE'"), ['email Lee', "O'Brien \\ follow-up", 'Late call']);
  });

  it('IN and NOT IN match any of a list (NOT IN keeps nulls)', () => {
    assert.deepEqual(subjects("Status IN ('completed', 'In Progress')"), [
      'email Lee',
      '50% off_sale',
      'Late call',
    ]);
    assert.deepEqual(subjects("Status NOT IN ('Completed')"), OPEN);
    assert.deepEqual(subjects('CallDurationInSeconds NOT IN (30, 45)'), [
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
    ]);
  });

  it('LIKE: % any run, _ one character, escaped \\% and \\_ literal, case-insensitive', () => {
    assert.deepEqual(subjects("Subject LIKE 'call%'"), ['Call Carla']);
    assert.deepEqual(subjects("Subject LIKE '%CALL%'"), ['Call Carla', 'Late call']);
    assert.deepEqual(subjects("Subject LIKE '_all Carla'"), ['Call Carla']);
    assert.deepEqual(subjects("Subject LIKE 'late call'"), ['Late call']);
    assert.deepEqual(subjects("Subject LIKE '%\\%%'"), ['50% off_sale']);
    assert.deepEqual(subjects("Subject LIKE '%off\\_%'"), ['50% off_sale']);
    assert.deepEqual(subjects("Subject LIKE '50_ off%'"), ['50% off_sale']);
    assert.deepEqual(subjects("Subject LIKE '%\\_sale'"), ['50% off_sale']);
    assert.deepEqual(subjects("Subject LIKE 'Call'"), []);
  });

  it('INCLUDES and EXCLUDES test multi-select picklist values (a;b means both)', () => {
    assert.deepEqual(subjects("Tags__c INCLUDES ('red')"), ['Call Carla']);
    assert.deepEqual(subjects("Tags__c INCLUDES ('red;green')"), ['Call Carla']);
    assert.deepEqual(subjects("Tags__c INCLUDES ('GREEN')"), ['Call Carla', 'email Lee']);
    assert.deepEqual(subjects("Tags__c INCLUDES ('blue;green', 'red')"), ['Call Carla']);
    assert.deepEqual(subjects("Tags__c EXCLUDES ('red')"), [
      'email Lee',
      '50% off_sale',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
  });
});

describe('SOQL literals', () => {
  it('null compares with = and !=', () => {
    assert.deepEqual(subjects('ActivityDate = null'), ['50% off_sale']);
    assert.deepEqual(subjects('ActivityDate != NULL'), [
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
    assert.deepEqual(subjects('WhoId = null'), ['50% off_sale', 'Late call']);
    assert.deepEqual(subjects("Tags__c = ''"), ['50% off_sale', "O'Brien \\ follow-up", 'Late call']);
    assert.deepEqual(subjects("Tags__c != ''"), ['Call Carla', 'email Lee']);
  });

  it('booleans, in any case', () => {
    assert.deepEqual(subjects('IsClosed = true'), CLOSED);
    assert.deepEqual(subjects('IsClosed = FALSE'), OPEN);
    assert.deepEqual(subjects('IsClosed != true'), OPEN);
  });

  it("string escapes: \\' and \\\\", () => {
    assert.deepEqual(subjects("Subject = 'O\\'Brien \\\\ follow-up'"), ["O'Brien \\ follow-up"]);
  });

  it('dates (YYYY-MM-DD) compare by calendar date', () => {
    assert.deepEqual(subjects('ActivityDate = 2026-05-06'), ['Call Carla']);
    assert.deepEqual(subjects('ActivityDate > 2026-05-06'), ['email Lee', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('ActivityDate <= 2026-05-06'), ['Call Carla', 'Late call']);
  });

  it('datetimes with Z, offsets and milliseconds compare as instants', () => {
    assert.deepEqual(subjects('CompletedDateTime > 2026-05-06T21:00:00Z'), ['email Lee', 'Late call']);
    assert.deepEqual(subjects('CompletedDateTime = 2026-05-06T23:20:00+02:00'), ['email Lee']);
    assert.deepEqual(subjects('CompletedDateTime < 2026-05-06T12:00:00.000+01:00'), ['50% off_sale']);
    assert.deepEqual(subjects('CompletedDateTime = 2026-05-06T16:20:00-05:00'), ['email Lee']);
    assert.deepEqual(subjects('CreatedDate >= 2026-05-05T09:00:00Z'), ["O'Brien \\ follow-up", 'Late call']);
  });

  it('ids match in 15- or 18-character form, whatever the case of an 18-character id', () => {
    const id15 = ids.callCarla.slice(0, 15);
    assert.deepEqual(subjects(`Id = '${id15}'`), ['Call Carla']);
    assert.deepEqual(subjects(`Id = '${ids.callCarla}'`), ['Call Carla']);
    assert.deepEqual(subjects(`Id = '${ids.callCarla.toLowerCase()}'`), ['Call Carla']);
    assert.deepEqual(subjects(`Id = '${id15.toLowerCase()}'`), [], 'the 15-character form is case-sensitive');
    assert.deepEqual(subjects(`WhoId = '${ids.carla.slice(0, 15)}'`), ['Call Carla', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects(`Id IN ('${id15}', '${ids.lateCall}')`), ['Call Carla', 'Late call']);
  });

  it('currency fields and null', () => {
    const result = runSoql('SELECT Name FROM Account WHERE AnnualRevenue = null', fixtureOptions());
    assert.deepEqual(
      result.records.map((record) => record.Name),
      ['Globex'],
    );
    const rich = runSoql('SELECT Name FROM Account WHERE AnnualRevenue >= 5000', fixtureOptions());
    assert.deepEqual(
      rich.records.map((record) => record.Name),
      ['Acme'],
    );
  });
});

describe('SOQL logical operators', () => {
  it('AND, OR and parentheses', () => {
    assert.deepEqual(subjects("(Status = 'Completed' OR Priority = 'High') AND IsClosed = false"), [
      'Call Carla',
    ]);
    assert.deepEqual(subjects("Status = 'Completed' AND Priority = 'High'"), ['Late call']);
    assert.deepEqual(subjects("Priority = 'Low' OR Priority = 'High' OR Subject = 'email lee'"), [
      'Call Carla',
      'email Lee',
      '50% off_sale',
      'Late call',
    ]);
    assert.deepEqual(subjects("((Subject = 'Call Carla'))"), ['Call Carla']);
    assert.deepEqual(
      subjects("IsClosed = true AND (Priority = 'High' OR (Priority = 'Normal' AND SIA_Score__c < 0))"),
      CLOSED,
    );
  });

  it('NOT negates the next condition or parenthesised group', () => {
    assert.deepEqual(subjects("NOT Status = 'Completed'"), OPEN);
    assert.deepEqual(subjects("NOT (Status = 'Completed' OR Priority = 'Low')"), [
      'Call Carla',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects("Status = 'Completed' AND (NOT Priority = 'High')"), ['email Lee']);
    assert.deepEqual(subjects("NOT Status = 'Completed' AND Priority = 'High'"), ['Call Carla']);
  });
});

describe('SOQL parent relationships in WHERE', () => {
  it('filters through polymorphic and single-target references', () => {
    assert.deepEqual(subjects("Who.Name = 'lee lead'"), ['email Lee']);
    assert.deepEqual(subjects("Owner.Username LIKE 'bob%'"), [
      'email Lee',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
    assert.deepEqual(subjects("What.Name != 'Acme'"), [
      'email Lee',
      '50% off_sale',
      "O'Brien \\ follow-up",
      'Late call',
    ]);
    assert.deepEqual(subjects("Who.Account.Name = 'Acme'"), ['Call Carla', "O'Brien \\ follow-up"]);
  });
});
