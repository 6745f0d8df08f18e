// Helpers every LWC test shares, so DOM reset and promise flushing are not copied into each file.

/** Wait for pending promises and the re-render they trigger. */
export async function flushPromises(): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Remove every element a test mounted. */
export function resetDom(): void {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
}

type ConfigFilter = (config: Record<string, unknown>) => boolean;

/** The test-only surface of sfdx-lwc-jest's wire adapter stubs (@salesforce/wire-service-jest-util). */
export interface TestWireAdapter {
  emit(value: unknown, filterFn?: ConfigFilter): void;
  getLastConfig(): Record<string, unknown>;
}

/** LDS adapters (getRecord, getPicklistValues, ...): emit(data) or error(body, status, statusText). */
export interface LdsTestWireAdapter extends TestWireAdapter {
  error(body?: unknown, status?: number, statusText?: string): void;
}

/** lightning/graphql: emit(data) / emitErrors(errors), each optionally with the result's refresh(). */
export interface GraphQLTestWireAdapter {
  emit(data: unknown, filterFn?: ConfigFilter, refreshFn?: () => Promise<void>): void;
  emitErrors(errors: unknown, filterFn?: ConfigFilter, refreshFn?: () => Promise<void>): void;
  getLastConfig(): Record<string, unknown>;
}

/** A platform wire adapter import seen through its test stub's surface. */
export function asTestWireAdapter<T extends TestWireAdapter | GraphQLTestWireAdapter>(adapter: unknown): T {
  return adapter as T;
}

/** A base component that validates (lightning-input, lightning-radio-group, ...), as tests call it. */
interface Validating extends HTMLElement {
  setCustomValidity(message: string): void;
  reportValidity(): boolean;
}

/**
 * The message a component gives each of its validated controls through setCustomValidity (the base
 * components' stubs render nothing): `data-field` → the last message, '' once cleared. Watches the
 * controls rendered when it is called.
 */
export function watchCustomValidity(root: ShadowRoot): Map<string, string> {
  const messages = new Map<string, string>();
  for (const control of root.querySelectorAll<Validating>('[data-field]')) {
    const field = control.dataset.field ?? '';
    Object.defineProperty(control, 'setCustomValidity', {
      configurable: true,
      value: (message: string) => messages.set(field, message),
    });
  }
  return messages;
}
