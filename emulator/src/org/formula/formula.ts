// Salesforce formulas (validation rules today, formula fields tomorrow), parsed and evaluated by the
// formulon library. formulon covers the operators, ISBLANK, NOT/AND/OR/IF, ISPICKVAL, CASESAFEID,
// REGEX, text and number functions, `$Permission.<name>` and `$User.<field>` as identifiers, and
// answers with the platform's messages ("Field X does not exist. Check spelling.", "Unknown
// function X. Check spelling.", "Incorrect number of parameters for function 'IF()'. Expected 3,
// received 1", "Syntax error."). This module extends around it where it falls short:
// - ISNEW(), ISCHANGED(field), PRIORVALUE(field): formulon has no record context; each call is
//   rewritten to an identifier whose value the save supplies.
// - CASESAFEID(field) of a blank field: formulon throws; the platform answers blank.
// - String escapes (`\\`, `\n`, `\r`, `\t`, `\"`, `\'`): formulon's grammar rejects backslashes in
//   literals; each such literal becomes an identifier holding its unescaped text.
// - REGEX patterns are Java regular expressions: an inline `(?s)` (dot matches line breaks) is
//   translated for JavaScript, which formulon's REGEX runs on.
// - Blank text and picklist fields read as "" (the platform's "treat blank fields as blanks" for
//   text), so `Field__c = ''` and ISPICKVAL(Field__c, '') hold for a blank field.
// Formula reference: https://help.salesforce.com/s/articleView?id=sf.customize_functions.htm
import { extract, parse, type FormulonLiteral } from 'formulon';
import { normalizeId } from '../ids.ts';
import type { FieldDef, ObjectDef } from '../../schema/types.ts';

export interface FormulaContext {
  /** Field values after the write, keyed by API name (case-insensitive lookup). */
  fields: Record<string, unknown>;
  /** Values before the write; undefined on insert. */
  previous: Record<string, unknown> | undefined;
  userId: string;
  /** Custom permissions the user holds (`$Permission.<name>`). */
  permissions: ReadonlySet<string>;
  /** The running user's record fields (`$User.<field>`). */
  user: Record<string, unknown> | undefined;
  now: Date;
}

type Helper =
  | { kind: 'isnew'; name: string }
  | { kind: 'ischanged' | 'prior' | 'casesafeid'; name: string; field: string }
  | { kind: 'string'; name: string; value: string };

export interface CompiledFormula {
  formula: string;
  /** The formula formulon evaluates (helpers replaced by identifiers). */
  rewritten: string;
  helpers: Helper[];
  /** Identifiers the formula reads: fields, relationship paths and $globals. */
  references: string[];
}

export class FormulaError extends Error {}

const HELPER_PREFIX = 'sia__';

interface Token {
  kind: 'string' | 'ident' | 'other';
  text: string;
  value?: string;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

function tokenize(formula: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < formula.length) {
    const c = formula.charAt(i);
    if (c === '"' || c === "'") {
      let value = '';
      let j = i + 1;
      for (; j < formula.length && formula.charAt(j) !== c; j++) {
        if (formula.charAt(j) === '\\') {
          j++;
          const escaped = formula.charAt(j);
          value += ESCAPES[escaped] ?? escaped;
        } else {
          value += formula.charAt(j);
        }
      }
      if (j >= formula.length) throw new FormulaError("Syntax error. Missing '\"'");
      tokens.push({ kind: 'string', text: formula.slice(i, j + 1), value });
      i = j + 1;
    } else if (/[A-Za-z$_]/.test(c)) {
      const match = /^[A-Za-z$_][A-Za-z0-9_.$]*/.exec(formula.slice(i))?.[0] ?? c;
      tokens.push({ kind: 'ident', text: match });
      i += match.length;
    } else if (c === '/' && formula.charAt(i + 1) === '*') {
      const end = formula.indexOf('*/', i + 2);
      if (end < 0) throw new FormulaError("Syntax error. Missing '*/'");
      i = end + 2;
    } else {
      tokens.push({ kind: 'other', text: c });
      i++;
    }
  }
  return tokens;
}

