// Which Salesforce records an email is logged to. SIA looks up "Salesforce ID as the primary
// lookup and email address as the secondary"; the admin's rules then pick Leads and/or Contacts
// (Log_To__c), what happens when several records match (Duplicate_Rule__c) or none
// (No_Match_Rule__c), and whether a contact's opportunities (through contact roles) or account get
// the activity. The queries cover a whole batch of addresses at once; the rest is pure.
import { soqlString } from '../salesforce/soql.ts';
import {
  idKey,
  sameId,
  type DuplicateRule,
  type LogTo,
  type NoMatchRule,
  type OpportunityLogging,
} from '../sia/shared.ts';

export type PersonType = 'Lead' | 'Contact';

export interface PersonRecord {
  type: PersonType;
  Id: string;
  Email: string | null;
  LastModifiedDate: string;
  AccountId: string | null;
}

export interface ContactRole {
  ContactId: string;
  OpportunityId: string;
  isClosed: boolean;
}

export interface MatchRules {
  logTo: LogTo;
  duplicateRule: DuplicateRule;
  noMatchRule: NoMatchRule;
}

export type MatchResult =
  | { kind: 'matched'; by: 'id' | 'email'; people: PersonRecord[] }
  | { kind: 'create-lead' }
  | { kind: 'skip'; reason: string };

export interface Target {
  whoId: string;
  whatId: string | null;
}

export function allowedTypes(logTo: LogTo): PersonType[] {
  if (logTo === 'ContactsOnly') return ['Contact'];
  if (logTo === 'LeadsOnly') return ['Lead'];
  return ['Contact', 'Lead'];
}

export function typeOfId(id: string): PersonType | undefined {
  if (id.startsWith('003')) return 'Contact';
  if (id.startsWith('00Q')) return 'Lead';
  return undefined;
}

const CONTACT_ROLES = '(SELECT OpportunityId, Opportunity.IsClosed FROM OpportunityContactRoles)';

function selectClause(type: PersonType, withRoles: boolean): string {
  return type === 'Contact'
    ? `SELECT Id, Email, AccountId, LastModifiedDate${withRoles ? `, ${CONTACT_ROLES}` : ''} FROM Contact WHERE`
    : 'SELECT Id, Email, LastModifiedDate FROM Lead WHERE IsConverted = false AND';
}

/**
 * Keeps a query's GET URL under Salesforce's 16,384-character URI limit once encoded: 200 typical
 * addresses fit in one query.
 */
const MAX_LIST_CHARS = 8_000;

