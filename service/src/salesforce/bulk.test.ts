// Reading Bulk API 2.0 CSV results (COMMA delimiter, LF line ending; RFC 4180 quoting).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvRecords } from './bulk.ts';

test('csvRecords names each field after the header row; an empty field is the empty string', () => {
  const rows = [...csvRecords('Id,Subject,Description\n00T1,Call,\n00T2,,Notes\n')];
  assert.deepEqual(rows, [
    { Id: '00T1', Subject: 'Call', Description: '' },
    { Id: '00T2', Subject: '', Description: 'Notes' },
  ]);
});

test('csvRecords reads quoted fields with commas, doubled quotes and line breaks', () => {
  const text = 'Id,Subject\n00T1,"Call, then ""email"""\n00T2,"two\nlines\r\nhere"\n00T3,"""quoted"""\n';
  assert.deepEqual(
    [...csvRecords(text)],
    [
      { Id: '00T1', Subject: 'Call, then "email"' },
      { Id: '00T2', Subject: 'two\nlines\r\nhere' },
      { Id: '00T3', Subject: '"quoted"' },
    ],
  );
});

test('csvRecords takes CRLF and CR line endings and a last row without a line break', () => {
  assert.deepEqual(
    [...csvRecords('Id,Subject\r\n00T1,A\r00T2,B')],
    [
      { Id: '00T1', Subject: 'A' },
      { Id: '00T2', Subject: 'B' },
    ],
  );
  assert.deepEqual([...csvRecords('')], []);
  assert.deepEqual([...csvRecords('Id,Subject\n')], []);
});

test('csvRecords reads what csvField writes', () => {
  const values = ['plain', 'a,b', 'say "hi"', 'line\nbreak', '', 'é ü 中'];
  const text = `Value,Index\n${values.map((v, i) => `${csvField(v)},${String(i)}`).join('\n')}\n`;
  assert.deepEqual(
    [...csvRecords(text)].map((row) => row['Value']),
    values,
  );
});

test('csvRecords refuses a row of the wrong width and an unclosed quote', () => {
  assert.throws(() => [...csvRecords('Id,Subject\n00T1\n')], /CSV row has 1 fields, the header 2/);
  assert.throws(() => [...csvRecords('Id,Subject\n00T1,"open\n')], /CSV ends inside a quoted field/);
});

test('csvRecords is lazy: a caller can stop after the rows it needs', () => {
  const rows = csvRecords('Id\n1\n2\n3\n');
  assert.deepEqual(rows.next().value, { Id: '1' });
  assert.deepEqual(rows.next().value, { Id: '2' });
});
