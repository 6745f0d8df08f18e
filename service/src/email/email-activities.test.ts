// Email activity logging end to end against the emulator org: the SIA API, the queue in the
// service database (SQLite and PostgreSQL) and the Tasks the org ends up with.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDatabases } from '../../test/databases.ts';
import { CLAIM_LEASE_MS } from './activity-writer.ts';
import type { EmailTables } from './email-store.ts';
import { EmailTestKit } from '../../test/email-kit.ts';

type Json = Record<string, unknown>;

function fieldsOf(body: Json): string[] {
  return (body['fields'] as { field: string }[]).map((f) => f.field);
}

const API_MODE = {
  Log_Email_Via_Api__c: true,
  Log_To__c: 'LeadsAndContacts',
  Duplicate_Rule__c: 'MostRecentlyUpdated',
  No_Match_Rule__c: 'DoNotLog',
  Log_To_Opportunities__c: 'None',
};

for (const factory of testDatabases) {
  describe(`email activity logging on ${factory.name}`, () => {
    let kit: EmailTestKit;
    let message = 0;

    before(async () => {
      kit = await EmailTestKit.start(factory);
      await kit.putRep();
    });
    after(async () => {
      await kit.close();
    });
    beforeEach(() => {
      message += 1;
    });

    function email(overrides: Json = {}): Json {
      return {
        ownerId: 'rep',
        kind: 'sent',
        messageId: `<m${message}.${factory.name}@sia.example>`,
        subject: 'Quick question',
        body: '<p>Hi Ada,</p><p>Are you free <b>Tuesday</b>?</p>',
        sentAt: '2026-11-28T03:30:00Z',
        recipients: [{ email: 'nobody@nowhere.example' }],
        ...overrides,
      };
    }

    async function send(body: Json): Promise<{ status: number; body: Json }> {
      const res = await kit.call('POST', '/api/v1/email-activities', body);
      await kit.logging.drain();
      return res;
    }

    it('logs a sent email as a completed Task on the contact named by id, dated in the rep’s zone', async () => {
      await kit.setSettings(
        {
          ...API_MODE,
          Email_Subject_Template__c:
            '[SIA] {{activity_type}}: {{activity_subject}} ({{sales_campaign_name}} d{{sales_campaign_day}}/s{{sales_campaign_step}})',
        },
        null,
      );
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Lovelace', Email: 'ada.other@analytical.example' } },
      ]);
      const res = await send(
        email({
          recipients: [{ email: 'ada@analytical.example', salesforceId: contactId }],
          campaign: { name: 'Q4 Outreach', day: 2, step: 1 },
        }),
      );
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(res.body['activities'], [{ recipient: 'ada@analytical.example', status: 'queued' }]);
      const tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(tasks.length, 1);
      const task = tasks[0] as Json;
      assert.equal(task['Subject'], '[SIA] Email: Quick question (Q4 Outreach d2/s1)');
      // 03:30 UTC on the 28th is still the 27th in New York.
      assert.equal(task['ActivityDate'], '2026-11-27');
      assert.equal(task['Status'], 'Completed');
      assert.equal(task['TaskSubtype'], 'Email');
      assert.equal(task['Type'], 'Email');
      assert.equal(task['OwnerId'], kit.rep.salesforceUserId);
      assert.equal(task['SIA_Activity_Type__c'], 'Email');
      assert.equal(task['SIA_Campaign__c'], 'Q4 Outreach');
      assert.equal(task['WhatId'], null);
      assert.equal(task['Description'], 'Hi Ada,\n\nAre you free Tuesday?');
    });

    it('matches by email per Log_To__c: leads and contacts, contacts only, leads only', async () => {
      const [contactId, leadId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Both', Email: 'both@shared.example' } },
        { type: 'Lead', fields: { LastName: 'Both', Company: 'Shared', Email: 'Both@Shared.example' } },
      ]);
      const cases: [string, string[]][] = [
        ['LeadsAndContacts', [contactId as string, leadId as string]],
        ['ContactsOnly', [contactId as string]],
        ['LeadsOnly', [leadId as string]],
      ];
      for (const [logTo, expected] of cases) {
        await kit.setSettings({ ...API_MODE, Log_To__c: logTo, Duplicate_Rule__c: 'AllMatching' });
        const messageId = `<logto-${logTo}.${factory.name}@sia.example>`;
        const res = await send(email({ messageId, recipients: [{ email: 'BOTH@shared.example' }] }));
        assert.equal(res.status, 202);
        const tasks = await kit.tasks(
          `WhoId IN ('${contactId}', '${leadId}') AND Subject = 'Quick question' AND CreatedDate = TODAY`,
        );
        const mine = tasks.filter((t) => t['SIA_Task_Id__c'] !== null);
        const logged = await kit.logging.emailStore.get(messageId, 'sent', 'both@shared.example');
        assert.equal(logged?.status, 'logged', logTo);
        const ids = (await kit.logging.emailStore.tasksOf(logged.id)).map((t) => t.whoId).sort();
        assert.deepEqual(ids, [...expected].sort(), logTo);
        assert.ok(mine.length >= expected.length);
      }
    });

    it('applies Duplicate_Rule__c: most recently updated, all matching, or do not log', async () => {
      const [older, newer] = await kit.seed([
        {
          type: 'Contact',
          fields: { LastName: 'Older', Email: 'twin@dup.example' },
          lastModifiedDate: '2026-01-01T00:00:00Z',
        },
        {
          type: 'Contact',
          fields: { LastName: 'Newer', Email: 'twin@dup.example' },
          lastModifiedDate: '2026-06-01T00:00:00Z',
        },
      ]);
      const cases: [string, string, string[]][] = [
        ['MostRecentlyUpdated', 'logged', [newer as string]],
        ['AllMatching', 'logged', [older as string, newer as string].sort()],
        ['DoNotLog', 'skipped', []],
      ];
      for (const [rule, status, expected] of cases) {
        await kit.setSettings({ ...API_MODE, Duplicate_Rule__c: rule });
        const messageId = `<dup-${rule}.${factory.name}@sia.example>`;
        await send(email({ messageId, recipients: [{ email: 'twin@dup.example' }] }));
        const activity = await kit.logging.emailStore.get(messageId, 'sent', 'twin@dup.example');
        assert.equal(activity?.status, status, rule);
        const whos = (await kit.logging.emailStore.tasksOf(activity.id)).map((t) => t.whoId).sort();
        assert.deepEqual(whos, expected, rule);
      }
      const tasks = await kit.tasks(`WhoId IN ('${older}', '${newer}')`);
      assert.equal(tasks.length, 3, 'one Task for most-recent, two for all-matching, none for do-not-log');
    });

    it('applies No_Match_Rule__c: do not log, or create a lead named from the address with the domain as company', async () => {
      await kit.setSettings({ ...API_MODE, No_Match_Rule__c: 'DoNotLog' });
      const skipped = `<nomatch-skip.${factory.name}@sia.example>`;
      await send(email({ messageId: skipped, recipients: [{ email: 'grace.hopper@navy.example' }] }));
      assert.equal(
        (await kit.logging.emailStore.get(skipped, 'sent', 'grace.hopper@navy.example'))?.status,
        'skipped',
      );
      const none = await kit.admin.query("SELECT Id FROM Lead WHERE Email = 'grace.hopper@navy.example'");
      assert.equal(none.records.length, 0);

      await kit.setSettings({ ...API_MODE, No_Match_Rule__c: 'CreateLead' });
      const created = `<nomatch-create.${factory.name}@sia.example>`;
      await send(email({ messageId: created, recipients: [{ email: 'grace.hopper@navy.example' }] }));
      const leads = await kit.admin.query<Json>(
        "SELECT Id, FirstName, LastName, Company, OwnerId FROM Lead WHERE Email = 'grace.hopper@navy.example'",
      );
      assert.equal(leads.records.length, 1);
      const lead = leads.records[0] as Json;
      assert.deepEqual(
        [lead['FirstName'], lead['LastName'], lead['Company'], lead['OwnerId']],
        ['Grace', 'Hopper', 'navy.example', kit.rep.salesforceUserId],
      );
      assert.equal((await kit.tasks(`WhoId = '${lead['Id'] as string}'`)).length, 1);
      // A second email to the same address finds the lead it created instead of creating another.
      await send(
        email({
          messageId: `<nomatch-again.${factory.name}@sia.example>`,
          recipients: [{ email: 'grace.hopper@navy.example' }],
        }),
      );
      const again = await kit.admin.query("SELECT Id FROM Lead WHERE Email = 'grace.hopper@navy.example'");
      assert.equal(again.records.length, 1);
    });

    it('logs to the opportunities of the contact’s roles (open or all) and to the account', async () => {
      const [accountId] = await kit.seed([{ type: 'Account', fields: { Name: 'Analytical Engines' } }]);
      const [contactId, openOpp, closedOpp] = await kit.seed([
        {
          type: 'Contact',
          fields: { LastName: 'Babbage', Email: 'charles@engines.example', AccountId: accountId },
        },
        {
          type: 'Opportunity',
          fields: {
            Name: 'Difference Engine',
            StageName: 'Prospecting',
            CloseDate: '2027-01-31',
            AccountId: accountId,
          },
        },
        {
          type: 'Opportunity',
          fields: {
            Name: 'Analytical Engine',
            StageName: 'Closed Won',
            CloseDate: '2026-10-31',
            AccountId: accountId,
          },
        },
      ]);
      await kit.seed([
        {
          type: 'OpportunityContactRole',
          fields: { OpportunityId: openOpp, ContactId: contactId, Role: 'Decision Maker' },
        },
        {
          type: 'OpportunityContactRole',
          fields: { OpportunityId: closedOpp, ContactId: contactId, Role: 'Evaluator' },
        },
      ]);
      const cases: [Json, (string | null)[]][] = [
        [{ Log_To_Opportunities__c: 'OpenContactRoleOpportunities' }, [openOpp as string]],
        [
          { Log_To_Opportunities__c: 'AllContactRoleOpportunities' },
          [openOpp as string, closedOpp as string].sort(),
        ],
        [{ Log_To_Opportunities__c: 'None', Log_To_Accounts__c: true }, [accountId as string]],
        [{ Log_To_Opportunities__c: 'None', Log_To_Accounts__c: false }, [null]],
      ];
      for (const [index, [settings, whats]] of cases.entries()) {
        await kit.setSettings({ ...API_MODE, ...settings });
        const messageId = `<opp-${index}.${factory.name}@sia.example>`;
        await send(email({ messageId, recipients: [{ email: 'charles@engines.example' }] }));
        const activity = await kit.logging.emailStore.get(messageId, 'sent', 'charles@engines.example');
        const tasks = await kit.logging.emailStore.tasksOf(activity?.id ?? -1);
        assert.deepEqual(tasks.map((t) => t.whatId).sort(), whats, JSON.stringify(settings));
        for (const task of tasks) assert.equal(task.whoId, contactId);
        const inOrg = await kit.tasks(`Id IN (${tasks.map((t) => `'${t.salesforceId ?? ''}'`).join(', ')})`);
        assert.deepEqual(inOrg.map((t) => t['WhatId']).sort(), whats);
      }
    });

    it('logs replies only when Log_Replies__c is on, as "Reply: <subject>", and ticks Replied on the email’s Task', async () => {
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Noether', Email: 'emmy@algebra.example' } },
      ]);
      const recipients = [{ email: 'emmy@algebra.example' }];
      await kit.setSettings({ ...API_MODE, Log_Replies__c: false });
      const off = `<reply-off.${factory.name}@sia.example>`;
      await send(email({ messageId: off, subject: 'Rings', recipients }));
      await send(
        email({
          messageId: off,
          kind: 'reply',
          subject: 'Rings',
          body: 'Sounds good',
          sentAt: '2026-11-28T15:00:00Z',
          recipients,
        }),
      );
      let tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.deepEqual(
        tasks.map((t) => t['Subject']),
        ['Rings'],
      );
      assert.equal(tasks[0]?.['SIA_Email_Replied__c'], true);

      await kit.setSettings({ ...API_MODE, Log_Replies__c: true });
      const on = `<reply-on.${factory.name}@sia.example>`;
      await send(email({ messageId: on, subject: 'Ideals', recipients }));
      await send(
        email({
          messageId: on,
          kind: 'reply',
          subject: 'Ideals\r\nagain',
          body: 'Yes',
          sentAt: '2026-11-28T15:00:00Z',
          recipients,
        }),
      );
      tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.deepEqual(
        tasks.map((t) => t['Subject']),
        ['Rings', 'Ideals', 'Reply: Ideals again'],
      );
      const reply = tasks[2] as Json;
      assert.equal(reply['Status'], 'Completed');
      assert.equal(reply['TaskSubtype'], 'Email');
      assert.equal(reply['ActivityDate'], '2026-11-28');
      assert.equal(reply['Description'], 'Yes');
    });

    it('sets Viewed and Clicked on the Task of the email, with no new activity; repeats write nothing', async () => {
      await kit.setSettings(API_MODE);
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Curie', Email: 'marie@radium.example' } },
      ]);
      const messageId = `<track.${factory.name}@sia.example>`;
      const recipients = [{ email: 'marie@radium.example' }];
      await send(email({ messageId, recipients }));
      const before = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(before.length, 1);
      assert.equal(before[0]?.['SIA_Email_Viewed__c'], false);

      await send(email({ messageId, kind: 'open', recipients }));
      let tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(tasks.length, 1);
      assert.equal(tasks[0]?.['Id'], before[0]['Id']);
      assert.deepEqual(
        [tasks[0]?.['SIA_Email_Viewed__c'], tasks[0]?.['SIA_Email_Clicked__c']],
        [true, false],
      );

      await send(email({ messageId, kind: 'click', recipients }));
      tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(tasks.length, 1);
      assert.deepEqual([tasks[0]?.['SIA_Email_Viewed__c'], tasks[0]?.['SIA_Email_Clicked__c']], [true, true]);

      await kit.clearRequests();
      for (const kind of ['sent', 'open', 'click']) {
        const repeat = await send(email({ messageId, kind, recipients }));
        assert.equal(repeat.status, 202);
        assert.deepEqual(repeat.body['activities'], [
          { recipient: 'marie@radium.example', status: 'duplicate' },
        ]);
      }
      assert.deepEqual(await kit.apiRequests(), [], 'a repeat delivery calls Salesforce');
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 1);
    });

    it('an open waits for its email to reach Salesforce, then marks its Task', async () => {
      await kit.setSettings(API_MODE);
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Johnson', Email: 'katherine@orbit.example' } },
      ]);
      const messageId = `<open-waits.${factory.name}@sia.example>`;
      const recipients = [{ email: 'katherine@orbit.example' }];
      await kit.logging.typeCheck.available();
      await kit.fault({
        method: 'PATCH',
        path: '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c',
        times: 5,
        action: 'status',
        status: 403,
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
      });
      assert.equal(
        (await kit.call('POST', '/api/v1/email-activities', email({ messageId, recipients }))).status,
        202,
      );
      assert.equal(
        (await kit.call('POST', '/api/v1/email-activities', email({ messageId, kind: 'open', recipients })))
          .status,
        202,
      );
      await kit.logging.drain();
      await kit.clearFaults();
      const open = await kit.logging.emailStore.get(messageId, 'open', 'katherine@orbit.example');
      assert.equal(open?.status, 'queued');
      assert.match(open.outcome ?? '', /waiting for the sent email/);
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 0);

      kit.clock.advance(600_000);
      await kit.logging.drain();
      const tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(tasks.length, 1);
      assert.equal(tasks[0]?.['SIA_Email_Viewed__c'], true);
      assert.equal(
        (await kit.logging.emailStore.get(messageId, 'open', 'katherine@orbit.example'))?.status,
        'logged',
      );
    });

    it('an open for an email that was never logged marks nothing', async () => {
      await kit.setSettings(API_MODE);
      const messageId = `<orphan-open.${factory.name}@sia.example>`;
      await send(email({ messageId, kind: 'open', recipients: [{ email: 'someone@else.example' }] }));
      const activity = await kit.logging.emailStore.get(messageId, 'open', 'someone@else.example');
      assert.equal(activity?.status, 'skipped');
      assert.match(activity.outcome ?? '', /no sent email/);
    });

    it('the team override forces BCC or API whatever the user chose; BCC mode writes nothing', async () => {
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Franklin', Email: 'rosalind@dna.example' } },
      ]);
      await kit.setSettings(
        { ...API_MODE, Team_Logging_Override__c: 'BccOnly' },
        {
          Log_Email_Via_Api__c: true,
          Bcc_Enabled__c: false,
          Bcc_Address__c: 'emailtosalesforce@rep.example',
        },
      );
      const countBefore = await kit.logging.emailStore.countActivities();
      await kit.clearRequests();
      const bcc = await send(email({ recipients: [{ email: 'rosalind@dna.example' }] }));
      assert.equal(bcc.status, 200);
      assert.equal(bcc.body['mode'], 'bcc');
      assert.equal(bcc.body['forcedByTeam'], true);
      assert.equal(bcc.body['bccAddress'], 'emailtosalesforce@rep.example');
      assert.equal(bcc.body['logged'], false);
      assert.match(String(bcc.body['message']), /emailtosalesforce@rep\.example/);
      const open = await send(email({ kind: 'open', recipients: [{ email: 'rosalind@dna.example' }] }));
      assert.equal(open.status, 200);
      assert.match(String(open.body['message']), /opens are not logged/);
      assert.equal(await kit.logging.emailStore.countActivities(), countBefore);
      const calls = await kit.apiRequests();
      assert.equal(calls.length, 1, 'only the settings read');
      assert.equal(calls[0]?.method, 'GET');
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 0);
      const mode = await kit.call('GET', '/api/v1/users/rep/email-logging');
      assert.deepEqual(mode, {
        status: 200,
        body: {
          userId: 'rep',
          mode: 'bcc',
          forcedByTeam: true,
          teamLoggingOverride: 'BccOnly',
          bccAddress: 'emailtosalesforce@rep.example',
          logReplies: false,
        },
      });

      await kit.setSettings(
        { ...API_MODE, Log_Email_Via_Api__c: false, Team_Logging_Override__c: 'ApiOnly' },
        {
          Log_Email_Via_Api__c: false,
          Bcc_Enabled__c: true,
          Bcc_Address__c: 'emailtosalesforce@rep.example',
        },
      );
      const api = await send(email({ recipients: [{ email: 'rosalind@dna.example' }] }));
      assert.equal(api.status, 202);
      assert.equal(api.body['mode'], 'api');
      assert.equal(api.body['forcedByTeam'], true);
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 1);
    });

    it('BCC without an address is a clear error naming Bcc_Address__c; logging off says so', async () => {
      // The platform's validation rule keeps a user from switching BCC on without an address, but
      // the admin's team override forces BCC on users who never entered one.
      await kit.setSettings({ Team_Logging_Override__c: 'BccOnly' }, { Log_Email_Via_Api__c: true });
      const post = await kit.call('POST', '/api/v1/email-activities', email());
      assert.equal(post.status, 409);
      assert.equal(post.body['error'], 'bcc_address_missing');
      assert.match(String(post.body['message']), /Bcc_Address__c/);
      assert.deepEqual(post.body['fields'], [
        { field: 'Bcc_Address__c', message: 'is empty: enter your Email to Salesforce address' },
      ]);
      const get = await kit.call('GET', '/api/v1/users/rep/email-logging');
      assert.equal(get.status, 409);
      assert.match(String(get.body['message']), /team logging override/);

      await kit.setSettings({}, null);
      const off = await kit.call('POST', '/api/v1/email-activities', email());
      assert.equal(off.status, 200);
      assert.equal(off.body['mode'], 'none');
      assert.match(String(off.body['message']), /Log_Email_Via_Api__c/);
    });

    it('answers bad input with 400 and field messages, writing nothing and calling nothing', async () => {
      await kit.setSettings(API_MODE);
      const countBefore = await kit.logging.emailStore.countActivities();
      await kit.clearRequests();
      const cases: [Json, string[]][] = [
        [{ ...email(), kind: 'forward' }, ['kind']],
        [{ ...email(), sentAt: '28/11/2026' }, ['sentAt']],
        [{ ...email(), recipients: [] }, ['recipients']],
        [{ ...email(), recipients: [{ email: 'not-an-address' }] }, ['recipients.0.email']],
        [
          { ...email(), recipients: [{ email: 'a@b.example', salesforceId: '001000000000001AAA' }] },
          ['recipients.0.salesforceId'],
        ],
        [
          { ...email(), recipients: [{ email: 'a@b.example' }, { email: 'A@b.example' }] },
          ['recipients.1.email'],
        ],
        [{ ...email(), campaign: { name: 'X', day: 0, step: 1.5 } }, ['campaign.day', 'campaign.step']],
        [{ ...email(), cc: ['x@y.example'] }, ['cc']],
        [{ ownerId: 'rep' }, ['kind', 'messageId', 'subject', 'sentAt', 'recipients']],
      ];
      for (const [payload, fields] of cases) {
        const res = await kit.call('POST', '/api/v1/email-activities', payload);
        assert.equal(res.status, 400, JSON.stringify(payload));
        assert.equal(res.body['error'], 'invalid_request');
        assert.deepEqual(fieldsOf(res.body).sort(), [...fields].sort(), JSON.stringify(payload));
      }
      const unknown = await kit.call('POST', '/api/v1/email-activities', email({ ownerId: 'ghost' }));
      assert.equal(unknown.status, 404);
      assert.deepEqual(fieldsOf(unknown.body), ['ownerId']);
      const unauthorized = await kit.app.inject({
        method: 'POST',
        url: '/api/v1/email-activities',
        payload: email(),
      });
      assert.equal(unauthorized.statusCode, 401);
      await kit.logging.drain();
      assert.equal(await kit.logging.emailStore.countActivities(), countBefore);
      assert.deepEqual(await kit.apiRequests(), []);
    });

    it('writes a burst of emails in three API calls: settings, one composite lookup, one collection upsert', async () => {
      await kit.setSettings(API_MODE);
      const people = await kit.seed(
        Array.from({ length: 60 }, (_, i) => ({
          type: 'Contact' as const,
          fields: { LastName: `Burst ${i}`, Email: `burst${i}@volume.example` },
        })),
      );
      await kit.logging.typeCheck.available(); // the once-per-org describe is not part of the burst
      await kit.clearRequests();
      for (let i = 0; i < 60; i++) {
        const res = await kit.call(
          'POST',
          '/api/v1/email-activities',
          email({
            messageId: `<burst-${i}.${factory.name}@sia.example>`,
            recipients: [{ email: `burst${i}@volume.example` }],
          }),
        );
        assert.equal(res.status, 202);
      }
      await kit.logging.drain();
      const calls = await kit.apiRequests();
      const upserts = calls.filter(
        (c) => c.method === 'PATCH' && c.path.endsWith('/composite/sobjects/Task/SIA_Task_Id__c'),
      );
      assert.equal(upserts.length, 1, 'one collection call for 60 Tasks');
      assert.deepEqual(
        calls.map((c) => `${c.method} ${c.path.replace('/services/data/v66.0', '')}`),
        ['GET /query', 'POST /composite', 'PATCH /composite/sobjects/Task/SIA_Task_Id__c'],
        'the settings read, the Contact and Lead lookups in one composite call, one collection upsert',
      );
      assert.equal((await kit.tasks(`WhoId IN (${people.map((id) => `'${id}'`).join(', ')})`)).length, 60);
    });

    it('answers 503 and stores nothing when the settings cannot be read from Salesforce', async () => {
      await kit.setSettings(API_MODE);
      const countBefore = await kit.logging.emailStore.countActivities();
      // The org is out of API requests for now (jsforce itself would retry a 5xx GET for a while).
      await kit.fault({
        method: 'GET',
        path: '/services/data/v66.0/query',
        times: 5,
        action: 'status',
        status: 403,
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
      });
      const res = await kit.call('POST', '/api/v1/email-activities', email());
      await kit.clearFaults();
      assert.equal(res.status, 503);
      assert.equal(res.body['error'], 'salesforce_unavailable');
      assert.equal(await kit.logging.emailStore.countActivities(), countBefore);
      const retried = await kit.call('POST', '/api/v1/email-activities', email());
      assert.equal(retried.status, 202);
    });

    it('a retry after a crash between the Salesforce write and the local commit updates the same Task', async () => {
      await kit.setSettings(API_MODE);
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Shannon', Email: 'claude@bits.example' } },
      ]);
      const messageId = `<crash.${factory.name}@sia.example>`;
      await send(email({ messageId, recipients: [{ email: 'claude@bits.example' }] }));
      const logged = await kit.logging.emailStore.get(messageId, 'sent', 'claude@bits.example');
      assert.ok(logged);
      assert.equal(logged.attempts, 1, 'the attempt is written ahead of the Salesforce call');
      const [task] = await kit.tasks(`WhoId = '${contactId}'`);
      // The commit after the upsert never happened: the row is still queued and knows nothing of the Task.
      const db = kit.open.db.$extendTables<EmailTables>();
      await db
        .updateTable('email_activities')
        .set({ status: 'queued', outcome: null })
        .where('id', '=', logged.id)
        .execute();
      await db.deleteFrom('email_activity_tasks').where('activity_id', '=', logged.id).execute();
      // Nothing happens while the crashed instance's claim lasts; then the retry runs.
      assert.equal(await kit.logging.drain(), 0);
      kit.clock.advance(CLAIM_LEASE_MS);
      await kit.logging.drain();
      const tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.equal(tasks.length, 1, 'the retry logged the email twice');
      assert.equal(tasks[0]?.['Id'], task?.['Id']);
      assert.equal(tasks[0]?.['TaskSubtype'], 'Email');
      assert.equal(
        (await kit.logging.emailStore.get(messageId, 'sent', 'claude@bits.example'))?.status,
        'logged',
      );
      assert.deepEqual(
        (await kit.logging.emailStore.tasksOf(logged.id)).map((t) => t.salesforceId),
        [task?.['Id']],
      );
    });

    it('retries intermittent failures later and reports the others to the admin', async () => {
      await kit.setSettings(API_MODE);
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Turing', Email: 'alan@enigma.example' } },
      ]);
      const upsertPath = '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c';
      await kit.fault({
        method: 'PATCH',
        path: upsertPath,
        times: 20,
        action: 'status',
        status: 503,
        errorCode: 'SERVER_UNAVAILABLE',
      });
      const busy = `<busy.${factory.name}@sia.example>`;
      await send(email({ messageId: busy, recipients: [{ email: 'alan@enigma.example' }] }));
      const waiting = await kit.logging.emailStore.get(busy, 'sent', 'alan@enigma.example');
      assert.equal(waiting?.status, 'queued');
      assert.match(waiting.outcome ?? '', /SERVER_UNAVAILABLE/);
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 0);
      await kit.clearFaults();
      kit.clock.advance(600_000);
      await kit.logging.drain();
      assert.equal((await kit.logging.emailStore.get(busy, 'sent', 'alan@enigma.example'))?.status, 'logged');
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 1);

      await kit.fault({
        method: 'PATCH',
        path: upsertPath,
        times: 1,
        action: 'status',
        status: 400,
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Tasks need a call result',
      });
      const refused = `<refused.${factory.name}@sia.example>`;
      await send(
        email({
          messageId: refused,
          subject: 'Computable numbers',
          recipients: [{ email: 'alan@enigma.example' }],
        }),
      );
      await kit.clearFaults();
      const failed = await kit.logging.emailStore.get(refused, 'sent', 'alan@enigma.example');
      assert.equal(failed?.status, 'failed');
      const errors = await kit.admin.query<Json>(
        "SELECT Category__c, Direction__c, Error_Code__c, Message__c, Record_Id__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'FIELD_CUSTOM_VALIDATION_EXCEPTION'",
      );
      assert.equal(errors.records.length, 1);
      const reported = errors.records[0] as Json;
      assert.equal(reported['Category__c'], 'AccessValidation');
      assert.equal(reported['Direction__c'], 'EmailLogging');
      assert.match(String(reported['Message__c']), /Computable numbers.*alan@enigma\.example.*call result/);
      assert.equal(reported['Record_Id__c'], contactId);
      // The same failure on the same record again: the open row is updated, not repeated.
      await kit.fault({
        method: 'PATCH',
        path: upsertPath,
        times: 1,
        action: 'status',
        status: 400,
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Tasks need a call result',
      });
      await send(
        email({
          messageId: `<refused-again.${factory.name}@sia.example>`,
          subject: 'Morphogenesis',
          recipients: [{ email: 'alan@enigma.example' }],
        }),
      );
      await kit.clearFaults();
      const after = await kit.admin.query<Json>(
        "SELECT Message__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'FIELD_CUSTOM_VALIDATION_EXCEPTION'",
      );
      assert.equal(after.records.length, 1);
      assert.match(String(after.records[0]?.['Message__c']), /Morphogenesis/);
      const events = await kit.emulatorEvents('/event/SIA_Sync_Notice__e');
      assert.ok(
        events.some((e) => e['Kind__c'] === 'error' && e['Record_Ids__c'] === contactId),
        'no SIA_Sync_Notice__e announced the error',
      );
    });

    it('a failed lookup is retried when it may pass, and reported once when it will not', async () => {
      await kit.setSettings(API_MODE);
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Lamarr', Email: 'hedy@spread.example' } },
      ]);
      await kit.logging.typeCheck.available();
      const lookupPath = '/services/data/v66.0/composite';
      const recipients = [{ email: 'hedy@spread.example' }, { email: 'nobody@spread.example' }];
      await kit.fault({
        method: 'POST',
        path: lookupPath,
        times: 5,
        action: 'status',
        status: 403,
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
      });
      const busy = `<lookup-busy.${factory.name}@sia.example>`;
      await send(email({ messageId: busy, recipients }));
      await kit.clearFaults();
      assert.equal((await kit.logging.emailStore.get(busy, 'sent', 'hedy@spread.example'))?.status, 'queued');
      kit.clock.advance(600_000);
      await kit.logging.drain();
      assert.equal((await kit.logging.emailStore.get(busy, 'sent', 'hedy@spread.example'))?.status, 'logged');
      assert.equal((await kit.tasks(`WhoId = '${contactId}'`)).length, 1);

      await kit.fault({
        method: 'POST',
        path: lookupPath,
        times: 1,
        action: 'status',
        status: 400,
        errorCode: 'INVALID_FIELD',
        message: "No such column 'Email' on entity 'Lead'",
      });
      const refused = `<lookup-refused.${factory.name}@sia.example>`;
      await send(email({ messageId: refused, recipients }));
      await kit.clearFaults();
      for (const r of recipients)
        assert.equal((await kit.logging.emailStore.get(refused, 'sent', r.email))?.status, 'failed');
      const errors = await kit.admin.query<Json>(
        "SELECT Message__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'INVALID_FIELD' AND Direction__c = 'EmailLogging'",
      );
      assert.equal(errors.records.length, 1);
      assert.match(String(errors.records[0]?.['Message__c']), /2 emails were not logged.*No such column/);
    });

    it('two service instances on one database never log the same email twice', async () => {
      await kit.setSettings({ ...API_MODE, No_Match_Rule__c: 'CreateLead' });
      const other = kit.otherInstance();
      await other.typeCheck.available();
      await kit.logging.typeCheck.available();
      for (let i = 0; i < 30; i++) {
        const res = await kit.call(
          'POST',
          '/api/v1/email-activities',
          email({
            messageId: `<pair-${i}.${factory.name}@sia.example>`,
            recipients: [{ email: `prospect${i}@pair-${i}.example` }],
          }),
        );
        assert.equal(res.status, 202);
      }
      const [mine, theirs] = await Promise.all([kit.logging.drain(), other.drain()]);
      assert.equal(mine + theirs, 30);
      const leads = await kit.admin.query<Json>("SELECT Id, Email FROM Lead WHERE Email LIKE 'prospect%'");
      assert.equal(leads.records.length, 30, 'a lead was created twice');
      const ids = leads.records.map((l) => `'${String(l['Id'])}'`).join(', ');
      assert.equal((await kit.tasks(`WhoId IN (${ids})`)).length, 30, 'an email was logged twice');
    });

    it('without Reply in the Task Type picklist logs replies without Type and tells the admin once', async () => {
      await kit.setSettings({ ...API_MODE, Log_Replies__c: true });
      const [contactId] = await kit.seed([
        { type: 'Contact', fields: { LastName: 'Meitner', Email: 'lise@fission.example' } },
      ]);
      const recipients = [{ email: 'lise@fission.example' }];
      const first = `<type-1.${factory.name}@sia.example>`;
      await send(email({ messageId: first, subject: 'Fission', recipients }));
      await send(email({ messageId: first, kind: 'reply', subject: 'Fission', recipients }));
      const tasks = await kit.tasks(`WhoId = '${contactId}'`);
      assert.deepEqual(
        tasks.map((t) => [t['Subject'], t['Type']]),
        [
          ['Fission', 'Email'],
          ['Reply: Fission', null],
        ],
      );
      const errors = await kit.admin.query<Json>(
        "SELECT Category__c, Direction__c, Error_Code__c, Message__c, Object_Api_Name__c FROM SIA_Sync_Error__c WHERE Error_Code__c = 'TASK_TYPE_VALUE_MISSING'",
      );
      assert.equal(errors.records.length, 1);
      const error = errors.records[0] as Json;
      assert.equal(error['Category__c'], 'AccessValidation');
      assert.equal(error['Direction__c'], 'EmailLogging');
      assert.match(String(error['Message__c']), /"Reply"/);
      assert.doesNotMatch(String(error['Message__c']), /"Email"/);
      const local = await kit.store.listErrors(undefined, 50);
      assert.equal(
        local.filter((e) => e.code === 'TASK_TYPE_VALUE_MISSING' && e.category === 'Access & Validation')
          .length,
        1,
      );

      // A restarted service checks again (one describe) but does not repeat the same error.
      await kit.restart();
      const second = `<type-2.${factory.name}@sia.example>`;
      await send(email({ messageId: second, subject: 'Fusion', recipients }));
      await send(email({ messageId: second, kind: 'reply', subject: 'Fusion', recipients }));
      const again = await kit.admin.query(
        "SELECT Id FROM SIA_Sync_Error__c WHERE Error_Code__c = 'TASK_TYPE_VALUE_MISSING'",
      );
      assert.equal(again.records.length, 1);

      // Once the admin adds Reply, a new check finds it and replies get their Type.
      kit.addTaskTypeValue('Reply');
      await kit.restart();
      const third = `<type-3.${factory.name}@sia.example>`;
      await send(email({ messageId: third, subject: 'Isotopes', recipients }));
      await send(email({ messageId: third, kind: 'reply', subject: 'Isotopes', recipients }));
      const replies = await kit.tasks(`WhoId = '${contactId}' AND Subject = 'Reply: Isotopes'`);
      assert.equal(replies[0]?.['Type'], 'Reply');
    });
  });
}
