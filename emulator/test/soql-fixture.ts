// A small org for the SOQL tests: Task, Contact, Lead, User and Account with the references between
// them (Task.Who → Contact or Lead, Task.What → Account, Owner → User, Contact.Account → Account).
import { field, object, picklist, reference, systemFields } from '../src/schema/field-builders.ts';
import type { ObjectDef, RecordSource, Schema, StoredRecord } from '../src/schema/types.ts';
import type { SoqlOptions } from '../src/soql/types.ts';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** An 18-character id whose suffix encodes the casing of its first 15 characters. */
export function makeId(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let index = 0; index < 5; index += 1) {
      const char = id15.charAt(chunk * 5 + index);
      if (char >= 'A' && char <= 'Z') bits |= 1 << index;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

export const ids = {
  ann: makeId('005000000000Ann'),
  bob: makeId('005000000000Bob'),
  acme: makeId('001000000000AcM'),
  globex: makeId('001000000000GlX'),
  carla: makeId('003000000000CaR'),
  lee: makeId('00Q000000000LeE'),
  callCarla: makeId('00T000000000T01'),
  emailLee: makeId('00T000000000T02'),
  sale: makeId('00T000000000T03'),
  recycled: makeId('00T000000000T04'),
  quote: makeId('00T000000000T05'),
  lateCall: makeId('00T000000000T06'),
};

function buildSchema(): Schema {
  const objects: ObjectDef[] = [
    object({ name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005' }, [
      ...systemFields({ owner: false }),
      field('Username', 'string'),
      field('Name', 'string'),
      field('IsActive', 'boolean'),
    ]),
    object({ name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001' }, [
      ...systemFields({ owner: true }),
      field('Name', 'string'),
      field('AnnualRevenue', 'currency'),
    ]),
    object({ name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003' }, [
      ...systemFields({ owner: true }),
      field('Name', 'string'),
      field('Email', 'email'),
      field('Title', 'string'),
      reference('AccountId', ['Account'], 'Account'),
    ]),
    object({ name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q' }, [
      ...systemFields({ owner: true }),
      field('Name', 'string'),
      field('Company', 'string'),
    ]),
    object({ name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: '00T' }, [
      ...systemFields({ owner: true }),
      field('Subject', 'combobox'),
      picklist('Status', ['Not Started', 'In Progress', 'Completed']),
      picklist('Priority', ['High', 'Normal', 'Low']),
      field('ActivityDate', 'date'),
      field('CompletedDateTime', 'datetime'),
      field('IsClosed', 'boolean'),
      field('Description', 'textarea', { length: 32000 }),
      field('CallDurationInSeconds', 'int'),
      field('SIA_Score__c', 'double'),
      field('Tags__c', 'multipicklist'),
      reference('WhoId', ['Contact', 'Lead'], 'Who'),
      reference('WhatId', ['Account'], 'What'),
    ]),
    object(
      {
        name: 'SIA_Notice__e',
        label: 'Notice',
        labelPlural: 'Notices',
        keyPrefix: 'e00',
        kind: 'platformEvent',
      },
      [field('Message__c', 'string')],
    ),
  ];
  return {
    objects: new Map(objects.map((def) => [def.name.toLowerCase(), def])),
    changeDataCaptureEntities: new Set(['Task']),
  };
}

function stored(type: string, Id: string, fields: Record<string, unknown>, isDeleted = false): StoredRecord {
  return { Id, type, fields: { Id, IsDeleted: isDeleted, ...fields }, isDeleted };
}

function buildRecords(): StoredRecord[] {
  return [
    stored('User', ids.ann, { Username: 'ann@example.com', Name: 'Ann Admin', IsActive: true }),
    stored('User', ids.bob, { Username: 'bob@example.com', Name: 'Bob Builder', IsActive: true }),
    stored('Account', ids.acme, { Name: 'Acme', AnnualRevenue: 5000, OwnerId: ids.ann }),
    stored('Account', ids.globex, { Name: 'Globex', AnnualRevenue: null, OwnerId: ids.bob }),
    stored('Contact', ids.carla, {
      Name: 'Carla Diaz',
      Email: 'carla@acme.test',
      AccountId: ids.acme,
      OwnerId: ids.ann,
    }),
    stored('Lead', ids.lee, { Name: 'Lee Lead', Company: 'Initech', OwnerId: ids.bob }),
    stored('Task', ids.callCarla, {
      Subject: 'Call Carla',
      Status: 'Not Started',
      Priority: 'High',
      ActivityDate: '2026-05-06',
      CompletedDateTime: null,
      IsClosed: false,
      CallDurationInSeconds: 120,
      SIA_Score__c: 2.5,
      Tags__c: 'red;green',
      WhoId: ids.carla,
      WhatId: ids.acme,
      OwnerId: ids.ann,
      CreatedDate: '2026-05-01T09:00:00.000+0000',
    }),
    stored('Task', ids.emailLee, {
      Subject: 'email Lee',
      Status: 'Completed',
      Priority: 'Normal',
      ActivityDate: '2026-05-07',
      CompletedDateTime: '2026-05-06T21:20:00.000+0000',
      IsClosed: true,
      CallDurationInSeconds: null,
      SIA_Score__c: -1,
      Tags__c: 'green',
      WhoId: ids.lee,
      WhatId: null,
      OwnerId: ids.bob,
      CreatedDate: '2026-05-02T09:00:00.000+0000',
    }),
    stored('Task', ids.sale, {
      Subject: '50% off_sale',
      Status: 'In Progress',
      Priority: 'Low',
      ActivityDate: null,
      CompletedDateTime: '2026-05-06T10:00:00.000+0000',
      IsClosed: false,
      CallDurationInSeconds: 30,
      SIA_Score__c: null,
      Tags__c: null,
      WhoId: null,
      WhatId: ids.globex,
      OwnerId: ids.ann,
      CreatedDate: '2026-05-03T09:00:00.000+0000',
    }),
    stored(
      'Task',
      ids.recycled,
      {
        Subject: 'Recycled task',
        Status: 'Completed',
        Priority: 'Normal',
        ActivityDate: '2026-05-06',
        IsClosed: true,
        WhoId: ids.carla,
        OwnerId: ids.ann,
        CreatedDate: '2026-05-04T09:00:00.000+0000',
      },
      true,
    ),
    stored('Task', ids.quote, {
      Subject: "O'Brien \\ follow-up",
      Status: 'Not Started',
      Priority: 'Normal',
      ActivityDate: '2026-05-08',
      IsClosed: false,
      CallDurationInSeconds: 600,
      SIA_Score__c: 10,
      WhoId: ids.carla,
      OwnerId: ids.bob,
      CreatedDate: '2026-05-05T09:00:00.000+0000',
    }),
    stored('Task', ids.lateCall, {
      Subject: 'Late call',
      Status: 'Completed',
      Priority: 'High',
      ActivityDate: '2026-05-05',
      CompletedDateTime: '2026-05-07T02:00:00.000+0000',
      IsClosed: true,
      CallDurationInSeconds: 45,
      SIA_Score__c: 7,
      OwnerId: ids.bob,
      CreatedDate: '2026-05-05T10:00:00.000+0000',
    }),
  ];
}

export function buildSource(records: StoredRecord[]): RecordSource {
  const byId = new Map(records.map((record) => [record.Id.slice(0, 15), record]));
  return {
    records: (objectName) =>
      records.filter((record) => record.type.toLowerCase() === objectName.toLowerCase()),
    byId: (id) => byId.get(id.slice(0, 15)),
  };
}

/** "Now" for the fixture: 2026-05-06 21:30 UTC — still the 6th in Los Angeles, already the 7th in Tokyo. */
export const NOW = new Date('2026-05-06T21:30:00.000Z');

export function fixtureOptions(overrides: Partial<SoqlOptions> = {}): SoqlOptions {
  return {
    schema: buildSchema(),
    source: buildSource(buildRecords()),
    includeDeleted: false,
    clock: { now: () => NOW },
    timeZone: 'UTC',
    apiVersion: '66.0',
    ...overrides,
  };
}
