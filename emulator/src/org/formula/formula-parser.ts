// Parser for the Salesforce formula subset validation rules use: literals, field and $global
// references, && || ! and NOT, comparison (= == <> !=  < <= > >=), arithmetic and & concatenation,
// and function calls. Anything else throws FormulaSyntaxError, and the rule is not enforced.

export type FormulaNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'ref'; path: string[] }
  | { kind: 'call'; name: string; args: FormulaNode[] }
  | { kind: 'unary'; op: '!' | '-'; operand: FormulaNode }
  | { kind: 'binary'; op: string; left: FormulaNode; right: FormulaNode };

export class FormulaSyntaxError extends Error {}

type Token =
  | { type: 'num'; value: number }
  | { type: 'str'; value: string }
  | { type: 'id'; value: string }
  | { type: 'op'; value: string };

const OPERATORS = [
  '&&',
  '||',
  '<>',
  '!=',
  '==',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '&',
  '!',
  '(',
  ')',
  ',',
];

function unescape(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text.charAt(i + 1) === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new FormulaSyntaxError('unterminated comment');
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== c) j += text.charAt(j) === '\\' ? 2 : 1;
      if (j >= text.length) throw new FormulaSyntaxError('unterminated string');
      tokens.push({ type: 'str', value: unescape(text.slice(i + 1, j)) });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ type: 'num', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const identifier = /^\$?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
    if (identifier) {
      tokens.push({ type: 'id', value: identifier[0] });
      i += identifier[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new FormulaSyntaxError(`unexpected character ${c}`);
    tokens.push({ type: 'op', value: op });
    i += op.length;
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '=': 3,
  '==': 3,
  '<>': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '&': 5,
  '*': 6,
  '/': 6,
};

export function parseFormula(text: string): FormulaNode {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const expectOp = (value: string): void => {
    const token = tokens[position++];
    if (token?.type !== 'op' || token.value !== value) throw new FormulaSyntaxError(`expected ${value}`);
  };

  function primary(): FormulaNode {
    const token = tokens[position++];
    if (token === undefined) throw new FormulaSyntaxError('unexpected end of formula');
    if (token.type === 'num' || token.type === 'str') return { kind: 'literal', value: token.value };
    if (token.type === 'op') {
      if (token.value === '(') {
        const inner = expression(0);
        expectOp(')');
        return inner;
      }
      if (token.value === '!' || token.value === '-')
        return { kind: 'unary', op: token.value, operand: primary() };
      throw new FormulaSyntaxError(`unexpected ${token.value}`);
    }
    const upper = token.value.toUpperCase();
    const next = peek();
    if (next?.type === 'op' && next.value === '(') {
      position++;
      const args: FormulaNode[] = [];
      if (!(peek()?.type === 'op' && peek()?.value === ')')) {
        for (;;) {
          args.push(expression(0));
          const separator = tokens[position++];
          if (separator?.type === 'op' && separator.value === ')') break;
          if (separator?.type !== 'op' || separator.value !== ',')
            throw new FormulaSyntaxError('expected , or )');
        }
      } else position++;
      return { kind: 'call', name: upper, args };
    }
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'literal', value: null };
    return { kind: 'ref', path: token.value.split('.') };
  }

  function expression(minPrecedence: number): FormulaNode {
    let left = primary();
    for (;;) {
      const token = peek();
      if (token?.type !== 'op') break;
      const precedence = PRECEDENCE[token.value];
      if (precedence === undefined || precedence < minPrecedence) break;
      position++;
      const right = expression(precedence + 1);
      left = { kind: 'binary', op: token.value, left, right };
    }
    return left;
  }

  const tree = expression(0);
  if (position !== tokens.length) throw new FormulaSyntaxError('unexpected trailing input');
  return tree;
}
