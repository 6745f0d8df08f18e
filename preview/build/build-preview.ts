// Builds the preview (npm run build:preview): one LWC OSS bundle per side, written to preview/dist/.
// TypeScript sources (force-app components and the preview's own) are stripped of their types by
// Node's own stripper, so the build reads the .ts files as they are, without a tsc step first.
import { stripTypeScriptTypes } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lwc from '@lwc/rollup-plugin';
import { rollup, type Plugin, type RollupLog } from 'rollup';
import { ROOT, forceAppModules, hasTemplate, platformModules, previewModules } from './lwc-modules.ts';
import { salesforceModules } from './salesforce-modules.ts';

export const DIST_DIR = join(ROOT, 'preview', 'dist');
/** The pages: the Salesforce side (Lightning Experience) and the SIA side (Command Center). */
export const ENTRIES = {
  salesforce: join(ROOT, 'preview', 'src', 'salesforce-main.ts'),
  sia: join(ROOT, 'preview', 'src', 'sia-main.ts'),
} as const;

const OPTIONAL_PAGES_ID = '\0preview:optional-components';

function stripTypes(): Plugin {
  return {
    name: 'strip-typescript-types',
    transform(code, id) {
      // Alias modules carry the specifier as a query (`x.ts?specifier=c%2Fname`).
      const file = id.split('?', 1)[0] ?? id;
      if (!file.endsWith('.ts') || file.includes('node_modules') || id.startsWith('\0')) return null;
      return { code: stripTypeScriptTypes(code, { mode: 'strip' }), map: null };
    },
  };
}

/**
 * Build-time constants: the engine reads process.env.NODE_ENV, and lightning-base-components
 * branch on import.meta.env.SSR (a Vite convention); this bundle runs in the browser.
 */
function browserConstants(): Plugin {
  const constants: [RegExp, string][] = [
    [/\bprocess\.env\.NODE_ENV\b/g, JSON.stringify('production')],
    [/\bimport\.meta\.env\.SSR\b/g, 'false'],
  ];
  return {
    name: 'browser-constants',
    transform(code) {
      if (!code.includes('process.env.NODE_ENV') && !code.includes('import.meta.env.SSR')) return null;
      return {
        code: constants.reduce((text, [pattern, value]) => text.replace(pattern, value), code),
        map: null,
      };
    },
  };
}

/** Components that may not have landed in force-app yet; a page shows them only when present. */
function optionalComponents(): Plugin {
  return {
    name: 'optional-components',
    resolveId: (source) => (source === 'preview/optional-components' ? OPTIONAL_PAGES_ID : null),
    load(id) {
      if (id !== OPTIONAL_PAGES_ID) return null;
      return hasTemplate('siaSyncHealth')
        ? "export { default as syncHealth } from 'c/siaSyncHealth';"
        : 'export const syncHealth = null;';
    },
  };
}

export interface BuildResult {
  files: string[];
  warnings: string[];
}

export async function buildPreview(): Promise<BuildResult> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: ENTRIES,
    onwarn(warning: RollupLog) {
      // Base components compare against `this` at module scope in a few helpers.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      // Template warnings inside lightning-base-components are theirs to fix, not ours.
      if (warning.id?.includes('node_modules') === true) return;
      warnings.push(warning.message);
    },
    plugins: [
      stripTypes(),
      salesforceModules(),
      optionalComponents(),
      browserConstants(),
      lwc({
        rootDir: join(ROOT, 'preview', 'src'),
        enableDynamicComponents: true,
        // lightning-combobox attaches ElementInternals; base components run on synthetic shadow.
        enableSyntheticElementInternals: true,
        modules: [
          ...platformModules(),
          ...forceAppModules(),
          ...previewModules(),
          { npm: 'lightning-base-components' },
        ],
      }),
    ],
  });
  rmSync(DIST_DIR, { recursive: true, force: true });
  mkdirSync(DIST_DIR, { recursive: true });
  const { output } = await bundle.write({
    dir: DIST_DIR,
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
  });
  await bundle.close();
  const files = output.map((chunk) => chunk.fileName);
  writeFileSync(
    join(DIST_DIR, 'build.json'),
    `${JSON.stringify({ builtAt: new Date().toISOString(), files }, null, 2)}\n`,
  );
  return { files, warnings };
}

if (import.meta.filename === process.argv[1]) {
  const started = Date.now();
  const { files, warnings } = await buildPreview();
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  console.log(
    `preview built in ${Date.now() - started} ms: ${files.map((f) => `preview/dist/${f}`).join(', ')}`,
  );
}
