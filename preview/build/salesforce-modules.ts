// The @salesforce/* scoped modules, generated per import as the platform does:
// @salesforce/schema/<Object>[.<Field>] references, and the running user's facts
// (@salesforce/user/Id, @salesforce/i18n/*, @salesforce/customPermission/*) read from the
// preview session the server describes.
import type { Plugin } from 'rollup';
import { join } from 'node:path';
import { ROOT } from './lwc-modules.ts';

const PREFIX = '\0salesforce:';
const SESSION = join(ROOT, 'preview', 'src', 'platform', 'session.ts');

const I18N_KEYS: Readonly<Record<string, string>> = {
  timeZone: 'timeZone',
  locale: 'locale',
  lang: 'language',
  currency: 'currency',
};

function schemaModule(reference: string): string {
  const [objectApiName, ...field] = reference.split('.');
  if (!objectApiName) throw new Error(`@salesforce/schema/${reference}: no object named`);
  const value = field.length === 0 ? { objectApiName } : { objectApiName, fieldApiName: field.join('.') };
  return `export default ${JSON.stringify(value)};`;
}

function sessionModule(expression: string): string {
  return `import { session } from ${JSON.stringify(SESSION)};\nexport default ${expression};`;
}

export function moduleSource(specifier: string): string | undefined {
  const [, scope, ...rest] = specifier.split('/');
  const name = rest.join('/');
  switch (scope) {
    case 'schema':
      return schemaModule(name);
    case 'user':
      if (name === 'Id') return sessionModule('session.userId');
      if (name === 'isGuest') return 'export default false;';
      return undefined;
    case 'i18n': {
      const key = I18N_KEYS[name];
      return key === undefined ? undefined : sessionModule(`session.${key}`);
    }
    case 'customPermission':
      // The platform's contract: true when the user holds it, otherwise undefined.
      return sessionModule(`session.customPermissions.includes(${JSON.stringify(name)}) ? true : undefined`);
    default:
      return undefined;
  }
}

export function salesforceModules(): Plugin {
  return {
    name: 'salesforce-scoped-modules',
    resolveId(source, importer) {
      // lightning-base-components maps its own @salesforce/* imports (gates, labels) to stubs.
      if (!source.startsWith('@salesforce/') || importer?.includes('node_modules') === true) return null;
      if (moduleSource(source) === undefined) this.error(`the preview does not provide ${source}`);
      return PREFIX + source;
    },
    load(id) {
      return id.startsWith(PREFIX) ? (moduleSource(id.slice(PREFIX.length)) ?? null) : null;
    },
  };
}