function chunkByLength(values: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    if (current.length > 0 && length + value.length + 1 > MAX_LIST_CHARS) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(value);
    length += value.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The queries finding every Lead or Contact of a batch: by Id or by Email, one query per object
 * for the whole batch (more only when the address list would make the URL too long). Contacts
 * bring their opportunity contact roles along (a child subquery), so opportunities cost no call.
 */
export function personQueries(
  type: PersonType,
  emails: string[],
  ids: string[],
  options: { withRoles: boolean } = { withRoles: false },
): string[] {
  const terms = [
    ...ids.filter((id) => typeOfId(id) === type).map((id) => `I${soqlString(id)}`),
    ...emails.map((email) => `E${soqlString(email)}`),
  ];
  return chunkByLength([...new Set(terms)]).map((chunk) => {
    const idList = chunk.filter((t) => t.startsWith('I')).map((t) => t.slice(1));
    const emailList = chunk.filter((t) => t.startsWith('E')).map((t) => t.slice(1));
    const parts = [
      ...(emailList.length > 0 ? [`Email IN (${emailList.join(', ')})`] : []),
      ...(idList.length > 0 ? [`Id IN (${idList.join(', ')})`] : []),
    ];
    return `${selectClause(type, options.withRoles)} (${parts.join(' OR ')})`;
  });
}

/** The contact roles a Contact row brought along through its OpportunityContactRoles subquery. */
export function contactRolesOf(row: Record<string, unknown>): ContactRole[] {
  const related = row['OpportunityContactRoles'] as { records?: unknown } | null | undefined;
  const records = Array.isArray(related?.records) ? (related.records as Record<string, unknown>[]) : [];
  return records.flatMap((role) => {
    const opportunity = role['Opportunity'] as { IsClosed?: unknown } | null | undefined;
    return typeof row['Id'] === 'string' && typeof role['OpportunityId'] === 'string'
      ? [
          {
            ContactId: row['Id'],
            OpportunityId: role['OpportunityId'],
            isClosed: opportunity?.IsClosed === true,
          },
        ]
      : [];
  });
}

export class PeopleIndex {
  readonly #byId = new Map<string, PersonRecord>();
  readonly #byEmail = new Map<string, PersonRecord[]>();

  add(person: PersonRecord): void {
    const key = idKey(person.Id) ?? person.Id;
    if (this.#byId.has(key)) return;
    this.#byId.set(key, person);
    if (person.Email !== null) {
      const email = person.Email.toLowerCase();
      this.#byEmail.set(email, [...(this.#byEmail.get(email) ?? []), person]);
    }
  }

  byId(id: string): PersonRecord | undefined {
    return this.#byId.get(idKey(id) ?? id);
  }

  byEmail(email: string): PersonRecord[] {
    return this.#byEmail.get(email.toLowerCase()) ?? [];
  }
}

function mostRecentlyUpdated(people: PersonRecord[]): PersonRecord {
  return [...people].sort(
    (a, b) => b.LastModifiedDate.localeCompare(a.LastModifiedDate) || a.Id.localeCompare(b.Id),
  )[0] as PersonRecord;
}

/** The records one recipient's email is logged to, by the user's rules. */
export function matchRecipient(
  recipient: { email: string; salesforceId: string | null },
  people: PeopleIndex,
  rules: MatchRules,
): MatchResult {
  const allowed = allowedTypes(rules.logTo);
  if (recipient.salesforceId !== null) {
    const byId = people.byId(recipient.salesforceId);
    if (byId && allowed.includes(byId.type)) return { kind: 'matched', by: 'id', people: [byId] };
  }
  const candidates = people.byEmail(recipient.email).filter((p) => allowed.includes(p.type));
  if (candidates.length === 1) return { kind: 'matched', by: 'email', people: candidates };
  if (candidates.length > 1) {
    if (rules.duplicateRule === 'AllMatching') return { kind: 'matched', by: 'email', people: candidates };
    if (rules.duplicateRule === 'MostRecentlyUpdated')
      return { kind: 'matched', by: 'email', people: [mostRecentlyUpdated(candidates)] };
    return {
      kind: 'skip',
      reason: `${candidates.length} records match ${recipient.email} and the duplicate rule is "Do not log"`,
    };
  }
  if (rules.noMatchRule === 'CreateLead') {
    if (allowed.includes('Lead')) return { kind: 'create-lead' };
    return {
      kind: 'skip',
      reason: `no Contact matches ${recipient.email}; emails are logged to Contacts only, so no Lead is created`,
    };
  }
  return { kind: 'skip', reason: `no ${allowed.join(' or ')} matches ${recipient.email}` };
}

/**
 * The Tasks one matched person gets: a Lead one Task; a Contact one Task per opportunity of its
 * contact roles (open ones or all, per Log_To_Opportunities__c), otherwise one Task related to its
 * account when Log_To_Accounts__c is on. (A Task on an opportunity also shows on that account.)
 */
export function targetsFor(
  person: PersonRecord,
  roles: readonly ContactRole[],
  options: { logToOpportunities: OpportunityLogging; logToAccounts: boolean },
): Target[] {
  if (person.type === 'Lead') return [{ whoId: person.Id, whatId: null }];
  if (options.logToOpportunities !== 'None') {
    const opportunities = roles
      .filter((role) => sameId(role.ContactId, person.Id))
      .filter((role) => options.logToOpportunities === 'AllContactRoleOpportunities' || !role.isClosed)
      .map((role) => role.OpportunityId);
    const unique = [...new Set(opportunities)].sort();
    if (unique.length > 0) return unique.map((whatId) => ({ whoId: person.Id, whatId }));
  }
  return [{ whoId: person.Id, whatId: options.logToAccounts && person.AccountId ? person.AccountId : null }];
}

/** A Lead for an address nobody matched: the company is the email's domain, the name its local part. */
export function leadFromAddress(email: string, ownerSalesforceId: string): Record<string, string> {
  const [local = email, domain = ''] = email.split('@');
  const company = domain.replace(/^www\./i, '');
  const words = local
    .split(/[._+-]+/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const lastName = (words.length > 1 ? words.slice(1).join(' ') : (words[0] ?? local)).slice(0, 80);
  return {
    ...(words.length > 1 ? { FirstName: (words[0] ?? '').slice(0, 40) } : {}),
    LastName: lastName,
    Company: company.slice(0, 255),
    Email: email,
    OwnerId: ownerSalesforceId,
  };
}
