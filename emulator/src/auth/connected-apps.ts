// The org's connected apps and the OAuth policies an admin sets on them in Setup ("Manage Connected
// Apps" → Edit Policies): who may use the app (all users may self-authorize, or admin-approved users
// are pre-authorized through a profile or permission set), the refresh token policy, and whether the
// app is blocked. Policies: https://help.salesforce.com/s/articleView?id=xcloud.connected_app_manage_oauth.htm
// Pre-authorization is a SetupEntityAccess row (SetupEntityType ConnectedApplication) linking a
// permission set, or a profile's own set, to the app, as the Object Reference describes:
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_setupentityaccess.htm
import { permissionSetIdsOf } from '../org/access-records.ts';
import { formatDateTime } from '../org/datetime.ts';
import type { Org } from '../org/org.ts';

/** "Permitted Users". */
export type PermittedUsers = 'all' | 'adminApproved';

/** "Refresh Token Policy". */
export type RefreshTokenPolicy =
  | { kind: 'infinite' }
  | { kind: 'expireAfter'; seconds: number }
  | { kind: 'expireIfNotUsed'; seconds: number }
  | { kind: 'immediately' };

export interface ConnectedApp {
  /** ConnectedApplication id (0H4…). */
  id: string;
  /** API name, e.g. `SIA_Sync`. */
  name: string;
  /** What the approval page calls it. */
  label: string;
  clientId: string;
  clientSecret: string;
  /** Callback URLs; an authorize request's redirect_uri must equal one of them. */
  callbackUrls: string[];
  /** Selected OAuth scopes (api, refresh_token, offline_access, id, profile, email, openid, web, full). */
  scopes: string[];
  permittedUsers: PermittedUsers;
  refreshTokenPolicy: RefreshTokenPolicy;
  /** Blocked on "Connected Apps OAuth Usage": its sessions end and new ones are refused. */
  blocked: boolean;
  /** "Require Proof Key for Code Exchange (PKCE) Extension for Supported Authorization Flows". */
  requirePkce: boolean;
  /** "Require Secret for Web Server Flow". */
  requireSecretForWebServerFlow: boolean;
  /** "Require Secret for Refresh Token Flow". */
  requireSecretForRefreshToken: boolean;
  /** The client-credentials flow's "Run As" user, when that flow is enabled. */
  runAsUsername?: string;
}

/** What the approval page says each scope lets the app do (Salesforce's scope labels). */
export const SCOPE_LABELS: Record<string, string> = {
  api: 'Manage user data via APIs',
  refresh_token: 'Perform requests at any time',
  offline_access: 'Perform requests at any time',
  id: 'Access the identity URL service',
  profile: 'Access the identity URL service',
  email: 'Access the identity URL service',
  address: 'Access the identity URL service',
  phone: 'Access the identity URL service',
  openid: 'Access unique user identifiers',
  web: 'Manage user data via Web browsers',
  full: 'Full access',
  chatter_api: 'Access Connect REST API resources',
};

export const DEFAULT_SCOPES = ['api', 'refresh_token', 'offline_access', 'id', 'profile', 'email', 'openid'];

export interface ConnectedAppsSnapshot {
  apps: ConnectedApp[];
  /** `userId:appId` of each user who approved an app on its approval page. */
  approvals: string[];
}

export class ConnectedApps {
  private readonly apps = new Map<string, ConnectedApp>();
  private readonly approvals = new Set<string>();
  private changeListener: (() => void) | undefined;

  constructor(snapshot?: ConnectedAppsSnapshot) {
    for (const app of snapshot?.apps ?? []) this.apps.set(app.id, app);
    for (const approval of snapshot?.approvals ?? []) this.approvals.add(approval);
  }

  /** Called after every change, so persistence can schedule a save. */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  all(): ConnectedApp[] {
    return [...this.apps.values()];
  }

  byClientId(clientId: string | null | undefined): ConnectedApp | undefined {
    if (clientId === null || clientId === undefined) return undefined;
    return this.all().find((app) => app.clientId === clientId);
  }

  byName(name: string): ConnectedApp | undefined {
    return this.all().find((app) => app.name.toLowerCase() === name.toLowerCase());
  }

  byId(id: string): ConnectedApp | undefined {
    return this.apps.get(id);
  }

  /** Adds or replaces an app (matched by id). */
  put(app: ConnectedApp): void {
    this.apps.set(app.id, app);
    this.changeListener?.();
  }

  hasApproved(userId: string, app: ConnectedApp): boolean {
    return this.approvals.has(`${userId}:${app.id}`);
  }

  approve(userId: string, app: ConnectedApp): void {
    this.approvals.add(`${userId}:${app.id}`);
    this.changeListener?.();
  }

  /** Forgets a user's approval (the user revoked the app under Connected Apps in their settings). */
  forgetApproval(userId: string, app: ConnectedApp): void {
    if (this.approvals.delete(`${userId}:${app.id}`)) this.changeListener?.();
  }

  snapshot(): ConnectedAppsSnapshot {
    return { apps: this.all(), approvals: [...this.approvals] };
  }
}

/**
 * Whether an admin pre-authorized the user for the app: a SetupEntityAccess row of type
 * ConnectedApplication on a permission set the user holds (their profile's own set included).
 */
export function isPreAuthorized(org: Org, userId: string, app: ConnectedApp): boolean {
  const sets = new Set(permissionSetIdsOf(org, userId));
  for (const access of org.store.records('SetupEntityAccess')) {
    if (access.isDeleted || access.fields.SetupEntityType !== 'ConnectedApplication') continue;
    if (access.fields.SetupEntityId === app.id && sets.has(String(access.fields.ParentId))) return true;
  }
  return false;
}

/** The ConnectedApplication row the API shows for an app (Object Reference, ConnectedApplication). */
export function connectedApplicationFields(app: ConnectedApp): Record<string, unknown> {
  const policy = app.refreshTokenPolicy;
  return {
    Name: app.label,
    OptionsAllowAdminApprovedUsersOnly: app.permittedUsers === 'adminApproved',
    OptionsRefreshTokenValidityMetric: policy.kind === 'expireIfNotUsed',
    RefreshTokenValidityPeriod:
      policy.kind === 'expireAfter' || policy.kind === 'expireIfNotUsed'
        ? Math.max(1, Math.round(policy.seconds / 3600))
        : null,
    OptionsIsInternal: false,
    OptionsFullContentPushNotifications: false,
    OptionsHasSessionLevelPolicy: false,
    MobileSessionTimeout: null,
    PinLength: null,
    StartUrl: null,
    MobileStartUrl: null,
  };
}

/** Puts the org's ConnectedApplication rows in line with the apps (after a start or a reset). */
export function syncConnectedApplicationRows(org: Org, apps: ConnectedApps): void {
  for (const app of apps.all()) {
    const existing = org.store.byId(app.id);
    const fields = connectedApplicationFields(app);
    if (existing !== undefined && Object.entries(fields).every(([k, v]) => existing.fields[k] === v))
      continue;
    const at = typeof existing?.fields.CreatedDate === 'string' ? existing.fields.CreatedDate : undefined;
    const now = formatDateTime(org.clock.now());
    const adminId = org.users[0]?.id ?? null;
    org.store.put({
      Id: app.id,
      type: 'ConnectedApplication',
      isDeleted: false,
      fields: {
        Id: app.id,
        CreatedDate: at ?? now,
        CreatedById: existing?.fields.CreatedById ?? adminId,
        LastModifiedDate: now,
        LastModifiedById: adminId,
        SystemModstamp: now,
        ...fields,
      },
    });
  }
}
