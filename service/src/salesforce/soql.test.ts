// Every value in a SOQL query goes through soql.ts. String literals follow the SOQL and SOSL
// Reference, "Quoted String Escape Sequences": \n \r \t \b \f \" \' \\ and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { soqlDateTime, soqlFields, soqlList, soqlName, soqlString, soqlValue } from './soql.ts';

describe('SOQL string literals', () => {
  it('escapes quotes and backslashes', () => {
    assert.equal(soqlString("o'brien@example.com"), "'o\\'brien@example.com'");
    assert.equal(soqlString('say "hi"'), '\'say \\"hi\\"\'');
    assert.equal(soqlString('C:\\temp\\'), "'C:\\\\temp\\\\'");
    assert.equal(soqlString("\\'"), "'\\\\\\''");
  });

  it('writes line breaks, tabs, bell and form feed as their escape sequences', () => {
    assert.equal(soqlString('a\nb\r\nc\td\be\ff'), "'a\\nb\\r\\nc\\td\\be\\ff'");
  });

  it('leaves every other character alone, the LIKE wildcards included', () => {
    assert.equal(soqlString('100% _done_ é 😀'), "'100% _done_ é 😀'");
    assert.equal(soqlString(''), "''");
  });

  it('keeps an injection attempt inside the literal', () => {
    const literal = soqlString("x' OR Name != '");
    assert.equal(literal, "'x\\' OR Name != \\''");
    // The only unescaped quotes are the two that open and close the literal.
    assert.deepEqual(
      [...literal.matchAll(/(?<!\\)'/g)].map((m) => m.index),
      [0, literal.length - 1],
    );
    assert.equal(soqlString("x\\' OR Id != '"), "'x\\\\\\' OR Id != \\''");
  });

  it('writes null as the null literal', () => {
    assert.equal(soqlValue(null), 'null');
    assert.equal(soqlValue("it's"), "'it\\'s'");
  });

  it('builds IN lists and refuses an empty one', () => {
    assert.equal(soqlList(['00T000000000001AAA', "a'b"]), "('00T000000000001AAA', 'a\\'b')");
    assert.throws(() => soqlList([]), /at least one value/);
  });
});

describe('SOQL names and date-times', () => {
  it('passes API names through and refuses anything else', () => {
    assert.equal(soqlName('SIA_Task_Id__c'), 'SIA_Task_Id__c');
    assert.equal(soqlName('Opportunity.IsClosed'), 'Opportunity.IsClosed');
    assert.equal(soqlFields(['Id', 'Subject', 'What.Name']), 'Id, Subject, What.Name');
    for (const bad of ['', 'Id, Name', 'Name--', "Name'", 'Bad__', '_Id', 'A__b__c', 'Id FROM User', '1Id'])
      assert.throws(() => soqlName(bad), /not a Salesforce API name/, bad);
  });

  it('writes date-times in UTC to the second and refuses what is not one', () => {
    assert.equal(soqlDateTime('2026-03-31T14:00:00.123+02:00'), '2026-03-31T12:00:00Z');
    assert.throws(() => soqlDateTime("2026' OR Id != '"), /not a date and time/);
  });
});
