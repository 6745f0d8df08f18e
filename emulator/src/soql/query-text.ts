// Positions inside the SOQL text, for Salesforce's error messages. The parser library reports where a
// syntax error is; for semantic errors (unknown object, field, relationship) the emulator finds the
// offending word here. This scanner only splits the text into words to point a caret at one of
// them: the query's meaning always comes from @jetstreamapp/soql-parser-js.
import { SoqlError } from './types.ts';

export interface TextToken {
  /** The token as written. */
  text: string;
  /** Offset of its first character in the query. */
  start: number;
  /** Offset just past its last character. */
  end: number;
  kind: 'word' | 'string' | 'symbol';
}

const isWordChar = (char: string): boolean => /[\w.$:+-]/.test(char);

/** Splits SOQL text into words, quoted strings and symbols (quotes honour backslash escapes). */
export function scanTokens(query: string): TextToken[] {
  const tokens: TextToken[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query.charAt(index);
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'") {
      let end = index + 1;
      while (end < query.length && query.charAt(end) !== "'") end += query.charAt(end) === '\\' ? 2 : 1;
      end = Math.min(end + 1, query.length);
      tokens.push({ text: query.slice(index, end), start: index, end, kind: 'string' });
      index = end;
    } else if (isWordChar(char) && char !== '+' && char !== '-') {
      let end = index + 1;
      while (end < query.length && isWordChar(query.charAt(end))) end += 1;
      tokens.push({ text: query.slice(index, end), start: index, end, kind: 'word' });
      index = end;
    } else {
      const pair = query.slice(index, index + 2);
      const width = ['<=', '>=', '!=', '<>'].includes(pair) ? 2 : 1;
      tokens.push({
        text: query.slice(index, index + width),
        start: index,
        end: index + width,
        kind: 'symbol',
      });
      index += width;
    }
  }
  return tokens;
}

/**
 * Where Salesforce points for an unexpected token: just past the token before it. Real bodies show
 * it: "SELECT Id, FROM Account" → Column:11 (after the comma), "SELECT Id FROM Account WHERE" →
 * Column:29, and "... LIKE 'test' OR email ..." → the column right after 'test'.
 */
export function unexpectedTokenOffset(query: string, tokenStart: number): number {
  const before = scanTokens(query.slice(0, tokenStart));
  return before.at(-1)?.end ?? 0;
}

// How much of a long line Salesforce echoes above the caret. Inferred from real error bodies
// (e.g. "...FROM FlowDefinition\n           ^\nERROR at Row:1:Column:12", where the query went on with
// "WHERE ApiName IN (...)"): whole tokens that start at most 43 characters before the error and end
// at most 35 characters after its first character. Short queries are echoed whole.
const CONTEXT_BEFORE = 43;
const CONTEXT_AFTER = 35;

/**
 * Salesforce's positioned query error: the text around the error, a caret under it, its 1-based
 * row and column, then the reason, e.g.
 * "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. ..."
 */
export function positionedMessage(query: string, offset: number, reason: string): string {
  const lineStart = query.lastIndexOf('\n', offset - 1) + 1;
  const lineEndAt = query.indexOf('\n', offset);
  const line = query.slice(lineStart, lineEndAt === -1 ? query.length : lineEndAt);
  const column = offset - lineStart;
  const row = query.slice(0, lineStart).split('\n').length;
  const shown = scanTokens(line).filter(
    (token) => token.start >= column - CONTEXT_BEFORE && token.end <= column + CONTEXT_AFTER,
  );
  const first = shown[0];
  const last = shown.at(-1);
  const echoStart = first === undefined ? column : Math.min(first.start, column);
  const echo = first === undefined || last === undefined ? '' : line.slice(echoStart, last.end);
  const caret = `${' '.repeat(Math.max(0, column - echoStart))}^`;
  return `\n${echo}\n${caret}\nERROR at Row:${row}:Column:${column + 1}\n${reason}`;
}

export function errorAt(
  errorCode: SoqlError['errorCode'],
  query: string,
  offset: number,
  reason: string,
): SoqlError {
  return new SoqlError(errorCode, positionedMessage(query, offset, reason));
}
