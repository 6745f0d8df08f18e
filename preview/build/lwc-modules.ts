// Module resolution of the preview build: the real components from force-app (c/*, no copies),
// the preview's platform adapters (lightning/*), its own page components, and the open-source
// lightning-base-components for everything else in lightning/*.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const LWC_DIR = join(ROOT, 'force-app', 'main', 'default', 'lwc');
const PLATFORM_DIR = join(ROOT, 'preview', 'src', 'platform');
const MODULES_DIR = join(ROOT, 'preview', 'src', 'modules');

export interface AliasModule {
  name: string;
  path: string;
}

/** The platform modules the components import, each implemented over the emulator's APIs. */
export const PLATFORM_MODULES: Readonly<Record<string, string>> = {
  'lightning/uiRecordApi': 'ui-record-api.ts',
  'lightning/uiObjectInfoApi': 'ui-object-info-api.ts',
  'lightning/graphql': 'graphql.ts',
  'lightning/empApi': 'emp-api.ts',
  'lightning/navigation': 'navigation.ts',
  'lightning/platformShowToastEvent': 'platform-show-toast-event.ts',
};

/** A bundle's entry: its .ts source (stripped of types by the build), else a .js one. */
function bundleEntry(dir: string, name: string): string | undefined {
  for (const extension of ['.ts', '.js']) {
    const path = join(dir, name, `${name}${extension}`);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Every bundle under `dir` (one folder per component) as `<namespace>/<folder>`. */
function bundlesIn(dir: string, namespace: string): AliasModule[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = bundleEntry(dir, entry.name);
      return path === undefined ? [] : [{ name: `${namespace}/${entry.name}`, path }];
    });
}

export function forceAppModules(): AliasModule[] {
  return bundlesIn(LWC_DIR, 'c');
}

/** The preview's own components: preview/src/modules/<namespace>/<name>/<name>.ts. */
export function previewModules(): AliasModule[] {
  if (!existsSync(MODULES_DIR)) return [];
  return readdirSync(MODULES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => bundlesIn(join(MODULES_DIR, entry.name), entry.name));
}

export function platformModules(): AliasModule[] {
  return Object.entries(PLATFORM_MODULES).map(([name, file]) => ({ name, path: join(PLATFORM_DIR, file) }));
}

/** A component is on a page only when its bundle is complete (a template beside the class). */
export function hasTemplate(name: string): boolean {
  return existsSync(join(LWC_DIR, name, `${name}.html`));
}
