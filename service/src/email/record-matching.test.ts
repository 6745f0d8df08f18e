import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PeopleIndex,
  contactRolesOf,
  leadFromAddress,
  matchRecipient,
  personQueries,
  targetsFor,
  type MatchRules,
  type PersonRecord,
} from './record-matching.ts';
import { missingTypeMessage, missingTypeValues } from './type-picklist.ts';

const contact = (
  id: string,
  email: string,
  modified: string,
  account: string | null = null,
): PersonRecord => ({
  type: 'Contact',
  Id: id,
  Email: email,
  LastModifiedDate: modified,
  AccountId: account,
});
const lead = (id: string, email: string, modified: string): PersonRecord => ({
  type: 'Lead',
  Id: id,
  Email: email,
  LastModifiedDate: modified,
  AccountId: null,
});

const rules: MatchRules = {
  logTo: 'LeadsAndContacts',
  duplicateRule: 'MostRecentlyUpdated',
  noMatchRule: 'DoNotLog',
};

describe('record matching', () => {
  const people = new PeopleIndex();
  people.add(contact('003000000000001AAA', 'Ada@Example.com', '2026-01-01T00:00:00.000+0000'));
  people.add(contact('003000000000002AAA', 'ada@example.com', '2026-03-01T00:00:00.000+0000'));
  people.add(lead('00Q000000000001AAA', 'ada@example.com', '2026-02-01T00:00:00.000+0000'));

  it('takes the Salesforce id first, in its 15- or 18-character form', () => {
    const result = matchRecipient(
      { email: 'other@example.com', salesforceId: '003000000000001' },
      people,
      rules,
    );
    assert.deepEqual(result, { kind: 'matched', by: 'id', people: [people.byId('003000000000001AAA')] });
  });

  it('falls back to the address when the id is of an object Log_To__c excludes', () => {
    const result = matchRecipient({ email: 'ada@example.com', salesforceId: '00Q000000000001AAA' }, people, {
      ...rules,
      logTo: 'ContactsOnly',
    });
    assert.equal(result.kind === 'matched' && result.by, 'email');
    assert.deepEqual(result.kind === 'matched' && result.people.map((p) => p.Id), ['003000000000002AAA']);
  });

  it('picks the most recently updated of several, or all, or none', () => {
    const recent = matchRecipient({ email: 'ADA@example.com', salesforceId: null }, people, rules);
    assert.deepEqual(recent.kind === 'matched' && recent.people.map((p) => p.Id), ['003000000000002AAA']);
    const all = matchRecipient({ email: 'ada@example.com', salesforceId: null }, people, {
      ...rules,
      duplicateRule: 'AllMatching',
    });
    assert.equal(all.kind === 'matched' && all.people.length, 3);
    const none = matchRecipient({ email: 'ada@example.com', salesforceId: null }, people, {
      ...rules,
      duplicateRule: 'DoNotLog',
    });
    assert.equal(none.kind, 'skip');
  });

  it('creates a lead only where leads may be logged to', () => {
    const unknown = { email: 'new@example.com', salesforceId: null };
    assert.equal(matchRecipient(unknown, people, rules).kind, 'skip');
    assert.equal(
      matchRecipient(unknown, people, { ...rules, noMatchRule: 'CreateLead' }).kind,
      'create-lead',
    );
    assert.equal(
      matchRecipient(unknown, people, { ...rules, noMatchRule: 'CreateLead', logTo: 'ContactsOnly' }).kind,
      'skip',
    );
  });

  it('builds one query per object for a batch, escaping quotes in addresses', () => {
    const [soql, ...more] = personQueries(
      'Lead',
      ["o'brien@example.com", 'ada@example.com'],
      ['00Q000000000001AAA', '003000000000001AAA'],
    );
    assert.equal(more.length, 0);
    assert.equal(
      soql,
      "SELECT Id, Email, LastModifiedDate FROM Lead WHERE IsConverted = false AND (Email IN ('o\\'brien@example.com', 'ada@example.com') OR Id IN ('00Q000000000001AAA'))",
    );
    const [withRoles] = personQueries('Contact', ['ada@example.com'], [], { withRoles: true });
    assert.equal(
      withRoles,
      "SELECT Id, Email, AccountId, LastModifiedDate, (SELECT OpportunityId, Opportunity.IsClosed FROM OpportunityContactRoles) FROM Contact WHERE (Email IN ('ada@example.com'))",
    );
    assert.deepEqual(
      contactRolesOf({
        Id: '003000000000001AAA',
        OpportunityContactRoles: {
          records: [
            { OpportunityId: '006000000000001AAA', Opportunity: { IsClosed: true } },
            { OpportunityId: '006000000000002AAA', Opportunity: null },
          ],
        },
      }),
      [
        { ContactId: '003000000000001AAA', OpportunityId: '006000000000001AAA', isClosed: true },
        { ContactId: '003000000000001AAA', OpportunityId: '006000000000002AAA', isClosed: false },
      ],
    );
    assert.deepEqual(contactRolesOf({ Id: '003000000000001AAA', OpportunityContactRoles: null }), []);
    const many = Array.from({ length: 400 }, (_, i) => `person${i}@a-rather-long-domain.example.com`);
    const split = personQueries('Contact', many, []);
    assert.ok(split.length > 1);
    assert.ok(split.every((q) => q.length < 9_000));
  });
});

