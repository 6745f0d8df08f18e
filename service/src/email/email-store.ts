// The typed query layer over the email logging tables, on the service database (SQLite or
// PostgreSQL) that the Store opened. Kept apart from the task store: it is a different feature
// with its own tables and migration.
import type { Generated, Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';

/** What the SIA API reports about an email. */
export const EMAIL_KINDS = ['sent', 'reply', 'open', 'click'] as const;
/**
 * What the store queues: the API kinds, plus `replied`, the mark a reply sets on the Task of the
 * email it answers (queued next to the reply, so it is retried and deduplicated on its own).
 */
export type EmailKind = (typeof EMAIL_KINDS)[number] | 'replied';
export type ActivityStatus = 'queued' | 'logged' | 'skipped' | 'failed';

export interface EmailActivitiesTable {
  id: Generated<number>;
  owner_id: string;
  message_id: string;
  kind: string;
  /** Lower-cased address: the idempotency key is (message_id, kind, recipient). */
  recipient: string;
  recipient_salesforce_id: string | null;
  subject: string;
  /** Plain text, already cut to what Task.Description holds. */
  body: string | null;
  sent_at: string;
  /** JSON `{ name, day, step }` of the sales campaign, if any. */
  campaign: string | null;
  status: string;
  /** Why an activity was skipped or failed, for the API and admins. */
  outcome: string | null;
  /** Raised before every Salesforce write, so a retry after a crash knows a write may have landed. */
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
}

export interface EmailActivityTasksTable {
  /** The Task's SIA_Task_Id__c (upsert key). */
  external_id: string;
  activity_id: number;
  message_id: string;
  recipient: string;
  salesforce_id: string | null;
  who_id: string;
  what_id: string | null;
}

// A type alias, not an interface: Kysely's $extendTables() wants an indexable record.
export type EmailTables = {
  email_activities: EmailActivitiesTable;
  email_activity_tasks: EmailActivityTasksTable;
};

export interface Campaign {
  name: string;
  day: number;
  step: number;
}

export interface EmailActivity {
  id: number;
  ownerId: string;
  messageId: string;
  kind: EmailKind;
  recipient: string;
  recipientSalesforceId: string | null;
  subject: string;
  body: string | null;
  sentAt: string;
  campaign: Campaign | null;
  status: ActivityStatus;
  outcome: string | null;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
}

export type NewEmailActivity = Omit<
  EmailActivity,
  'id' | 'status' | 'outcome' | 'attempts' | 'nextAttemptAt' | 'createdAt'
>;

export interface ActivityTask {
  externalId: string;
  activityId: number;
  messageId: string;
  recipient: string;
  salesforceId: string | null;
  whoId: string;
  whatId: string | null;
}

function toActivity(row: Selectable<EmailActivitiesTable>): EmailActivity {
  return {
    id: row.id,
    ownerId: row.owner_id,
    messageId: row.message_id,
    kind: row.kind as EmailKind,
    recipient: row.recipient,
    recipientSalesforceId: row.recipient_salesforce_id,
    subject: row.subject,
    body: row.body,
    sentAt: row.sent_at,
    campaign: row.campaign === null ? null : (JSON.parse(row.campaign) as Campaign),
    status: row.status as ActivityStatus,
    outcome: row.outcome,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}

export class EmailStore {
  readonly #db: Kysely<Database & EmailTables>;

  constructor(db: Kysely<Database>) {
    this.#db = db.$extendTables<EmailTables>();
  }

  /**
   * Queues the activities that are new; a (message, kind, recipient) already held is left alone.
   * Returns `kind recipient` keys of the rows queued now.
   */
  async enqueue(activities: NewEmailActivity[], at: string): Promise<Set<string>> {
    return this.#db.transaction().execute(async (trx) => {
      const queued = new Set<string>();
      for (const activity of activities) {
        const result = await trx
          .insertInto('email_activities')
          .values({
            owner_id: activity.ownerId,
            message_id: activity.messageId,
            kind: activity.kind,
            recipient: activity.recipient,
            recipient_salesforce_id: activity.recipientSalesforceId,
            subject: activity.subject,
            body: activity.body,
            sent_at: activity.sentAt,
            campaign: activity.campaign === null ? null : JSON.stringify(activity.campaign),
            status: 'queued',
            outcome: null,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) => oc.columns(['message_id', 'kind', 'recipient']).doNothing())
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0)
          queued.add(`${activity.kind} ${activity.recipient}`);
      }
      return queued;
    });
  }

  /**
   * Claims the queued activities due now, oldest first, by moving their next attempt to
   * `leaseUntil`: another service instance sharing the database does not see them as due until
   * the lease runs out (a crashed instance's claims come due again then). The conditions are
   * checked again on the row being updated, so two instances never claim the same activity.
   */
  async claimDue(now: string, leaseUntil: string, limit: number): Promise<EmailActivity[]> {
    const rows = await this.#db
      .updateTable('email_activities')
      .set({ next_attempt_at: leaseUntil })
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('email_activities')
          .select('id')
          .where('status', '=', 'queued')
          .where('next_attempt_at', '<=', now)
          .orderBy('id')
          .limit(limit),
      )
      .returningAll()
      .execute();
    return rows.map(toActivity).sort((a, b) => a.id - b.id);
  }

  async get(messageId: string, kind: EmailKind, recipient: string): Promise<EmailActivity | undefined> {
    const row = await this.#db
      .selectFrom('email_activities')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('kind', '=', kind)
      .where('recipient', '=', recipient)
      .executeTakeFirst();
    return row && toActivity(row);
  }

  async listForMessage(messageId: string): Promise<EmailActivity[]> {
    const rows = await this.#db
      .selectFrom('email_activities')
      .selectAll()
      .where('message_id', '=', messageId)
      .orderBy('id')
      .execute();
    return rows.map(toActivity);
  }

  async countActivities(): Promise<number> {
    const row = await this.#db
      .selectFrom('email_activities')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Written before a Salesforce call: after a crash the next attempt knows the write may have landed. */
  async markAttempted(ids: number[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('email_activities')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at }))
      .where('id', 'in', ids)
      .execute();
  }

  async finish(id: number, status: Exclude<ActivityStatus, 'queued'>, outcome: string | null, at: string) {
    await this.#db
      .updateTable('email_activities')
      .set({ status, outcome, updated_at: at, ...(status === 'logged' ? { body: null } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async retryLater(id: number, nextAttemptAt: string, outcome: string, at: string): Promise<void> {
    await this.#db
      .updateTable('email_activities')
      .set({ next_attempt_at: nextAttemptAt, outcome, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Queues failed activities again, now (an admin's Retry): those of one owner (or every owner)
   * whose outcome starts with `outcomePrefix`. Returns their ids.
   */
  async requeueFailed(ownerId: string | null, outcomePrefix: string, at: string): Promise<number[]> {
    let query = this.#db
      .updateTable('email_activities')
      .set({ status: 'queued', next_attempt_at: at, updated_at: at })
      .where('status', '=', 'failed')
      .where('outcome', 'like', `${outcomePrefix.replace(/%/g, '')}%`);
    if (ownerId !== null) query = query.where('owner_id', '=', ownerId);
    const rows = await query.returning('id').execute();
    return rows.map((row) => row.id);
  }

  async byIds(ids: number[]): Promise<EmailActivity[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.selectFrom('email_activities').selectAll().where('id', 'in', ids).execute();
    return rows.map(toActivity);
  }

  async putTask(task: ActivityTask): Promise<void> {
    const values = {
      external_id: task.externalId,
      activity_id: task.activityId,
      message_id: task.messageId,
      recipient: task.recipient,
      salesforce_id: task.salesforceId,
      who_id: task.whoId,
      what_id: task.whatId,
    };
    await this.#db
      .insertInto('email_activity_tasks')
      .values(values)
      .onConflict((oc) => oc.column('external_id').doUpdateSet({ salesforce_id: task.salesforceId }))
      .execute();
  }

  /** The Salesforce Tasks logged for a sent email to one recipient. */
  async tasksOf(activityId: number): Promise<ActivityTask[]> {
    const rows = await this.#db
      .selectFrom('email_activity_tasks')
      .selectAll()
      .where('activity_id', '=', activityId)
      .orderBy('external_id')
      .execute();
    return rows.map((row) => ({
      externalId: row.external_id,
      activityId: row.activity_id,
      messageId: row.message_id,
      recipient: row.recipient,
      salesforceId: row.salesforce_id,
      whoId: row.who_id,
      whatId: row.what_id,
    }));
  }
}