/** Java's `(?s)` (DOTALL) for JavaScript: every `.` outside a character class also matches line breaks. */
export function javaRegexToJs(pattern: string): string {
  const flags = /^\(\?([a-z]+)\)/.exec(pattern);
  if (flags?.[1] === undefined || !flags[1].includes('s')) return pattern;
  let out = '';
  let inClass = false;
  const body = pattern.slice(flags[0].length);
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === '\\') {
      out += c + body.charAt(i + 1);
      i++;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === ']') {
      inClass = false;
      out += c;
    } else {
      out += c === '.' && !inClass ? '[\\s\\S]' : c;
    }
  }
  return out;
}

const cache = new Map<string, CompiledFormula>();

/** Rewrites what formulon lacks into identifiers (see the header); throws FormulaError on a bad literal. */
export function compileFormula(formula: string): CompiledFormula {
  const cached = cache.get(formula);
  if (cached !== undefined) return cached;
  const tokens = tokenize(formula);
  const helpers: Helper[] = [];
  const out: string[] = [];
  // Depth of the open REGEX( call whose second argument is next, if any.
  const regexCalls: number[] = [];
  let depth = 0;
  // Index of the k-th token after `from` that is not white space.
  const ahead = (from: number, k: number): number => {
    let index = from;
    for (let seen = 0; seen < k;) {
      index++;
      if (index >= tokens.length) return index;
      if (!/^\s$/.test(tokens[index]?.text ?? '')) seen++;
    }
    return index;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const next = (k: number): Token | undefined => tokens[ahead(i, k)];
    const upper = token.kind === 'ident' ? token.text.toUpperCase() : '';
    if (upper === 'ISNEW' && next(1)?.text === '(' && next(2)?.text === ')') {
      const name = `${HELPER_PREFIX}isnew`;
      helpers.push({ kind: 'isnew', name });
      out.push(name);
      i = ahead(i, 2);
      continue;
    }
    const single = next(2);
    if (
      (upper === 'ISCHANGED' || upper === 'PRIORVALUE' || upper === 'CASESAFEID') &&
      next(1)?.text === '(' &&
      single?.kind === 'ident' &&
      next(3)?.text === ')'
    ) {
      const kind = upper === 'ISCHANGED' ? 'ischanged' : upper === 'PRIORVALUE' ? 'prior' : 'casesafeid';
      const name = `${HELPER_PREFIX}${kind}__${single.text.replace(/[.$]/g, '_')}`;
      helpers.push({ kind, name, field: single.text });
      out.push(name);
      i = ahead(i, 3);
      continue;
    }
    if (upper === 'REGEX' && next(1)?.text === '(') regexCalls.push(depth + 1);
    if (token.text === '(') depth++;
    if (token.text === ')') depth--;
    if (token.text === ',' && regexCalls.at(-1) === depth) {
      regexCalls.pop();
      const pattern = next(1);
      if (pattern?.kind === 'string') {
        const name = `${HELPER_PREFIX}str${helpers.length}`;
        helpers.push({ kind: 'string', name, value: javaRegexToJs(pattern.value ?? '') });
        out.push(',', name);
        i = ahead(i, 1);
        continue;
      }
    }
    if (token.kind === 'string' && token.text.includes('\\')) {
      const name = `${HELPER_PREFIX}str${helpers.length}`;
      helpers.push({ kind: 'string', name, value: token.value ?? '' });
      out.push(name);
      continue;
    }
    out.push(token.text);
  }
  const rewritten = out.join('');
  const helperNames = new Set(helpers.map((h) => h.name));
  const references = [
    ...new Set([
      ...extract(rewritten).filter((id) => !helperNames.has(id)),
      ...helpers.flatMap((h) => ('field' in h ? [h.field] : [])),
    ]),
  ];
  const compiled = { formula, rewritten, helpers, references };
  cache.set(formula, compiled);
  return compiled;
}

function fieldOf(def: ObjectDef, name: string): FieldDef | undefined {
  return def.fields.get(name.toLowerCase());
}

