// Active validation rules from the metadata, evaluated on every API save: a rule whose condition is
// true blocks the save with FIELD_CUSTOM_VALIDATION_EXCEPTION and its error message. Rules that use
// formula features the emulator does not evaluate are skipped rather than guessed.
import { recordError, type RecordError } from '../errors.ts';
import type { ObjectDef } from '../../schema/types.ts';
import { evaluateFormula, UnsupportedFormula, type FormulaContext } from './formula-eval.ts';
import { FormulaSyntaxError, parseFormula, type FormulaNode } from './formula-parser.ts';

const parsed = new Map<string, FormulaNode | null>();

function compiled(formula: string): FormulaNode | null {
  let tree = parsed.get(formula);
  if (tree === undefined) {
    try {
      tree = parseFormula(formula);
    } catch (error) {
      if (!(error instanceof FormulaSyntaxError)) throw error;
      tree = null;
    }
    parsed.set(formula, tree);
  }
  return tree;
}

export function validationErrors(def: ObjectDef, ctx: FormulaContext): RecordError[] {
  const errors: RecordError[] = [];
  for (const rule of def.validationRules) {
    if (!rule.active) continue;
    const tree = compiled(rule.errorConditionFormula);
    if (tree === null) continue;
    let failed: boolean;
    try {
      failed = evaluateFormula(tree, ctx) === true;
    } catch (error) {
      if (error instanceof UnsupportedFormula) continue;
      throw error;
    }
    if (failed) {
      const field =
        rule.errorDisplayField === undefined
          ? undefined
          : def.fields.get(rule.errorDisplayField.toLowerCase());
      errors.push(
        recordError(
          'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          rule.errorMessage,
          field === undefined ? [] : [field.name],
        ),
      );
    }
  }
  return errors;
}
