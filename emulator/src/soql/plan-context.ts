// What the planning steps share: the query text (to point errors at words), the FROM object, the
// options, and the prefixes a field path may start with (the object name or its alias: `Task.Subject`,
// `t.Subject` in `FROM Task t`). A query and each of its subqueries form a scope, named by the offset
// of its SELECT, so a clause keyword or a field is looked up in the right (sub)query.
import type { ObjectDef } from '../schema/types.ts';
import { describePathProblem, isPathProblem, resolvePath, type FieldPath } from './field-paths.ts';
import { errorAt, scanTokens, type TextToken } from './query-text.ts';
import { SoqlError, type SoqlOptions } from './types.ts';

const OPERATOR_WORDS = new Set([
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'like',
  'in',
  'not',
  'includes',
  'excludes',
  '(',
]);

/** A parenthesised subquery: its SELECT and the parentheses around it. */
interface SubquerySpan {
  selectAt: number;
  open: number;
  close: number;
}

function subquerySpans(words: TextToken[], length: number): SubquerySpan[] {
  const spans: SubquerySpan[] = [];
  const stack: { open: number; selectAt: number | undefined }[] = [];
  for (const [index, token] of words.entries()) {
    if (token.text === '(') {
      const next = words[index + 1];
      stack.push({
        open: token.start,
        selectAt: next?.text.toUpperCase() === 'SELECT' ? next.start : undefined,
      });
    } else if (token.text === ')') {
      const opened = stack.pop();
      if (opened?.selectAt !== undefined)
        spans.push({ selectAt: opened.selectAt, open: opened.open, close: token.start });
    }
  }
  for (const opened of stack) {
    if (opened.selectAt !== undefined)
      spans.push({ selectAt: opened.selectAt, open: opened.open, close: length });
  }
  return spans;
}

/** Finds words of the query by scope and clause, so errors can point at the right occurrence. */
export class QueryText {
  readonly soql: string;
  /** Scope of the outermost query. */
  readonly mainScope: number;
  private readonly words: TextToken[];
  private readonly spans: SubquerySpan[];
  private readonly seen = new Map<string, number>();

  constructor(soql: string) {
    this.soql = soql;
    this.words = scanTokens(soql);
    this.spans = subquerySpans(this.words, soql.length);
    this.mainScope = this.words.find((token) => token.text.toUpperCase() === 'SELECT')?.start ?? 0;
  }

  /** The (sub)query an offset belongs to. */
  scopeOf(offset: number): number {
    let innermost: SubquerySpan | undefined;
    for (const span of this.spans) {
      if (
        span.open < offset &&
        offset < span.close &&
        (innermost === undefined || span.open > innermost.open)
      ) {
        innermost = span;
      }
    }
    return innermost?.selectAt ?? this.mainScope;
  }

  private wordsIn(scope: number, after: number, wanted: string): TextToken[] {
    return this.words.filter(
      (token) =>
        token.start > after && token.text.toLowerCase() === wanted && this.scopeOf(token.start) === scope,
    );
  }

  /** Offset of the first keyword `word` of `scope` after `after`, or undefined. */
  keyword(word: string, scope: number, after = scope): number | undefined {
    return this.wordsIn(scope, after, word.toLowerCase())[0]?.start;
  }

  /** Every occurrence of `word` in `scope` after `after`. */
  keywords(word: string, scope: number, after: number): TextToken[] {
    return this.wordsIn(scope, after, word.toLowerCase());
  }

  /** The next not yet located occurrence of `written` in `scope` after `after` (repeats take turns). */
  locate(written: string, scope: number, after: number): TextToken | undefined {
    const wanted = written.toLowerCase();
    const key = `${after}:${wanted}`;
    const skip = this.seen.get(key) ?? 0;
    this.seen.set(key, skip + 1);
    const found = this.wordsIn(scope, after, wanted);
    return found[skip] ?? found[0];
  }

  /** The SELECTs of subqueries directly inside `scope`, after `after`, in order. */
  subqueries(scope: number, after: number): number[] {
    return this.spans
      .filter((span) => span.selectAt > after && this.scopeOf(span.open) === scope)
      .map((span) => span.selectAt)
      .sort((a, b) => a - b);
  }

  /** The `index`-th value after a located field and its operator (`'b'` in `Status IN ('a', 'b')` for 1). */
  valueAfter(field: TextToken | undefined, index = 0): number | undefined {
    if (field === undefined) return undefined;
    const values = this.words.filter(
      (token) =>
        token.start >= field.end && token.text !== ',' && !OPERATOR_WORDS.has(token.text.toLowerCase()),
    );
    return values[index]?.start;
  }
}

export interface PlanContext {
  text: QueryText;
  /** The (sub)query being planned: the offset of its SELECT. */
  scope: number;
  object: ObjectDef;
  options: SoqlOptions;
  /** `Task` and, when FROM names one, its alias. */
  prefixes: string[];
}

/** Features Salesforce has that the emulator does not evaluate: refused plainly rather than guessed. */
export function unsupported(feature: string): never {
  throw new SoqlError('MALFORMED_QUERY', `The emulator does not support ${feature} in SOQL`);
}

/**
 * Resolves a field path or throws Salesforce's INVALID_FIELD at it. `written` is the path as it
 * appears in the text (to locate it), `after` where its clause starts, `resolveAs` the path to resolve
 * when the parser has already normalised it.
 */
export function resolveOrFail(
  context: PlanContext,
  written: string,
  after: number,
  resolveAs = written,
): { path: FieldPath; token: TextToken | undefined } {
  const resolved = resolvePath(context.options.schema, context.object, resolveAs, context.prefixes);
  const token = context.text.locate(written, context.scope, after);
  if (isPathProblem(resolved)) {
    throw errorAt('INVALID_FIELD', context.text.soql, token?.start ?? after, describePathProblem(resolved));
  }
  return { path: resolved, token };
}
