import { LightningElement, api } from 'lwc';
import { SiaApi, type SalesforceConnection } from '../../../sia/sia-api.ts';

type Environment = 'production' | 'sandbox';

/** What the service's OAuth callback reports back on the return URL, as the rep reads it. */
const OUTCOME_PARAMS = ['salesforceConnection', 'salesforceError'];

/**
 * Settings → My Account → Salesforce: the rep's own Salesforce connection. Connect sends the browser
 * to Salesforce's login and approval pages (production or sandbox); Salesforce returns through the
 * service's callback to this page, which then says how it went. Disconnect revokes the tokens.
 */
export default class SalesforceConnectionPanel extends LightningElement {
  @api ownerId = '';
  connection: SalesforceConnection | undefined;
  environment: Environment = 'production';
  busy = false;
  /** The outcome of the connection the rep just made (from the return URL). */
  outcome = '';
  outcomeFailed = false;
  error = '';

  readonly environmentOptions = [
    { label: 'Production', value: 'production' },
    { label: 'Sandbox', value: 'sandbox' },
  ];

  override connectedCallback(): void {
    this.readOutcome();
    void this.refresh();
  }

  private siaApi(): SiaApi {
    return new SiaApi(this.ownerId);
  }

  /** Reads (and removes from the address bar) what the callback appended to the return URL. */
  private readOutcome(): void {
    const url = new URL(window.location.href);
    const result = url.searchParams.get('salesforceConnection');
    if (result === null) return;
    const code = url.searchParams.get('salesforceError');
    this.outcomeFailed = result !== 'connected';
    this.outcome = this.outcomeFailed
      ? `Salesforce did not connect${code === null ? '' : ` (${code})`}. Try again, or ask your Salesforce admin.`
      : 'Salesforce is connected.';
    for (const name of OUTCOME_PARAMS) url.searchParams.delete(name);
    window.history.replaceState(window.history.state, '', url.toString());
  }

  private async refresh(): Promise<void> {
    try {
      this.connection = await this.siaApi().salesforceConnection();
      if (this.connection.environment !== null) this.environment = this.connection.environment;
      this.error = '';
    } catch (error) {
      this.error = `The Salesforce connection could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  get loaded(): boolean {
    return this.connection !== undefined;
  }

  get hasConnection(): boolean {
    return this.connection?.status === 'connected';
  }

  get statusText(): string {
    const connection = this.connection;
    if (connection === undefined) return '';
    switch (connection.status) {
      case 'connected':
        return `Connected as ${connection.salesforceUsername ?? 'your Salesforce user'} (${connection.environment ?? 'production'})`;
      case 'needs_reconnect':
        return `Salesforce ended the connection${connection.lastError === null ? '' : `: ${connection.lastError.message}`}. Connect again.`;
      default:
        return 'Not connected';
    }
  }

  get pushesText(): string {
    return this.connection?.pushes.reason ?? '';
  }

  get connectLabel(): string {
    return this.connection?.status === 'needs_reconnect' ? 'Reconnect' : 'Connect';
  }

  get hasOutcome(): boolean {
    return this.outcome !== '';
  }

  get outcomeClass(): string {
    return `slds-text-body_small connection-outcome ${this.outcomeFailed ? 'slds-text-color_error' : 'slds-text-color_success'}`;
  }

  get hasError(): boolean {
    return this.error !== '';
  }

  handleEnvironment(event: CustomEvent<{ value: Environment }>): void {
    this.environment = event.detail.value;
  }

  async handleConnect(): Promise<void> {
    this.busy = true;
    try {
      const back = new URL(window.location.href);
      back.hash = '';
      const authorizeUrl = await this.siaApi().connectSalesforce(this.environment, back.toString());
      window.location.assign(authorizeUrl);
    } catch (error) {
      this.error = `Connecting failed: ${error instanceof Error ? error.message : String(error)}`;
      this.busy = false;
    }
  }

  async handleDisconnect(): Promise<void> {
    this.busy = true;
    try {
      this.connection = await this.siaApi().disconnectSalesforce();
      this.outcome = '';
      await this.refresh();
    } catch (error) {
      this.error = `Disconnecting failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.busy = false;
    }
  }
}
