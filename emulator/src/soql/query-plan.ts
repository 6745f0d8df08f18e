// Checks a parsed query against the schema and compiles it into a plan: the object, the selected
// columns (fields, parent paths, child subqueries), the WHERE tree with typed operands and semi-joins,
// the ORDER BY terms, LIMIT and OFFSET. Every refusal is Salesforce's: INVALID_TYPE for an unknown
// object, INVALID_FIELD for an unknown field or relationship, each with the caret block pointing at
// the word in the query.
import type {
  ConditionWithValueQuery,
  OrderByClause,
  Query,
  QueryBase,
  Subquery,
} from '@jetstreamapp/soql-parser-js';
import { findObject, type ObjectDef } from '../schema/types.ts';
import { isAggregateQuery, planAggregate, type AggregatePlan } from './aggregates.ts';
import { findChildRelationship, type ChildRelationship } from './child-relationships.ts';
import type { FieldPath } from './field-paths.ts';
import { isOperandProblem, toOperand, valueKind, type Operand } from './operands.ts';
import type { SortTerm } from './ordering.ts';
import { QueryText, resolveOrFail, unsupported, type PlanContext } from './plan-context.ts';
import { errorAt } from './query-text.ts';
import { planDateFunction, type DateFunction } from './date-functions.ts';
import { isCountOnly, planColumns } from './select-list.ts';
import type { TypeOfColumn } from './typeof-column.ts';
import { SoqlError, type SoqlOptions } from './types.ts';
import type { ComparisonOperator, Filter } from './where-eval.ts';
import { buildWhereTree, type WhereNode } from './where-tree.ts';

export type PlanNode =
  | { kind: 'and' | 'or'; children: PlanNode[] }
  | { kind: 'not'; child: PlanNode }
  /** `dateFunction` is set for `CALENDAR_YEAR(CreatedDate) = 2026` and the like. */
  | { kind: 'filter'; path: FieldPath; filter: Filter; dateFunction?: DateFunction }
  /** `WhoId IN (SELECT Id FROM Contact ...)`: the subquery's single id column. */
  | { kind: 'semi-join'; path: FieldPath; negate: boolean; plan: QueryPlan };

export type Column =
  /** `label` for toLabel(): the picklist label instead of the value. */
  | { kind: 'field'; path: FieldPath; label?: boolean }
  /** `(SELECT ... FROM Tasks)`: the parent's children through `relationship`, selected by `plan`. */
  | { kind: 'children'; relationship: ChildRelationship; plan: QueryPlan }
  | TypeOfColumn;

export interface OrderTerm extends SortTerm {
  path: FieldPath;
}

export interface QueryPlan {
  object: ObjectDef;
  /** Set for aggregate queries (COUNT(Id), MAX(...), GROUP BY): rows become AggregateResult records. */
  aggregate?: AggregatePlan;
  isCount: boolean;
  columns: Column[];
  where?: PlanNode;
  orderBy: OrderTerm[];
  limit?: number;
  offset?: number;
}

/** "The maximum offset is 2,000 rows" (SOQL reference, OFFSET); beyond it NUMBER_OUTSIDE_VALID_RANGE. */
const MAX_OFFSET = 2000;

function literalList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function planSemiJoin(
  context: PlanContext,
  path: FieldPath,
  after: number,
  condition: ConditionWithValueQuery,
) {
  if (!('valueQuery' in condition)) throw new Error('not a semi-join');
  const { text, options } = context;
  const scope = text.subqueries(context.scope, after)[0] ?? after;
  const object = resolveObject(text, scope, condition.valueQuery.sObject ?? '', options);
  const plan = planScope(text, scope, object, condition.valueQuery, options);
  const [column, ...others] = plan.columns;
  const idColumn = column?.kind === 'field' && valueKind(column.path.leaf) === 'id' && others.length === 0;
  if (
    !idColumn ||
    valueKind(path.leaf) !== 'id' ||
    (condition.operator !== 'IN' && condition.operator !== 'NOT IN')
  ) {
    unsupported('semi-joins other than an id field IN (SELECT one id field ...)');
  }
  return { kind: 'semi-join' as const, path, negate: condition.operator === 'NOT IN', plan };
}

