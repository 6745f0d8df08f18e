import { createElement } from 'lwc';
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
import settingsNone from './data/settingsNone.json';
import createRecordUserRow from './data/createRecordUserRow.json';

// An SIA Sync admin: holds the SIA_Sync_Admin custom permission.
jest.mock('@salesforce/customPermission/SIA_Sync_Admin', () => ({ __esModule: true, default: true }), {
  virtual: true,
});

const graphqlAdapter = asTestWireAdapter<GraphQLTestWireAdapter>(graphql);
const mockedCreateRecord = jest.mocked(createRecord);
const mockedUpdateRecord = jest.mocked(updateRecord);

/** Admins land on Admin settings. */
async function mountAdmin(data: unknown) {
  const element = createElement('c-sia-sync-settings', { is: SiaSyncSettings });
  document.body.appendChild(element);
  graphqlAdapter.emit(data, undefined, jest.fn().mockResolvedValue(undefined));
  await flushPromises();
  return { element, root: element.shadowRoot! };
}

function control(root: ShadowRoot, field: string): HTMLElement & Record<string, unknown> {
  const found = root.querySelector<HTMLElement>(`[data-field="${field}"]`);
  if (!found) throw new Error(`no control for ${field}`);
  return found as HTMLElement & Record<string, unknown>;
}

async function change(
  root: ShadowRoot,
  field: string,
  detail: { value?: unknown; checked?: boolean },
): Promise<void> {
  control(root, field).dispatchEvent(new CustomEvent('change', { detail }));
  await flushPromises();
}

async function save(root: ShadowRoot): Promise<void> {
  root.querySelector('lightning-button.save')!.dispatchEvent(new CustomEvent('click'));
  await flushPromises();
}

