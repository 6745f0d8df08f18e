// Each rep's own Salesforce connection: the web-server flow that makes it (a `state` bound to the
// SIA user and used once, PKCE S256), the sealed tokens it keeps, the Salesforce client that writes
// as the rep, refresh on expiry, and what happens when Salesforce ends it (a revoked or expired
// refresh token, a blocked app, a deactivated user): the connection needs reconnecting, an
// Authentication error is recorded once, and nothing is retried until the rep connects again.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Metrics } from '../metrics.ts';
import { SalesforceClient, type TokenSource } from '../salesforce/client.ts';
import type { RetryPolicy } from '../salesforce/retry.ts';
import type { AccessToken } from '../salesforce/token.ts';
import { SalesforceApiError } from '../salesforce/errors.ts';
import { toCaseSafeId } from '../sia/shared.ts';
import type { SiaUser } from '../sia/model.ts';
import type { Store } from '../store/store.ts';
import {
  ConnectionStore,
  type ConnectionRow,
  type ConnectionStatus,
  type LoginEnvironment,
} from './connection-store.ts';
import {
  OAuthError,
  authorizeUrl,
  exchangeCode,
  newPkce,
  readIdentity,
  refreshAccessToken,
  revokeToken,
  type OAuthApp,
  type TokenGrant,
} from './oauth-client.ts';
import { TokenVault } from './token-vault.ts';

/** How long an authorize URL stays good: Salesforce's authorization codes live 15 minutes. */
export const STATE_TTL_MS = 15 * 60_000;

/** Token endpoint errors after which only the rep can mend the connection (by connecting again). */
const DEAD_CONNECTION = new Set([
  'invalid_grant',
  'OAUTH_APP_BLOCKED',
  'invalid_app_access',
  'invalid_client',
  'invalid_client_id',
  'inactive_user',
]);

export interface ConnectionsOptions {
  store: Store;
  vault: TokenVault | undefined;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics | undefined;
  apiVersion: string;
  clientId: string;
  clientSecret: string | undefined;
  /** The service's OAuth callback URL (registered as a callback URL of the connected app). */
  redirectUri: () => string;
  loginUrls: Record<LoginEnvironment, string>;
  retry?: Partial<RetryPolicy> | undefined;
  fetch?: typeof fetch;
  /** Called once each time a connection ends (Sync Health and the errors list hear of it). */
  onConnectionLost?: (user: SiaUser, code: string, message: string) => Promise<void>;
  /** Called when a connection is made or made again (held pushes may go now). */
  onConnected?: (user: SiaUser) => void;
}

/** A problem the connect flow answers with: an error code documented in the OpenAPI document. */
export class ConnectionError extends Error {
  readonly code: string;
  readonly status: number;
  readonly returnUrl: string | null;
  constructor(code: string, message: string, status: number, returnUrl: string | null = null) {
    super(message);
    this.name = 'ConnectionError';
    this.code = code;
    this.status = status;
    this.returnUrl = returnUrl;
  }
}

export interface ConnectionView {
  userId: string;
  status: ConnectionStatus | 'not_connected';
  environment: LoginEnvironment | null;
  salesforceUserId: string | null;
  salesforceUsername: string | null;
  instanceUrl: string | null;
  connectedAt: string | null;
  lastRefreshedAt: string | null;
  needsReconnect: boolean;
  lastError: { code: string; message: string; at: string } | null;
}

export interface CallbackOutcome {
  ownerId: string;
  returnUrl: string | null;
  view: ConnectionView;
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function sameUser(a: string, b: string): boolean {
  return toCaseSafeId(a) === toCaseSafeId(b);
}

export function connectionView(ownerId: string, row: ConnectionRow | undefined): ConnectionView {
  const status = row?.status as ConnectionStatus | undefined;
  return {
    userId: ownerId,
    status: status ?? 'not_connected',
    environment: (row?.environment as LoginEnvironment | undefined) ?? null,
    salesforceUserId: status === 'disconnected' ? null : (row?.salesforce_user_id ?? null),
    salesforceUsername: status === 'disconnected' ? null : (row?.salesforce_username ?? null),
    instanceUrl: status === 'disconnected' ? null : (row?.instance_url ?? null),
    connectedAt: status === 'disconnected' ? null : (row?.connected_at ?? null),
    lastRefreshedAt: status === 'disconnected' ? null : (row?.refreshed_at ?? null),
    needsReconnect: status === 'needs_reconnect',
    lastError:
      row?.last_error_code != null && row.last_error_at !== null
        ? { code: row.last_error_code, message: row.last_error_message ?? '', at: row.last_error_at }
        : null,
  };
}

export class Connections {
  readonly #options: ConnectionsOptions;
  readonly #rows: ConnectionStore;
  readonly #clients = new Map<string, SalesforceClient>();
  readonly #logger: Logger;