function planComparison(context: PlanContext, condition: ConditionWithValueQuery, whereAt: number): PlanNode {
  const { text, options } = context;
  if ('fn' in condition) return planFunctionComparison(context, condition, whereAt);
  if (!('field' in condition)) unsupported('this WHERE condition');
  const { path, token } = resolveOrFail(context, condition.field, whereAt);
  if (!path.leaf.filterable) {
    const reason = `field '${path.leaf.name}' can not be filtered in a query call`;
    throw errorAt('INVALID_FIELD', text.soql, token?.start ?? whereAt, reason);
  }
  if ('valueQuery' in condition) return planSemiJoin(context, path, token?.start ?? whereAt, condition);
  const operator = condition.operator as ComparisonOperator;
  if (operator === 'LIKE' && valueKind(path.leaf) === 'id') {
    // Salesforce: INVALID_QUERY_FILTER_OPERATOR "invalid operator on id field".
    throw errorAt(
      'INVALID_QUERY_FILTER_OPERATOR',
      text.soql,
      token?.start ?? whereAt,
      'invalid operator on id field',
    );
  }
  const values = literalList(condition.value);
  const types = literalList(condition.literalType);
  const operands: Operand[] = values.map((value, index) => {
    const operand = toOperand(value, types[index] ?? types[0] ?? 'STRING', {
      field: path.leaf,
      like: operator === 'LIKE',
      now: options.clock.now(),
      timeZone: options.timeZone,
      firstDayOfWeek: options.firstDayOfWeek,
    });
    if (isOperandProblem(operand)) {
      throw errorAt(operand.errorCode, text.soql, text.valueAfter(token, index) ?? whereAt, operand.reason);
    }
    return operand;
  });
  return { kind: 'filter', path, filter: { operator, operands, kind: valueKind(path.leaf) } };
}

