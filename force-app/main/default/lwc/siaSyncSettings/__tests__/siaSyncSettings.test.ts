import { createElement, type LightningHTMLElement } from 'lwc';
import SiaSyncSettings from 'c/siaSyncSettings';
import { graphql } from 'lightning/graphql';
import { createRecord, updateRecord } from 'lightning/uiRecordApi';
import {
  asTestWireAdapter,
  flushPromises,
  resetDom,
  watchCustomValidity,
  type GraphQLTestWireAdapter,
} from 'sia-test-utils';
import settingsOrgAndUser from './data/settingsOrgAndUser.json';
import settingsOrgOnly from './data/settingsOrgOnly.json';
import graphqlFieldNotVisible from './data/graphqlFieldNotVisible.json';
import createRecordUserRow from './data/createRecordUserRow.json';
import updateRecordErrors from './data/updateRecordErrors.json';

// A rep: no SIA_Sync_Admin custom permission. (siaSyncSettingsAdmin.test.ts covers admins.)
jest.mock('@salesforce/customPermission/SIA_Sync_Admin', () => ({ __esModule: true, default: false }), {
  virtual: true,
});

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);
const mockedCreateRecord = jest.mocked(createRecord);
const mockedUpdateRecord = jest.mocked(updateRecord);
// sfdx-lwc-jest's @salesforce/user/Id; its case-safe form is the user row's Scope_Key__c.
const USER_KEY = '005000000000000AAA';

type Data = typeof settingsOrgAndUser;

function withOrgRow(data: Data, changes: Record<string, unknown>): Data {
  const copy = JSON.parse(JSON.stringify(data)) as Data;
  const org = copy.uiapi.query.SIA_Sync_Setting__c.edges[0]!.node as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) org[field] = { value };
  return copy;
}

async function mount(data: unknown = settingsOrgAndUser, refresh = jest.fn().mockResolvedValue(undefined)) {
  const element: LightningHTMLElement<SiaSyncSettings> = createElement('c-sia-sync-settings', {
    is: SiaSyncSettings,
  });
  document.body.appendChild(element);
  graphqlAdapter.emit(data, undefined, refresh);
  await flushPromises();
  return { element, root: element.shadowRoot!, refresh };
}

function control(root: ShadowRoot, field: string): HTMLElement & Record<string, unknown> {
  const found = root.querySelector<HTMLElement>(`[data-field="${field}"]`);
  if (!found) throw new Error(`no control for ${field}`);
  return found as HTMLElement & Record<string, unknown>;
}

function inEffect(root: ShadowRoot, field: string): string {
  // The "In effect" line follows each control.
  let next = control(root, field).nextElementSibling;
  while (next && !next.textContent?.startsWith('In effect')) next = next.nextElementSibling;
  return next?.textContent ?? '';
}

async function change(
  root: ShadowRoot,
  field: string,
  detail: { value?: unknown; checked?: boolean },
): Promise<void> {
  control(root, field).dispatchEvent(new CustomEvent('change', { detail }));
  await flushPromises();
}

async function click(root: ShadowRoot, selector: string): Promise<void> {
  root.querySelector(selector)!.dispatchEvent(new CustomEvent('click'));
  await flushPromises();
}

/** The alert next to Save, line by line as a user reads it: its heading, then one line per field. */
function summaryText(root: ShadowRoot): string[] | null {
  const summary = root.querySelector<HTMLElement>('.field-error-summary');
  if (!summary) return null;
  return [...summary.querySelectorAll('h3, li')].map((line) => line.textContent!.replace(/\s+/g, ' ').trim());
}

