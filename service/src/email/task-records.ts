// The Salesforce Task a logged email becomes: completed, TaskSubtype Email, Type Email or Reply
// (when the org's picklist has it), dated the send day in the rep's time zone, owned by the rep,
// subject from the admin's template (replies: "Reply: <subject>"), body as plain-text Description.
import { createHash } from 'node:crypto';
import { todayIn } from '../sia/dates.ts';
import { EMAIL_TASK_ID_PREFIX, type SiaUser } from '../sia/model.ts';
import { renderSubject, replySubject } from '../sia/shared.ts';
import type { SObjectRecord } from '../salesforce/client.ts';
import type { EmailActivity } from './email-store.ts';
import type { Target } from './record-matching.ts';
import type { TypeValue } from './type-picklist.ts';

/**
 * The Task's upsert key: one per (message, kind, recipient, record). Writing it again after a
 * crash or a retry updates the same Task instead of logging the email twice.
 */
export function emailTaskExternalId(
  activity: Pick<EmailActivity, 'messageId' | 'kind' | 'recipient'>,
  target: Target,
): string {
  const digest = createHash('sha256')
    .update(
      [activity.messageId, activity.kind, activity.recipient, target.whoId, target.whatId ?? ''].join('\n'),
    )
    .digest('base64url');
  return `${EMAIL_TASK_ID_PREFIX}${digest}`;
}

export function emailSubject(
  activity: Pick<EmailActivity, 'kind' | 'subject' | 'campaign'>,
  emailTemplate: string,
): string {
  if (activity.kind === 'reply') return replySubject(activity.subject);
  return renderSubject(emailTemplate, {
    activity_type: 'Email',
    activity_subject: activity.subject,
    sales_campaign_name: activity.campaign?.name,
    sales_campaign_day: activity.campaign?.day,
    sales_campaign_step: activity.campaign?.step,
  });
}

export interface TaskRecordOptions {
  owner: SiaUser;
  emailTemplate: string;
  closedStatus: string;
  typeValues: ReadonlySet<TypeValue>;
  /** TaskSubtype is create-only: a retry that may update an existing Task leaves it out. */
  create: boolean;
}

export function emailTaskRecord(
  activity: EmailActivity,
  target: Target,
  options: TaskRecordOptions,
): SObjectRecord {
  const type: TypeValue = activity.kind === 'reply' ? 'Reply' : 'Email';
  const record: SObjectRecord = {
    SIA_Task_Id__c: emailTaskExternalId(activity, target),
    Subject: emailSubject(activity, options.emailTemplate),
    // ActivityDate is a date without a zone: the day the rep sent the email, where the rep is.
    ActivityDate: todayIn(options.owner.timeZone, new Date(activity.sentAt)),
    Status: options.closedStatus,
    OwnerId: options.owner.salesforceUserId,
    WhoId: target.whoId,
    WhatId: target.whatId,
    Description: activity.body,
    SIA_Activity_Type__c: 'Email',
    SIA_Campaign__c: activity.campaign?.name ?? null,
  };
  if (options.typeValues.has(type)) record['Type'] = type;
  if (options.create) record['TaskSubtype'] = 'Email';
  return record;
}