/** A value as formulon takes it, typed by the field it comes from. */
function literal(field: FieldDef | undefined, value: unknown): FormulonLiteral {
  const blank = value === null || value === undefined || value === '';
  const asText = typeof value === 'string' ? value : JSON.stringify(value);
  switch (field?.type) {
    case 'boolean':
      return { type: 'literal', dataType: 'checkbox', value: value === true, options: {} };
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const scale = field.scale ?? 0;
      return {
        type: 'literal',
        dataType: 'number',
        value: blank ? null : Number(value),
        options: { length: (field.precision ?? 18) - scale, scale },
      };
    }
    case 'date':
      return {
        type: 'literal',
        dataType: 'date',
        value: blank ? null : new Date(`${asText}T00:00:00Z`),
        options: {},
      };
    case 'datetime':
      return {
        type: 'literal',
        dataType: 'datetime',
        value: blank ? null : new Date(asText.replace('+0000', 'Z')),
        options: {},
      };
    case 'picklist':
    case 'multipicklist':
      return {
        type: 'literal',
        dataType: 'picklist',
        value: blank ? '' : asText,
        options: { values: (field.picklistValues ?? []).map((p) => p.value) },
      };
    default:
      return {
        type: 'literal',
        dataType: 'text',
        value: blank ? '' : asText,
        options: { length: field?.length ?? 255 },
      };
  }
}

function valueOf(record: Record<string, unknown> | undefined, name: string): unknown {
  if (record === undefined) return null;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : record[key];
}

function sameValue(a: unknown, b: unknown): boolean {
  const blank = (v: unknown): boolean => v === null || v === undefined || v === '';
  return (blank(a) && blank(b)) || a === b;
}

/** What the formula's references resolve to: fields of the object, `$Permission.*`, `$User.*`. */
export interface Resolution {
  field(name: string): FieldDef | undefined;
  userField(name: string): FieldDef | undefined;
}

function bindings(
  compiled: CompiledFormula,
  resolution: Resolution,
  read: {
    field(name: string): unknown;
    previous(name: string): unknown;
    isNew: boolean;
    permission(name: string): boolean;
    user(name: string): unknown;
  },
): Record<string, FormulonLiteral> | string {
  const out: Record<string, FormulonLiteral> = {};
  for (const reference of compiled.references) {
    const [head, ...rest] = reference.split('.');
    if (head?.toLowerCase() === '$permission' && rest.length === 1) {
      out[reference] = {
        type: 'literal',
        dataType: 'checkbox',
        value: read.permission(rest[0] ?? ''),
        options: {},
      };
      continue;
    }
    if (head?.toLowerCase() === '$user' && rest[0]?.toLowerCase() === 'id' && rest.length === 1) {
      out[reference] = { type: 'literal', dataType: 'text', value: read.user('Id'), options: { length: 18 } };
      continue;
    }
    if (head?.toLowerCase() === '$user' && rest.length === 1) {
      const field = resolution.userField(rest[0] ?? '');
      if (field === undefined) return `Field ${reference} does not exist. Check spelling.`;
      out[reference] = literal(field, read.user(field.name));
      continue;
    }
    if (rest.length > 0 || head === undefined) return `Field ${reference} does not exist. Check spelling.`;
    const field = resolution.field(head);
    if (field === undefined) return `Field ${reference} does not exist. Check spelling.`;
    out[reference] = literal(field, read.field(field.name));
  }
  for (const helper of compiled.helpers) {
    switch (helper.kind) {
      case 'isnew':
        out[helper.name] = { type: 'literal', dataType: 'checkbox', value: read.isNew, options: {} };
        break;
      case 'string':
        out[helper.name] = {
          type: 'literal',
          dataType: 'text',
          value: helper.value,
          options: { length: helper.value.length },
        };
        break;
      case 'ischanged': {
        const field = resolution.field(helper.field);
        out[helper.name] = {
          type: 'literal',
          dataType: 'checkbox',
          value:
            !read.isNew &&
            field !== undefined &&
            !sameValue(read.field(field.name), read.previous(field.name)),
          options: {},
        };
        break;
      }
      case 'prior': {
        const field = resolution.field(helper.field);
        out[helper.name] = literal(field, field === undefined ? null : read.previous(field.name));
        break;
      }
      case 'casesafeid': {
        const global = helper.field.toLowerCase() === '$user.id';
        const raw = global
          ? read.user('Id')
          : read.field(resolution.field(helper.field)?.name ?? helper.field);
        const id = typeof raw === 'string' && raw !== '' ? (normalizeId(raw) ?? raw) : '';
        out[helper.name] = { type: 'literal', dataType: 'text', value: id, options: { length: 18 } };
        break;
      }
    }
  }
  return out;
}