describe('c-sia-sync-settings (My account)', () => {
  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
  });

  it('shows a spinner until the settings arrive', async () => {
    const element = createElement('c-sia-sync-settings', { is: SiaSyncSettings });
    document.body.appendChild(element);
    await flushPromises();
    expect(element.shadowRoot!.querySelector('lightning-spinner')).not.toBeNull();
    expect(element.shadowRoot!.querySelector('[data-field]')).toBeNull();
  });

  it("queries the org row and the user's row by scope key", async () => {
    await mount();
    expect(graphqlAdapter.getLastConfig().variables).toEqual({ userKey: USER_KEY });
  });

  it('renders My account in SIA order with each effective value and its source', async () => {
    const { root } = await mount();

    expect(root.querySelector('.scope-picker')).toBeNull();
    expect(root.querySelector('.scope-title')!.textContent).toBe('My account');
    const sections = [...root.querySelectorAll('section h3')].map((h) => h.textContent);
    expect(sections).toEqual([
      'Log email activity to Salesforce',
      'Sync tasks/reminders to Salesforce tasks',
    ]);
    const tabs = [...root.querySelectorAll('lightning-tab')].map(
      (t) => (t as HTMLElement & { label: string }).label,
    );
    expect(tabs).toEqual(['Salesforce API', 'Email to Salesforce (BCC)']);

    expect(control(root, 'Log_To__c').value).toBe('LeadsOnly');
    expect(inEffect(root, 'Log_To__c')).toBe('In effect: Leads only (my setting)');
    expect(control(root, 'Duplicate_Rule__c').value).toBe('');
    expect(inEffect(root, 'Duplicate_Rule__c')).toBe(
      'In effect: Log to the most recently updated record (org default)',
    );
    expect(inEffect(root, 'Log_To_Accounts__c')).toBe('In effect: Off (my setting)');
    expect(inEffect(root, 'Task_Sync_Mode__c')).toBe(
      'In effect: Sync; skipped SIA tasks become Completed in Salesforce (my setting)',
    );
    // Org-only settings are not on a user's screen.
    expect(root.querySelector('[data-field="Email_Subject_Template__c"]')).toBeNull();
    expect(root.querySelector('[data-field="Team_Logging_Override__c"]')).toBeNull();
  });

  it('offers "Use the org default" first on every user picklist', async () => {
    const { root } = await mount();
    const options = control(root, 'Duplicate_Rule__c').options as { label: string; value: string }[];
    expect(options[0]).toEqual({
      label: 'Use the org default (Log to the most recently updated record)',
      value: '',
    });
    expect(options).toHaveLength(4);
  });

  it('explains the selected sync mode and the first-sync rules', async () => {
    const { root } = await mount();
    expect(root.querySelector('.mode-explanation')!.textContent).toMatch(/skip in SIA is marked Completed/);
    const rules = root.querySelector('.first-sync-rules')!.textContent!;
    expect(rules).toMatch(/created or updated in the last 24 hours are imported/);
    expect(rules).toMatch(/already have in SIA are not pushed/);
    // 2026-11-20T14:30:00Z in the user's zone (America/Los_Angeles) and locale (en-US).
    expect(root.querySelector('.sync-since')!.textContent!.replace(/\s/g, ' ')).toBe(
      'Task sync has been on since Nov 20, 2026, 6:30 AM.',
    );

    await change(root, 'Task_Sync_Mode__c', { value: 'DoNotSync' });
    expect(root.querySelector('.mode-explanation')!.textContent).toMatch(/nothing is imported or pushed/);
    expect(root.querySelector('.first-sync-rules')).toBeNull();

    await change(root, 'Task_Sync_Mode__c', { value: 'SyncDeleteSkipped' });
    expect(root.querySelector('.mode-explanation')!.textContent).toMatch(
      /skip in SIA is deleted in Salesforce/,
    );
  });

  it('creates the user row on first save, seeded from what applies, and stamps the sync start', async () => {
    mockedCreateRecord.mockResolvedValue(createRecordUserRow);
    const { root, element, refresh } = await mount(settingsOrgOnly);
    const toast = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    expect(root.querySelector('.row-status')!.textContent).toMatch(/no settings of your own/);
    expect(control(root, 'Log_Email_Via_Api__c').checked).toBe(true);

    await change(root, 'Task_Sync_Mode__c', { value: 'SyncCompleteSkipped' });
    const before = Date.now();
    await click(root, 'lightning-button.save');
    const after = Date.now();

    expect(mockedCreateRecord).toHaveBeenCalledTimes(1);
    const input = mockedCreateRecord.mock.calls[0]![0];
    expect(input.apiName).toBe('SIA_Sync_Setting__c');
    expect(input.fields).toMatchObject({
      Scope_Key__c: USER_KEY,
      User__c: USER_KEY,
      Log_Email_Via_Api__c: true,
      Log_Replies__c: true,
      Log_To_Accounts__c: false,
      Bcc_Enabled__c: false,
      Log_To__c: null,
      Task_Sync_Mode__c: 'SyncCompleteSkipped',
    });
    expect(input.fields).not.toHaveProperty('Email_Subject_Template__c');
    const stamp = Date.parse(String(input.fields.Task_Sync_Enabled_At__c));
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    expect(mockedUpdateRecord).not.toHaveBeenCalled();
    expect(toast).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalled();

    // The new row is remembered: saving again updates it instead of creating a second row.
    mockedUpdateRecord.mockResolvedValue(createRecordUserRow);
    await click(root, 'lightning-button.save');
    expect(mockedCreateRecord).toHaveBeenCalledTimes(1);
    expect(mockedUpdateRecord.mock.calls[0]![0].fields.Id).toBe('a01RT00000USR02AAA');
  });

  it('updates the existing row without restamping when sync stays on', async () => {
    mockedUpdateRecord.mockResolvedValue(createRecordUserRow);
    const { root } = await mount();

    await change(root, 'Log_To__c', { value: 'ContactsOnly' });
    await change(root, 'Duplicate_Rule__c', { value: 'AllMatching' });
    await change(root, 'Task_Sync_Mode__c', { value: 'SyncDeleteSkipped' });
    await click(root, 'lightning-button.save');

    expect(mockedUpdateRecord).toHaveBeenCalledTimes(1);
    const { fields } = mockedUpdateRecord.mock.calls[0]![0];
    expect(fields).toMatchObject({
      Id: 'a01RT00000USR01AAA',
      Log_To__c: 'ContactsOnly',
      Duplicate_Rule__c: 'AllMatching',
      No_Match_Rule__c: null,
      Task_Sync_Mode__c: 'SyncDeleteSkipped',
    });
    expect(fields).not.toHaveProperty('Task_Sync_Enabled_At__c');
    expect(mockedCreateRecord).not.toHaveBeenCalled();
  });

  it('stamps Task_Sync_Enabled_At__c when an existing row switches sync on', async () => {
    mockedUpdateRecord.mockResolvedValue(createRecordUserRow);
    const data = JSON.parse(JSON.stringify(settingsOrgAndUser)) as Data;
    (data.uiapi.query.SIA_Sync_Setting__c.edges[1]!.node as Record<string, unknown>).Task_Sync_Mode__c = {
      value: 'DoNotSync',
    };
    const { root } = await mount(data);

    await change(root, 'Task_Sync_Mode__c', { value: 'SyncCompleteSkipped' });
    await click(root, 'lightning-button.save');

    const { fields } = mockedUpdateRecord.mock.calls[0]![0];
    expect(typeof fields.Task_Sync_Enabled_At__c).toBe('string');
    expect(Number.isNaN(Date.parse(String(fields.Task_Sync_Enabled_At__c)))).toBe(false);
  });

  it('validates before saving: one message per field, on the field and in the alert by Save', async () => {
    const { root } = await mount();
    const shown = watchCustomValidity(root);

    // Activate BCC with no address.
    await click(root, 'lightning-button.bcc-toggle');

    expect(mockedUpdateRecord).not.toHaveBeenCalled();
    expect(shown.get('Bcc_Address__c')).toBe('Enter your Email to Salesforce address to log emails by BCC.');
    const summary = root.querySelector('.field-error-summary')!;
    expect(summary.getAttribute('role')).toBe('alert');
    expect(summaryText(root)).toEqual([
      'Not saved. Check these settings:',
      'Email to Salesforce address: Enter your Email to Salesforce address to log emails by BCC.',
    ]);
    // It did not activate: the status says what is saved, and the button still offers Activate.
    expect(root.querySelector('.bcc-status')!.textContent).toBe('Email to Salesforce (BCC) is not active.');
    expect((root.querySelector('lightning-button.bcc-toggle') as HTMLElement & { label: string }).label).toBe(
      'Activate',
    );
    // The field is on the BCC tab, which opens.
    expect(
      (root.querySelector('lightning-tabset') as HTMLElement & { activeTabValue: string }).activeTabValue,
    ).toBe('bcc');

    // Fixing the field clears its message; a malformed address gets its own.
    await change(root, 'Bcc_Address__c', { value: 'me@' });
    expect(shown.get('Bcc_Address__c')).toBe('');
    expect(summaryText(root)).toBeNull();
    await click(root, 'lightning-button.save');
    expect(shown.get('Bcc_Address__c')).toBe('Enter an email address like name@example.com.');
    expect(mockedUpdateRecord).not.toHaveBeenCalled();
  });

  it('gives the email field the same words for its own format check', async () => {
    const { root } = await mount();
    expect(control(root, 'Bcc_Address__c').messageWhenTypeMismatch).toBe(
      'Enter an email address like name@example.com.',
    );
  });

  it('activates BCC only when the save succeeds', async () => {
    mockedUpdateRecord.mockRejectedValue(updateRecordErrors);
    const { root } = await mount();
    await change(root, 'Bcc_Address__c', { value: 'emailtosalesforce@1a2b.x-3c4d.na1.le.salesforce.com' });
    await click(root, 'lightning-button.bcc-toggle');
    expect(mockedUpdateRecord).toHaveBeenCalledTimes(1);
    expect(root.querySelector('.bcc-status')!.textContent).toBe('Email to Salesforce (BCC) is not active.');
    expect((root.querySelector('lightning-button.bcc-toggle') as HTMLElement & { label: string }).label).toBe(
      'Activate',
    );
  });

  it('activates BCC with a valid address, switching API logging off on the same row', async () => {
    mockedUpdateRecord.mockResolvedValue(createRecordUserRow);
    const { root } = await mount();
    expect(root.querySelector('.bcc-status')!.textContent).toBe('Email to Salesforce (BCC) is not active.');

    await change(root, 'Bcc_Address__c', { value: 'emailtosalesforce@1a2b.x-3c4d.na1.le.salesforce.com' });
    await click(root, 'lightning-button.bcc-toggle');

    expect(mockedUpdateRecord.mock.calls[0]![0].fields).toMatchObject({
      Bcc_Enabled__c: true,
      Bcc_Address__c: 'emailtosalesforce@1a2b.x-3c4d.na1.le.salesforce.com',
      Log_Email_Via_Api__c: false,
    });
    expect(root.querySelector('.bcc-status')!.textContent).toBe('Email to Salesforce (BCC) is active.');
    expect((root.querySelector('lightning-button.bcc-toggle') as HTMLElement & { label: string }).label).toBe(
      'Deactivate',
    );
  });

  it('shows platform save errors field by field, and record-level ones in the error panel', async () => {
    mockedUpdateRecord.mockRejectedValue(updateRecordErrors);
    const { root } = await mount();

    const shown = watchCustomValidity(root);
    await change(root, 'Log_Replies__c', { checked: true });
    await click(root, 'lightning-button.save');

    expect(shown.get('Bcc_Address__c')).toBe(
      'Enter your Email to Salesforce address to activate BCC logging.',
    );
    const panel = root.querySelector('c-sia-error-panel.save-error') as HTMLElement & { errors: unknown };
    expect(panel).not.toBeNull();
    expect(panel.errors).toEqual([
      'An error occurred while trying to update the record. Please try again.',
      'You can only change your own SIA Sync settings.',
    ]);
    // The form stays editable for another try.
    expect(control(root, 'Log_Replies__c').disabled).toBe(false);
  });

  it('shows a load error when the query fails', async () => {
    const element = createElement('c-sia-sync-settings', { is: SiaSyncSettings });
    document.body.appendChild(element);
    graphqlAdapter.emitErrors(graphqlFieldNotVisible);
    await flushPromises();

    const root = element.shadowRoot!;
    const panel = root.querySelector('c-sia-error-panel') as HTMLElement & {
      errors: unknown;
      friendlyMessage: string;
    };
    expect(panel.friendlyMessage).toBe('SIA Sync settings could not be loaded');
    expect(panel.errors).toEqual(graphqlFieldNotVisible);
    expect(root.querySelector('[data-field]')).toBeNull();
    expect(root.querySelector('lightning-spinner')).toBeNull();
  });

  it("applies the admin's team override: API/BCC choice locked, notice shown", async () => {
    const { root } = await mount(withOrgRow(settingsOrgAndUser, { Team_Logging_Override__c: 'BccOnly' }));

    expect(root.querySelector('.team-override-notice')!.textContent).toMatch(
      /by Email to Salesforce \(BCC\)/,
    );
    expect(control(root, 'Log_Email_Via_Api__c').disabled).toBe(true);
    expect(inEffect(root, 'Log_Email_Via_Api__c')).toBe(
      'In effect: Off (set for the whole team by your admin)',
    );
    expect(root.querySelector('.email-logging-summary')!.textContent).toMatch(/by BCC/);
  });

  it('explains that the team override beats the user’s own choice, and a forced BCC needs an address', async () => {
    const forced = withOrgRow(settingsOrgAndUser, { Team_Logging_Override__c: 'BccOnly' });
    const { root } = await mount(forced);
    expect(root.querySelector('.team-override-notice')!.textContent).toMatch(
      /Your own choice between the API and BCC does not apply/,
    );
    expect(root.querySelector('.email-logging-summary')!.textContent).toMatch(
      /no Email to Salesforce address is set/,
    );
    resetDom();

    const withAddress = JSON.parse(JSON.stringify(forced)) as typeof forced;
    const userRow = withAddress.uiapi.query.SIA_Sync_Setting__c.edges[1]!.node as Record<string, unknown>;
    userRow.Bcc_Address__c = { value: 'emailtosalesforce@rep.example' };
    const mounted = await mount(withAddress);
    expect(mounted.root.querySelector('.email-logging-summary')!.textContent).toBe(
      'Emails are logged to Salesforce by BCC to your Email to Salesforce address.',
    );

    resetDom();
    const api = await mount(withOrgRow(settingsOrgAndUser, { Team_Logging_Override__c: 'ApiOnly' }));
    expect(api.root.querySelector('.team-override-notice')!.textContent).toMatch(
      /through the Salesforce API/,
    );
    expect(api.root.querySelector('.email-logging-summary')!.textContent).toMatch(/through the API/);
  });

  it('keeps Log replies disabled until API logging is on', async () => {
    const { root } = await mount();
    expect(control(root, 'Log_Replies__c').disabled).toBe(false);
    await change(root, 'Log_Email_Via_Api__c', { checked: false });
    expect(control(root, 'Log_Replies__c').disabled).toBe(true);
  });

  it('cancel puts back the saved values', async () => {
    const { root } = await mount();
    await change(root, 'Log_To__c', { value: 'ContactsOnly' });
    expect(control(root, 'Log_To__c').value).toBe('ContactsOnly');
    await click(root, 'lightning-button.cancel');
    expect(control(root, 'Log_To__c').value).toBe('LeadsOnly');
  });

  it('is accessible', async () => {
    const { element } = await mount();
    await expect(element).toBeAccessible();
  });
});
