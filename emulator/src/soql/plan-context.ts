// What the planning steps share: the query text (to point errors at words), the FROM object, the
// options, and the prefixes a field path may start with (the object name or its alias: `Task.Subject`,
// `t.Subject` in `FROM Task t`).
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

/** Finds words of the query by clause, so errors can point at the right occurrence. */
export class QueryText {
  readonly soql: string;
  private readonly words: TextToken[];
  private readonly seen = new Map<string, number>();

  constructor(soql: string) {
    this.soql = soql;
    this.words = scanTokens(soql);
  }

  /** Offset of the first keyword `word` after `after`, or undefined. */
  keyword(word: string, after = -1): number | undefined {
    const wanted = word.toLowerCase();
    return this.words.find((token) => token.start > after && token.text.toLowerCase() === wanted)?.start;
  }

  /** The next not yet located occurrence of `written` after `after` (repeated fields take turns). */
  locate(written: string, after: number): TextToken | undefined {
    const wanted = written.toLowerCase();
    const key = `${after}:${wanted}`;
    const skip = this.seen.get(key) ?? 0;
    this.seen.set(key, skip + 1);
    const found = this.words.filter((token) => token.start > after && token.text.toLowerCase() === wanted);
    return found[skip] ?? found[0];
  }

  /** The value after a located field and its operator (`'abc'` in `Subject = 'abc'`). */
  valueAfter(field: TextToken | undefined): number | undefined {
    if (field === undefined) return undefined;
    return this.words.find(
      (token) => token.start >= field.end && !OPERATOR_WORDS.has(token.text.toLowerCase()),
    )?.start;
  }
}

export interface PlanContext {
  text: QueryText;
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
  const token = context.text.locate(written, after);
  if (isPathProblem(resolved)) {
    throw errorAt('INVALID_FIELD', context.text.soql, token?.start ?? after, describePathProblem(resolved));
  }
  return { path: resolved, token };
}
