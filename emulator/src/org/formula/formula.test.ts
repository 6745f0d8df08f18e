// Formulas through formulon and the emulator's extensions around it (ISNEW, ISCHANGED, PRIORVALUE,
// CASESAFEID of a blank, string escapes, Java REGEX flags, blanks as ""), on an object built like a
// deployed custom object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, object, picklist, reference } from '../../schema/field-builders.ts';
import {
  compileFormula,
  evaluateFormula,
  javaRegexToJs,
  validationFormulaProblem,
  type FormulaContext,
} from './formula.ts';

const widget = object(
  { name: 'Widget__c', label: 'Widget', labelPlural: 'Widgets', keyPrefix: 'a00', kind: 'custom' },
  [
    field('Name__c', 'string', { length: 80 }),
    field('Size__c', 'double', { precision: 5, scale: 0 }),
    field('Active__c', 'boolean'),
    picklist('Color__c', ['Red', 'Blue']),
    reference('Owner_User__c', ['User'], 'Owner_User__r'),
  ],
);
const user = object({ name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005' }, [
  field('Username', 'string'),
]);

function ctx(
  fields: Record<string, unknown>,
  previous?: Record<string, unknown>,
  permissions: string[] = [],
): FormulaContext {
  return {
    fields,
    previous,
    userId: '005000000000001AAA',
    permissions: new Set(permissions),
    user: { Username: 'ada@example.com' },
    now: new Date('2026-12-01T10:00:00Z'),
  };
}

const run = (formula: string, context: FormulaContext): unknown =>
  evaluateFormula(widget, user, formula, context);

describe('formulas (formulon, extended)', () => {
  it('evaluates operators, ISBLANK, ISPICKVAL, $Permission and $User through formulon', () => {
    assert.equal(run('NOT(ISBLANK(Size__c)) && (Size__c < 1 || Size__c > 100)', ctx({ Size__c: 150 })), true);
    assert.equal(
      run('NOT(ISBLANK(Size__c)) && (Size__c < 1 || Size__c > 100)', ctx({ Size__c: null })),
      false,
    );
    assert.equal(run("ISPICKVAL(Color__c, 'Red')", ctx({ Color__c: 'Red' })), true);
    assert.equal(run("ISPICKVAL(Color__c, '')", ctx({ Color__c: null })), true, 'a blank picklist is ""');
    assert.equal(run("Name__c = ''", ctx({ Name__c: null })), true, 'a blank text field is ""');
    assert.equal(run('$Permission.Boss', ctx({}, undefined, ['Boss'])), true);
    assert.equal(run('$Permission.Boss', ctx({})), false);
    assert.equal(run("$User.Username = 'ada@example.com'", ctx({})), true);
  });

  it('gives ISNEW, ISCHANGED and PRIORVALUE the record before the save', () => {
    assert.equal(run('ISNEW()', ctx({ Size__c: 1 })), true);
    assert.equal(run('ISNEW()', ctx({ Size__c: 1 }, { Size__c: 1 })), false);
    assert.equal(run('NOT(ISNEW()) && ISCHANGED( Size__c )', ctx({ Size__c: 2 }, { Size__c: 1 })), true);
    assert.equal(run('ISCHANGED(Size__c)', ctx({ Size__c: 1 }, { Size__c: 1 })), false);
    assert.equal(
      run('ISCHANGED(Name__c)', ctx({ Name__c: '' }, { Name__c: null })),
      false,
      'blank to blank is no change',
    );
    assert.equal(run('PRIORVALUE(Size__c) < Size__c', ctx({ Size__c: 5 }, { Size__c: 3 })), true);
  });

  it('CASESAFEID: the 18-character id, blank for a blank field', () => {
    assert.equal(
      run('CASESAFEID(Owner_User__c) = CASESAFEID($User.Id)', ctx({ Owner_User__c: '005000000000001' })),
      true,
    );
    assert.equal(run("CASESAFEID(Owner_User__c) = ''", ctx({ Owner_User__c: null })), true);
  });

  it('REGEX with Java inline flags and escaped string literals', () => {
    assert.equal(javaRegexToJs('(?s).*[\\r\\n].*'), '[\\s\\S]*[\\r\\n][\\s\\S]*');
    const formula = 'REGEX(Name__c, "(?s).*[\\\\r\\\\n].*")';
    assert.equal(run(formula, ctx({ Name__c: 'two\nlines' })), true);
    assert.equal(run(formula, ctx({ Name__c: 'one line' })), false);
    assert.equal(run('Name__c = "say \\"hi\\""', ctx({ Name__c: 'say "hi"' })), true);
    assert.deepEqual(compileFormula('ISCHANGED(Size__c) && $Permission.Boss').references.sort(), [
      '$Permission.Boss',
      'Size__c',
    ]);
  });

  it('reports what the platform reports for a formula it would not save', () => {
    const problem = (formula: string): string | undefined => validationFormulaProblem(widget, user, formula);
    assert.equal(problem('Active__c && Size__c > 3'), undefined);
    assert.equal(problem('Size__c >'), 'Syntax error.');
    assert.equal(problem('Sise__c > 3'), 'Field Sise__c does not exist. Check spelling.');
    assert.equal(problem('$User.Nope = 1'), 'Field $User.Nope does not exist. Check spelling.');
    assert.equal(problem('FOO(Size__c)'), 'Unknown function FOO. Check spelling.');
    assert.equal(
      problem('IF(Active__c)'),
      "Incorrect number of parameters for function 'IF()'. Expected 3, received 1",
    );
    assert.equal(
      problem('Size__c + 1'),
      'Formula result is data type (Number), incompatible with expected data type (true or false).',
    );
    assert.equal(problem('PRIORVALUE(Nope__c) = 1'), 'Field Nope__c does not exist. Check spelling.');
  });
});