function resolutionFor(def: ObjectDef, user: ObjectDef | undefined): Resolution {
  return {
    field: (name) => fieldOf(def, name),
    userField: (name) => (user === undefined ? undefined : fieldOf(user, name)),
  };
}

const DATA_TYPE_NAMES: Record<string, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  datetime: 'Date/Time',
  time: 'Time',
  picklist: 'Picklist',
  geolocation: 'Location',
};

/**
 * What the platform says about a validation rule's formula before it saves it, or undefined when it
 * is valid: syntax, unknown functions and fields (on the object, `$User`, `$Permission`), parameter
 * counts and types, and a result that must be true or false.
 */
export function validationFormulaProblem(
  def: ObjectDef,
  user: ObjectDef | undefined,
  formula: string,
): string | undefined {
  let compiled: CompiledFormula;
  try {
    compiled = compileFormula(formula);
  } catch (error) {
    if (error instanceof FormulaError) return error.message;
    throw error;
  }
  const resolution = resolutionFor(def, user);
  for (const helper of compiled.helpers) {
    if (
      'field' in helper &&
      helper.field.toLowerCase() !== '$user.id' &&
      resolution.field(helper.field) === undefined
    ) {
      return `Field ${helper.field} does not exist. Check spelling.`;
    }
  }
  // Sample values by type: the check is about shape, not about any record.
  const sample = (field: FieldDef | undefined): unknown => {
    switch (field?.type) {
      case 'boolean':
        return false;
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        return 1;
      case 'date':
        return '2026-01-01';
      case 'datetime':
        return '2026-01-01T00:00:00.000+0000';
      case 'picklist':
      case 'multipicklist':
        return field.picklistValues?.[0]?.value ?? '';
      case 'id':
      case 'reference':
        return '005000000000001AAA';
      default:
        return 'a';
    }
  };
  const bound = bindings(compiled, resolution, {
    field: (name) => sample(resolution.field(name)),
    previous: (name) => sample(resolution.field(name)),
    isNew: false,
    permission: () => false,
    user: (name) => sample(resolution.userField(name)),
  });
  if (typeof bound === 'string') return bound;
  let result;
  try {
    result = parse(compiled.rewritten, bound);
  } catch {
    return undefined;
  }
  if (result.type === 'error') return result.message;
  if (result.dataType !== 'checkbox') {
    return `Formula result is data type (${DATA_TYPE_NAMES[result.dataType] ?? result.dataType}), incompatible with expected data type (true or false).`;
  }
  return undefined;
}

/**
 * Evaluates a formula against a record being saved; undefined when it cannot be evaluated (a
 * reference the emulator does not resolve, such as a relationship path, or a runtime error).
 */
export function evaluateFormula(
  def: ObjectDef,
  user: ObjectDef | undefined,
  formula: string,
  ctx: FormulaContext,
): unknown {
  let compiled: CompiledFormula;
  try {
    compiled = compileFormula(formula);
  } catch (error) {
    if (error instanceof FormulaError) return undefined;
    throw error;
  }
  const bound = bindings(compiled, resolutionFor(def, user), {
    field: (name) => valueOf(ctx.fields, name),
    previous: (name) => valueOf(ctx.previous, name),
    isNew: ctx.previous === undefined,
    permission: (name) => ctx.permissions.has(name),
    user: (name) => (name.toLowerCase() === 'id' ? ctx.userId : valueOf(ctx.user, name)),
  });
  if (typeof bound === 'string') return undefined;
  try {
    const result = parse(compiled.rewritten, bound);
    return result.type === 'error' ? undefined : result.value;
  } catch {
    // formulon throws on inputs it does not handle; the rule is not enforced rather than guessed.
    return undefined;
  }
}
