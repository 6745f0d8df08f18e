// The emulator's admin API (/__emulator/...), which seeds records as they would be in a real org.

export interface SeedRecord {
  type: string;
  fields: Record<string, unknown>;
}

export class EmulatorAdmin {
  private readonly url: string;
  private readonly secret: string;

  constructor(url: string, secret: string) {
    this.url = url;
    this.secret = secret;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/__emulator${path}`, {
      method,
      headers: { 'x-emulator-secret': this.secret, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator admin ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  /**
   * As the admin in Setup: adds a callback URL to the connected app's callback URLs (the sync
   * service's OAuth callback, which reps' connections return to).
   */
  async allowCallback(app: string, url: string): Promise<void> {
    const current = (await this.call('GET', `/connected-apps/${app}`)) as { callbackUrls: string[] };
    if (!current.callbackUrls.includes(url))
      await this.call('PATCH', `/connected-apps/${app}`, { callbackUrls: [...current.callbackUrls, url] });
  }

  /** Creates the records in one all-or-nothing batch; returns their ids in order. */
  async seed(records: SeedRecord[]): Promise<string[]> {
    const answer = (await this.call('POST', '/records', { records })) as { ids: string[] };
    return answer.ids;
  }
}
