// CSV as Bulk API 2.0 reads and writes it: six column delimiters, LF or CRLF line endings, double
// quotes around any value that holds a delimiter, a line break or a quote, quotes doubled inside.
// Bulk API 2.0 Developer Guide, "Prepare CSV Files" and "Valid CSV Record Rows":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm

export const COLUMN_DELIMITERS = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
} as const;

export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;
export type LineEnding = 'LF' | 'CRLF';

export interface CsvDialect {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
}

export function isColumnDelimiter(value: unknown): value is ColumnDelimiter {
  return typeof value === 'string' && Object.hasOwn(COLUMN_DELIMITERS, value);
}

export function isLineEnding(value: unknown): value is LineEnding {
  return value === 'LF' || value === 'CRLF';
}

export function lineBreak(dialect: CsvDialect): string {
  return dialect.lineEnding === 'CRLF' ? '\r\n' : '\n';
}

/** A value in double quotes, its own quotes doubled: the platform quotes every value it writes. */
export function quoted(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** One record of quoted values, without its line break. */
export function csvLine(values: readonly string[], dialect: CsvDialect): string {
  return values.map(quoted).join(COLUMN_DELIMITERS[dialect.columnDelimiter]);
}

/** One record read from uploaded job data. */
export interface CsvRecord {
  cells: string[];
  /** Where the record starts and where its text ends (before the line break), for result files. */
  start: number;
  end: number;
  /** Where the next record starts. */
  next: number;
  /**
   * Why the row cannot be read ("A space before or after a double quote generates an error for the
   * row"); the rest of the file is still read.
   */
  rowProblem?: string;
  /** The data's line breaks are not the job's `lineEnding`: the whole job fails. */
  lineEndingMismatch?: boolean;
}

/**
 * Reads records from uploaded job data one at a time, from any record's start offset, so a job can
 * walk a large upload without holding every parsed row.
 */
export class CsvReader {
  readonly text: string;
  private readonly delimiter: string;
  private readonly crlf: boolean;

  constructor(text: string, dialect: CsvDialect) {
    this.text = text;
    this.delimiter = COLUMN_DELIMITERS[dialect.columnDelimiter];
    this.crlf = dialect.lineEnding === 'CRLF';
  }

  get length(): number {
    return this.text.length;
  }

  read(start: number): CsvRecord {
    const { text } = this;
    const cells: string[] = [];
    let at = start;
    let rowProblem: string | undefined;
    for (;;) {
      const field = text.charAt(at) === '"' ? this.quotedField(at) : this.plainField(at);
      cells.push(field.value);
      rowProblem ??= field.problem;
      at = field.end;
      if (at >= text.length) return { cells, start, end: at, next: at, ...problem(rowProblem) };
      if (text.charAt(at) === this.delimiter) {
        at += 1;
        continue;
      }
      return this.lineEnd(cells, start, at, rowProblem);
    }
  }

  /** A quoted value: up to the closing quote; what follows must be a delimiter or a line break. */
  private quotedField(start: number): { value: string; end: number; problem?: string } {
    const { text } = this;
    let value = '';
    let at = start + 1;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote < 0) {
        return {
          value: value + text.slice(at),
          end: text.length,
          problem: 'a quoted value has no closing double quote',
        };
      }
      value += text.slice(at, quote);
      if (text.charAt(quote + 1) === '"') {
        value += '"';
        at = quote + 2;
        continue;
      }
      at = quote + 1;
      break;
    }
    if (at >= text.length || this.endsField(at)) return { value, end: at };
    // `"John" ,Smith`: skip to the end of the field and report the row.
    const rest = this.plainField(at);
    return {
      value: value + rest.value,
      end: rest.end,
      problem: 'a double quote must be the first and last character of a value',
    };
  }

  /** An unquoted value: up to the next delimiter or line break; it may not hold a double quote. */
  private plainField(start: number): { value: string; end: number; problem?: string } {
    const { text } = this;
    let at = start;
    while (at < text.length && !this.endsField(at)) at++;
    const value = text.slice(start, at);
    return value.includes('"')
      ? { value, end: at, problem: 'a double quote must be the first and last character of a value' }
      : { value, end: at };
  }

  private endsField(at: number): boolean {
    const char = this.text.charAt(at);
    return char === this.delimiter || char === '\n' || char === '\r';
  }

  private lineEnd(cells: string[], start: number, at: number, rowProblem: string | undefined): CsvRecord {
    const { text } = this;
    const isCrlf = text.charAt(at) === '\r' && text.charAt(at + 1) === '\n';
    const mismatch = this.crlf ? !isCrlf : text.charAt(at) !== '\n';
    const next = at + (isCrlf ? 2 : 1);
    return {
      cells,
      start,
      end: at,
      next,
      ...problem(rowProblem),
      ...(mismatch ? { lineEndingMismatch: true } : {}),
    };
  }
}

function problem(rowProblem: string | undefined): { rowProblem?: string } {
  return rowProblem === undefined ? {} : { rowProblem };
}
