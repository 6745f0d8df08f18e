// Catalogue of the standard objects this product touches, with the fields, types, lengths and
// picklists the Object Reference documents (Task: Summer '26 Object Reference). The setup objects of
// the access model are in access-objects.ts; custom fields arrive only by deploy.
import { field, object, picklist, readOnly, reference, systemFields } from './field-builders.ts';
import type { ObjectDef } from './types.ts';

/** Task status values of a new org, with the closed flag TaskStatus reports. */
export const TASK_STATUSES = [
  { value: 'Not Started', isClosed: false, isDefault: true },
  { value: 'In Progress', isClosed: false, isDefault: false },
  { value: 'Completed', isClosed: true, isDefault: false },
  { value: 'Waiting on someone else', isClosed: false, isDefault: false },
  { value: 'Deferred', isClosed: false, isDefault: false },
] as const;

export const TASK_PRIORITIES = [
  { value: 'High', isHighPriority: true, isDefault: false },
  { value: 'Normal', isHighPriority: false, isDefault: true },
  { value: 'Low', isHighPriority: false, isDefault: false },
] as const;

const ACTIVITY_WHAT_TARGETS = ['Account', 'Opportunity'];

function organization(): ObjectDef {
  return object(
    {
      name: 'Organization',
      label: 'Organization',
      labelPlural: 'Organizations',
      keyPrefix: '00D',
      createable: false,
      updateable: false,
      deletable: false,
      replicateable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('Name', 'string', { length: 80 }),
      readOnly('InstanceName', 'string', { length: 5 }),
      readOnly('IsSandbox', 'boolean'),
      readOnly('OrganizationType', 'picklist', { length: 40 }),
      readOnly('TrialExpirationDate', 'datetime'),
      readOnly('NamespacePrefix', 'string', { length: 15 }),
      readOnly('TimeZoneSidKey', 'picklist', { length: 40 }),
      readOnly('LanguageLocaleKey', 'picklist', { length: 40 }),
      readOnly('DefaultLocaleSidKey', 'picklist', { length: 40 }),
      readOnly('Country', 'string', { length: 80 }),
    ],
  );
}