describe('c-sia-sync-settings (Admin settings)', () => {
  afterEach(() => {
    resetDom();
    jest.clearAllMocks();
  });

  it('opens on Admin settings and lets admins switch to My account', async () => {
    const { root } = await mountAdmin(settingsOrgAndUser);
    const picker = root.querySelector('lightning-radio-group.scope-picker') as HTMLElement & {
      value: string;
      options: { label: string }[];
    };
    expect(picker.options.map((o) => o.label)).toEqual(['Admin settings', 'My account']);
    expect(picker.value).toBe('org');
    expect(root.querySelector('.scope-title')!.textContent).toBe('Admin settings');

    picker.dispatchEvent(new CustomEvent('change', { detail: { value: 'user' } }));
    await flushPromises();
    expect(root.querySelector('.scope-title')!.textContent).toBe('My account');
    expect(control(root, 'Log_To__c').value).toBe('LeadsOnly');
  });

  it('shows every blank org setting with the value that applies, so each choice has a selection', async () => {
    const { root } = await mountAdmin(settingsNone);
    expect(control(root, 'Team_Logging_Override__c').value).toBe('None');
    expect(control(root, 'Log_To__c').value).toBe('LeadsAndContacts');
    expect(control(root, 'Task_Sync_Mode__c').value).toBe('DoNotSync');
    expect(control(root, 'Task_Subject_Template__c').value).toBe('{{activity_subject}}');
    expect(control(root, 'Call_Subject_Template__c').value).toBe('{{activity_type}}: {{activity_subject}}');
    expect(control(root, 'Api_Budget_Percent__c').value).toBe('50');
    expect(control(root, 'Bcc_Address__c').value).toBe('');
  });

  it('shows the org row with the admin-only sections in SIA order', async () => {
    const { root } = await mountAdmin(settingsOrgAndUser);

    expect(root.querySelector('.scope-title')!.textContent).toBe('Admin settings');
    const sections = [...root.querySelectorAll('section h3')].map((h) => h.textContent);
    expect(sections).toEqual([
      'Log email activity to Salesforce',
      'Sync tasks/reminders to Salesforce tasks',
      'Activity details customization',
      'Sync service',
    ]);
    expect(control(root, 'Team_Logging_Override__c').value).toBe('None');
    expect(control(root, 'Email_Subject_Template__c').value).toBe('[SIA] {{activity_subject}}');
    expect(control(root, 'Api_Budget_Percent__c').value).toBe('40');
    // The org row's own values, with no "org default" choice on the org row itself.
    const options = control(root, 'Log_To__c').options as { value: string }[];
    expect(options.map((o) => o.value)).toEqual(['LeadsAndContacts', 'ContactsOnly', 'LeadsOnly']);
    const previews = [...root.querySelectorAll('.template-preview')].map((p) => p.textContent);
    expect(previews).toEqual([
      'Connect about the renewal',
      '[SIA] Quick question about your Q3 plans',
      'Call: Answered',
    ]);
  });

  it('previews edits live and warns about unknown dynamic fields', async () => {
    const { root } = await mountAdmin(settingsOrgAndUser);
    await change(root, 'Call_Subject_Template__c', { value: '{{activity_type}} - {{sales_campaign}}' });
    expect(root.querySelectorAll('.template-preview')[2]!.textContent).toBe('Call - {{sales_campaign}}');
    expect(root.querySelector('.template-warning')!.textContent).toBe(
      'Unknown dynamic field: {{sales_campaign}}',
    );
  });

  it('validates templates and the API budget before saving the org row', async () => {
    const { root } = await mountAdmin(settingsOrgAndUser);
    const shown = watchCustomValidity(root);
    await change(root, 'Email_Subject_Template__c', { value: 'Line one\nline two' });
    await change(root, 'Task_Subject_Template__c', { value: 'x'.repeat(256) });
    await change(root, 'Api_Budget_Percent__c', { value: '150' });
    await save(root);

    expect(mockedUpdateRecord).not.toHaveBeenCalled();
    expect(shown.get('Email_Subject_Template__c')).toBe(
      'Remove the line breaks: a Salesforce task subject is one line.',
    );
    expect(shown.get('Task_Subject_Template__c')).toBe('Shorten it to 255 characters; it has 256.');
    expect(shown.get('Api_Budget_Percent__c')).toBe('Enter a whole number from 1 to 100.');
    // In the order of the screen, each naming its field.
    const items = [...root.querySelectorAll('.field-error-summary li')].map((li) => li.textContent);
    expect(items).toEqual([
      'Reminder task subject (InMail and other reminders): Shorten it to 255 characters; it has 256.',
      'Email activity subject: Remove the line breaks: a Salesforce task subject is one line.',
      'API budget (% of the daily allowance): Enter a whole number from 1 to 100.',
    ]);
    // The number field's own range checks use the same words.
    expect(control(root, 'Api_Budget_Percent__c').messageWhenRangeOverflow).toBe(
      'Enter a whole number from 1 to 100.',
    );
  });

  it('updates the org row with every org setting and stamps it when sync is switched on', async () => {
    mockedUpdateRecord.mockResolvedValue(createRecordUserRow);
    const { root } = await mountAdmin(settingsOrgAndUser);

    await change(root, 'Team_Logging_Override__c', { value: 'ApiOnly' });
    await change(root, 'Api_Budget_Percent__c', { value: '25' });
    await change(root, 'Task_Sync_Mode__c', { value: 'SyncDeleteSkipped' });
    await save(root);

    expect(mockedUpdateRecord).toHaveBeenCalledTimes(1);
    const { fields } = mockedUpdateRecord.mock.calls[0]![0];
    expect(fields).toMatchObject({
      Id: 'a01RT00000ORG01AAA',
      Team_Logging_Override__c: 'ApiOnly',
      Api_Budget_Percent__c: 25,
      Task_Sync_Mode__c: 'SyncDeleteSkipped',
      Email_Subject_Template__c: '[SIA] {{activity_subject}}',
      Log_To__c: 'LeadsAndContacts',
    });
    expect(typeof fields.Task_Sync_Enabled_At__c).toBe('string');
    expect(fields).not.toHaveProperty('Scope_Key__c');
  });

  it('creates the org row, with the built-in defaults, when none exists', async () => {
    mockedCreateRecord.mockResolvedValue({ ...createRecordUserRow, id: 'a01RT00000ORG02AAA' });
    const { root } = await mountAdmin(settingsNone);
    expect(root.querySelector('.row-status')!.textContent).toMatch(/No admin settings are saved yet/);
    expect(control(root, 'Task_Sync_Mode__c').value).toBe('DoNotSync');

    await save(root);

    expect(mockedCreateRecord).toHaveBeenCalledTimes(1);
    const input = mockedCreateRecord.mock.calls[0]![0];
    expect(input.fields).toMatchObject({
      Scope_Key__c: 'ORG',
      Task_Sync_Mode__c: 'DoNotSync',
      Team_Logging_Override__c: 'None',
      Task_Subject_Template__c: '{{activity_subject}}',
      Api_Budget_Percent__c: 50,
    });
    expect(input.fields).not.toHaveProperty('User__c');
    expect(input.fields).not.toHaveProperty('Task_Sync_Enabled_At__c');
  });

  it('is accessible on the admin screen', async () => {
    const { element } = await mountAdmin(settingsOrgAndUser);
    await expect(element).toBeAccessible();
  });
});
