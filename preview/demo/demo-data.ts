// The demo org's content: accounts, their contacts and deals, a few leads, Salesforce tasks of
// the demo rep, and the SIA tasks the rep starts with. Dates are relative to the rep's today.
import { addDays, type IsoDate } from '../../force-app/main/default/lwc/siaDateBuckets/siaDateBuckets.ts';

export const DEMO_REP_USERNAME = 'rep@sia-emulator.example';
/** The rep's id in SIA (the SIA side has its own user ids). */
export const DEMO_SIA_USER_ID = 'riley.rep';

export interface DemoAccount {
  name: string;
  industry: string;
  contacts: { firstName: string; lastName: string; title: string; email: string }[];
  opportunity: { name: string; stageName: string; amount: number; closeInDays: number };
}

export const ACCOUNTS: readonly DemoAccount[] = [
  {
    name: 'Northwind Traders',
    industry: 'Retail',
    contacts: [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        title: 'VP Operations',
        email: 'ada.lovelace@northwind.example',
      },
      {
        firstName: 'Grace',
        lastName: 'Hopper',
        title: 'Head of IT',
        email: 'grace.hopper@northwind.example',
      },
    ],
    opportunity: {
      name: 'Northwind - Platform renewal',
      stageName: 'Negotiation/Review',
      amount: 48000,
      closeInDays: 21,
    },
  },
  {
    name: 'Contoso Pharmaceuticals',
    industry: 'Healthcare',
    contacts: [
      {
        firstName: 'Alan',
        lastName: 'Turing',
        title: 'Director of Research',
        email: 'alan.turing@contoso.example',
      },
    ],
    opportunity: {
      name: 'Contoso - Team expansion',
      stageName: 'Qualification',
      amount: 120000,
      closeInDays: 45,
    },
  },
  {
    name: 'Fabrikam Robotics',
    industry: 'Manufacturing',
    contacts: [
      {
        firstName: 'Katherine',
        lastName: 'Johnson',
        title: 'CFO',
        email: 'katherine.johnson@fabrikam.example',
      },
    ],
    opportunity: { name: 'Fabrikam - Pilot', stageName: 'Prospecting', amount: 15000, closeInDays: 60 },
  },
];

export const LEADS = [
  {
    firstName: 'Margaret',
    lastName: 'Hamilton',
    company: 'Apollo Systems',
    email: 'margaret@apollo.example',
  },
  { firstName: 'Linus', lastName: 'Pauling', company: 'Bond Labs', email: 'linus@bondlabs.example' },
] as const;

/** Salesforce tasks the rep already had before switching SIA sync on (not linked to SIA). */
export function salesforceTasks(
  today: IsoDate,
): { subject: string; activityDate: IsoDate; contactEmail: string }[] {
  return [
    {
      subject: 'Send pricing sheet',
      activityDate: addDays(today, 3),
      contactEmail: 'grace.hopper@northwind.example',
    },
    {
      subject: 'Quarterly check-in',
      activityDate: addDays(today, 7),
      contactEmail: 'alan.turing@contoso.example',
    },
  ];
}

export interface DemoSiaTask {
  type: 'call' | 'email' | 'inmail' | 'custom';
  name: string;
  dueDate: IsoDate;
  priority: 'normal' | 'high';
  personEmail: string;
}

/** The rep's SIA tasks: one overdue, the Command Center's today and tomorrow, and one for later. */
export function siaTasks(today: IsoDate): DemoSiaTask[] {
  return [
    {
      type: 'call',
      name: 'Call Ada about the renewal terms',
      dueDate: today,
      priority: 'high',
      personEmail: 'ada.lovelace@northwind.example',
    },
    {
      type: 'email',
      name: 'Email Ada the onboarding plan',
      dueDate: addDays(today, 1),
      priority: 'normal',
      personEmail: 'ada.lovelace@northwind.example',
    },
    {
      type: 'inmail',
      name: 'InMail Katherine about the pilot',
      dueDate: today,
      priority: 'normal',
      personEmail: 'katherine.johnson@fabrikam.example',
    },
    {
      type: 'email',
      name: 'Send Alan the signed order form',
      dueDate: addDays(today, -2),
      priority: 'normal',
      personEmail: 'alan.turing@contoso.example',
    },
    {
      type: 'custom',
      name: 'Prepare the Contoso proposal',
      dueDate: addDays(today, 4),
      priority: 'normal',
      personEmail: 'alan.turing@contoso.example',
    },
  ];
}
