// ORDER BY: each term compares by its field's kind (text case-insensitively, ids by their 15-character
// form, dates and datetimes chronologically); nulls go first or last as the term says. Rows that tie
// on every term keep the source's order, which is creation order.
import type { ValueKind } from './operands.ts';

/** How one ORDER BY term sorts. */
export interface SortTerm {
  kind: ValueKind;
  descending: boolean;
  nullsFirst: boolean;
}
import { textOf, compareCodeUnits, compareIds, compareText, dateValue, datetimeValue } from './values.ts';

function sortKey(value: unknown, term: Pick<SortTerm, 'kind'>): string | number | null {
  if (value === null || value === undefined) return null;
  switch (term.kind) {
    case 'number':
      return Number(value);
    case 'boolean':
      return value === true ? 1 : 0;
    case 'date':
      return dateValue(value) ?? null;
    case 'datetime':
      return datetimeValue(value) ?? null;
    default:
      return textOf(value);
  }
}

function compareKeys(a: string | number, b: string | number, term: Pick<SortTerm, 'kind'>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (term.kind === 'id') return compareIds(String(a), String(b));
  if (term.kind === 'date') return compareCodeUnits(String(a), String(b));
  return compareText(String(a), String(b));
}

/** Sorts rows whose term values were read up front (`values[i]` belongs to `terms[i]`). */
export function sortRows<T extends { values: unknown[] }>(rows: T[], terms: SortTerm[]): T[] {
  if (terms.length === 0) return rows;
  const keyed = rows.map((row, index) => ({
    row,
    index,
    keys: terms.map((term, position) => sortKey(row.values[position], term)),
  }));
  keyed.sort((left, right) => {
    for (const [position, term] of terms.entries()) {
      const a = left.keys[position] ?? null;
      const b = right.keys[position] ?? null;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === term.nullsFirst ? -1 : 1;
      }
      const order = compareKeys(a, b, term);
      if (order !== 0) return term.descending ? -order : order;
    }
    return left.index - right.index;
  });
  return keyed.map((entry) => entry.row);
}

/** Orders two non-null values of a field kind (for MIN and MAX); null values sort as undefined. */
export function compareValues(a: unknown, b: unknown, kind: ValueKind): number | undefined {
  const left = sortKey(a, { kind });
  const right = sortKey(b, { kind });
  return left === null || right === null ? undefined : compareKeys(left, right, { kind });
}
