// The Task a logged email becomes, without Salesforce: subject templates, dates, Type and the
// upsert key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EmailActivity } from './email-store.ts';
import { EMAIL_TASK_ID_PREFIX } from '../sia/model.ts';
import { emailSubject, emailTaskExternalId, emailTaskRecord } from './task-records.ts';

const owner = {
  id: 'rep',
  email: 'rep@example.com',
  salesforceUserId: '005000000000003AAA',
  timeZone: 'Asia/Tokyo',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function activity(overrides: Partial<EmailActivity> = {}): EmailActivity {
  return {
    id: 1,
    ownerId: 'rep',
    messageId: '<m1@sia.example>',
    kind: 'sent',
    recipient: 'ada@example.com',
    recipientSalesforceId: null,
    subject: 'Quick question',
    body: 'Hi',
    sentAt: '2026-11-28T16:30:00.000Z',
    campaign: { name: 'Q4', day: 3, step: 2 },
    status: 'queued',
    outcome: null,
    attempts: 0,
    nextAttemptAt: '2026-11-28T16:30:00.000Z',
    createdAt: '2026-11-28T16:30:00.000Z',
    ...overrides,
  };
}

const target = { whoId: '003000000000001AAA', whatId: null };

describe('email subject templates', () => {
  it('fills every dynamic field, case-insensitively', () => {
    assert.equal(
      emailSubject(
        activity(),
        '[SIA] {{Activity_type}} - {{activity_subject}} / {{sales_campaign_name}} day {{sales_campaign_day}} step {{ sales_campaign_step }}',
      ),
      '[SIA] Email - Quick question / Q4 day 3 step 2',
    );
  });

  it('renders empty values as nothing, without doubled spaces', () => {
    assert.equal(
      emailSubject(
        activity({ campaign: null }),
        '{{activity_subject}} {{sales_campaign_name}} {{call_outcome}} end',
      ),
      'Quick question end',
    );
  });

  it('removes line breaks from the template and the email subject', () => {
    assert.equal(
      emailSubject(activity({ subject: 'Line one\r\nline two' }), '{{activity_type}}:\n{{activity_subject}}'),
      'Email: Line one line two',
    );
  });

  it('cuts the subject at 255 characters', () => {
    const subject = emailSubject(activity({ subject: 'x'.repeat(400) }), 'Email: {{activity_subject}}');
    assert.equal(subject.length, 255);
    assert.ok(subject.startsWith('Email: xxx'));
  });

  it('replies ignore the template: "Reply: <subject>", also cut at 255', () => {
    assert.equal(
      emailSubject(activity({ kind: 'reply' }), '[SIA] {{activity_subject}}'),
      'Reply: Quick question',
    );
    assert.equal(
      emailSubject(activity({ kind: 'reply', subject: 'y'.repeat(300) }), '{{activity_subject}}').length,
      255,
    );
  });
});

describe('email Task records', () => {
  const options = {
    owner,
    emailTemplate: '{{activity_subject}}',
    closedStatus: 'Completed',
    typeValues: new Set(['Email', 'Reply'] as const),
    create: true,
  };

  it('is a completed email Task owned by the rep and dated in the rep’s zone', () => {
    const record = emailTaskRecord(activity(), target, options);
    assert.deepEqual(record, {
      SIA_Task_Id__c: emailTaskExternalId(activity(), target),
      Subject: 'Quick question',
      // 16:30 UTC is already the next day in Tokyo.
      ActivityDate: '2026-11-29',
      Status: 'Completed',
      OwnerId: owner.salesforceUserId,
      WhoId: target.whoId,
      WhatId: null,
      Description: 'Hi',
      SIA_Activity_Type__c: 'Email',
      SIA_Campaign__c: 'Q4',
      Type: 'Email',
      TaskSubtype: 'Email',
    });
  });

  it('leaves out a Type the org lacks, and the create-only TaskSubtype on a possible update', () => {
    const record = emailTaskRecord(activity({ kind: 'reply' }), target, {
      ...options,
      typeValues: new Set(['Email'] as const),
      create: false,
    });
    assert.equal('Type' in record, false);
    assert.equal('TaskSubtype' in record, false);
    assert.equal(record['Subject'], 'Reply: Quick question');
  });

  it('keys each (message, kind, recipient, record) to its own stable external id that fits the field', () => {
    const id = emailTaskExternalId(activity(), target);
    assert.ok(id.startsWith(EMAIL_TASK_ID_PREFIX));
    assert.ok(id.length <= 64);
    assert.equal(emailTaskExternalId(activity(), target), id);
    assert.notEqual(emailTaskExternalId(activity({ kind: 'reply' }), target), id);
    assert.notEqual(emailTaskExternalId(activity(), { ...target, whatId: '006000000000001AAA' }), id);
    assert.notEqual(emailTaskExternalId(activity({ recipient: 'bob@example.com' }), target), id);
  });
});