/** `CALENDAR_YEAR(CreatedDate) = 2026`: the literal is typed by what the date function returns. */
function planFunctionComparison(
  context: PlanContext,
  condition: Extract<ConditionWithValueQuery, { fn: unknown }>,
  whereAt: number,
): PlanNode {
  const { text, options } = context;
  const dateFunction = planDateFunction(context, condition.fn, whereAt);
  const operator = condition.operator as ComparisonOperator;
  const values = literalList(condition.value);
  const types = literalList(condition.literalType);
  const operands: Operand[] = values.map((value, index) => {
    const operand = toOperand(value, types[index] ?? types[0] ?? 'INTEGER', {
      field: dateFunction.result,
      like: false,
      now: options.clock.now(),
      timeZone: options.timeZone,
      firstDayOfWeek: options.firstDayOfWeek,
    });
    if (isOperandProblem(operand)) throw errorAt(operand.errorCode, text.soql, whereAt, operand.reason);
    return operand;
  });
  const filter = { operator, operands, kind: valueKind(dateFunction.result) };
  return { kind: 'filter', path: dateFunction.path, filter, dateFunction };
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

function planOrderBy(context: PlanContext, clauses: OrderByClause[], fromAt: number): OrderTerm[] {
  const orderAt = context.text.keyword('ORDER', context.scope, fromAt) ?? fromAt;
  return clauses.map((clause) => {
    if (!('field' in clause)) unsupported('functions in ORDER BY');
    const { path, token } = resolveOrFail(context, clause.field, orderAt);
    if (!path.leaf.sortable) {
      // Orgs answer this one with MALFORMED_QUERY, unlike the INVALID_FIELD of a filter on the same field.
      const reason = `field '${path.leaf.name}' can not be sorted in a query call`;
      throw errorAt('MALFORMED_QUERY', context.text.soql, token?.start ?? orderAt, reason);
    }
    const descending = clause.order === 'DESC';
    // Salesforce's default: ascending puts nulls first, descending puts them last.
    const nullsFirst = clause.nulls === undefined ? !descending : clause.nulls === 'FIRST';
    return { path, kind: valueKind(path.leaf), descending, nullsFirst };
  });
}

function resolveObject(text: QueryText, scope: number, name: string, options: SoqlOptions): ObjectDef {
  const object = findObject(options.schema, name);
  if (object === undefined || !object.queryable) {
    const fromAt = text.keyword('FROM', scope) ?? scope;
    const at = text.locate(name, scope, fromAt)?.start ?? fromAt;
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

/** A child subquery in the SELECT list: FROM names a child relationship of the parent object. */
function planChildren(context: PlanContext, subquery: Subquery, scope: number) {
  const { text, options } = context;
  const relationship = findChildRelationship(options.schema, context.object, subquery.relationshipName);
  if (relationship === undefined) {
    const fromAt = text.keyword('FROM', scope) ?? scope;
    const at = text.locate(subquery.relationshipName, scope, fromAt)?.start ?? fromAt;
    // Wording from real error bodies; the code (INVALID_TYPE, as for an unknown FROM object) is not
    // confirmed by a captured body.
    throw errorAt(
      'INVALID_TYPE',
      text.soql,
      at,
      `Didn't understand relationship '${subquery.relationshipName}' in FROM part of query call. If you are ` +
        `attempting to use a custom relationship, be sure to append the '__r' after the custom relationship ` +
        `name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const plan = planScope(text, scope, relationship.child, subquery, options, [relationship.name]);
  if (plan.columns.some((column) => column.kind === 'children')) unsupported('nested child subqueries');
  return { kind: 'children' as const, relationship, plan };
}

function planScope(
  text: QueryText,
  scope: number,
  object: ObjectDef,
  query: QueryBase,
  options: SoqlOptions,
  extraPrefixes: string[] = [],
): QueryPlan {
  if (query.usingScope !== undefined) unsupported('USING SCOPE');
  if (query.withDataCategory !== undefined) unsupported('WITH DATA CATEGORY');
  const alias = query.sObjectAlias === undefined ? [] : [query.sObjectAlias];
  const context: PlanContext = {
    text,
    scope,
    object,
    options,
    prefixes: [object.name, ...alias, ...extraPrefixes],
  };
  const fields = query.fields ?? [];
  const aggregate = isAggregateQuery(fields, query.groupBy) ? planAggregate(context, query) : undefined;
  const isCount = aggregate === undefined && isCountOnly(fields);
  const subqueries = text.subqueries(scope, scope);
  const columns =
    isCount || aggregate !== undefined
      ? []
      : planColumns(context, fields, query.limit, (subquery, index) =>
          planChildren(context, subquery, subqueries[index] ?? scope),
        );
  const fromAt = text.keyword('FROM', scope) ?? scope;
  const whereAt = text.keyword('WHERE', scope, fromAt) ?? fromAt;
  const operators = [...text.keywords('AND', scope, whereAt), ...text.keywords('OR', scope, whereAt)]
    .map((token) => token.start)
    .sort((a, b) => a - b);
  const where =
    query.where === undefined
      ? undefined
      : planWhere(
          context,
          buildWhereTree(query.where, text.soql, (ordinal) => operators[ordinal]),
          whereAt,
        );
  const orderBy = aggregate === undefined ? planOrderBy(context, literalList(query.orderBy), fromAt) : [];
  if ((query.offset ?? 0) > MAX_OFFSET) {
    throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
  }
  if (aggregate !== undefined) return { object, aggregate, isCount: false, columns, where, orderBy };
  return { object, isCount, columns, where, orderBy, limit: query.limit, offset: query.offset };
}

export function planQuery(soql: string, query: Query, options: SoqlOptions): QueryPlan {
  const text = new QueryText(soql);
  if (query.sObject === undefined) throw new SoqlError('MALFORMED_QUERY', "unexpected token: '<EOF>'");
  const object = resolveObject(text, text.mainScope, query.sObject, options);
  return planScope(text, text.mainScope, object, query, options);
}
