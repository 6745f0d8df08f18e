// Parses SOQL with @jetstreamapp/soql-parser-js and turns its syntax errors into Salesforce's
// MALFORMED_QUERY messages ("unexpected token: 'FROM'" under a caret at the offending token).
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { errorAt, unexpectedTokenOffset } from './query-text.ts';
import { SoqlError } from './types.ts';

/** What the library's recognition and lexing errors carry that we need. */
interface RecognitionError {
  token?: { image: string; startOffset: number | null | undefined };
  offset?: number;
  line?: number;
  column?: number;
}

function isRecognitionErrorList(value: unknown): value is RecognitionError[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null);
}

/**
 * The library's thrown error keeps only chevrotain's message and drops the token position. With
 * `logErrors` it hands the raw errors (with offsets) to console.log just before throwing, so a query
 * that failed is parsed once more with console.log captured for that synchronous call.
 * (`ignoreParseErrors: false` is spelled out: the library builds a new parser whenever it differs
 * from the cached parser's setting, which costs ~30 ms.)
 */
function recognitionErrors(soql: string): { errors: RecognitionError[]; lexing: boolean } {
  const logged: unknown[][] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    logged.push(args);
  };
  try {
    parseQuery(soql, { logErrors: true, ignoreParseErrors: false });
  } catch {
    // expected: the errors were logged
  } finally {
    console.log = original;
  }
  const heading = logged.findIndex((args) => args[0] === 'Lexing Errors:' || args[0] === 'Parsing Errors:');
  const list = logged[heading + 1]?.[0];
  return {
    errors: heading >= 0 && isRecognitionErrorList(list) ? list : [],
    lexing: logged[heading]?.[0] === 'Lexing Errors:',
  };
}

export function parseSoql(soql: string): Query {
  try {
    return parseQuery(soql, { ignoreParseErrors: false });
  } catch {
    // fall through to describe the syntax error the way Salesforce does
  }
  const { errors, lexing } = recognitionErrors(soql);
  const first = errors[0];
  if (lexing && first?.offset !== undefined) {
    // A character no SOQL token starts with. Salesforce's Summer '24 release notes give this form,
    // with a 0-based column and no caret block: "line 1:15 unexpected token: '$'".
    const lineStart = soql.lastIndexOf('\n', first.offset - 1) + 1;
    const row = soql.slice(0, lineStart).split('\n').length;
    const char = soql.charAt(first.offset);
    return malformed(`line ${row}:${first.offset - lineStart} unexpected token: '${char}'`);
  }
  const token = first?.token;
  const offset = token?.startOffset;
  if (token === undefined || offset === null || offset === undefined || Number.isNaN(offset)) {
    // Chevrotain's EOF token has no offset: the query ended where more was expected.
    throw errorAt(
      'MALFORMED_QUERY',
      soql,
      unexpectedTokenOffset(soql, soql.length),
      "unexpected token: '<EOF>'",
    );
  }
  throw errorAt(
    'MALFORMED_QUERY',
    soql,
    unexpectedTokenOffset(soql, offset),
    `unexpected token: '${token.image}'`,
  );
}

function malformed(message: string): never {
  throw new SoqlError('MALFORMED_QUERY', message);
}