function user(): ObjectDef {
  return object({ name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', deletable: false }, [
    ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
    field('Username', 'string', { length: 80, nillable: false, unique: true, idLookup: true }),
    field('FirstName', 'string', { length: 40 }),
    field('LastName', 'string', { length: 80, nillable: false }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    field('Email', 'email', { length: 128, nillable: false }),
    field('Alias', 'string', { length: 8, nillable: false }),
    field('CommunityNickname', 'string', { length: 40 }),
    field('IsActive', 'boolean', { defaultValue: true }),
    field('TimeZoneSidKey', 'picklist', {
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'UTC',
    }),
    field('LocaleSidKey', 'picklist', {
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'en_US',
    }),
    field('LanguageLocaleKey', 'picklist', {
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'en_US',
    }),
    field('EmailEncodingKey', 'picklist', {
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'UTF-8',
    }),
    readOnly('UserType', 'picklist', { length: 40, defaultedOnCreate: true, defaultValue: 'Standard' }),
    field('Title', 'string', { length: 80 }),
    field('Phone', 'phone', { length: 40 }),
    reference('ProfileId', ['Profile'], 'Profile', { label: 'Profile ID', nillable: false }),
    reference('UserRoleId', ['UserRole'], 'UserRole', { label: 'Role ID' }),
  ]);
}

function lead(): ObjectDef {
  return object({ name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q' }, [
    ...systemFields({ owner: true }),
    field('FirstName', 'string', { length: 40 }),
    field('LastName', 'string', { length: 80, nillable: false }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    field('Company', 'string', { length: 255, nillable: false }),
    field('Title', 'string', { length: 128 }),
    field('Email', 'email', { length: 80, idLookup: true }),
    field('Phone', 'phone', { length: 40 }),
    picklist(
      'Status',
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      {
        defaultPick: 'Open - Not Contacted',
        nillable: false,
        label: 'Lead Status',
      },
    ),
    picklist('LeadSource', ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
    readOnly('IsConverted', 'boolean', { label: 'Converted' }),
    reference('ConvertedContactId', ['Contact'], 'ConvertedContact', {
      createable: false,
      updateable: false,
    }),
    reference('ConvertedAccountId', ['Account'], 'ConvertedAccount', {
      createable: false,
      updateable: false,
    }),
  ]);
}

function contact(): ObjectDef {
  return object({ name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003' }, [
    ...systemFields({ owner: true }),
    reference('AccountId', ['Account'], 'Account', { label: 'Account ID' }),
    field('FirstName', 'string', { length: 40 }),
    field('LastName', 'string', { length: 80, nillable: false }),
    readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
    field('Title', 'string', { length: 128 }),
    field('Email', 'email', { length: 80, idLookup: true }),
    field('Phone', 'phone', { length: 40 }),
    field('MobilePhone', 'phone', { length: 40 }),
    field('MailingCity', 'string', { length: 40 }),
    field('MailingCountry', 'string', { length: 80 }),
  ]);
}

function account(): ObjectDef {
  return object({ name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001' }, [
    ...systemFields({ owner: true }),
    field('Name', 'string', { length: 255, nillable: false, label: 'Account Name' }),
    picklist('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'], {
      label: 'Account Type',
    }),
    picklist('Industry', ['Agriculture', 'Banking', 'Education', 'Technology', 'Other']),
    reference('ParentId', ['Account'], 'Parent', { label: 'Parent Account ID' }),
    field('Website', 'url', { length: 255 }),
    field('Phone', 'phone', { length: 40 }),
    field('BillingCity', 'string', { length: 40 }),
    field('BillingCountry', 'string', { length: 80 }),
  ]);
}

/** Stage values of a new org with the closed/won flags OpportunityStage reports. */
export const OPPORTUNITY_STAGES = [
  { value: 'Prospecting', isClosed: false, isWon: false, probability: 10 },
  { value: 'Qualification', isClosed: false, isWon: false, probability: 10 },
  { value: 'Needs Analysis', isClosed: false, isWon: false, probability: 20 },
  { value: 'Value Proposition', isClosed: false, isWon: false, probability: 50 },
  { value: 'Id. Decision Makers', isClosed: false, isWon: false, probability: 60 },
  { value: 'Perception Analysis', isClosed: false, isWon: false, probability: 70 },
  { value: 'Proposal/Price Quote', isClosed: false, isWon: false, probability: 75 },
  { value: 'Negotiation/Review', isClosed: false, isWon: false, probability: 90 },
  { value: 'Closed Won', isClosed: true, isWon: true, probability: 100 },
  { value: 'Closed Lost', isClosed: true, isWon: false, probability: 0 },
] as const;

function opportunity(): ObjectDef {
  return object(
    { name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006' },
    [
      ...systemFields({ owner: true }),
      field('Name', 'string', { length: 120, nillable: false }),
      reference('AccountId', ['Account'], 'Account', { label: 'Account ID' }),
      picklist(
        'StageName',
        OPPORTUNITY_STAGES.map((s) => s.value),
        { nillable: false, label: 'Stage', restrictedPicklist: true },
      ),
      field('CloseDate', 'date', { nillable: false }),
      field('Amount', 'currency', { precision: 18, scale: 2 }),
      field('Probability', 'percent', { precision: 3, scale: 0 }),
      readOnly('IsClosed', 'boolean', { label: 'Closed' }),
      readOnly('IsWon', 'boolean', { label: 'Won' }),
      picklist('Type', ['Existing Customer - Upgrade', 'New Customer'], { label: 'Opportunity Type' }),
    ],
  );
}

function opportunityContactRole(): ObjectDef {
  return object(
    {
      name: 'OpportunityContactRole',
      label: 'Opportunity Contact Role',
      labelPlural: 'Opportunity Contact Role',
      keyPrefix: '00K',
    },
    [
      ...systemFields({ owner: false }),
      reference('OpportunityId', ['Opportunity'], 'Opportunity', { nillable: false, updateable: false }),
      reference('ContactId', ['Contact'], 'Contact', { nillable: false }),
      picklist('Role', [
        'Business User',
        'Decision Maker',
        'Economic Buyer',
        'Economic Decision Maker',
        'Evaluator',
        'Executive Sponsor',
        'Influencer',
        'Technical Buyer',
        'Other',
      ]),
      field('IsPrimary', 'boolean', { label: 'Primary' }),
    ],
  );
}

/** Fields Task and Event share (the Activity object); custom Activity fields are added from force-app/. */
function activityFields(): ReturnType<typeof field>[] {
  return [
    ...systemFields({ owner: true }).map((f) =>
      f.name === 'OwnerId' ? { ...f, label: 'Assigned To ID', referenceTo: ['User', 'Group'] } : f,
    ),
    reference('WhoId', ['Contact', 'Lead'], 'Who', { label: 'Name ID' }),
    reference('WhatId', ACTIVITY_WHAT_TARGETS, 'What', { label: 'Related To ID' }),
    reference('AccountId', ['Account'], 'Account', {
      label: 'Account ID',
      createable: false,
      updateable: false,
    }),
    field('Description', 'textarea', { length: 32000, label: 'Description' }),
    readOnly('IsArchived', 'boolean', { label: 'Archived' }),
  ];
}

function task(): ObjectDef {
  return object({ name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: '00T' }, [
    ...activityFields(),
    field('Subject', 'combobox', {
      length: 255,
      picklistValues: ['Call', 'Send Letter', 'Send Quote', 'Other'].map((v) => ({
        value: v,
        label: v,
        active: true,
        defaultValue: false,
      })),
    }),
    field('ActivityDate', 'date', { label: 'Due Date Only' }),
    picklist(
      'Status',
      TASK_STATUSES.map((s) => s.value),
      { defaultPick: 'Not Started', nillable: false, restrictedPicklist: true },
    ),
    picklist(
      'Priority',
      TASK_PRIORITIES.map((p) => p.value),
      { defaultPick: 'Normal', nillable: false, restrictedPicklist: true },
    ),
    readOnly('IsHighPriority', 'boolean', { label: 'High Priority' }),
    readOnly('IsClosed', 'boolean', { label: 'Closed' }),
    readOnly('CompletedDateTime', 'datetime', { label: 'Completed Date/Time' }),
    // TaskSubtype is set on create only (Object Reference: Create, Filter, Group, Nillable, Restricted picklist, Sort).
    picklist('TaskSubtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], {
      updateable: false,
      restrictedPicklist: true,
      label: 'Task Subtype',
    }),
    picklist('Type', ['Call', 'Email', 'Meeting', 'Other'], { label: 'Type' }),
    field('IsReminderSet', 'boolean', { label: 'Reminder Set' }),
    field('ReminderDateTime', 'datetime', { label: 'Reminder Date/Time' }),
    readOnly('IsRecurrence', 'boolean', { label: 'Create Recurring Series of Tasks' }),
    picklist('CallType', ['Internal', 'Inbound', 'Outbound']),
    field('CallDurationInSeconds', 'int', { precision: 9, scale: 0, label: 'Call Duration' }),
    field('CallDisposition', 'string', { length: 255, label: 'Call Result' }),
    field('CallObject', 'string', { length: 255, label: 'Call Object Identifier' }),
  ]);
}

function event(): ObjectDef {
  return object({ name: 'Event', label: 'Event', labelPlural: 'Events', keyPrefix: '00U' }, [
    ...activityFields(),
    field('Subject', 'combobox', { length: 255 }),
    field('Location', 'string', { length: 255 }),
    field('StartDateTime', 'datetime'),
    field('EndDateTime', 'datetime'),
    field('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
    readOnly('ActivityDate', 'date', { label: 'Due Date Only' }),
    field('DurationInMinutes', 'int', { precision: 8, scale: 0, label: 'Duration' }),
    field('IsAllDayEvent', 'boolean', { label: 'All-Day Event' }),
    picklist('Type', ['Call', 'Email', 'Meeting', 'Other'], { label: 'Type' }),
  ]);
}

function taskStatus(): ObjectDef {
  return object(
    {
      name: 'TaskStatus',
      label: 'Task Status Value',
      labelPlural: 'Task Status Values',
      keyPrefix: '01J',
      createable: false,
      updateable: false,
      deletable: false,
      replicateable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('MasterLabel', 'string', { length: 255 }),
      readOnly('ApiName', 'string', { length: 255 }),
      readOnly('SortOrder', 'int', { precision: 9, scale: 0 }),
      readOnly('IsDefault', 'boolean'),
      readOnly('IsClosed', 'boolean'),
    ],
  );
}

function taskPriority(): ObjectDef {
  return object(
    {
      name: 'TaskPriority',
      label: 'Task Priority Value',
      labelPlural: 'Task Priority Values',
      keyPrefix: '01K',
      createable: false,
      updateable: false,
      deletable: false,
      replicateable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('MasterLabel', 'string', { length: 255 }),
      readOnly('ApiName', 'string', { length: 255 }),
      readOnly('SortOrder', 'int', { precision: 9, scale: 0 }),
      readOnly('IsDefault', 'boolean'),
      readOnly('IsHighPriority', 'boolean'),
    ],
  );
}

function emailMessage(): ObjectDef {
  return object(
    { name: 'EmailMessage', label: 'Email Message', labelPlural: 'Email Messages', keyPrefix: '02s' },
    [
      ...systemFields({ owner: false }),
      field('Subject', 'string', { length: 3000 }),
      field('TextBody', 'textarea', { length: 131072 }),
      field('HtmlBody', 'textarea', { length: 131072 }),
      field('FromAddress', 'email', { length: 255 }),
      field('FromName', 'string', { length: 1000 }),
      field('ToAddress', 'string', { length: 4000 }),
      field('CcAddress', 'string', { length: 4000 }),
      field('BccAddress', 'string', { length: 4000 }),
      field('MessageDate', 'datetime'),
      field('Incoming', 'boolean'),
      picklist('Status', ['0', '1', '2', '3', '4', '5'], {
        defaultPick: '0',
        nillable: false,
        restrictedPicklist: true,
      }),
      reference('RelatedToId', ['Account', 'Opportunity'], 'RelatedTo'),
      reference('ActivityId', ['Task'], 'Activity', { createable: false, updateable: false }),
    ],
  );
}

/** Child relationship names of standard lookups (Object Reference), by child object and field. */
const CHILD_RELATIONSHIPS: Record<string, Record<string, string>> = {
  Task: { WhoId: 'Tasks', WhatId: 'Tasks' },
  Event: { WhoId: 'Events', WhatId: 'Events' },
  Contact: { AccountId: 'Contacts' },
  Opportunity: { AccountId: 'Opportunities' },
  OpportunityContactRole: { OpportunityId: 'OpportunityContactRoles', ContactId: 'OpportunityContactRoles' },
  Account: { ParentId: 'ChildAccounts' },
  EmailMessage: { ActivityId: 'EmailMessages' },
};

function withChildRelationships(def: ObjectDef): ObjectDef {
  for (const [fieldName, childName] of Object.entries(CHILD_RELATIONSHIPS[def.name] ?? {})) {
    const field = def.fields.get(fieldName.toLowerCase());
    if (field) field.childRelationshipName = childName;
  }
  return def;
}

/** A fresh copy of the standard-object catalogue (callers add custom Activity fields to Task and Event). */
export function standardObjects(): ObjectDef[] {
  return [
    organization(),
    user(),
    lead(),
    contact(),
    account(),
    opportunity(),
    opportunityContactRole(),
    task(),
    event(),
    taskStatus(),
    taskPriority(),
    emailMessage(),
  ].map(withChildRelationships);
}
