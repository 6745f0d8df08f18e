// The caret block of positioned errors, checked against error bodies Salesforce actually returned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionedMessage, scanTokens, unexpectedTokenOffset } from './query-text.ts';

describe('positioned error messages', () => {
  it('echo a short query whole, with the caret under the column', () => {
    assert.equal(
      positionedMessage('SELECT Id FROM Foo', 15, 'reason'),
      '\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nreason',
    );
  });

  it('cut a long line to whole tokens up to 35 characters past the error', () => {
    // Salesforce CLI output for this query ended the echo at "FlowDefinition", column 12.
    const soql = "SELECT Id, ApiName, Status FROM FlowDefinition WHERE ApiName IN ('AGENT_SearchAccounts')";
    assert.equal(
      positionedMessage(soql, 11, 'reason'),
      '\nSELECT Id, ApiName, Status FROM FlowDefinition\n           ^\nERROR at Row:1:Column:12\nreason',
    );
    // An org-verified body: "SELECT Id, DepProbeField__c FROM Account LIMIT\n           ^\nERROR at Row:1:Column:12".
    assert.equal(
      positionedMessage('SELECT Id, DepProbeField__c FROM Account LIMIT 1', 11, 'reason'),
      '\nSELECT Id, DepProbeField__c FROM Account LIMIT\n           ^\nERROR at Row:1:Column:12\nreason',
    );
  });

  it('start the echo at the first whole token at most 43 characters before the error', () => {
    // From a real body: "... ERROR at Row:3:Column:61 unexpected token: OR", echo starting at the id literal.
    const soql =
      "SELECT Id, Email, Name\nFROM Contact\nWHERE AccountId = '0014000000p6XlS' AND LastName LIKE 'test' OR email LIKE 'test'";
    const or = soql.indexOf(' OR ') + 1;
    const message = positionedMessage(soql, unexpectedTokenOffset(soql, or), "unexpected token: 'OR'");
    assert.equal(
      message,
      "\n'0014000000p6XlS' AND LastName LIKE 'test' OR email LIKE 'test'\n" +
        `${' '.repeat(42)}^\nERROR at Row:3:Column:61\nunexpected token: 'OR'`,
    );
  });
});

describe('scanTokens', () => {
  it('keeps quoted strings (with escapes), dotted paths and datetimes whole', () => {
    const tokens = scanTokens("Who.Name = 'it\\'s' AND CreatedDate > 2026-01-01T00:00:00+05:30");
    assert.deepEqual(
      tokens.map((token) => token.text),
      ['Who.Name', '=', "'it\\'s'", 'AND', 'CreatedDate', '>', '2026-01-01T00:00:00+05:30'],
    );
  });
});
