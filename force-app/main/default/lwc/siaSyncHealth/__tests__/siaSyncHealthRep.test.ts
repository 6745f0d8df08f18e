import { createElement } from 'lwc';
import SiaSyncHealth from 'c/siaSyncHealth';
import { graphql } from 'lightning/graphql';
import { subscribe } from 'lightning/empApi';
import { asTestWireAdapter, flushPromises, resetDom, type GraphQLTestWireAdapter } from 'sia-test-utils';

// A rep: no SIA_Sync_Admin custom permission.
jest.mock('@salesforce/customPermission/SIA_Sync_Admin', () => ({ __esModule: true, default: undefined }), {
  virtual: true,
});

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);

describe('c-sia-sync-health for someone without SIA Sync Admin', () => {
  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
  });

  async function mount() {
    const element = createElement('c-sia-sync-health', { is: SiaSyncHealth });
    document.body.appendChild(element);
    await flushPromises();
    return element.shadowRoot!;
  }

  it('says the page needs the SIA Sync Admin permission set, and shows nothing of the org', async () => {
    const root = await mount();
    const notice = root.querySelector('.needs-admin')!;
    expect(notice.querySelector('h2')!.textContent).toBe(
      'SIA Sync Health needs the SIA Sync Admin permission set',
    );
    expect(notice.textContent).toContain(
      'ask your Salesforce admin to assign you the SIA Sync Admin permission set',
    );
    for (const adminPart of ['.api-usage', '.sync-errors', '.user-sync', 'lightning-button-icon.refresh'])
      expect(root.querySelector(adminPart)).toBeNull();
  });

  it('queries nothing and listens to nothing', async () => {
    await mount();
    // The wires get no variables (so Lightning Data Service sends no query) and nothing subscribes.
    expect(graphqlAdapter.getLastConfig().variables).toBeUndefined();
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('is accessible', async () => {
    const element = createElement('c-sia-sync-health', { is: SiaSyncHealth });
    document.body.appendChild(element);
    await flushPromises();
    await expect(element).toBeAccessible();
  });
});
