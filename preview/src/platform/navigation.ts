// lightning/navigation for the preview: NavigationMixin's Navigate and GenerateUrl over the
// preview's own routes (#/r/<objectApiName>/<recordId>, #/n/<apiName>), and CurrentPageReference.
import { RequestWireAdapter } from './wire-adapter.ts';

export interface PageReference {
  type: string;
  attributes?: Record<string, unknown>;
  state?: Record<string, unknown>;
}

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

function text(value: unknown): string {
  return typeof value === 'string' ? encodeURIComponent(value) : '';
}

/** The preview URL of a page reference; pages the preview has no route for go to its home. */
export function urlOf(pageReference: PageReference): string {
  const attributes = pageReference.attributes ?? {};
  switch (pageReference.type) {
    case 'standard__recordPage':
      return `#/r/${text(attributes.objectApiName) || 'record'}/${text(attributes.recordId)}`;
    case 'standard__navItemPage':
      return `#/n/${text(attributes.apiName)}`;
    case 'standard__objectPage':
      return `#/o/${text(attributes.objectApiName)}`;
    default:
      return '#/';
  }
}

/** The page reference the current preview URL stands for. */
export function currentPageReference(): PageReference {
  const [kind = '', first = '', second = ''] = window.location.hash.replace(/^#\/?/, '').split('/');
  const decode = (part: string): string => decodeURIComponent(part);
  if (kind === 'r')
    return {
      type: 'standard__recordPage',
      attributes: { objectApiName: decode(first), recordId: decode(second), actionName: 'view' },
    };
  if (kind === 'n') return { type: 'standard__navItemPage', attributes: { apiName: decode(first) } };
  if (kind === 'o')
    return { type: 'standard__objectPage', attributes: { objectApiName: decode(first), actionName: 'home' } };
  return { type: 'standard__namedPage', attributes: { pageName: 'home' } };
}

// TypeScript's rule for mixins: the base's constructor takes `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

function NavigationMixinFunction<TBase extends Constructor>(Base: TBase) {
  return class extends Base {
    [Navigate](pageReference: PageReference, replace?: boolean): void {
      const url = urlOf(pageReference);
      if (replace === true) window.location.replace(url);
      else window.location.assign(url);
    }

    [GenerateUrl](pageReference: PageReference): Promise<string> {
      return Promise.resolve(urlOf(pageReference));
    }
  };
}

export const NavigationMixin = Object.assign(NavigationMixinFunction, { Navigate, GenerateUrl });

const pageWires = new Set<CurrentPageReferenceAdapter>();
window.addEventListener('hashchange', () => {
  for (const wire of pageWires) void wire.refetch();
});

class CurrentPageReferenceAdapter extends RequestWireAdapter {
  override connect(): void {
    pageWires.add(this);
    super.update({});
    super.connect();
  }

  override disconnect(): void {
    pageWires.delete(this);
    super.disconnect();
  }

  protected load(): Promise<unknown> {
    return Promise.resolve(currentPageReference());
  }

  /** CurrentPageReference emits the page reference itself, not `{ data, error }`. */
  protected override result(data: unknown): unknown {
    return data;
  }
}

export const CurrentPageReference = CurrentPageReferenceAdapter;
