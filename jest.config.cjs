// LWC unit tests: sfdx-lwc-jest's preset (it compiles .ts components and tests with the LWC compiler).
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/jest/setup.cjs'],
  // tsc writes x.js beside x.ts; Jest must only ever load the TypeScript source.
  moduleNameMapper: {
    '^sia-test-utils$': '<rootDir>/jest/lwc-test-utils.ts',
    '^@salesforce/user/Id$': '<rootDir>/jest/salesforce-user-id.cjs',
  },
  modulePathIgnorePatterns: ['<rootDir>/.sf', '<rootDir>/node_modules'],
};
