// Turns the literals on the right of a WHERE comparison into typed operands, checking them against the
// field's type the way Salesforce does ("value of filter criterion for field 'CreatedDate' must be of
// type dateTime and should not be enclosed in quotes"; "If you specify a dateTime format in a query,
// you can filter on dateTime fields only" — SOQL reference, Date Formats and Date Literals).
import type { FieldDef } from '../schema/types.ts';
import { dateLiteralRange, instantRange, type DayRange } from './date-literals.ts';
import { decodeStringLiteral, isDate, isIdShaped, parseDatetime } from './values.ts';

export type Operand =
  | { kind: 'null' }
  /** `pattern` is set for LIKE. */
  | { kind: 'string'; text: string; pattern?: RegExp }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; date: string }
  | { kind: 'datetime'; time: number }
  /** A date literal: its days, and the instants they cover in the user's zone (for datetime fields). */
  | { kind: 'range'; range: DayRange; instants: { start: number; end: number } };

/** How a field's values compare. */
export type ValueKind = 'id' | 'string' | 'boolean' | 'number' | 'date' | 'datetime';

export function valueKind(field: FieldDef): ValueKind {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'string';
  }
}

/** A literal the field cannot be compared with: the reason, in Salesforce's words, and its error code. */
export interface OperandProblem {
  errorCode: 'INVALID_FIELD' | 'MALFORMED_QUERY' | 'INVALID_QUERY_FILTER_OPERATOR';
  reason: string;
}

export interface LiteralContext {
  field: FieldDef;
  like: boolean;
  now: Date;
  timeZone: string;
  firstDayOfWeek?: number;
}

// Type names as describe spells them in the filter-criterion message. 'dateTime' and 'date' are
// confirmed from real error bodies; the number and boolean wording follows the same pattern.
const TYPE_WORD: Record<ValueKind, string> = {
  id: 'string',
  string: 'string',
  boolean: 'boolean',
  number: 'double',
  date: 'date',
  datetime: 'dateTime',
};

function wrongType(field: FieldDef, kind: ValueKind): OperandProblem {
  const word = field.type === 'int' ? 'int' : TYPE_WORD[kind];
  const quoting =
    kind === 'id' || kind === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  return {
    errorCode: 'INVALID_FIELD',
    reason: `value of filter criterion for field '${field.name}' must be of type ${word} and ${quoting}`,
  };
}

const ACCEPTED: Record<ValueKind, readonly string[]> = {
  id: ['STRING'],
  string: ['STRING'],
  boolean: ['BOOLEAN'],
  number: ['INTEGER', 'DECIMAL', 'INTEGER_WITH_CURRENCY_PREFIX', 'DECIMAL_WITH_CURRENCY_PREFIX'],
  date: ['DATE', 'DATE_LITERAL', 'DATE_N_LITERAL'],
  datetime: ['DATETIME', 'DATE_LITERAL', 'DATE_N_LITERAL'],
};

/** One literal as the parser gives it (`'abc'`, `12`, `TRUE`, `NULL`, `2026-01-01`, `LAST_N_DAYS:3`). */
export function toOperand(
  value: string,
  literalType: string,
  context: LiteralContext,
): Operand | OperandProblem {
  if (literalType === 'NULL') return { kind: 'null' };
  const kind = valueKind(context.field);
  if (!ACCEPTED[kind].includes(literalType)) return wrongType(context.field, kind);
  switch (literalType) {
    case 'STRING': {
      const text = decodeStringLiteral(value, context.like);
      // Salesforce stores an empty text value as null, so `Subject = ''` finds the rows without one.
      if (text === '' && kind === 'string' && !context.like) return { kind: 'null' };
      // Salesforce checks id literals before running the query: INVALID_QUERY_FILTER_OPERATOR
      // "invalid ID field: abc" (what orgs return for e.g. WHERE AccountId = 'Edge Communications').
      if (kind === 'id' && !isIdShaped(text)) {
        return { errorCode: 'INVALID_QUERY_FILTER_OPERATOR', reason: `invalid ID field: ${text}` };
      }
      return context.like ? { kind: 'string', text, pattern: likePattern(text) } : { kind: 'string', text };
    }
    case 'BOOLEAN':
      return { kind: 'boolean', value: value.toUpperCase() === 'TRUE' };
    case 'DATE':
      // "Invalid date: ..." mirrors the documented "Invalid datetime: ..." (Summer '24 release notes).
      return isDate(value)
        ? { kind: 'date', date: value }
        : { errorCode: 'MALFORMED_QUERY', reason: `Invalid date: ${value}` };
    case 'DATETIME': {
      const time = parseDatetime(value);
      return time === undefined
        ? { errorCode: 'MALFORMED_QUERY', reason: `Invalid datetime: ${value}` }
        : { kind: 'datetime', time };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': {
      const range = dateLiteralRange(value, context.now, context.timeZone, context.firstDayOfWeek);
      return { kind: 'range', range, instants: instantRange(range, context.timeZone) };
    }
    default:
      // Numbers, with an ISO currency prefix stripped (USD5000).
      return { kind: 'number', value: Number(value.replace(/^[A-Za-z]{3}/, '')) };
  }
}

/** LIKE: % any run, _ one character, \% and \_ literal; matched case-insensitively over the whole value. */
function likePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      source += pattern.charAt(index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (char === '%') {
      source += '.*';
    } else if (char === '_') {
      source += '.';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'isu');
}

export function isOperandProblem(value: Operand | OperandProblem): value is OperandProblem {
  return 'errorCode' in value;
}
