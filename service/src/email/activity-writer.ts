// Writes queued email activities to Salesforce in batches: one query per object, both in one
// composite call, finds every Lead and Contact of the batch (contacts with their opportunity
// contact roles), Leads for unmatched addresses are created in one collection call, and the Tasks
// are upserted by SIA_Task_Id__c in sObject Collections of up to 200 (allOrNone=false). Opens,
// clicks and replies then tick their checkbox on those Tasks (tracking-marks.ts). Each activity's
// outcome is committed on its own: intermittent failures retry with backoff, others are reported.
import { retriesLater, type RetryLaterBounds } from '../salesforce/retry-later-or-report.ts';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { categorize, errorCodeOf } from '../salesforce/errors.ts';
import type { RecordResult, SalesforceClient } from '../salesforce/client.ts';
import { writeWithOwnerFallback, type WriteIdentities } from '../sync/write-identity.ts';
import type { SiaUser } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import type { EmailSettingsReader, UserEmailSettings } from './email-settings.ts';
import type { EmailActivity, EmailStore } from './email-store.ts';
import { queryTogether } from './composite-query.ts';
import { reportEmailError } from './error-report.ts';
import {
  PeopleIndex,
  allowedTypes,
  contactRolesOf,
  leadFromAddress,
  matchRecipient,
  personQueries,
  targetsFor,
  type ContactRole,
  type PersonType,
  type Target,
} from './record-matching.ts';
import { COLLECTION_SIZE, inBatches } from '../salesforce/batches.ts';
import { soqlList } from '../salesforce/soql.ts';
import { firstError, settleFailure, type Failure } from './settle.ts';
import { emailTaskExternalId, emailTaskRecord } from './task-records.ts';
import { writeMarks } from './tracking-marks.ts';
import type { TaskTypeCheck } from './type-picklist.ts';

/** How long a claimed batch stays invisible to other instances before it counts as abandoned. */
export const CLAIM_LEASE_MS = 120_000;

export interface WriterDeps {
  store: Store;
  emailStore: EmailStore;
  salesforce: SalesforceClient;
  clock: Clock;
  logger: Logger;
  settings: EmailSettingsReader;
  typeCheck: TaskTypeCheck;
  /** The org's closed Task status for completed activities (standard: Completed). */
  closedStatus: () => string;
  batchSize?: number;
  /** Who writes a rep's Tasks (the org identity, else the rep's own connection). */
  identities?: WriteIdentities | undefined;
  /** Backoff of an activity Salesforce refused for a cause that may pass. */
  retryLater?: RetryLaterBounds | undefined;
}

interface Owner {
  user: SiaUser;
  settings: UserEmailSettings['settings'];
}

/** The Leads and Contacts a batch may be logged to, and the contacts' opportunity roles. */
interface Lookup {
  people: PeopleIndex;
  roles: ContactRole[];
}

export class ActivityWriter {
  readonly #deps: WriterDeps;

  constructor(deps: WriterDeps) {
    this.#deps = deps;
  }

