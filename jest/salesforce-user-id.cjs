// @salesforce/user/Id in the LWC tests. sfdx-lwc-jest's own stub is '005000000000000000', which is
// not a Salesforce Id (a '0' suffix character would mark a digit as upper case), so Id comparisons
// (c/siaSalesforceId) rightly never match it. A real org hands the component an 18-character Id
// with its case-safe suffix, as this one is.
module.exports = { __esModule: true, default: '005000000000000AAA' };
