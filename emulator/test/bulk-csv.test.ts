// The Bulk API 2.0 CSV writer and reader, and field values as CSV text: quoting and doubled quotes,
// line breaks and delimiters inside values, every delimiter and line ending, the rows the platform
// refuses, and empty vs #N/A vs null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvLine, CsvReader, quoted, type CsvDialect, type CsvRecord } from '../src/rest/bulk/csv.ts';
import { cellText, cellValue } from '../src/rest/bulk/field-text.ts';
import { field } from '../src/schema/field-builders.ts';

const COMMA_LF: CsvDialect = { columnDelimiter: 'COMMA', lineEnding: 'LF' };

function readAll(text: string, dialect: CsvDialect = COMMA_LF): CsvRecord[] {
  const reader = new CsvReader(text, dialect);
  const records: CsvRecord[] = [];
  for (let at = 0; at < reader.length;) {
    const record = reader.read(at);
    records.push(record);
    at = record.next;
  }
  return records;
}

describe('Bulk API CSV writer', () => {
  it('quotes every value and doubles the quotes inside', () => {
    assert.equal(quoted('He said "hi"'), '"He said ""hi"""');
    assert.equal(csvLine(['a', '', 'b,c', 'line 1\nline 2'], COMMA_LF), '"a","","b,c","line 1\nline 2"');
  });

  it('joins values with the job delimiter', () => {
    const values = ['x', 'y|z', 'w'];
    assert.equal(csvLine(values, { columnDelimiter: 'PIPE', lineEnding: 'LF' }), '"x"|"y|z"|"w"');
    assert.equal(csvLine(values, { columnDelimiter: 'TAB', lineEnding: 'CRLF' }), '"x"\t"y|z"\t"w"');
    assert.equal(csvLine(values, { columnDelimiter: 'BACKQUOTE', lineEnding: 'LF' }), '"x"`"y|z"`"w"');
  });

  it('reads back what it writes, for every delimiter and line ending', () => {
    const rows = [
      ['Id', 'Subject', 'Description'],
      ['00T1', 'Call "Ada"', 'first line\r\nsecond line'],
      ['00T2', 'a,b;c|d^e`f\tg', ''],
    ];
    for (const columnDelimiter of ['BACKQUOTE', 'CARET', 'COMMA', 'PIPE', 'SEMICOLON', 'TAB'] as const) {
      for (const lineEnding of ['LF', 'CRLF'] as const) {
        const dialect: CsvDialect = { columnDelimiter, lineEnding };
        const newline = lineEnding === 'LF' ? '\n' : '\r\n';
        const text = rows.map((row) => csvLine(row, dialect) + newline).join('');
        const read = readAll(text, dialect);
        assert.deepEqual(
          read.map((record) => record.cells),
          rows,
          `${columnDelimiter} ${lineEnding}`,
        );
        assert.ok(
          read.every((record) => record.rowProblem === undefined && record.lineEndingMismatch !== true),
        );
      }
    }
  });
});