describe('targets of a matched person', () => {
  const person = contact('003000000000001AAA', 'ada@example.com', '', '001000000000001AAA');
  const roles = [
    { ContactId: '003000000000001', OpportunityId: '006000000000001AAA', isClosed: false },
    { ContactId: '003000000000001AAA', OpportunityId: '006000000000002AAA', isClosed: true },
    { ContactId: '003000000000009AAA', OpportunityId: '006000000000003AAA', isClosed: false },
  ];

  it('logs to the open or all opportunities of the contact’s roles', () => {
    assert.deepEqual(
      targetsFor(person, roles, { logToOpportunities: 'OpenContactRoleOpportunities', logToAccounts: false }),
      [{ whoId: person.Id, whatId: '006000000000001AAA' }],
    );
    assert.deepEqual(
      targetsFor(person, roles, {
        logToOpportunities: 'AllContactRoleOpportunities',
        logToAccounts: true,
      }).map((t) => t.whatId),
      ['006000000000001AAA', '006000000000002AAA'],
    );
  });

  it('relates to the account when asked and no opportunity applies; a lead gets one plain Task', () => {
    assert.deepEqual(
      targetsFor(person, [], { logToOpportunities: 'OpenContactRoleOpportunities', logToAccounts: true }),
      [{ whoId: person.Id, whatId: '001000000000001AAA' }],
    );
    assert.deepEqual(targetsFor(person, roles, { logToOpportunities: 'None', logToAccounts: false }), [
      { whoId: person.Id, whatId: null },
    ]);
    const aLead = lead('00Q000000000001AAA', 'x@y.example', '');
    assert.deepEqual(
      targetsFor(aLead, roles, { logToOpportunities: 'AllContactRoleOpportunities', logToAccounts: true }),
      [{ whoId: aLead.Id, whatId: null }],
    );
  });

  it('names a new lead from the address, with the domain as company', () => {
    assert.deepEqual(leadFromAddress('grace.b.hopper@www.navy.example', '005x'), {
      FirstName: 'Grace',
      LastName: 'B Hopper',
      Company: 'navy.example',
      Email: 'grace.b.hopper@www.navy.example',
      OwnerId: '005x',
    });
    assert.deepEqual(leadFromAddress('info@acme.example', '005x'), {
      LastName: 'Info',
      Company: 'acme.example',
      Email: 'info@acme.example',
      OwnerId: '005x',
    });
  });
});

describe('Task Type picklist check', () => {
  it('needs active Email and Reply values, capitalisation included', () => {
    const fields = [
      { name: 'Subject' },
      {
        name: 'Type',
        picklistValues: [
          { value: 'Email', active: true },
          { value: 'reply', active: true },
          { value: 'Reply', active: false },
        ],
      },
    ];
    assert.deepEqual(missingTypeValues(fields), ['Reply']);
    assert.deepEqual(missingTypeValues([]), ['Email', 'Reply']);
    const message = missingTypeMessage(['Reply']);
    assert.match(message, /"Reply"/);
    assert.match(message, /Setup → Object Manager/);
  });
});
