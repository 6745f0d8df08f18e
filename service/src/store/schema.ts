// Table types of the service database (one definition for SQLite and PostgreSQL). Timestamps are
// ISO-8601 UTC strings in both dialects so comparisons and ordering are plain text comparisons.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  salesforce_user_id: string;
  time_zone: string;
  created_at: string;
  updated_at: string;
}

export interface TasksTable {
  id: string;
  owner_id: string;
  type: string;
  name: string;
  due_date: string;
  priority: string;
  salesforce_priority: string | null;
  details: string | null;
  status: string;
  person_salesforce_id: string | null;
  person_email: string | null;
  related_to_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface LinksTable {
  task_id: string;
  salesforce_id: string | null;
  owner_id: string;
  /** sha-256 of the last values both sides agreed on: a change that hashes the same is a no-op. */
  synced_hash: string | null;
  /** JSON of the last synced Salesforce field values. */
  synced_values: string | null;
  synced_at: string | null;
  /** Set when the SIA task was deleted and the Salesforce delete is still pending. */
  deleted_at: string | null;
  /** Set when the Salesforce record still needs its SIA_Task_Id__c stamp. */
  needs_stamp: number;
}

export interface OutboxTable {
  id: Generated<number>;
  task_id: string;
  owner_id: string;
  op: string;
  /** JSON object: changed SIA field → ISO time of the local change. */
  fields: string;
  salesforce_id: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

export interface CheckpointsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface SyncStateTable {
  user_id: string;
  mode: string;
  enabled_at: string | null;
  /** When the previous enable period ended (sync switched off); null while on or never on. */
  disabled_at: string | null;
  /** The enabled_at value whose first-sync import already ran. */
  imported_for: string | null;
  last_inbound_at: string | null;
  last_outbound_at: string | null;
  updated_at: string;
}

export interface ConflictsTable {
  id: Generated<number>;
  task_id: string;
  owner_id: string;
  field: string;
  local_value: string | null;
  remote_value: string | null;
  winner: string;
  local_at: string | null;
  remote_at: string | null;
  recorded_at: string;
}

export interface ErrorsTable {
  id: Generated<number>;
  category: string;
  code: string;
  message: string;
  direction: string;
  task_id: string | null;
  salesforce_id: string | null;
  owner_id: string | null;
  fields: string | null;
  recorded_at: string;
  /** A failure still being retried: what it is about (e.g. `push:<owner>`); null for a settled error. */
  failure_key: Generated<string | null>;
  attempts: Generated<number>;
  first_seen_at: Generated<string | null>;
  last_seen_at: Generated<string | null>;
  /** When admins were first shown it (a retried failure only after it failed long enough). */
  reported_at: Generated<string | null>;
  resolved_at: Generated<string | null>;
}

export interface LeadershipTable {
  name: string;
  epoch: number;
  acquired_at: string;
}

export interface Database {
  users: UsersTable;
  tasks: TasksTable;
  links: LinksTable;
  outbox: OutboxTable;
  checkpoints: CheckpointsTable;
  sync_state: SyncStateTable;
  conflicts: ConflictsTable;
  errors: ErrorsTable;
  leadership: LeadershipTable;
}