  constructor(options: ConnectionsOptions) {
    this.#options = options;
    this.#rows = new ConnectionStore(options.store.db);
    this.#logger = options.logger.child({ component: 'connections' });
  }

  get rows(): ConnectionStore {
    return this.#rows;
  }

  #now(): string {
    return this.#options.clock.now().toISOString();
  }

  #vault(): TokenVault {
    if (this.#options.vault === undefined)
      throw new ConnectionError(
        'connections_unavailable',
        'Salesforce connections need SIA_TOKEN_KEYS (the keys that encrypt stored tokens); ask the SIA admin to set it',
        503,
      );
    return this.#options.vault;
  }

  #app(): OAuthApp {
    return {
      clientId: this.#options.clientId,
      clientSecret: this.#options.clientSecret,
      redirectUri: this.#options.redirectUri(),
    };
  }

  #fetch(): typeof fetch {
    return this.#options.fetch ?? fetch;
  }

  /** Starts a connection: the authorize URL on the chosen login host, with a fresh state and PKCE pair. */
  async begin(
    user: SiaUser,
    environment: LoginEnvironment,
    returnUrl: string | null,
  ): Promise<{ authorizeUrl: string; expiresAt: string }> {
    const vault = this.#vault();
    const state = randomBytes(32).toString('base64url');
    const pkce = newPkce();
    const stateHash = hashState(state);
    const now = this.#options.clock.now();
    const expiresAt = new Date(now.getTime() + STATE_TTL_MS).toISOString();
    const sealed = vault.seal(pkce.verifier, `state:${stateHash}`);
    await this.#rows.pruneStates(new Date(now.getTime() - 24 * 3_600_000).toISOString());
    await this.#rows.insertState({
      state_hash: stateHash,
      owner_id: user.id,
      environment,
      verifier: sealed.sealed,
      verifier_key_id: sealed.keyId,
      return_url: returnUrl,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    });
    const loginUrl = this.#options.loginUrls[environment];
    return { authorizeUrl: authorizeUrl(loginUrl, this.#app(), state, pkce.challenge), expiresAt };
  }

  /**
   * The callback: checks the state (known, unused, unexpired), then exchanges the code with the
   * verifier, reads who connected, and keeps the connection only when that is the SIA user's own
   * Salesforce user and they may use the API. Every refusal is a ConnectionError, recorded on the
   * user's connection as its last error.
   */
  async complete(
    query: {
      state?: string | undefined;
      code?: string | undefined;
      error?: string | undefined;
      error_description?: string | undefined;
    },
    lookupUser: (id: string) => Promise<SiaUser | undefined>,
  ): Promise<CallbackOutcome> {
    const vault = this.#vault();
    if (query.state === undefined || query.state === '')
      throw new ConnectionError(
        'state_missing',
        'The callback carries no state: start the connection from SIA again',
        400,
      );
    const stateHash = hashState(query.state);
    const attempt = await this.#rows.getState(stateHash);
    if (attempt === undefined)
      throw new ConnectionError(
        'state_mismatch',
        'The callback state matches no connection SIA started: start the connection from SIA again',
        400,
      );
    const returnUrl = attempt.return_url;
    const user = await lookupUser(attempt.owner_id);
    if (user === undefined)
      throw new ConnectionError(
        'user_unknown',
        `SIA user ${attempt.owner_id} no longer exists`,
        404,
        returnUrl,
      );
    const fail = async (code: string, message: string, status: number): Promise<never> => {
      await this.#recordError(user.id, attempt.environment as LoginEnvironment, code, message);
      throw new ConnectionError(code, message, status, returnUrl);
    };
    if (!(await this.#rows.useState(stateHash, this.#now())))
      return fail(
        'state_used',
        'This connection link was already used: start the connection from SIA again',
        400,
      );
    if (attempt.expires_at <= this.#now())
      return fail(
        'state_expired',
        'The connection took longer than 15 minutes: start it from SIA again',
        400,
      );
    if (query.error !== undefined)
      return fail(
        query.error === 'access_denied' ? 'access_denied' : `salesforce_${query.error}`,
        query.error_description ?? `Salesforce refused the authorization: ${query.error}`,
        query.error === 'access_denied' ? 403 : 400,
      );
    if (query.code === undefined || query.code === '')
      return fail('code_missing', 'The callback carries no authorization code', 400);
    const verifier = vault.open(
      { keyId: attempt.verifier_key_id, sealed: attempt.verifier },
      `state:${stateHash}`,
    );
    const loginUrl = this.#options.loginUrls[attempt.environment as LoginEnvironment];
    let grant: TokenGrant;
    try {
      grant = await exchangeCode(loginUrl, this.#app(), query.code, verifier, this.#fetch());
    } catch (error) {
      if (error instanceof OAuthError)
        return fail(
          `salesforce_${error.error}`,
          `Salesforce refused the authorization code: ${error.error}: ${error.description}`,
          error.status === 0 ? 502 : 400,
        );
      throw error;
    }
    if (grant.refresh_token === undefined) {
      await revokeToken(loginUrl, grant.access_token, this.#fetch()).catch(() => undefined);
      return fail(
        'refresh_token_missing',
        'Salesforce issued no refresh token: the connected app must offer the refresh_token scope',
        400,
      );
    }
    const identity = await readIdentity(grant.id, grant.access_token, this.#fetch()).catch(
      (error: unknown) => error as Error,
    );
    if (identity instanceof Error) {
      await revokeToken(loginUrl, grant.refresh_token, this.#fetch()).catch(() => undefined);
      return fail('identity_unavailable', `Could not read who connected: ${identity.message}`, 502);
    }
    if (!sameUser(identity.user_id, user.salesforceUserId)) {
      await revokeToken(loginUrl, grant.refresh_token, this.#fetch()).catch(() => undefined);
      return fail(
        'salesforce_user_mismatch',
        `Connected as ${identity.username}, but SIA user ${user.id} is Salesforce user ${user.salesforceUserId}: log in as your own Salesforce user`,
        409,
      );
    }
    const problem = await this.#checkAccess(grant);
    if (problem !== undefined) {
      await revokeToken(loginUrl, grant.refresh_token, this.#fetch()).catch(() => undefined);
      return fail(problem.code, problem.message, 403);
    }
    const now = this.#now();
    const refresh = vault.seal(grant.refresh_token, `connection:${user.id}:refresh`);
    const access = vault.seal(grant.access_token, `connection:${user.id}:access`);
    const previous = await this.#rows.get(user.id);
    await this.#rows.put({
      owner_id: user.id,
      status: 'connected',
      environment: attempt.environment,
      login_url: loginUrl,
      instance_url: grant.instance_url,
      salesforce_user_id: identity.user_id,
      salesforce_username: identity.username,
      salesforce_org_id: identity.organization_id,
      refresh_token: refresh.sealed,
      refresh_key_id: refresh.keyId,
      access_token: access.sealed,
      access_key_id: access.keyId,
      connected_at: now,
      refreshed_at: now,
      last_error_code: null,
      last_error_message: null,
      last_error_at: null,
      updated_at: now,
    });
    // A reconnect replaces the old refresh token: end it in Salesforce too.
    if (previous?.refresh_token != null && previous.refresh_key_id !== null) {
      const old = this.#openOrUndefined(previous, 'refresh');
      if (old !== undefined && old !== grant.refresh_token)
        await revokeToken(previous.login_url, old, this.#fetch()).catch(() => undefined);
    }
    this.#dropClient(user.id);
    this.#logger.info(
      { owner: user.id, salesforceUser: identity.user_id, environment: attempt.environment },
      'Salesforce connection made',
    );
    this.#options.onConnected?.(user);
    return { ownerId: user.id, returnUrl, view: connectionView(user.id, await this.#rows.get(user.id)) };
  }

  /**
   * Whether the connected user can do what the service does as them: use the API (API Enabled),
   * and create and edit Tasks with SIA_Task_Id__c (Edit Tasks and the field's edit access from the
   * SIA Sync User permission set). One describe call.
   */
  async #checkAccess(grant: TokenGrant): Promise<{ code: string; message: string } | undefined> {
    const url = `${grant.instance_url}/services/data/v${this.#options.apiVersion}/sobjects/Task/describe`;
    const response = await this.#fetch()(url, {
      headers: { authorization: `Bearer ${grant.access_token}`, accept: 'application/json' },
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const first = (Array.isArray(body) ? body[0] : body) as
        { errorCode?: unknown; message?: unknown } | undefined;
      const code = typeof first?.errorCode === 'string' ? first.errorCode : `HTTP_${response.status}`;
      if (code === 'API_DISABLED_FOR_ORG' || code === 'API_CURRENTLY_DISABLED')
        return {
          code: 'api_disabled',
          message:
            'This Salesforce user may not use the API (API Enabled is off): ask your Salesforce admin to assign the SIA Sync User permission set',
        };
      return {
        code: 'access_check_failed',
        message: `Salesforce answered ${code} when SIA checked your access`,
      };
    }
    const describe = body as {
      createable?: unknown;
      fields?: { name?: unknown; updateable?: unknown; createable?: unknown }[];
    };
    const field = describe.fields?.find((f) => f.name === 'SIA_Task_Id__c');
    if (describe.createable !== true || field?.updateable !== true || field.createable !== true)
      return {
        code: 'missing_permissions',
        message:
          'This Salesforce user cannot create and edit Tasks with their SIA id (Edit Tasks, SIA_Task_Id__c): ask your Salesforce admin to assign the SIA Sync User permission set',
      };
    return undefined;
  }

  #openOrUndefined(row: ConnectionRow, which: 'refresh' | 'access'): string | undefined {
    const sealed = which === 'refresh' ? row.refresh_token : row.access_token;
    const keyId = which === 'refresh' ? row.refresh_key_id : row.access_key_id;
    if (sealed === null || keyId === null || this.#options.vault === undefined) return undefined;
    try {
      return this.#options.vault.open({ keyId, sealed }, `connection:${row.owner_id}:${which}`);
    } catch (error) {
      this.#logger.warn({ owner: row.owner_id, err: error }, 'a stored token does not open');
      return undefined;
    }
  }

  async #recordError(
    ownerId: string,
    environment: LoginEnvironment,
    code: string,
    message: string,
  ): Promise<void> {
    const now = this.#now();
    const row = await this.#rows.get(ownerId);
    if (row === undefined) {
      await this.#rows.put({
        owner_id: ownerId,
        status: 'disconnected',
        environment,
        login_url: this.#options.loginUrls[environment],
        instance_url: null,
        salesforce_user_id: null,
        salesforce_username: null,
        salesforce_org_id: null,
        refresh_token: null,
        refresh_key_id: null,
        access_token: null,
        access_key_id: null,
        connected_at: null,
        refreshed_at: null,
        last_error_code: code,
        last_error_message: message,
        last_error_at: now,
        updated_at: now,
      });
    } else {
      await this.#rows.update(ownerId, {
        last_error_code: code,
        last_error_message: message,
        last_error_at: now,
        updated_at: now,
      });
    }
  }

  async view(ownerId: string): Promise<ConnectionView> {
    return connectionView(ownerId, await this.#rows.get(ownerId));
  }

  /** Disconnects: revokes the refresh token (and its access tokens) in Salesforce and forgets both. */
  async disconnect(user: SiaUser): Promise<ConnectionView> {
    const row = await this.#rows.get(user.id);
    if (row === undefined) return connectionView(user.id, undefined);
    const refresh = this.#openOrUndefined(row, 'refresh');
    if (refresh !== undefined) {
      try {
        await revokeToken(row.login_url, refresh, this.#fetch());
      } catch (error) {
        // The tokens are forgotten either way; an admin can still end the session in Setup.
        this.#logger.warn({ owner: user.id, err: error }, 'revoking the refresh token failed');
      }
    }
    const now = this.#now();
    await this.#rows.update(user.id, {
      status: 'disconnected',
      refresh_token: null,
      refresh_key_id: null,
      access_token: null,
      access_key_id: null,
      updated_at: now,
    });
    this.#dropClient(user.id);
    this.#logger.info({ owner: user.id }, 'Salesforce connection ended by the user');
    return connectionView(user.id, await this.#rows.get(user.id));
  }

  #dropClient(ownerId: string): void {
    this.#clients.delete(ownerId);
  }

  /** Whether the rep has a working connection (a client for them can be had). */
  async isConnected(ownerId: string): Promise<boolean> {
    return (await this.#rows.get(ownerId))?.status === 'connected';
  }

  /**
   * A Salesforce client that acts as the rep, or undefined when they have no working connection.
   * Its access token is the stored one; on a 401 it refreshes (one refresh in flight).
   */
  async clientFor(user: SiaUser): Promise<SalesforceClient | undefined> {
    const cached = this.#clients.get(user.id);
    if (cached !== undefined) return cached;
    const row = await this.#rows.get(user.id);
    if (row?.status !== 'connected' || row.instance_url === null) return undefined;
    const source = this.#tokenSource(user, row.instance_url);
    const client = new SalesforceClient({
      loginUrl: row.login_url,
      instanceUrl: row.instance_url,
      apiVersion: this.#options.apiVersion,
      tokenSource: source,
      logger: this.#logger.child({ owner: user.id }),
      clock: this.#options.clock,
      metrics: this.#options.metrics,
      ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
    });
    await client.connect();
    this.#clients.set(user.id, client);
    return client;
  }

  #tokenSource(user: SiaUser, instanceUrl: string): TokenSource {
    return {
      initial: async () => {
        const row = await this.#rows.get(user.id);
        const access = row === undefined ? undefined : this.#openOrUndefined(row, 'access');
        if (access !== undefined)
          return { accessToken: access, instanceUrl, issuedAt: this.#options.clock.now().getTime() };
        return this.#refresh(user);
      },
      refresh: () => this.#refresh(user),
    };
  }

  /** The refresh-token grant for the rep; a dead refresh token ends the connection. */
  async #refresh(user: SiaUser): Promise<AccessToken> {
    const row = await this.#rows.get(user.id);
    const refreshToken = row === undefined ? undefined : this.#openOrUndefined(row, 'refresh');
    if (row?.status !== 'connected' || refreshToken === undefined) {
      throw new SalesforceApiError({
        errorCode: 'INVALID_GRANT',
        message: 'the Salesforce connection needs reconnecting',
        operation: 'oauth2/token refresh',
        attempt: 1,
      });
    }
    let grant: TokenGrant;
    try {
      grant = await refreshAccessToken(row.login_url, this.#app(), refreshToken, this.#fetch());
    } catch (error) {
      if (error instanceof OAuthError && DEAD_CONNECTION.has(error.error)) {
        await this.#lose(user, error.error.toUpperCase(), error.description);
        throw new SalesforceApiError({
          errorCode: error.error.toUpperCase(),
          message: `the Salesforce connection ended: ${error.description}`,
          operation: 'oauth2/token refresh',
          attempt: 1,
        });
      }
      const code =
        error instanceof OAuthError && error.status >= 500 ? `ERROR_HTTP_${error.status}` : 'FETCH_FAILED';
      throw new SalesforceApiError({
        errorCode: code,
        message: error instanceof Error ? error.message : String(error),
        operation: 'oauth2/token refresh',
        attempt: 1,
      });
    }
    const now = this.#now();
    const vault = this.#vault();
    const access = vault.seal(grant.access_token, `connection:${user.id}:access`);
    // A refresh is also when a token sealed with a retired key moves to the current key.
    const rotated =
      row.refresh_key_id !== null && row.refresh_key_id !== vault.currentKeyId
        ? vault.seal(refreshToken, `connection:${user.id}:refresh`)
        : undefined;
    await this.#rows.update(user.id, {
      access_token: access.sealed,
      access_key_id: access.keyId,
      refreshed_at: now,
      updated_at: now,
      ...(rotated === undefined ? {} : { refresh_token: rotated.sealed, refresh_key_id: rotated.keyId }),
    });
    this.#logger.info({ owner: user.id }, 'Salesforce access token refreshed');
    return { accessToken: grant.access_token, instanceUrl: grant.instance_url, issuedAt: Date.parse(now) };
  }

  /** The connection ended in Salesforce: mark it, drop its client and report it once. */
  async #lose(user: SiaUser, code: string, message: string): Promise<void> {
    const row = await this.#rows.get(user.id);
    if (row?.status !== 'connected') return;
    const now = this.#now();
    await this.#rows.update(user.id, {
      status: 'needs_reconnect',
      access_token: null,
      access_key_id: null,
      last_error_code: code,
      last_error_message: message,
      last_error_at: now,
      updated_at: now,
    });
    this.#dropClient(user.id);
    this.#logger.warn({ owner: user.id, code }, 'Salesforce connection ended: the rep must reconnect');
    await this.#options.onConnectionLost?.(user, code, message);
  }

  /** Marks a connection lost after an API call was refused for good (e.g. the user was deactivated). */
  async connectionRefused(user: SiaUser, code: string, message: string): Promise<void> {
    await this.#lose(user, code, message);
  }
}
