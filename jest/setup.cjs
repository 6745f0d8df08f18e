// Shared LWC test set-up: accessibility matchers (toBeAccessible) from sa11y, with Salesforce's base rule set.
const { registerSa11yMatcher } = require('@sa11y/jest');

registerSa11yMatcher();
