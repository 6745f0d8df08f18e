import { LightningElement } from 'lwc';
import { syncHealth } from 'preview/optional-components';
import { session } from '../../../platform/session.ts';
import { currentPageReference, urlOf, type PageReference } from '../../../platform/navigation.ts';
import { SHOW_TOAST_EVENT, type ToastConfig } from '../../../platform/platform-show-toast-event.ts';

interface Tab {
  key: string;
  label: string;
  href: string;
  itemClass: string;
  current: string | undefined;
}

const TABS: readonly { key: string; label: string; page: PageReference }[] = [
  { key: 'home', label: 'Home', page: { type: 'standard__namedPage', attributes: { pageName: 'home' } } },
  {
    key: 'SIA_Sync_Settings',
    label: 'SIA Sync Settings',
    page: { type: 'standard__navItemPage', attributes: { apiName: 'SIA_Sync_Settings' } },
  },
  {
    key: 'SIA_Sync_Health',
    label: 'SIA Sync Health',
    page: { type: 'standard__navItemPage', attributes: { apiName: 'SIA_Sync_Health' } },
  },
];

/** The Salesforce side: an app with a Home page, record pages and the SIA Sync tabs. */
export default class App extends LightningElement {
  page: PageReference = currentPageReference();
  toasts: (ToastConfig & { key: number })[] = [];
  readonly userName = session.displayName;
  /** Links that switch the user the Salesforce side is shown as (the server keeps their tokens). */
  readonly viewAsLinks = (session.viewAs ?? [])
    .filter((user) => !user.current)
    .map((user) => ({
      key: user.key,
      label: `View as ${user.displayName}`,
      href: `/salesforce/as/${user.key}`,
    }));
  readonly syncHealthComponent = syncHealth;
  private nextToast = 0;
  private readonly onHashChange = (): void => {
    this.page = currentPageReference();
  };

  override connectedCallback(): void {
    window.addEventListener('hashchange', this.onHashChange);
    this.template?.addEventListener(SHOW_TOAST_EVENT, (event: Event) => {
      this.showToast((event as CustomEvent<ToastConfig>).detail);
    });
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHashChange);
  }

  private showToast(toast: ToastConfig): void {
    this.toasts = [...this.toasts, { ...toast, key: ++this.nextToast }];
  }

  handleToastClose(event: CustomEvent<{ key: number }>): void {
    this.toasts = this.toasts.filter((toast) => toast.key !== event.detail.key);
  }

  get pageKey(): string {
    const attributes = this.page.attributes ?? {};
    if (this.page.type === 'standard__navItemPage' && typeof attributes.apiName === 'string')
      return attributes.apiName;
    if (this.page.type === 'standard__recordPage') return 'record';
    return 'home';
  }

  /**
   * The tabs the user sees. SIA Sync Health is visible with the SIA Sync Admin permission set (its
   * tab settings), as in an org; its address still opens for others, and says what they lack.
   */
  get tabs(): Tab[] {
    const healthVisible =
      this.syncHealthComponent !== null && session.customPermissions.includes('SIA_Sync_Admin');
    return TABS.filter((tab) => tab.key !== 'SIA_Sync_Health' || healthVisible).map((tab) => {
      const selected = tab.key === this.pageKey;
      return {
        key: tab.key,
        label: tab.label,
        href: urlOf(tab.page),
        itemClass: `slds-context-bar__item${selected ? ' slds-is-active' : ''}`,
        current: selected ? 'page' : undefined,
      };
    });
  }

  get isHome(): boolean {
    return this.pageKey === 'home';
  }

  get isRecord(): boolean {
    return this.pageKey === 'record';
  }

  get isSettings(): boolean {
    return this.pageKey === 'SIA_Sync_Settings';
  }

  get isHealth(): boolean {
    return this.pageKey === 'SIA_Sync_Health' && this.syncHealthComponent !== null;
  }

  get recordId(): string | undefined {
    const id = this.page.attributes?.recordId;
    return typeof id === 'string' ? id : undefined;
  }

  get objectApiName(): string | undefined {
    const name = this.page.attributes?.objectApiName;
    return typeof name === 'string' ? name : undefined;
  }
}
