// Evaluates a parsed formula against a record being saved. Text blanks are '' (as formulas see
// them); numbers compared with a blank make the comparison false.
import { normalizeId } from '../ids.ts';
import type { FormulaNode } from './formula-parser.ts';

export class UnsupportedFormula extends Error {}

export interface FormulaContext {
  /** Field values after the write, keyed by API name (case-insensitive lookup). */
  fields: Record<string, unknown>;
  /** Values before the write; undefined on insert. */
  previous: Record<string, unknown> | undefined;
  userId: string;
  permissions: ReadonlySet<string>;
  now: Date;
}

type Value = string | number | boolean | null;

function fieldValue(record: Record<string, unknown>, name: string): Value {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw new UnsupportedFormula(`unknown field ${name}`);
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function isBlank(value: Value): boolean {
  return value === null || value === '';
}

function text(value: Value): string {
  return value === null ? '' : String(value);
}

function javaRegex(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const inline = /^\(\?([a-z]+)\)/.exec(body);
  if (inline?.[1] !== undefined) {
    flags = inline[1].replace(/[^ims]/g, '');
    body = body.slice(inline[0].length);
  }
  return new RegExp(`^(?:${body})$`, flags);
}

function compare(op: string, left: Value, right: Value): boolean {
  const l = typeof left === 'string' || left === null ? left : left;
  if (op === '=' || op === '==')
    return isBlank(l) && isBlank(right) ? true : l === right || text(l) === text(right);
  if (op === '<>' || op === '!=') return !compare('=', left, right);
  if (left === null || right === null) return false;
  switch (op) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

export function evaluateFormula(node: FormulaNode, ctx: FormulaContext): Value {
  const ev = (n: FormulaNode): Value => evaluateFormula(n, ctx);
  const arg = (args: FormulaNode[], i: number): FormulaNode => {
    const a = args[i];
    if (a === undefined) throw new UnsupportedFormula('missing argument');
    return a;
  };
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'ref': {
      const [head, ...rest] = node.path;
      if (head === undefined) throw new UnsupportedFormula('empty reference');
      if (head.toLowerCase() === '$permission' && rest.length === 1)
        return ctx.permissions.has(rest[0] ?? '');
      if (head.toLowerCase() === '$user' && rest.length === 1 && rest[0]?.toLowerCase() === 'id')
        return ctx.userId;
      if (rest.length > 0 || head.startsWith('$'))
        throw new UnsupportedFormula(`unsupported reference ${node.path.join('.')}`);
      return fieldValue(ctx.fields, head);
    }
    case 'unary': {
      const value = ev(node.operand);
      return node.op === '!' ? value !== true : value === null ? null : -Number(value);
    }
    case 'binary': {
      if (node.op === '&&') return ev(node.left) === true && ev(node.right) === true;
      if (node.op === '||') return ev(node.left) === true || ev(node.right) === true;
      const left = ev(node.left);
      const right = ev(node.right);
      if (node.op === '&') return text(left) + text(right);
      if (['+', '-', '*', '/'].includes(node.op)) {
        if (left === null || right === null) return null;
        const [a, b] = [Number(left), Number(right)];
        return node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
      }
      return compare(node.op, left, right);
    }
    case 'call': {
      const args = node.args;
      switch (node.name) {
        case 'AND':
          return args.every((a) => ev(a) === true);
        case 'OR':
          return args.some((a) => ev(a) === true);
        case 'NOT':
          return ev(arg(args, 0)) !== true;
        case 'IF':
          return ev(arg(args, 0)) === true ? ev(arg(args, 1)) : ev(arg(args, 2));
        case 'ISBLANK':
        case 'ISNULL':
          return isBlank(ev(arg(args, 0)));
        case 'BLANKVALUE': {
          const value = ev(arg(args, 0));
          return isBlank(value) ? ev(arg(args, 1)) : value;
        }
        case 'ISPICKVAL':
          return text(ev(arg(args, 0))) === text(ev(arg(args, 1)));
        case 'TEXT':
          return text(ev(arg(args, 0)));
        case 'LEN':
          return text(ev(arg(args, 0))).length;
        case 'LOWER':
          return text(ev(arg(args, 0))).toLowerCase();
        case 'UPPER':
          return text(ev(arg(args, 0))).toUpperCase();
        case 'TRIM':
          return text(ev(arg(args, 0))).trim();
        case 'CONTAINS':
          return text(ev(arg(args, 0))).includes(text(ev(arg(args, 1))));
        case 'BEGINS':
          return text(ev(arg(args, 0))).startsWith(text(ev(arg(args, 1))));
        case 'INCLUDES':
          return text(ev(arg(args, 0)))
            .split(';')
            .includes(text(ev(arg(args, 1))));
        case 'REGEX':
          return javaRegex(text(ev(arg(args, 1)))).test(text(ev(arg(args, 0))));
        case 'CASESAFEID': {
          const value = text(ev(arg(args, 0)));
          return normalizeId(value) ?? value;
        }
        case 'ISNEW':
          return ctx.previous === undefined;
        case 'ISCHANGED': {
          const target = arg(args, 0);
          if (ctx.previous === undefined || target.kind !== 'ref') return false;
          const name = target.path.join('.');
          return text(fieldValue(ctx.fields, name)) !== text(fieldValue(ctx.previous, name));
        }
        case 'PRIORVALUE': {
          const target = arg(args, 0);
          if (target.kind !== 'ref') throw new UnsupportedFormula('PRIORVALUE needs a field');
          return fieldValue(ctx.previous ?? ctx.fields, target.path.join('.'));
        }
        default:
          throw new UnsupportedFormula(`unsupported function ${node.name}`);
      }
    }
  }
}
