// One emulated org: its schema, deployed metadata, records, id minting and clock, plus the baseline
// rows every org has (the Organization, its users, TaskStatus and TaskPriority values, profiles and
// roles). A new org has the standard objects only; a package arrives by Metadata API deploy.
import { seedAccessBaseline, type ProfileName } from './access-records.ts';
import type { OrgMetadata, OrgMetadataSnapshot } from './org-metadata.ts';
import { formatDateTime } from './datetime.ts';
import { IdGenerator } from './ids.ts';
import { RecordStore } from './record-store.ts';
import { TASK_PRIORITIES, TASK_STATUSES } from '../schema/standard-objects.ts';
import type { Clock, Schema, StoredRecord } from '../schema/types.ts';

export interface OrgUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  timeZone: string;
  /** The user's profile (ProfileId). */
  profile: ProfileName;
  /** The user's role (UserRoleId), if any. */
  role?: string;
}

export interface Org {
  schema: Schema;
  /** What has been deployed; the schema is built from it. */
  metadata: OrgMetadata;
  store: RecordStore;
  ids: IdGenerator;
  clock: Clock;
  orgId: string;
  orgName: string;
  /** A sandbox (Organization.IsSandbox): its users log in at the sandbox login host. */
  sandbox: boolean;
  users: OrgUser[];
  /** Entities the org may select for change data capture across all channels (5 without the add-on). */
  changeDataCaptureAllowance: number;
}

export interface OrgSnapshot {
  format: 'sia-emulator-org/1';
  idCounter: number;
  records: StoredRecord[];
  /** Absent in files written before the emulator took deploys. */
  metadata?: OrgMetadataSnapshot;
}

export interface UserSeed {
  username: string;
  firstName: string;
  lastName: string;
  email?: string;
  timeZone?: string;
  /** Default: System Administrator for the first user, Standard User for the others. */
  profile?: ProfileName;
  role?: string;
  /** The login page's password (default: the emulator's documented DEFAULT_USER_PASSWORD). */
  password?: string;
}

export const DEFAULT_USERS: UserSeed[] = [
  {
    username: 'admin@sia-emulator.example',
    firstName: 'Ada',
    lastName: 'Admin',
    timeZone: 'UTC',
    role: 'CEO',
  },
  {
    username: 'integration@sia-emulator.example',
    firstName: 'SIA',
    lastName: 'Integration',
    timeZone: 'UTC',
    profile: 'Minimum Access - Salesforce',
  },
  {
    username: 'rep@sia-emulator.example',
    firstName: 'Riley',
    lastName: 'Rep',
    timeZone: 'America/New_York',
    role: 'Sales Rep',
  },
];

// Baseline rows get fixed ids (their own generator), so users keep their ids across resets and runs.
function baselineIds(): IdGenerator {
  return new IdGenerator(0, '000');
}

export function createOrg(options: {
  schema: Schema;
  metadata: OrgMetadata;
  clock: Clock;
  users?: UserSeed[];
  snapshot?: OrgSnapshot;
  changeDataCaptureAllowance?: number;
  sandbox?: boolean;
}): Org {
  const ids = baselineIds();
  const orgId = ids.next('00D');
  const users = (options.users ?? DEFAULT_USERS).map((u, index) => ({
    id: ids.next('005'),
    username: u.username,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email ?? u.username,
    timeZone: u.timeZone ?? 'UTC',
    profile: u.profile ?? (index === 0 ? 'System Administrator' : 'Standard User'),
    ...(u.role === undefined ? {} : { role: u.role }),
  }));
  const org: Org = {
    schema: options.schema,
    metadata: options.metadata,
    store: new RecordStore(),
    ids: new IdGenerator(options.snapshot?.idCounter ?? 0),
    clock: options.clock,
    orgId,
    orgName: 'SIA Emulator Org',
    sandbox: options.sandbox === true,
    users,
    changeDataCaptureAllowance: options.changeDataCaptureAllowance ?? 5,
  };
  for (const record of options.snapshot?.records ?? []) org.store.put(record);
  seedBaseline(org);
  org.store.commit();
  return org;
}

function system(org: Org, at: string): Record<string, unknown> {
  const userId = org.users[0]?.id ?? null;
  return {
    CreatedDate: at,
    CreatedById: userId,
    LastModifiedDate: at,
    LastModifiedById: userId,
    SystemModstamp: at,
  };
}

/** (Re)creates the baseline rows that are missing; existing rows are left as they are. */
export function seedBaseline(org: Org): void {
  const at = formatDateTime(new Date(Date.UTC(2026, 0, 1)));
  const ids = baselineIds();
  const put = (id: string, type: string, fields: Record<string, unknown>): void => {
    if (org.store.byId(id) !== undefined) return;
    org.store.put({ Id: id, type, isDeleted: false, fields: { Id: id, ...system(org, at), ...fields } });
  };
  ids.next('00D');
  put(org.orgId, 'Organization', {
    Name: org.orgName,
    InstanceName: 'EMU1',
    IsSandbox: org.sandbox,
    OrganizationType: 'Developer Edition',
    TrialExpirationDate: null,
    NamespacePrefix: null,
    TimeZoneSidKey: 'UTC',
    LanguageLocaleKey: 'en_US',
    DefaultLocaleSidKey: 'en_US',
    Country: 'US',
  });
  for (const user of org.users) {
    ids.next('005');
    put(user.id, 'User', {
      Username: user.username,
      FirstName: user.firstName,
      LastName: user.lastName,
      Name: `${user.firstName} ${user.lastName}`,
      Email: user.email,
      Alias: (user.firstName.slice(0, 1) + user.lastName).slice(0, 8).toLowerCase(),
      CommunityNickname: user.username.split('@')[0] ?? user.username,
      IsActive: true,
      TimeZoneSidKey: user.timeZone,
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      UserType: 'Standard',
      Title: null,
      Phone: null,
    });
  }
  TASK_STATUSES.forEach((status, index) => {
    put(ids.next('01J'), 'TaskStatus', {
      MasterLabel: status.value,
      ApiName: status.value,
      SortOrder: index + 1,
      IsDefault: status.isDefault,
      IsClosed: status.isClosed,
    });
  });
  TASK_PRIORITIES.forEach((priority, index) => {
    put(ids.next('01K'), 'TaskPriority', {
      MasterLabel: priority.value,
      ApiName: priority.value,
      SortOrder: index + 1,
      IsDefault: priority.isDefault,
      IsHighPriority: priority.isHighPriority,
    });
  });
  seedAccessBaseline(org, ids);
}

export function orgSnapshot(org: Org): OrgSnapshot {
  return {
    format: 'sia-emulator-org/1',
    idCounter: org.ids.value,
    records: org.store.allRecords(),
    metadata: org.metadata.snapshot(),
  };
}

export function findUserByUsername(org: Org, username: string): OrgUser | undefined {
  const lower = username.toLowerCase();
  return org.users.find((u) => u.username.toLowerCase() === lower);
}
