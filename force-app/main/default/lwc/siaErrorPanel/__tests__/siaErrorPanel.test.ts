import { createElement, type LightningHTMLElement } from 'lwc';
import SiaErrorPanel from 'c/siaErrorPanel';
import { flushPromises, resetDom } from 'sia-test-utils';
import updateRecordFieldError from './data/updateRecordFieldError.json';

function mount(
  props: Partial<Pick<SiaErrorPanel, 'errors' | 'friendlyMessage'>>,
): LightningHTMLElement<SiaErrorPanel> {
  const element = createElement('c-sia-error-panel', { is: SiaErrorPanel });
  Object.assign(element, props);
  document.body.appendChild(element);
  return element;
}

describe('c-sia-error-panel', () => {
  afterEach(resetDom);

  it('renders the heading and every message of a UI API save error', async () => {
    const element = mount({ friendlyMessage: 'Settings were not saved', errors: updateRecordFieldError });
    await flushPromises();

    const root = element.shadowRoot!;
    expect(root.querySelector('h2')!.textContent).toBe('Settings were not saved');
    const items = [...root.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toEqual([
      'An error occurred while trying to update the record. Please try again.',
      'Only SIA Sync admins can change the admin settings.',
      'Enter a valid BCC address, such as emailtosalesforce@example.com.',
    ]);
    expect(root.querySelector('[role="alert"]')).not.toBeNull();
  });

  it('shows only the heading when the error carries no message', async () => {
    const element = mount({ errors: undefined });
    await flushPromises();

    expect(element.shadowRoot!.querySelector('h2')!.textContent).toBe('An error occurred');
    expect(element.shadowRoot!.querySelector('ul')).toBeNull();
  });

  it('is accessible', async () => {
    const element = mount({ errors: new Error('Request failed') });
    await flushPromises();

    await expect(element).toBeAccessible();
  });
});
