// Checks a parsed query against the schema and compiles it into a plan: the object, the selected
// field paths, the WHERE tree with typed operands, the ORDER BY terms, LIMIT and OFFSET. Every refusal
// is Salesforce's: INVALID_TYPE for an unknown object, INVALID_FIELD for an unknown field or
// relationship, each with the caret block pointing at the word in the query.
import type { ConditionWithValueQuery, OrderByClause, Query } from '@jetstreamapp/soql-parser-js';
import { findObject, type ObjectDef } from '../schema/types.ts';
import type { FieldPath } from './field-paths.ts';
import { isOperandProblem, toOperand, valueKind, type Operand, type ValueKind } from './operands.ts';
import { QueryText, resolveOrFail, unsupported, type PlanContext } from './plan-context.ts';
import { errorAt } from './query-text.ts';
import { isCountOnly, planColumns } from './select-list.ts';
import type { SoqlOptions } from './types.ts';
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

function literalList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function planComparison(context: PlanContext, condition: ConditionWithValueQuery, whereAt: number): PlanNode {
  if ('valueQuery' in condition) unsupported('semi-join subqueries');
  if (!('field' in condition)) unsupported('functions in WHERE');
  const { text, options } = context;
  const { path, token } = resolveOrFail(context, condition.field, whereAt);
  if (!path.leaf.filterable) {
    const reason = `field '${path.leaf.name}' can not be filtered in a query call`;
    throw errorAt('INVALID_FIELD', text.soql, token?.start ?? whereAt, reason);
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
    filter: { operator, operands, kind: valueKind(path.leaf) },
  };
}

function planWhere(context: PlanContext, node: WhereNode, whereAt: number): PlanNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((child) => planWhere(context, child, whereAt)) };
    case 'not':
      return { kind: 'not', child: planWhere(context, node.child, whereAt) };
    default:
      return planComparison(context, node.comparison, whereAt);
  }
}

function planOrderBy(context: PlanContext, clauses: OrderByClause[]): OrderTerm[] {
  const orderAt = context.text.keyword('ORDER', context.text.keyword('FROM')) ?? 0;
  return clauses.map((clause) => {
    if (!('field' in clause)) unsupported('functions in ORDER BY');
    const { path, token } = resolveOrFail(context, clause.field, orderAt);
    if (!path.leaf.sortable) {
      const reason = `field '${path.leaf.name}' can not be sorted in a query call`;
      throw errorAt('INVALID_FIELD', context.text.soql, token?.start ?? orderAt, reason);
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
  const prefixes = [object.name, ...(query.sObjectAlias === undefined ? [] : [query.sObjectAlias])];
  const context: PlanContext = { text, object, options, prefixes };
  const fields = query.fields ?? [];
  const isCount = isCountOnly(fields);
  const columns = isCount ? [] : planColumns(context, fields, query.limit);
  const whereAt = text.keyword('WHERE', text.keyword('FROM')) ?? 0;
  const where =
    query.where === undefined ? undefined : planWhere(context, buildWhereTree(query.where, soql), whereAt);
  const orderBy = planOrderBy(context, literalList(query.orderBy));
  return { object, isCount, columns, where, orderBy, limit: query.limit, offset: query.offset };
}
