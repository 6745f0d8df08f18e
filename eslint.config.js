// ESLint flat config: Salesforce's LWC rules (TypeScript variant) for components, typescript-eslint with
// type information for the Node parts (service, emulator, scripts, preview tooling).
import js from '@eslint/js';
import lwcConfig from '@salesforce/eslint-config-lwc';
import jestPlugin from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const lwcFiles = ['force-app/**/lwc/**/*.ts'];
const nodeFiles = ['service/**/*.ts', 'emulator/**/*.ts', 'scripts/**/*.ts', 'preview/**/*.ts'];

export default [
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      'data/**',
      '.sf/**',
      '.sfdx/**',
      'test-results/**',
      'preview/dist/**',
      // tsc output of the LWC build (git-ignored)
      'force-app/**/lwc/**/*.js',
    ],
  },
  ...lwcConfig.configs.recommendedTs.map((config) => ({ ...config, files: lwcFiles })),
  {
    // The Babel parser does not resolve TypeScript types or interfaces; tsc checks undefined and
    // unused names instead (noUnusedLocals in force-app/tsconfig.json).
    files: lwcFiles,
    rules: { 'no-undef': 'off', 'no-unused-vars': 'off' },
  },
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.ts', 'jest/**/*.ts'],
    ...jestPlugin.configs['flat/recommended'],
    languageOptions: { ...lwcConfig.configs.recommendedTs.at(-1).languageOptions, globals: globals.jest },
  },
  ...tseslint.config({
    files: nodeFiles,
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  }),
  {
    files: ['*.js', '*.cjs', 'jest/**/*.cjs'],
    ...js.configs.recommended,
    languageOptions: { globals: globals.node },
  },
];
