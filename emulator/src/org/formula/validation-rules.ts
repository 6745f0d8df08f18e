// Active validation rules from the deployed metadata, evaluated on every API save: a rule whose
// condition is true blocks the save with FIELD_CUSTOM_VALIDATION_EXCEPTION and its error message.
// Formulas are evaluated by formulon (./formula.ts); a rule the emulator cannot evaluate (a
// relationship path, a runtime error inside formulon) is skipped rather than guessed.
import { recordError, type RecordError } from '../errors.ts';
import type { ObjectDef } from '../../schema/types.ts';
import { evaluateFormula, type FormulaContext } from './formula.ts';

export function validationErrors(
  def: ObjectDef,
  user: ObjectDef | undefined,
  ctx: FormulaContext,
): RecordError[] {
  const errors: RecordError[] = [];
  for (const rule of def.validationRules) {
    if (!rule.active) continue;
    if (evaluateFormula(def, user, rule.errorConditionFormula, ctx) !== true) continue;
    const field =
      rule.errorDisplayField === undefined ? undefined : def.fields.get(rule.errorDisplayField.toLowerCase());
    errors.push(
      recordError(
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        rule.errorMessage,
        field === undefined ? [] : [field.name],
      ),
    );
  }
  return errors;
}
