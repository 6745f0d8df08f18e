// Seeds the demo: the Salesforce org through the emulator's admin API (as the org would be before
// anyone switched SIA sync on, plus the sync settings an admin and the rep would have saved), and
// the SIA side through the SIA HTTP API (the rep's SIA account and their tasks).
import { todayIn } from '../../force-app/main/default/lwc/siaDateBuckets/siaDateBuckets.ts';
import type { EmulatorAdmin } from './admin-client.ts';
import { ACCOUNTS, DEMO_SIA_USER_ID, LEADS, salesforceTasks, siaTasks } from './demo-data.ts';

export interface DemoPerson {
  salesforceId: string;
  name: string;
  kind: 'Contact' | 'Lead';
  email: string;
}

/** What the demo knows about its org once seeded; kept in data/demo.json between runs. */
export interface DemoOrg {
  rep: { userId: string; name: string; email: string; timeZone: string };
  siaUserId: string;
  /** The contact whose record page the demo opens on. */
  contactId: string;
  people: DemoPerson[];
}

export interface OrgUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  timeZone: string;
}

export async function seedSalesforce(admin: EmulatorAdmin, rep: OrgUser, now: Date): Promise<DemoOrg> {
  const today = todayIn(rep.timeZone, now);
  const accountIds = await admin.seed(
    ACCOUNTS.map((account) => ({
      type: 'Account',
      fields: { Name: account.name, Industry: account.industry, OwnerId: rep.id },
    })),
  );
  const contacts = ACCOUNTS.flatMap((account, index) =>
    account.contacts.map((contact) => ({ ...contact, accountId: accountIds[index] })),
  );
  const contactIds = await admin.seed(
    contacts.map((contact) => ({
      type: 'Contact',
      fields: {
        FirstName: contact.firstName,
        LastName: contact.lastName,
        Title: contact.title,
        Email: contact.email,
        AccountId: contact.accountId,
        OwnerId: rep.id,
      },
    })),
  );
  const closeDate = (days: number): string =>
    new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  await admin.seed(
    ACCOUNTS.map((account, index) => ({
      type: 'Opportunity',
      fields: {
        Name: account.opportunity.name,
        StageName: account.opportunity.stageName,
        Amount: account.opportunity.amount,
        CloseDate: closeDate(account.opportunity.closeInDays),
        AccountId: accountIds[index],
        OwnerId: rep.id,
      },
    })),
  );
  const leadIds = await admin.seed(
    LEADS.map((lead) => ({
      type: 'Lead',
      fields: {
        FirstName: lead.firstName,
        LastName: lead.lastName,
        Company: lead.company,
        Email: lead.email,
        OwnerId: rep.id,
      },
    })),
  );
  const people: DemoPerson[] = [
    ...contacts.map((contact, index) => ({
      salesforceId: contactIds[index] ?? '',
      name: `${contact.firstName} ${contact.lastName}`,
      kind: 'Contact' as const,
      email: contact.email,
    })),
    ...LEADS.map((lead, index) => ({
      salesforceId: leadIds[index] ?? '',
      name: `${lead.firstName} ${lead.lastName}`,
      kind: 'Lead' as const,
      email: lead.email,
    })),
  ];
  const personByEmail = (email: string): DemoPerson => {
    const person = people.find((p) => p.email === email);
    if (person === undefined) throw new Error(`no demo person with email ${email}`);
    return person;
  };
  await admin.seed(
    salesforceTasks(today).map((task) => ({
      type: 'Task',
      fields: {
        Subject: task.subject,
        ActivityDate: task.activityDate,
        Status: 'Not Started',
        Priority: 'Normal',
        OwnerId: rep.id,
        WhoId: personByEmail(task.contactEmail).salesforceId,
      },
    })),
  );
  // The org default an admin saves first, and the rep's own row with task sync switched on (theirs:
  // settings rows are private, so a rep sees and edits only the rows they own).
  await admin.seed([
    { type: 'SIA_Sync_Setting__c', fields: { Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'DoNotSync' } },
    {
      type: 'SIA_Sync_Setting__c',
      fields: {
        OwnerId: rep.id,
        Scope_Key__c: rep.id,
        User__c: rep.id,
        Task_Sync_Mode__c: 'SyncCompleteSkipped',
        Task_Sync_Enabled_At__c: now.toISOString(),
      },
    },
  ]);
  const first = people[0];
  if (first === undefined) throw new Error('the demo seeds no contact');
  return {
    rep: {
      userId: rep.id,
      name: `${rep.firstName} ${rep.lastName}`,
      email: rep.email,
      timeZone: rep.timeZone,
    },
    siaUserId: DEMO_SIA_USER_ID,
    contactId: first.salesforceId,
    people,
  };
}

export class SiaApi {
  private readonly url: string;
  private readonly token: string;

  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`SIA API ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

/** The rep's SIA account, mapped to their Salesforce user, and their SIA tasks. */
export async function seedSia(api: SiaApi, demo: DemoOrg, now: Date): Promise<void> {
  await api.call('PUT', `/users/${encodeURIComponent(demo.siaUserId)}`, {
    email: demo.rep.email,
    salesforceUserId: demo.rep.userId,
    timeZone: demo.rep.timeZone,
  });
  const today = todayIn(demo.rep.timeZone, now);
  for (const task of siaTasks(today)) {
    const person = demo.people.find((p) => p.email === task.personEmail);
    await api.call('POST', '/tasks', {
      ownerId: demo.siaUserId,
      type: task.type,
      name: task.name,
      dueDate: task.dueDate,
      priority: task.priority,
      person: { salesforceId: person?.salesforceId, email: task.personEmail },
    });
  }
}