describe('Bulk API CSV reader', () => {
  it('reads unquoted and quoted values, an embedded line break and doubled quotes', () => {
    const [header, first, second] = readAll('Name,Note\nAcme,"one\ntwo"\n"Say ""hi""",plain\n');
    assert.deepEqual(header?.cells, ['Name', 'Note']);
    assert.deepEqual(first?.cells, ['Acme', 'one\ntwo']);
    assert.deepEqual(second?.cells, ['Say "hi"', 'plain']);
  });

  it('gives each record its text as uploaded, without the line break', () => {
    const text = 'A,B\r\n"x,1",y\r\nlast,z';
    const records = readAll(text, { columnDelimiter: 'COMMA', lineEnding: 'CRLF' });
    assert.deepEqual(
      records.map((record) => text.slice(record.start, record.end)),
      ['A,B', '"x,1",y', 'last,z'],
    );
    assert.equal(records.at(-1)?.next, text.length, 'the last record may end without a line break');
  });

  it('reads an empty value and a quoted empty value alike', () => {
    const [, row] = readAll('A,B,C\n,"",#N/A\n');
    assert.deepEqual(row?.cells, ['', '', '#N/A']);
  });

  it('reads a blank line as one empty value', () => {
    const records = readAll('LastName\n\nSmith\n');
    assert.deepEqual(
      records.map((record) => record.cells),
      [['LastName'], [''], ['Smith']],
    );
  });

  it('flags CRLF data in an LF job, and LF data in a CRLF job', () => {
    assert.equal(readAll('A,B\r\n1,2\r\n')[0]?.lineEndingMismatch, true);
    assert.equal(
      readAll('A,B\n1,2\n', { columnDelimiter: 'COMMA', lineEnding: 'CRLF' })[0]?.lineEndingMismatch,
      true,
    );
    assert.equal(readAll('A,B\r1,2\n')[0]?.lineEndingMismatch, true, 'a bare carriage return');
    const inside = readAll('A,B\n"x\r\ny",2\n');
    assert.equal(inside[1]?.lineEndingMismatch, undefined, 'line breaks inside quotes are data');
    assert.deepEqual(inside[1]?.cells, ['x\r\ny', '2']);
  });

  it('reports the rows the platform refuses and reads on', () => {
    const records = readAll('A,B\n"John", "Smith"\nab"c,d\n"x" ,y\nok,row\n');
    assert.match(records[1]?.rowProblem ?? '', /double quote must be the first and last character/);
    assert.match(records[2]?.rowProblem ?? '', /double quote/);
    assert.match(records[3]?.rowProblem ?? '', /double quote/);
    const last = records[4];
    assert.ok(last);
    assert.deepEqual(last.cells, ['ok', 'row']);
    assert.equal(last.rowProblem, undefined);
  });

  it('keeps spaces around unquoted values: values are not trimmed', () => {
    assert.deepEqual(readAll('A,B\nJohn, Smith\n')[1]?.cells, ['John', ' Smith']);
  });

  it('reports a quoted value that never closes', () => {
    const records = readAll('A,B\n"open,value\nmore\n');
    assert.equal(records.length, 2);
    assert.match(records[1]?.rowProblem ?? '', /no closing double quote/);
  });
});

describe('Bulk API field values as text', () => {
  const checkbox = field('Done__c', 'boolean');
  const count = field('Count__c', 'int');
  const amount = field('Amount__c', 'currency');
  const due = field('Due__c', 'date');
  const at = field('At__c', 'datetime');
  const text = field('Note__c', 'string');

  it('reads booleans as xsd:boolean does', () => {
    for (const [cell, value] of [
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const)
      assert.deepEqual(cellValue(checkbox, cell), { ok: true, value }, cell);
    assert.deepEqual(cellValue(checkbox, 'yes'), { ok: false, xsdType: 'boolean' });
  });

  it('reads numbers, dates and datetimes strictly', () => {
    assert.deepEqual(cellValue(count, '42'), { ok: true, value: 42 });
    assert.deepEqual(cellValue(count, '4.2'), { ok: false, xsdType: 'int' });
    assert.deepEqual(cellValue(amount, '1.5e3'), { ok: true, value: 1500 });
    assert.deepEqual(cellValue(amount, '1,500'), { ok: false, xsdType: 'double' });
    assert.deepEqual(cellValue(due, '2026-12-01'), { ok: true, value: '2026-12-01' });
    assert.deepEqual(cellValue(due, '2026-02-30'), { ok: false, xsdType: 'date' });
    assert.deepEqual(cellValue(due, '12/01/2026'), { ok: false, xsdType: 'date' });
    assert.equal(cellValue(at, '2026-12-01T10:00:00.000Z').ok, true);
    assert.equal(cellValue(at, '2026-12-01T10:00:00+05:30').ok, true);
    assert.equal(cellValue(at, '2026-12-01T10:00:00+0530').ok, true);
    assert.deepEqual(cellValue(at, '2026-12-01'), { ok: false, xsdType: 'dateTime' });
    assert.deepEqual(cellValue(text, ' keep spaces '), { ok: true, value: ' keep spaces ' });
  });

  it('writes nulls empty, datetimes in UTC with Z and booleans as words', () => {
    assert.equal(cellText(text, null), '');
    assert.equal(cellText(checkbox, false), 'false');
    assert.equal(cellText(count, 7), '7');
    assert.equal(cellText(due, '2026-12-01'), '2026-12-01');
    assert.equal(cellText(at, '2026-12-01T10:00:00.000+0000'), '2026-12-01T10:00:00.000Z');
    assert.equal(cellText(at, '2026-12-01T12:00:00.000+0200'), '2026-12-01T10:00:00.000Z');
  });
});
