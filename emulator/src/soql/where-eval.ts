// Evaluates WHERE comparisons against record values. SOQL string comparison is case-insensitive
// (LIKE too); `!=` and NOT IN keep rows whose value is null; a date-literal operand is a range, so
// `= TODAY` means "within today" and `> TODAY` means "after today" (SOQL reference, date literals).
import type { Operand, ValueKind } from './operands.ts';
import {
  textOf,
  compareCodeUnits,
  compareIds,
  compareText,
  dateValue,
  datetimeValue,
  idKey,
} from './values.ts';

export type ComparisonOperator =
  '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

export interface Filter {
  operator: ComparisonOperator;
  operands: Operand[];
  kind: ValueKind;
}

const idSets = new WeakMap<Filter, Set<string>>();

/** The 15-character keys of an id filter's literals, built once (WHERE Id IN (...200 ids...)). */
function idSet(filter: Filter): Set<string> {
  let keys = idSets.get(filter);
  if (keys === undefined) {
    keys = new Set(
      filter.operands.flatMap((operand) => (operand.kind === 'string' ? [idKey(operand.text)] : [])),
    );
    idSets.set(filter, keys);
  }
  return keys;
}

function equalsAny(value: Comparable, filter: Filter): boolean {
  if (
    filter.kind === 'id' &&
    typeof value === 'string' &&
    filter.operands.every((operand) => operand.kind === 'string')
  ) {
    return idSet(filter).has(idKey(value));
  }
  return filter.operands.some((operand) => equals(value, operand, filter));
}

/** A record value in the comparable form of its field's kind; null when empty. */
type Comparable = string | number | boolean | null;

function comparable(value: unknown, kind: ValueKind): Comparable {
  if (value === null || value === undefined) return kind === 'boolean' ? false : null;
  switch (kind) {
    case 'boolean':
      return value === true || value === 'true';
    case 'number': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isNaN(number) ? null : number;
    }
    case 'date':
      return dateValue(value) ?? null;
    case 'datetime':
      return datetimeValue(value) ?? null;
    default:
      return textOf(value);
  }
}

/** Negative, zero or positive like a sort comparator; undefined when the operand cannot be ordered. */
function compareWith(
  value: Exclude<Comparable, null>,
  operand: Operand,
  kind: ValueKind,
): number | undefined {
  switch (operand.kind) {
    case 'string':
      return kind === 'id'
        ? compareIds(String(value), operand.text)
        : compareText(String(value), operand.text);
    case 'number':
      return Number(value) - operand.value;
    case 'boolean':
      return Number(value) - Number(operand.value);
    case 'date':
      return compareCodeUnits(String(value), operand.date);
    case 'datetime':
      return Number(value) - operand.time;
    default:
      return undefined;
  }
}

/** Where a value sits against a date-literal range: -1 before, 0 inside, 1 after. */
function againstRange(
  value: Exclude<Comparable, null>,
  operand: Extract<Operand, { kind: 'range' }>,
  filter: Filter,
): number {
  if (filter.kind === 'date') {
    const date = String(value);
    if (date < operand.range.first) return -1;
    return date > operand.range.last ? 1 : 0;
  }
  const { start, end } = operand.instants;
  const time = Number(value);
  if (time < start) return -1;
  return time >= end ? 1 : 0;
}

function position(value: Exclude<Comparable, null>, operand: Operand, filter: Filter): number | undefined {
  return operand.kind === 'range'
    ? againstRange(value, operand, filter)
    : compareWith(value, operand, filter.kind);
}

function equals(value: Comparable, operand: Operand, filter: Filter): boolean {
  if (operand.kind === 'null') return value === null;
  if (value === null) return false;
  if (filter.kind === 'id' && operand.kind === 'string') return idKey(String(value)) === idKey(operand.text);
  return position(value, operand, filter) === 0;
}

/** INCLUDES / EXCLUDES on a multi-select picklist: 'a;b' in the list means both a and b selected. */
function includes(value: Comparable, operands: Operand[]): boolean {
  if (typeof value !== 'string') return false;
  const selected = new Set(value.split(';').map((item) => item.trim().toLowerCase()));
  return operands.some(
    (operand) =>
      operand.kind === 'string' &&
      operand.text.split(';').every((item) => selected.has(item.trim().toLowerCase())),
  );
}

export function matches(filter: Filter, recordValue: unknown): boolean {
  const value = comparable(recordValue, filter.kind);
  const { operands } = filter;
  switch (filter.operator) {
    case '=':
    case 'IN':
      return equalsAny(value, filter);
    case '!=':
    case '<>':
    case 'NOT IN':
      return !equalsAny(value, filter);
    case 'LIKE':
      return (
        typeof value === 'string' &&
        operands.some((operand) => operand.kind === 'string' && operand.pattern?.test(value) === true)
      );
    case 'INCLUDES':
      return includes(value, operands);
    case 'EXCLUDES':
      return value === null || !includes(value, operands);
    default: {
      const [operand] = operands;
      if (value === null || operand === undefined) return false;
      const at = position(value, operand, filter);
      if (at === undefined) return false;
      if (filter.operator === '<') return at < 0;
      if (filter.operator === '<=') return at <= 0;
      if (filter.operator === '>') return at > 0;
      return at >= 0;
    }
  }
}
