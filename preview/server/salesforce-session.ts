// The demo user's Salesforce session, held by the preview server so the browser never sees a
// secret: a refresh token minted through the emulator's admin API (as a web-server login would
// leave one), exchanged at the OAuth token endpoint for access tokens, renewed when one expires.

export interface SalesforceLogin {
  emulatorUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  apiVersion: string;
}

export interface UserFacts {
  userId: string;
  username: string;
  displayName: string;
  timeZone: string;
  locale: string;
  language: string;
  currency: string;
  customPermissions: string[];
}

async function json(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} failed: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown, key: string): string {
  const found = field(value, key);
  if (typeof found !== 'string') throw new Error(`expected ${key} in ${JSON.stringify(value)}`);
  return found;
}

export class SalesforceSession {
  private readonly login: SalesforceLogin;
  private refreshToken: string | undefined;
  private accessToken: string | undefined;
  private renewing: Promise<string> | undefined;

  constructor(login: SalesforceLogin) {
    this.login = login;
  }

  private adminHeaders(): Record<string, string> {
    return { 'x-emulator-secret': this.login.clientSecret, 'content-type': 'application/json' };
  }

  private async mintRefreshToken(): Promise<string> {
    const response = await fetch(`${this.login.emulatorUrl}/__emulator/refresh-tokens`, {
      method: 'POST',
      headers: this.adminHeaders(),
      body: JSON.stringify({ username: this.login.username }),
    });
    const body = await json(response, `minting a refresh token for ${this.login.username}`);
    return text(body, 'refresh_token');
  }

  /** A new access token from the refresh token (minting that first, once). */
  renew(): Promise<string> {
    this.renewing ??= (async () => {
      try {
        this.refreshToken ??= await this.mintRefreshToken();
        const response = await fetch(`${this.login.emulatorUrl}/services/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: this.refreshToken,
            client_id: this.login.clientId,
            client_secret: this.login.clientSecret,
          }),
        });
        this.accessToken = text(await json(response, 'the refresh_token grant'), 'access_token');
        return this.accessToken;
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  async token(): Promise<string> {
    return this.accessToken ?? this.renew();
  }

  /** Who the demo user is: /services/oauth2/userinfo, and their custom permissions from the org. */
  async userFacts(): Promise<UserFacts> {
    const response = await fetch(`${this.login.emulatorUrl}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${await this.token()}` },
    });
    const info = await json(response, 'userinfo');
    const orgInfo = await json(
      await fetch(`${this.login.emulatorUrl}/__emulator/info`, { headers: this.adminHeaders() }),
      'the emulator info',
    );
    const userId = text(info, 'user_id');
    const users = field(orgInfo, 'users');
    const user = Array.isArray(users)
      ? (users as unknown[]).find((u) => field(u, 'id') === userId)
      : undefined;
    const permissions = field(user, 'permissions');
    const locale = text(info, 'locale').replace('_', '-');
    return {
      userId,
      username: text(info, 'preferred_username'),
      displayName: text(info, 'name'),
      timeZone: text(info, 'zoneinfo'),
      locale,
      language: locale.split('-')[0] ?? 'en',
      currency: 'USD',
      customPermissions: Array.isArray(permissions) ? permissions.filter((p) => typeof p === 'string') : [],
    };
  }
}
