// Date literals evaluated in the running user's time zone at the clock's "now" (2026-05-06 21:30 UTC:
// the 6th in UTC and Los Angeles, already the 7th in Tokyo). A date field compares by calendar date;
// a datetime field by the instants those local days cover.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, calendarDate, dateLiteralRange, startOfDay } from './date-literals.ts';
import { runSoql } from './index.ts';
import { fixtureOptions } from '../../test/soql-fixture.ts';

const LOS_ANGELES = 'America/Los_Angeles';
const TOKYO = 'Asia/Tokyo';

function subjects(where: string, timeZone: string, now?: Date): string[] {
  const options = fixtureOptions({ timeZone, ...(now === undefined ? {} : { clock: { now: () => now } }) });
  return runSoql(`SELECT Subject FROM Task WHERE ${where} ORDER BY Subject`, options).records.map((record) =>
    String(record.Subject),
  );
}

// ActivityDate (date): Call Carla 05-06, email Lee 05-07, O'Brien 05-08, Late call 05-05.
// CompletedDateTime (datetime): 50% off_sale 05-06 10:00Z, email Lee 05-06 21:20Z, Late call 05-07 02:00Z.
describe('TODAY / YESTERDAY / TOMORROW on a date field', () => {
  it('use the calendar date in UTC', () => {
    assert.deepEqual(subjects('ActivityDate = TODAY', 'UTC'), ['Call Carla']);
    assert.deepEqual(subjects('ActivityDate = TOMORROW', 'UTC'), ['email Lee']);
    assert.deepEqual(subjects('ActivityDate = YESTERDAY', 'UTC'), ['Late call']);
  });

  it('use the calendar date west of UTC (Los Angeles is still on the 6th)', () => {
    assert.deepEqual(subjects('ActivityDate = TODAY', LOS_ANGELES), ['Call Carla']);
    assert.deepEqual(subjects('ActivityDate = TOMORROW', LOS_ANGELES), ['email Lee']);
  });

  it('use the calendar date east of UTC (Tokyo is already on the 7th)', () => {
    assert.deepEqual(subjects('ActivityDate = TODAY', TOKYO), ['email Lee']);
    assert.deepEqual(subjects('ActivityDate = TOMORROW', TOKYO), ["O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('ActivityDate = YESTERDAY', TOKYO), ['Call Carla']);
  });
});

describe('TODAY / YESTERDAY / TOMORROW on a datetime field', () => {
  it('cover the UTC day in UTC', () => {
    assert.deepEqual(subjects('CompletedDateTime = TODAY', 'UTC'), ['50% off_sale', 'email Lee']);
    assert.deepEqual(subjects('CompletedDateTime = TOMORROW', 'UTC'), ['Late call']);
  });

  it('cover the local day west of UTC (07:00Z on the 6th to 07:00Z on the 7th in Los Angeles)', () => {
    assert.deepEqual(subjects('CompletedDateTime = TODAY', LOS_ANGELES), [
      '50% off_sale',
      'email Lee',
      'Late call',
    ]);
    assert.deepEqual(subjects('CompletedDateTime = TOMORROW', LOS_ANGELES), []);
  });

  it('cover the local day east of UTC (15:00Z on the 6th to 15:00Z on the 7th in Tokyo)', () => {
    assert.deepEqual(subjects('CompletedDateTime = TODAY', TOKYO), ['email Lee', 'Late call']);
    assert.deepEqual(subjects('CompletedDateTime = YESTERDAY', TOKYO), ['50% off_sale']);
    assert.deepEqual(subjects('CompletedDateTime = TOMORROW', TOKYO), []);
  });
});

describe('comparisons with a date literal treat it as a range', () => {
  it('> after its last day, < before its first, >= and <= include it, != excludes it', () => {
    assert.deepEqual(subjects('ActivityDate > TODAY', 'UTC'), ['email Lee', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('ActivityDate < TODAY', 'UTC'), ['Late call']);
    assert.deepEqual(subjects('ActivityDate >= TODAY', 'UTC'), [
      'Call Carla',
      'email Lee',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects('ActivityDate <= TODAY', 'UTC'), ['Call Carla', 'Late call']);
    assert.deepEqual(subjects('ActivityDate != TODAY', 'UTC'), [
      '50% off_sale',
      'email Lee',
      'Late call',
      "O'Brien \\ follow-up",
    ]);
    assert.deepEqual(subjects('CompletedDateTime < TODAY', TOKYO), ['50% off_sale']);
    assert.deepEqual(subjects('CompletedDateTime > TODAY', LOS_ANGELES), []);
    assert.deepEqual(subjects('CompletedDateTime >= TOMORROW', 'UTC'), ['Late call']);
  });

  it('IN takes several literals', () => {
    assert.deepEqual(subjects('ActivityDate IN (YESTERDAY, TOMORROW)', 'UTC'), ['email Lee', 'Late call']);
  });
});

describe('LAST_N_DAYS:n and NEXT_N_DAYS:n', () => {
  it('LAST_N_DAYS:n runs from n days ago through today', () => {
    assert.deepEqual(subjects('ActivityDate = LAST_N_DAYS:1', 'UTC'), ['Call Carla', 'Late call']);
    assert.deepEqual(subjects('ActivityDate = LAST_N_DAYS:1', TOKYO), ['Call Carla', 'email Lee']);
    assert.deepEqual(subjects('CreatedDate = LAST_N_DAYS:3', 'UTC'), [
      '50% off_sale',
      'Late call',
      "O'Brien \\ follow-up",
    ]);
  });

  it('NEXT_N_DAYS:n starts tomorrow and runs n days', () => {
    assert.deepEqual(subjects('ActivityDate = NEXT_N_DAYS:2', 'UTC'), ['email Lee', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('ActivityDate = NEXT_N_DAYS:1', TOKYO), ["O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('CompletedDateTime = NEXT_N_DAYS:1', 'UTC'), ['Late call']);
  });
});

describe('date-literal ranges', () => {
  it('follow the clock across midnight', () => {
    const justBeforeMidnightUtc = new Date('2026-05-06T23:59:59.999Z');
    const justAfter = new Date('2026-05-07T00:00:00.000Z');
    assert.deepEqual(subjects('ActivityDate = TODAY', 'UTC', justBeforeMidnightUtc), ['Call Carla']);
    assert.deepEqual(subjects('ActivityDate = TODAY', 'UTC', justAfter), ['email Lee']);
  });

  it('name calendar months and years', () => {
    const now = new Date('2026-01-15T12:00:00Z');
    assert.deepEqual(dateLiteralRange('THIS_MONTH', now, 'UTC'), { first: '2026-01-01', last: '2026-01-31' });
    assert.deepEqual(dateLiteralRange('LAST_MONTH', now, 'UTC'), { first: '2025-12-01', last: '2025-12-31' });
    assert.deepEqual(dateLiteralRange('NEXT_YEAR', now, 'UTC'), { first: '2027-01-01', last: '2027-12-31' });
    assert.deepEqual(dateLiteralRange('N_DAYS_AGO:3', now, 'UTC'), {
      first: '2026-01-12',
      last: '2026-01-12',
    });
  });

  it('name weeks from the locale first day (Sunday by default), and n-unit ranges', () => {
    const wednesday = new Date('2026-05-06T12:00:00Z');
    const range = (literal: string, firstDay?: number) =>
      dateLiteralRange(literal, wednesday, 'UTC', firstDay);
    assert.deepEqual(range('THIS_WEEK'), { first: '2026-05-03', last: '2026-05-09' });
    assert.deepEqual(range('THIS_WEEK', 1), { first: '2026-05-04', last: '2026-05-10' });
    assert.deepEqual(range('LAST_WEEK'), { first: '2026-04-26', last: '2026-05-02' });
    assert.deepEqual(range('NEXT_WEEK'), { first: '2026-05-10', last: '2026-05-16' });
    assert.deepEqual(range('LAST_N_WEEKS:2'), { first: '2026-04-19', last: '2026-05-02' });
    assert.deepEqual(range('NEXT_N_WEEKS:2'), { first: '2026-05-10', last: '2026-05-23' });
    assert.deepEqual(range('N_WEEKS_AGO:2'), { first: '2026-04-19', last: '2026-04-25' });
    assert.deepEqual(range('LAST_N_MONTHS:2'), { first: '2026-03-01', last: '2026-04-30' });
    assert.deepEqual(range('NEXT_N_MONTHS:1'), { first: '2026-06-01', last: '2026-06-30' });
    assert.deepEqual(range('N_MONTHS_AGO:5'), { first: '2025-12-01', last: '2025-12-31' });
    assert.deepEqual(range('THIS_QUARTER'), { first: '2026-04-01', last: '2026-06-30' });
    assert.deepEqual(range('LAST_QUARTER'), { first: '2026-01-01', last: '2026-03-31' });
    assert.deepEqual(range('NEXT_N_QUARTERS:2'), { first: '2026-07-01', last: '2026-12-31' });
    assert.deepEqual(range('LAST_N_YEARS:2'), { first: '2024-01-01', last: '2025-12-31' });
    assert.deepEqual(range('N_YEARS_AGO:1'), { first: '2025-01-01', last: '2025-12-31' });
    assert.deepEqual(range('THIS_FISCAL_YEAR'), { first: '2026-01-01', last: '2026-12-31' });
    assert.deepEqual(range('LAST_90_DAYS'), { first: '2026-02-05', last: '2026-05-06' });
  });

  it('compute local midnight across a DST change', () => {
    // Los Angeles moved to PDT on 2026-03-08: midnight that day is still PST (08:00Z), the next PDT (07:00Z).
    assert.equal(new Date(startOfDay('2026-03-08', LOS_ANGELES)).toISOString(), '2026-03-08T08:00:00.000Z');
    assert.equal(new Date(startOfDay('2026-03-09', LOS_ANGELES)).toISOString(), '2026-03-09T07:00:00.000Z');
    assert.equal(calendarDate(Date.parse('2026-03-09T06:59:59Z'), LOS_ANGELES), '2026-03-08');
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
  });
});

describe('date functions in WHERE', () => {
  it('read datetimes in UTC', () => {
    assert.equal(subjects('CALENDAR_YEAR(CreatedDate) = 2026', TOKYO).length, 5);
    assert.deepEqual(subjects('DAY_IN_MONTH(CreatedDate) = 5', TOKYO), ['Late call', "O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('HOUR_IN_DAY(CreatedDate) = 10', TOKYO), ['Late call']);
    assert.deepEqual(subjects('DAY_ONLY(CompletedDateTime) = 2026-05-07', TOKYO), ['Late call']);
    assert.deepEqual(subjects('CALENDAR_MONTH(CreatedDate) IN (4, 5)', 'UTC').length, 5);
  });

  it('read datetimes in the user zone inside convertTimezone()', () => {
    assert.deepEqual(subjects('DAY_ONLY(convertTimezone(CompletedDateTime)) = 2026-05-07', TOKYO), [
      'email Lee',
      'Late call',
    ]);
    assert.deepEqual(subjects('DAY_ONLY(convertTimezone(CompletedDateTime)) = 2026-05-06', LOS_ANGELES), [
      '50% off_sale',
      'email Lee',
      'Late call',
    ]);
    assert.deepEqual(subjects('HOUR_IN_DAY(convertTimezone(CompletedDateTime)) = 6', TOKYO), ['email Lee']);
  });

  it('apply to date fields', () => {
    // 2026-05-06 is a Wednesday: DAY_IN_WEEK counts 1 = Sunday.
    assert.deepEqual(subjects('DAY_IN_WEEK(ActivityDate) = 4', 'UTC'), ['Call Carla']);
    assert.deepEqual(subjects('CALENDAR_QUARTER(ActivityDate) = 2', 'UTC').length, 4);
    // Days 1-7 of the year are week 1: the 5th and 6th of May (days 125, 126) are in week 18, the 7th in 19.
    assert.deepEqual(subjects('WEEK_IN_YEAR(ActivityDate) = 18', 'UTC'), ['Call Carla', 'Late call']);
    assert.deepEqual(subjects('WEEK_IN_MONTH(ActivityDate) = 2', 'UTC'), ["O'Brien \\ follow-up"]);
    assert.deepEqual(subjects('DAY_IN_YEAR(ActivityDate) = 125', 'UTC'), ['Late call']);
  });
});
