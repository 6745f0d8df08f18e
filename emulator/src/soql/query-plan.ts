// Checks a parsed query against the schema and compiles it into a plan: the object, the selected
// field paths, the WHERE tree with typed operands, the ORDER BY terms, LIMIT and OFFSET. Every refusal
// is Salesforce's: INVALID_TYPE for an unknown object, INVALID_FIELD for an unknown field or
// relationship, each with the caret block pointing at the word in the query.
import type {
  ConditionWithValueQuery,
  FieldType as SelectItem,
  OrderByClause,
  Query,
} from '@jetstreamapp/soql-parser-js';
import { findObject, type ObjectDef } from '../schema/types.ts';
import { describePathProblem, isPathProblem, resolvePath, type FieldPath } from './field-paths.ts';
import { isOperandProblem, toOperand, valueKind, type Operand, type ValueKind } from './operands.ts';
import { errorAt, scanTokens, type TextToken } from './query-text.ts';
import { SoqlError, type SoqlOptions } from './types.ts';
import type { ComparisonOperator, Filter } from './where-eval.ts';
import { buildWhereTree, type WhereNode } from './where-tree.ts';

export type PlanNode =
  | { kind: 'and' | 'or'; children: PlanNode[] }
  | { kind: 'not'; child: PlanNode }
  | { kind: 'filter'; path: FieldPath; filter: Filter };

export interface OrderTerm {
  path: FieldPath;
  kind: ValueKind;
  descending: boolean;
  nullsFirst: boolean;
}

export interface QueryPlan {
  object: ObjectDef;
  isCount: boolean;
  columns: FieldPath[];
  where?: PlanNode;
  orderBy: OrderTerm[];
  limit?: number;
  offset?: number;
}

/** Finds words of the query by clause, so errors can point at the right occurrence. */
class QueryText {
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

  /** The next occurrence (per clause and text) of `written` after `after`. */
  locate(written: string, after: number): TextToken | undefined {
    const wanted = written.toLowerCase();
    const key = `${after}:${wanted}`;
    const skip = this.seen.get(key) ?? 0;
    this.seen.set(key, skip + 1);
    const found = this.words.filter((token) => token.start > after && token.text.toLowerCase() === wanted);
    return found[skip] ?? found[0];
  }

  /** The value token after a located field and its operator (`'abc'` in `Subject = 'abc'`). */
  valueAfter(field: TextToken | undefined): number | undefined {
    if (field === undefined) return undefined;
    const operatorWords = new Set([
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
    return this.words.find(
      (token) => token.start >= field.end && !operatorWords.has(token.text.toLowerCase()),
    )?.start;
  }
}

function unsupported(feature: string): never {
  throw new SoqlError('MALFORMED_QUERY', `The emulator does not support ${feature} in SOQL`);
}

function resolveOrFail(
  text: QueryText,
  object: ObjectDef,
  written: string,
  after: number,
  options: SoqlOptions,
) {
  const resolved = resolvePath(options.schema, object, written);
  const token = text.locate(written, after);
  if (isPathProblem(resolved)) {
    throw errorAt('INVALID_FIELD', text.soql, token?.start ?? after, describePathProblem(resolved));
  }
  return { path: resolved, token };
}

function isCountOnly(fields: SelectItem[]): boolean {
  const [first] = fields;
  return (
    fields.length === 1 &&
    first?.type === 'FieldFunctionExpression' &&
    first.functionName.toUpperCase() === 'COUNT' &&
    first.parameters.length === 0
  );
}

function planColumns(
  text: QueryText,
  object: ObjectDef,
  fields: SelectItem[],
  options: SoqlOptions,
): FieldPath[] {
  const selectAt = text.keyword('SELECT') ?? 0;
  const columns: FieldPath[] = [];
  const chosen = new Set<string>();
  for (const item of fields) {
    if (item.type === 'FieldSubquery') unsupported('relationship subqueries');
    if (item.type === 'FieldTypeof') unsupported('TYPEOF');
    if (item.type === 'FieldFunctionExpression') unsupported(`${item.functionName}() in the field list`);
    const written =
      item.type === 'Field' ? item.field : (item.rawValue ?? [...item.relationships, item.field].join('.'));
    const { path, token } = resolveOrFail(text, object, written, selectAt, options);
    if ('alias' in item && typeof item.alias === 'string' && item.alias !== '') {
      // Salesforce's grammar accepts an alias after any field but only aggregates may carry one.
      throw errorAt(
        'MALFORMED_QUERY',
        text.soql,
        token?.start ?? selectAt,
        'Only aggregate expressions use field aliasing',
      );
    }
    const key = [...path.hops.map((hop) => hop.relationshipName), path.leaf.name].join('.').toLowerCase();
    if (chosen.has(key)) {
      // Documented in the SOQL reference (FIELDS()): 400 INVALID_FIELD "duplicate field selected: Id".
      throw new SoqlError('INVALID_FIELD', `duplicate field selected: ${written}`);
    }
    chosen.add(key);
    columns.push(path);
  }
  return columns;
}

function literalList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function planComparison(
  text: QueryText,
  object: ObjectDef,
  condition: ConditionWithValueQuery,
  whereAt: number,
  options: SoqlOptions,
): PlanNode {
  if ('valueQuery' in condition) unsupported('semi-join subqueries');
  if (!('field' in condition)) unsupported('functions in WHERE');
  const { path, token } = resolveOrFail(text, object, condition.field, whereAt, options);
  if (!path.leaf.filterable) {
    throw errorAt(
      'INVALID_FIELD',
      text.soql,
      token?.start ?? whereAt,
      `field '${path.leaf.name}' can not be filtered in a query call`,
    );
  }
  const operator = condition.operator as ComparisonOperator;
  const values = literalList(condition.value);
  const types = literalList(condition.literalType);
  const operands: Operand[] = values.map((value, index) => {
    const operand = toOperand(value, types[index] ?? types[0] ?? 'STRING', {
      field: path.leaf,
      like: operator === 'LIKE',
      now: options.clock.now(),
      timeZone: options.timeZone,
    });
    if (isOperandProblem(operand)) {
      throw errorAt(operand.errorCode, text.soql, text.valueAfter(token) ?? whereAt, operand.reason);
    }
    return operand;
  });
  return {
    kind: 'filter',
    path,
    filter: { operator, operands, kind: valueKind(path.leaf), timeZone: options.timeZone },
  };
}

function planWhere(
  text: QueryText,
  object: ObjectDef,
  node: WhereNode,
  whereAt: number,
  options: SoqlOptions,
): PlanNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        children: node.children.map((child) => planWhere(text, object, child, whereAt, options)),
      };
    case 'not':
      return { kind: 'not', child: planWhere(text, object, node.child, whereAt, options) };
    default:
      return planComparison(text, object, node.comparison, whereAt, options);
  }
}