  #now(): string {
    return this.#deps.clock.now().toISOString();
  }

  /** Writes one batch of due activities; says how many it claimed and how many reached a final state. */
  async writeBatch(): Promise<{ claimed: number; finished: number }> {
    const { emailStore } = this.#deps;
    const now = this.#deps.clock.now();
    const due = await emailStore.claimDue(
      now.toISOString(),
      new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
      this.#deps.batchSize ?? COLLECTION_SIZE,
    );
    if (due.length === 0) return { claimed: 0, finished: 0 };
    const owners = await this.#owners(due);
    let finished = 0;
    const writes: EmailActivity[] = [];
    const marks: EmailActivity[] = [];
    for (const activity of due) {
      const owner = owners.get(activity.ownerId);
      if (!owner) {
        await emailStore.finish(
          activity.id,
          'failed',
          `SIA user ${activity.ownerId} no longer exists`,
          this.#now(),
        );
        finished += 1;
      } else if (owner.mode !== 'api') {
        await emailStore.finish(
          activity.id,
          'skipped',
          `email logging is now "${owner.mode}", not the API`,
          this.#now(),
        );
        finished += 1;
      } else if (activity.kind === 'reply' && !owner.settings.logReplies.value) {
        await emailStore.finish(
          activity.id,
          'skipped',
          'replies are not logged: Log_Replies__c is off',
          this.#now(),
        );
        finished += 1;
      } else if (activity.kind === 'sent' || activity.kind === 'reply') {
        writes.push(activity);
      } else {
        marks.push(activity);
      }
    }
    if (writes.length > 0) finished += await this.#writeActivities(writes, owners);
    if (marks.length > 0)
      finished += await writeMarks(this.#deps, marks, (mark, failure, recordId) =>
        this.#fail(mark, owners.get(mark.ownerId), failure, recordId, 'Task'),
      );
    return { claimed: due.length, finished };
  }

  async #owners(due: EmailActivity[]): Promise<Map<string, Owner & { mode: UserEmailSettings['mode'] }>> {
    const owners = new Map<string, Owner & { mode: UserEmailSettings['mode'] }>();
    for (const ownerId of new Set(due.map((a) => a.ownerId))) {
      const user = await this.#deps.store.getUser(ownerId);
      if (!user) continue;
      const { mode, settings } = await this.#deps.settings.forUser(user);
      owners.set(ownerId, { user, settings, mode });
    }
    return owners;
  }

  /**
   * Every Lead and Contact the batch's recipients could be logged to, one query per object (sent
   * together in one composite call), with the contacts' opportunity roles when some owner logs to
   * opportunities.
   */
  async #findPeople(writes: EmailActivity[], owners: Map<string, Owner>): Promise<Lookup> {
    const people = new PeopleIndex();
    const roles: ContactRole[] = [];
    const withRoles = writes.some((a) => owners.get(a.ownerId)?.settings.logToOpportunities.value !== 'None');
    const queries: { type: PersonType; soql: string }[] = [];
    for (const type of ['Contact', 'Lead'] as PersonType[]) {
      const relevant = writes.filter((a) =>
        allowedTypes(owners.get(a.ownerId)?.settings.logTo.value ?? 'LeadsAndContacts').includes(type),
      );
      if (relevant.length === 0) continue;
      const emails = [...new Set(relevant.map((a) => a.recipient))];
      const ids = relevant.flatMap((a) =>
        a.recipientSalesforceId === null ? [] : [a.recipientSalesforceId],
      );
      for (const soql of personQueries(type, emails, ids, { withRoles })) queries.push({ type, soql });
    }
    const answers = await queryTogether(
      this.#deps.salesforce,
      queries.map((q) => q.soql),
    );
    for (const [index, { type }] of queries.entries()) {
      for (const row of answers[index] ?? []) {
        if (typeof row['Id'] !== 'string') continue;
        people.add({
          type,
          Id: row['Id'],
          Email: typeof row['Email'] === 'string' ? row['Email'] : null,
          LastModifiedDate: typeof row['LastModifiedDate'] === 'string' ? row['LastModifiedDate'] : '',
          AccountId: typeof row['AccountId'] === 'string' ? row['AccountId'] : null,
        });
        if (type === 'Contact') roles.push(...contactRolesOf(row));
      }
    }
    return { people, roles };
  }

  #fail(
    activity: EmailActivity,
    owner: Owner | undefined,
    failure: Failure,
    recordId: string | null,
    objectApiName: string,
  ): Promise<boolean> {
    return settleFailure(this.#deps, activity, {
      failure,
      ownerSalesforceId: owner?.user.salesforceUserId ?? null,
      recordId,
      objectApiName,
    });
  }

  /**
   * The batch's lookups failed: retry every write later when the cause may pass, otherwise give
   * them up with one report for the admin (not one per email: the cause is the same for all).
   */
  async #lookupFailed(writes: EmailActivity[], failure: Failure): Promise<number> {
    if (retriesLater(failure)) {
      for (const activity of writes) await this.#fail(activity, undefined, failure, null, 'Task');
      return 0;
    }
    const category = categorize(failure.code, failure.message);
    const now = this.#now();
    for (const activity of writes)
      await this.#deps.emailStore.finish(activity.id, 'failed', `${failure.code}: ${failure.message}`, now);
    await reportEmailError(this.#deps, {
      category,
      code: failure.code,
      message: `${writes.length} email${writes.length === 1 ? ' was' : 's were'} not logged: looking up their Leads and Contacts failed: ${failure.message}`,
      fields: failure.fields,
      ownerId: null,
      ownerSalesforceId: null,
      recordId: null,
      objectApiName: 'Contact',
    });
    return writes.length;
  }

  async #writeActivities(writes: EmailActivity[], owners: Map<string, Owner>): Promise<number> {
    const { emailStore } = this.#deps;
    let finished = 0;
    let typeValues: Awaited<ReturnType<TaskTypeCheck['available']>>;
    let lookup: Lookup;
    try {
      typeValues = await this.#deps.typeCheck.available();
      lookup = await this.#findPeople(writes, owners);
    } catch (error) {
      return this.#lookupFailed(writes, errorCodeOf(error));
    }
    const { people, roles } = lookup;

    // Match; unmatched addresses whose rule says so get one new Lead each (one collection call).
    const matched = new Map<number, Target[]>();
    const leadFor = new Map<string, EmailActivity[]>();
    const pending: { activity: EmailActivity; personIds: string[] }[] = [];
    for (const activity of writes) {
      const owner = owners.get(activity.ownerId) as Owner;
      const result = matchRecipient(
        { email: activity.recipient, salesforceId: activity.recipientSalesforceId },
        people,
        {
          logTo: owner.settings.logTo.value,
          duplicateRule: owner.settings.duplicateRule.value,
          noMatchRule: owner.settings.noMatchRule.value,
        },
      );
      if (result.kind === 'skip') {
        await emailStore.finish(activity.id, 'skipped', result.reason, this.#now());
        finished += 1;
      } else if (result.kind === 'create-lead') {
        leadFor.set(activity.recipient, [...(leadFor.get(activity.recipient) ?? []), activity]);
      } else {
        pending.push({ activity, personIds: result.people.map((p) => p.Id) });
      }
    }
    for (const batch of inBatches([...leadFor.entries()], COLLECTION_SIZE)) {
      const records = batch.map(([email, activities]) => {
        const owner = owners.get((activities[0] as EmailActivity).ownerId) as Owner;
        return leadFromAddress(email, owner.user.salesforceUserId);
      });
      let results: RecordResult[];
      try {
        results = await this.#deps.salesforce.createRecords('Lead', records);
      } catch (error) {
        const failure = errorCodeOf(error);
        for (const [, activities] of batch)
          for (const activity of activities)
            if (!(await this.#fail(activity, owners.get(activity.ownerId), failure, null, 'Lead')))
              finished += 1;
        continue;
      }
      for (const [index, [email, activities]] of batch.entries()) {
        const result = results[index];
        if (result?.success && result.id !== null) {
          people.add({
            type: 'Lead',
            Id: result.id,
            Email: email,
            LastModifiedDate: this.#now(),
            AccountId: null,
          });
          for (const activity of activities) pending.push({ activity, personIds: [result.id] });
        } else {
          for (const activity of activities)
            if (!(await this.#fail(activity, owners.get(activity.ownerId), firstError(result), null, 'Lead')))
              finished += 1;
        }
      }
    }

    for (const { activity, personIds } of pending) {
      const owner = owners.get(activity.ownerId) as Owner;
      const targets = personIds.flatMap((id) => {
        const person = people.byId(id);
        return person
          ? targetsFor(person, roles, {
              logToOpportunities: owner.settings.logToOpportunities.value,
              logToAccounts: owner.settings.logToAccounts.value,
            })
          : [];
      });
      matched.set(activity.id, targets);
    }
    return (
      finished +
      (await this.#upsertTasks(
        writes.filter((a) => matched.has(a.id)),
        matched,
        owners,
        typeValues,
      ))
    );
  }

  /** External ids of Tasks that already exist: a retried write may have landed before a crash. */
  async #existing(externalIds: string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set();
    const rows: Record<string, unknown>[] = [];
    for (const chunk of inBatches(externalIds, 100)) {
      rows.push(
        ...(await this.#deps.salesforce.query(
          `SELECT Id, SIA_Task_Id__c FROM Task WHERE SIA_Task_Id__c IN ${soqlList(chunk)}`,
        )),
      );
    }
    return new Set(rows.map((r) => r['SIA_Task_Id__c']).filter((v): v is string => typeof v === 'string'));
  }

  async #upsertTasks(
    activities: EmailActivity[],
    targets: Map<number, Target[]>,
    owners: Map<string, Owner>,
    typeValues: Awaited<ReturnType<TaskTypeCheck['available']>>,
  ): Promise<number> {
    const { emailStore } = this.#deps;
    const retried = activities.filter((a) => a.attempts > 0);
    const existing = await this.#existing(
      retried.flatMap((a) => (targets.get(a.id) ?? []).map((t) => emailTaskExternalId(a, t))),
    );
    const entries = activities.flatMap((activity) => {
      const owner = owners.get(activity.ownerId) as Owner;
      return (targets.get(activity.id) ?? []).map((target) => {
        const externalId = emailTaskExternalId(activity, target);
        const record = emailTaskRecord(activity, target, {
          owner: owner.user,
          emailTemplate: owner.settings.emailSubjectTemplate.value,
          closedStatus: this.#deps.closedStatus(),
          typeValues,
          create: !existing.has(externalId),
        });
        return { activity, target, externalId, record };
      });
    });
    // Write-ahead: from here on a crash means the Tasks may exist, so the retry checks first.
    await emailStore.markAttempted(
      activities.map((a) => a.id),
      this.#now(),
    );
    const outcome = new Map<
      number,
      { ok: number; failure?: { failure: Failure; recordId: string | null } }
    >();
    for (const batch of inBatches(entries, COLLECTION_SIZE)) {
      let results: RecordResult[] | undefined;
      let callFailure: Failure | undefined;
      try {
        // As the owner where the org identity may not edit their Tasks.
        results = await writeWithOwnerFallback(
          this.#deps.identities,
          this.#deps.salesforce,
          batch.map((e) => ({ owner: owners.get(e.activity.ownerId)?.user, record: e.record })),
          (client, records) => client.upsertTasks(records),
        );
      } catch (error) {
        callFailure = errorCodeOf(error);
      }
      for (const [index, entry] of batch.entries()) {
        const state = outcome.get(entry.activity.id) ?? { ok: 0 };
        const result = results?.[index];
        if (result?.success && result.id !== null) {
          await emailStore.putTask({
            externalId: entry.externalId,
            activityId: entry.activity.id,
            messageId: entry.activity.messageId,
            recipient: entry.activity.recipient,
            salesforceId: result.id,
            whoId: entry.target.whoId,
            whatId: entry.target.whatId,
          });
          state.ok += 1;
        } else if (!state.failure) {
          state.failure = { failure: callFailure ?? firstError(result), recordId: entry.target.whoId };
        }
        outcome.set(entry.activity.id, state);
      }
    }
    let finished = 0;
    for (const activity of activities) {
      const state = outcome.get(activity.id);
      if (state?.failure) {
        const queued = await this.#fail(
          activity,
          owners.get(activity.ownerId),
          state.failure.failure,
          state.failure.recordId,
          'Task',
        );
        if (!queued) finished += 1;
      } else {
        const count = state?.ok ?? 0;
        await emailStore.finish(
          activity.id,
          'logged',
          `logged to ${count} record${count === 1 ? '' : 's'}`,
          this.#now(),
        );
        finished += 1;
      }
    }
    return finished;
  }
}
