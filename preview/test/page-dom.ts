// The little of the DOM that functions run inside the page (page.evaluate) touch, typed for the
// Node-side typecheck, which has no DOM library. Types only: a function sent to the page can use no
// value from this module, so each reaches the page's document through globalThis.

export interface PageElement {
  tagName: string;
  textContent: string | null;
  shadowRoot: { activeElement: PageElement | null } | null;
  labels?: ArrayLike<{ textContent: string | null }> | null;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  cloneNode(deep: boolean): PageElement;
  querySelectorAll(selector: string): Iterable<PageElement>;
  remove(): void;
}

export interface PageDocument {
  activeElement: PageElement | null;
  body: PageElement;
}

/** Inside a page function: `(globalThis as unknown as PageGlobals).document`. */
export interface PageGlobals {
  document: PageDocument;
}