function planOrderBy(
  text: QueryText,
  object: ObjectDef,
  clauses: OrderByClause[],
  options: SoqlOptions,
): OrderTerm[] {
  const orderAt = text.keyword('ORDER', text.keyword('FROM')) ?? 0;
  return clauses.map((clause) => {
    if (!('field' in clause)) unsupported('functions in ORDER BY');
    const { path, token } = resolveOrFail(text, object, clause.field, orderAt, options);
    if (!path.leaf.sortable) {
      throw errorAt(
        'INVALID_FIELD',
        text.soql,
        token?.start ?? orderAt,
        `field '${path.leaf.name}' can not be sorted in a query call`,
      );
    }
    const descending = clause.order === 'DESC';
    // Salesforce's default: ascending puts nulls first, descending puts them last.
    const nullsFirst = clause.nulls === undefined ? !descending : clause.nulls === 'FIRST';
    return { path, kind: valueKind(path.leaf), descending, nullsFirst };
  });
}

function resolveObject(text: QueryText, query: Query, options: SoqlOptions): ObjectDef {
  const name = query.sObject ?? '';
  const object = findObject(options.schema, name);
  if (object === undefined || !object.queryable) {
    const fromAt = text.keyword('FROM') ?? 0;
    const at = text.locate(name, fromAt)?.start ?? fromAt;
    throw errorAt(
      'INVALID_TYPE',
      text.soql,
      at,
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to ` +
        `append the '__c' after the entity name. Please reference your WSDL or the describe call for the ` +
        `appropriate names.`,
    );
  }
  return object;
}

export function planQuery(soql: string, query: Query, options: SoqlOptions): QueryPlan {
  const text = new QueryText(soql);
  const object = resolveObject(text, query, options);
  if (query.groupBy !== undefined || query.having !== undefined) unsupported('GROUP BY and HAVING');
  if (query.usingScope !== undefined) unsupported('USING SCOPE');
  if (query.withDataCategory !== undefined) unsupported('WITH DATA CATEGORY');
  const fields = query.fields ?? [];
  const isCount = isCountOnly(fields);
  const columns = isCount ? [] : planColumns(text, object, fields, options);
  const whereAt = text.keyword('WHERE', text.keyword('FROM')) ?? 0;
  const where =
    query.where === undefined
      ? undefined
      : planWhere(text, object, buildWhereTree(query.where, soql), whereAt, options);
  const orderBy = planOrderBy(text, object, literalList(query.orderBy), options);
  return { object, isCount, columns, where, orderBy, limit: query.limit, offset: query.offset };
}
