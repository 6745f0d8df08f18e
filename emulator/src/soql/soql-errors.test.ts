// Queries Salesforce refuses, with the error code and the exact message it returns. Message texts are
// taken from real Salesforce error bodies (INVALID_TYPE / INVALID_FIELD wording, the caret block,
// "unexpected token: '<EOF>'", "duplicate field selected: Id", "The SOQL FIELDS function must have a
// LIMIT of at most 200", "field 'X' can not be filtered in a query call") and the Summer '24 release
// notes (mixed AND/OR, "line 1:15 unexpected token: '$'", "Invalid datetime: ..."); "invalid ID field"
// and "invalid operator on id field" come with INVALID_QUERY_FILTER_OPERATOR as orgs return them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSoql, SoqlError } from './index.ts';
import { fixtureOptions } from '../../test/soql-fixture.ts';

function refusal(soql: string): { errorCode: string; message: string } {
  try {
    runSoql(soql, fixtureOptions());
  } catch (error) {
    assert.ok(error instanceof SoqlError, `expected a SoqlError, got ${String(error)}`);
    return { errorCode: error.errorCode, message: error.message };
  }
  return assert.fail(`expected Salesforce to refuse: ${soql}`);
}

function caret(line: string, column: number, reason: string, row = 1): string {
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${reason}`;
}

const NO_SUCH_COLUMN = (column: string, entity: string): string =>
  `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure ` +
  `to append the '__c' after the custom field name. Please reference your WSDL or the describe call for ` +
  `the appropriate names.`;

describe('MALFORMED_QUERY for syntax errors', () => {
  const cases: [string, string, number, string][] = [
    // [query, echoed line, column, reason]
    ['SELECT Id, FROM Task', 'SELECT Id, FROM Task', 11, "unexpected token: 'FROM'"],
    ['SELECT Id FROM Task WHERE', 'SELECT Id FROM Task WHERE', 26, "unexpected token: '<EOF>'"],
    ['SELECT FROM Task', 'SELECT FROM Task', 7, "unexpected token: 'FROM'"],
    ['SELECT * FROM Task', 'SELECT * FROM Task', 7, "unexpected token: '*'"],
    // FORM parses as an alias of Id (Salesforce's grammar allows one), so the parser stops at Task.
    ['SELECT Id FORM Task', 'SELECT Id FORM Task', 15, "unexpected token: 'Task'"],
    ['SELECT Id FROM Task LIMIT', 'SELECT Id FROM Task LIMIT', 26, "unexpected token: '<EOF>'"],
    [
      "SELECT Id FROM Task WHERE (Subject = 'a'",
      "SELECT Id FROM Task WHERE (Subject = 'a'",
      41,
      "unexpected token: '<EOF>'",
    ],
    [
      "SELECT Id FROM Task WHERE Subject = 'a')",
      "SELECT Id FROM Task WHERE Subject = 'a')",
      40,
      "unexpected token: ')'",
    ],
    ['SELECT Id FROM Task WHERE Id IN ()', 'SELECT Id FROM Task WHERE Id IN ()', 32, "unexpected token: '('"],
  ];
  for (const [soql, line, column, reason] of cases) {
    it(`${soql} → ${reason}`, () => {
      assert.deepEqual(refusal(soql), { errorCode: 'MALFORMED_QUERY', message: caret(line, column, reason) });
    });
  }

  it('mixing AND and OR without parentheses: unexpected token at the second operator', () => {
    // The caret sits just past 'x', the token before OR; the echo keeps tokens from 43 characters before.
    const soql = "SELECT Id FROM Task WHERE IsClosed = false AND Subject = 'x' OR Subject = 'y'";
    assert.deepEqual(refusal(soql), {
      errorCode: 'MALFORMED_QUERY',
      message:
        "\nWHERE IsClosed = false AND Subject = 'x' OR Subject = 'y'\n" +
        `${' '.repeat(40)}^\nERROR at Row:1:Column:61\nunexpected token: 'OR'`,
    });
    const reversed = "SELECT Id FROM Task WHERE Subject = 'x' OR Subject = 'y' AND IsClosed = true";
    assert.equal(refusal(reversed).message.split('\n').at(-1), "unexpected token: 'AND'");
  });

  it('reports the row of a multi-line query and echoes that line', () => {
    const soql = "SELECT Id\nFROM Task\nWHERE Subject = 'a' AND\nSubject = 'b' OR Subject = 'c'";
    assert.deepEqual(refusal(soql), {
      errorCode: 'MALFORMED_QUERY',
      message: caret("Subject = 'b' OR Subject = 'c'", 14, "unexpected token: 'OR'", 4),
    });
  });

  it('a character no token starts with: "line 1:N unexpected token"', () => {
    assert.deepEqual(refusal("SELECT Id FROM Task WHERE Subject = 'a' #"), {
      errorCode: 'MALFORMED_QUERY',
      message: "line 1:40 unexpected token: '#'",
    });
  });

  it('invalid date and datetime literals', () => {
    assert.deepEqual(refusal('SELECT Id FROM Task WHERE ActivityDate > 2026-02-30'), {
      errorCode: 'MALFORMED_QUERY',
      message: caret('SELECT Id FROM Task WHERE ActivityDate > 2026-02-30', 42, 'Invalid date: 2026-02-30'),
    });
    assert.equal(
      refusal('SELECT Id FROM Task WHERE CompletedDateTime > 2020-12-12T12:12:00-25:00')
        .message.split('\n')
        .at(-1),
      'Invalid datetime: 2020-12-12T12:12:00-25:00',
    );
    assert.equal(
      refusal('SELECT Id FROM Task WHERE CompletedDateTime > 2020-52-12T12:12:00-05:00')
        .message.split('\n')
        .at(-1),
      'Invalid datetime: 2020-52-12T12:12:00-05:00',
    );
  });

  it('OFFSET beyond 2,000 rows', () => {
    assert.deepEqual(refusal('SELECT Id FROM Task OFFSET 2001'), {
      errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
      message: 'Maximum SOQL offset allowed is 2000',
    });
  });

  it('an alias on a plain field', () => {
    assert.deepEqual(refusal('SELECT Subject s FROM Task'), {
      errorCode: 'MALFORMED_QUERY',
      message: caret('SELECT Subject s FROM Task', 8, 'only aggregate expressions use field aliasing'),
    });
  });

  it('FIELDS(ALL) without a LIMIT of at most 200', () => {
    const expected = {
      errorCode: 'MALFORMED_QUERY',
      message: 'The SOQL FIELDS function must have a LIMIT of at most 200',
    };
    assert.deepEqual(refusal('SELECT FIELDS(ALL) FROM Task'), expected);
    assert.deepEqual(refusal('SELECT FIELDS(CUSTOM) FROM Task LIMIT 201'), expected);
  });
});

describe('INVALID_QUERY_FILTER_OPERATOR for filters an id field cannot take', () => {
  it('an id literal that is not an id', () => {
    assert.deepEqual(refusal("SELECT Id FROM Task WHERE Id = 'abc'"), {
      errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
      message: caret("SELECT Id FROM Task WHERE Id = 'abc'", 32, 'invalid ID field: abc'),
    });
    // The caret goes to the offending value of the list.
    assert.deepEqual(
      refusal("SELECT Id FROM Task WHERE WhatId IN ('001000000000AcM', 'Edge Communications')"),
      {
        errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
        message:
          "\nTask WHERE WhatId IN ('001000000000AcM', 'Edge Communications')\n" +
          `${' '.repeat(41)}^\nERROR at Row:1:Column:57\ninvalid ID field: Edge Communications`,
      },
    );
  });

  it('LIKE on an id field', () => {
    assert.deepEqual(refusal("SELECT Id FROM Task WHERE WhoId LIKE '003%'"), {
      errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
      message: caret("SELECT Id FROM Task WHERE WhoId LIKE '003%'", 27, 'invalid operator on id field'),
    });
  });
});

describe('INVALID_TYPE for an unknown object', () => {
  it('points at the object name', () => {
    assert.deepEqual(refusal('SELECT Id FROM Foo'), {
      errorCode: 'INVALID_TYPE',
      message:
        "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If " +
        "you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please " +
        'reference your WSDL or the describe call for the appropriate names.',
    });
  });

  it('applies to objects that cannot be queried, such as platform events', () => {
    assert.equal(refusal('SELECT Id FROM SIA_Notice__e').errorCode, 'INVALID_TYPE');
  });
});

describe('INVALID_FIELD for unknown fields and relationships', () => {
  it('an unknown column in SELECT', () => {
    assert.deepEqual(refusal('SELECT Id, Foo FROM Task'), {
      errorCode: 'INVALID_FIELD',
      message: caret('SELECT Id, Foo FROM Task', 12, NO_SUCH_COLUMN('Foo', 'Task')),
    });
  });

  it('an unknown column in WHERE and ORDER BY, and on another row', () => {
    assert.deepEqual(refusal('SELECT Id FROM Task WHERE Foo__c = 1'), {
      errorCode: 'INVALID_FIELD',
      message: caret('SELECT Id FROM Task WHERE Foo__c = 1', 27, NO_SUCH_COLUMN('Foo__c', 'Task')),
    });
    assert.deepEqual(refusal('SELECT Id FROM Task ORDER BY Bar'), {
      errorCode: 'INVALID_FIELD',
      message: caret('SELECT Id FROM Task ORDER BY Bar', 30, NO_SUCH_COLUMN('Bar', 'Task')),
    });
    assert.deepEqual(refusal('SELECT Id\nFROM Task\nWHERE Nope__c = 1'), {
      errorCode: 'INVALID_FIELD',
      message: caret('WHERE Nope__c = 1', 7, NO_SUCH_COLUMN('Nope__c', 'Task'), 3),
    });
  });

  it('an unknown relationship', () => {
    assert.deepEqual(refusal('SELECT Whoo.Name FROM Task'), {
      errorCode: 'INVALID_FIELD',
      message: caret(
        'SELECT Whoo.Name FROM Task',
        8,
        "Didn't understand relationship 'Whoo' in field path. If you are attempting to use a custom " +
          "relationship, be sure to append the '__r' after the custom relationship name. Please reference your " +
          'WSDL or the describe call for the appropriate names.',
      ),
    });
  });

  it('an unknown column through a relationship names the parent entity (Name for polymorphic ones)', () => {
    assert.equal(
      refusal('SELECT What.Foo FROM Task').message.split('\n').at(-1),
      NO_SUCH_COLUMN('Foo', 'Account'),
    );
    assert.equal(
      refusal('SELECT Who.Foo FROM Task').message.split('\n').at(-1),
      NO_SUCH_COLUMN('Foo', 'Name'),
    );
  });

  it('literals of the wrong type for the field', () => {
    const reason = (field: string, type: string, quoted: boolean): string =>
      `value of filter criterion for field '${field}' must be of type ${type} and ${quoted ? 'should' : 'should not'} be enclosed in quotes`;
    const cases: [string, number, string][] = [
      ['CompletedDateTime > 2026-01-01', 47, reason('CompletedDateTime', 'dateTime', false)],
      ['ActivityDate = 2026-01-01T00:00:00Z', 42, reason('ActivityDate', 'date', false)],
      ["ActivityDate = '2026-01-01'", 42, reason('ActivityDate', 'date', false)],
      ["IsClosed = 'true'", 38, reason('IsClosed', 'boolean', false)],
      ['Subject = 5', 37, reason('Subject', 'string', true)],
      ["CallDurationInSeconds = '5'", 51, reason('CallDurationInSeconds', 'int', false)],
    ];
    for (const [where, column, text] of cases) {
      const soql = `SELECT Id FROM Task WHERE ${where}`;
      const { errorCode, message } = refusal(soql);
      assert.equal(errorCode, 'INVALID_FIELD', soql);
      assert.equal(message.split('\n').at(-1), text, soql);
      assert.ok(message.includes(`ERROR at Row:1:Column:${column}\n`), `${soql}: ${message}`);
    }
  });

  it('filtering (INVALID_FIELD) or sorting (MALFORMED_QUERY) on a long text area', () => {
    assert.deepEqual(refusal("SELECT Id FROM Task WHERE Description = 'x'"), {
      errorCode: 'INVALID_FIELD',
      message: caret(
        "SELECT Id FROM Task WHERE Description = 'x'",
        27,
        "field 'Description' can not be filtered in a query call",
      ),
    });
    assert.deepEqual(refusal('SELECT Id FROM Task ORDER BY Description'), {
      errorCode: 'MALFORMED_QUERY',
      message: caret(
        'SELECT Id FROM Task ORDER BY Description',
        30,
        "field 'Description' can not be sorted in a query call",
      ),
    });
  });

  it('a field selected twice', () => {
    assert.deepEqual(refusal('SELECT Id, Subject, id FROM Task'), {
      errorCode: 'INVALID_FIELD',
      message: 'duplicate field selected: Id',
    });
    assert.deepEqual(refusal('SELECT Id, FIELDS(ALL) FROM User LIMIT 200'), {
      errorCode: 'INVALID_FIELD',
      message: 'duplicate field selected: Id',
    });
  });
});
