// The parser library returns WHERE as a right-leaning list of conditions with open/close parenthesis
// counts; this rebuilds the boolean tree those parentheses describe. SOQL has no precedence between
// AND and OR: "Client applications must specify parentheses when nesting operators", and Salesforce
// rejects a level that mixes them with "unexpected token: 'OR'" at the second operator (Summer '24
// release notes; developer.salesforce.com SOQL conditionExpression docs).
import type { ConditionWithValueQuery, WhereClause } from '@jetstreamapp/soql-parser-js';
import { errorAt, unexpectedTokenOffset } from './query-text.ts';

export type WhereNode =
  | { kind: 'and' | 'or'; children: WhereNode[] }
  | { kind: 'not'; child: WhereNode }
  | { kind: 'comparison'; comparison: ConditionWithValueQuery };

type Piece =
  | { kind: '(' | ')' | 'NOT' }
  | { kind: 'AND' | 'OR'; ordinal: number }
  | { kind: 'comparison'; comparison: ConditionWithValueQuery };

function flatten(where: WhereClause): Piece[] {
  const pieces: Piece[] = [];
  let ordinal = 0;
  let node: WhereClause | undefined = where;
  while (node !== undefined) {
    const { left } = node;
    const operator = 'operator' in node ? node.operator : undefined;
    if (operator === 'NOT') {
      const opens = left !== null && !('operator' in left) ? left.openParen : 0;
      for (let i = 0; i < opens; i += 1) pieces.push({ kind: '(' });
      pieces.push({ kind: 'NOT' });
    } else if (left !== null) {
      const opens = 'openParen' in left ? (left.openParen ?? 0) : 0;
      const closes = 'closeParen' in left ? (left.closeParen ?? 0) : 0;
      for (let i = 0; i < opens; i += 1) pieces.push({ kind: '(' });
      pieces.push({ kind: 'comparison', comparison: left });
      for (let i = 0; i < closes; i += 1) pieces.push({ kind: ')' });
      if (operator === 'AND' || operator === 'OR') {
        pieces.push({ kind: operator, ordinal });
        ordinal += 1;
      }
    }
    node = 'right' in node ? node.right : undefined;
  }
  return pieces;
}

/**
 * Builds the tree. `operatorAt(n)` gives the offset of the WHERE's n-th AND/OR in `soql`, for the
 * mixed AND/OR error.
 */
export function buildWhereTree(
  where: WhereClause,
  soql: string,
  operatorAt: (ordinal: number) => number | undefined,
): WhereNode {
  const pieces = flatten(where);
  let index = 0;

  const unary = (): WhereNode => {
    const piece = pieces[index];
    index += 1;
    if (piece?.kind === 'NOT') return { kind: 'not', child: unary() };
    if (piece?.kind === '(') {
      const inner = expression();
      index += 1; // the matching ')', which the parser has already checked
      return inner;
    }
    if (piece?.kind === 'comparison') return { kind: 'comparison', comparison: piece.comparison };
    throw new Error('WHERE clause shape not understood');
  };

  const expression = (): WhereNode => {
    const children = [unary()];
    let joiner: 'AND' | 'OR' | undefined;
    for (let piece = pieces[index]; piece?.kind === 'AND' || piece?.kind === 'OR'; piece = pieces[index]) {
      if (joiner !== undefined && joiner !== piece.kind) {
        const at = operatorAt(piece.ordinal) ?? 0;
        throw errorAt(
          'MALFORMED_QUERY',
          soql,
          unexpectedTokenOffset(soql, at),
          `unexpected token: '${soql.slice(at, at + piece.kind.length)}'`,
        );
      }
      joiner = piece.kind;
      index += 1;
      children.push(unary());
    }
    const [only] = children;
    if (joiner === undefined && only !== undefined) return only;
    return { kind: joiner === 'OR' ? 'or' : 'and', children };
  };

  return expression();
}
