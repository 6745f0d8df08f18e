// Aggregate queries: COUNT(field), COUNT_DISTINCT, MIN, MAX, SUM, AVG, with or without GROUP BY,
// HAVING and ORDER BY on groups. Rows come back as AggregateResult records; an aggregate without an
// alias is named expr0, expr1, ... in SELECT order ("the value of i starts at 0 and increments for
// every aggregated field with no explicit alias", SOQL reference, Using Aliases with GROUP BY).
import type {
  ConditionWithValueQuery,
  FieldFunctionExpression,
  GroupByClause,
  FieldType as SelectItem,
  FunctionExp,
  HavingClause,
  OrderByClause,
} from '@jetstreamapp/soql-parser-js';
import { field } from '../schema/field-builders.ts';
import type { FieldDef, StoredRecord } from '../schema/types.ts';
import { applyDateFunction, planDateFunction, type DateFunction } from './date-functions.ts';
import { readPath, type FieldPath } from './field-paths.ts';
import { isOperandProblem, toOperand, valueKind, type ValueKind } from './operands.ts';
import { compareValues, sortRows, type SortTerm } from './ordering.ts';
import { resolveOrFail, unsupported, type PlanContext } from './plan-context.ts';
import { isCountOnly } from './select-list.ts';
import { outputValue } from './projection.ts';
import { errorAt } from './query-text.ts';
import type { SoqlOptions } from './types.ts';
import { idKey, textOf } from './values.ts';
import { matches, type Filter } from './where-eval.ts';
import { buildWhereTree, type WhereNode } from './where-tree.ts';

const FUNCTIONS = ['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG'] as const;
type AggregateFunction = (typeof FUNCTIONS)[number];

interface AggregateExpression {
  fn: AggregateFunction;
  /** Absent for COUNT(). */
  path?: FieldPath;
  /** The type of the result, to compare HAVING literals and format MIN/MAX. */
  result: FieldDef;
}

/** Where a group's value comes from: one of its GROUP BY fields, or an aggregate over its rows. */
type ValueSource = { kind: 'group'; index: number } | { kind: 'aggregate'; expression: AggregateExpression };

type HavingNode =
  | { kind: 'and' | 'or'; children: HavingNode[] }
  | { kind: 'not'; child: HavingNode }
  | { kind: 'filter'; source: ValueSource; filter: Filter };

/** A GROUP BY key: a field, or a date function of one (`CALENDAR_YEAR(CreatedDate)`). */
interface GroupKey {
  path: FieldPath;
  dateFunction?: DateFunction;
}

export interface AggregatePlan {
  groupBy: GroupKey[];
  columns: { output: string; source: ValueSource }[];
  having?: HavingNode;
  orderBy: (SortTerm & { source: ValueSource })[];
  limit?: number;
  offset?: number;
}

function isAggregateFunction(name: string | undefined): name is AggregateFunction {
  return FUNCTIONS.some((fn) => fn === name?.toUpperCase());
}

/** True when the SELECT list aggregates (other than a lone COUNT()) or the query groups. */
export function isAggregateQuery(fields: SelectItem[], groupBy: unknown): boolean {
  const aggregated = fields.some(
    (item) => item.type === 'FieldFunctionExpression' && isAggregateFunction(item.functionName),
  );
  return groupBy !== undefined || (aggregated && !isCountOnly(fields));
}

/** A field describing an aggregate's result (COUNT is an int, SUM and AVG doubles, MIN/MAX the field's type). */
function resultField(fn: AggregateFunction, path: FieldPath | undefined, name: string): FieldDef {
  if (fn === 'COUNT' || fn === 'COUNT_DISTINCT') return field(name, 'int');
  if (fn === 'SUM' || fn === 'AVG' || path === undefined) return field(name, 'double');
  return { ...path.leaf, name };
}

function planExpression(context: PlanContext, fn: FunctionExp | FieldFunctionExpression, after: number) {
  const name = fn.functionName?.toUpperCase();
  if (!isAggregateFunction(name)) unsupported(fn.rawValue ?? fn.functionName ?? 'functions');
  const [parameter, ...others] = fn.parameters ?? [];
  if (typeof parameter !== 'string' && parameter !== undefined) unsupported('nested functions');
  if (others.length > 0) unsupported(`${name} with several arguments`);
  const path = parameter === undefined ? undefined : resolveOrFail(context, parameter, after).path;
  return {
    fn: name,
    path,
    result: resultField(name, path, fn.rawValue ?? name),
  } satisfies AggregateExpression;
}

function pathKey(path: FieldPath): string {
  return [...path.hops.map((hop) => hop.relationshipName), path.leaf.name].join('.').toLowerCase();
}

function groupKey(key: GroupKey): string {
  const { dateFunction } = key;
  return dateFunction === undefined
    ? pathKey(key.path)
    : `${dateFunction.name}(${dateFunction.timeZone}:${pathKey(key.path)})`;
}

/** What the planning of one aggregate query shares: its GROUP BY keys and the aggregates seen so far. */
interface Grouping {
  context: PlanContext;
  groupBy: GroupKey[];
  expressions: AggregateExpression[];
}

function groupSource(grouping: Grouping, key: GroupKey, at: number): ValueSource {
  const index = grouping.groupBy.findIndex((grouped) => groupKey(grouped) === groupKey(key));
  if (index < 0) {
    const reason = `Field must be grouped or aggregated: ${key.path.leaf.name}`;
    throw errorAt('MALFORMED_QUERY', grouping.context.text.soql, at, reason);
  }
  return { kind: 'group', index };
}

/** The value a field or function names in SELECT, HAVING or ORDER BY, and the field typing it. */
function resolveSource(
  grouping: Grouping,
  target: { fn: FunctionExp } | { field: string },
  at: number,
): { source: ValueSource; field: FieldDef } {
  const { context } = grouping;
  if ('field' in target) {
    const { path, token } = resolveOrFail(context, target.field, at);
    return { source: groupSource(grouping, { path }, token?.start ?? at), field: path.leaf };
  }
  if (!isAggregateFunction(target.fn.functionName)) {
    const dateFunction = planDateFunction(context, target.fn, at);
    return {
      source: groupSource(grouping, { path: dateFunction.path, dateFunction }, at),
      field: dateFunction.result,
    };
  }
  const planned = planExpression(context, target.fn, at);
  const known = grouping.expressions.find(
    (expression) =>
      expression.fn === planned.fn &&
      expression.path?.written.toLowerCase() === planned.path?.written.toLowerCase(),
  );
  const expression = known ?? planned;
  if (known === undefined) grouping.expressions.push(expression);
  return { source: { kind: 'aggregate', expression }, field: expression.result };
}

function planHaving(grouping: Grouping, node: WhereNode, havingAt: number): HavingNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        children: node.children.map((child) => planHaving(grouping, child, havingAt)),
      };
    case 'not':
      return { kind: 'not', child: planHaving(grouping, node.child, havingAt) };
    default:
      return planHavingCondition(grouping, node.comparison, havingAt);
  }
}

function planHavingCondition(
  grouping: Grouping,
  condition: ConditionWithValueQuery,
  havingAt: number,
): HavingNode {
  if ('valueQuery' in condition || !('fn' in condition || 'field' in condition)) {
    return unsupported('this HAVING condition');
  }
  const { source, field } = resolveSource(grouping, condition, havingAt);
  const values = Array.isArray(condition.value) ? condition.value : [condition.value];
  const types = Array.isArray(condition.literalType) ? condition.literalType : [condition.literalType];
  const { options, text } = grouping.context;
  const operands = values.map((value, index) => {
    const operand = toOperand(value, types[index] ?? types[0] ?? 'STRING', {
      field,
      like: condition.operator === 'LIKE',
      now: options.clock.now(),
      timeZone: options.timeZone,
      firstDayOfWeek: options.firstDayOfWeek,
    });
    if (isOperandProblem(operand)) throw errorAt(operand.errorCode, text.soql, havingAt, operand.reason);
    return operand;
  });
  return {
    kind: 'filter',
    source,
    filter: { operator: condition.operator, operands, kind: valueKind(field) },
  };
}

function listOf<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function planAggregate(
  context: PlanContext,
  query: {
    fields?: SelectItem[];
    groupBy?: GroupByClause | GroupByClause[];
    having?: HavingClause;
    orderBy?: OrderByClause | OrderByClause[];
    limit?: number;
    offset?: number;
  },
): AggregatePlan {
  const { text, scope } = context;
  const fromAt = text.keyword('FROM', scope) ?? scope;
  const groupAt = text.keyword('GROUP', scope, fromAt) ?? fromAt;
  const groupBy = listOf(query.groupBy).map((clause): GroupKey => {
    if ('field' in clause) return { path: resolveOrFail(context, clause.field, groupAt).path };
    if (clause.fn.functionName === 'ROLLUP' || clause.fn.functionName === 'CUBE')
      unsupported('ROLLUP and CUBE');
    const dateFunction = planDateFunction(context, clause.fn, groupAt);
    return { path: dateFunction.path, dateFunction };
  });
  const grouping: Grouping = { context, groupBy, expressions: [] };
  const columns: AggregatePlan['columns'] = [];
  let unnamed = 0;
  for (const item of query.fields ?? []) {
    if (item.type === 'FieldFunctionExpression') {
      // Aggregates and date functions without an alias are named expr0, expr1, ... in SELECT order.
      const { source } = resolveSource(grouping, { fn: item }, scope);
      columns.push({ output: item.alias ?? `expr${unnamed++}`, source });
    } else if (item.type === 'Field' || item.type === 'FieldRelationship') {
      const written = item.type === 'Field' ? item.field : [...item.relationships, item.field].join('.');
      const { source, field } = resolveSource(grouping, { field: written }, scope);
      columns.push({ output: field.name, source });
    } else {
      unsupported('subqueries in aggregate queries');
    }
  }
  const havingAt = text.keyword('HAVING', scope, fromAt) ?? fromAt;
  const having =
    query.having === undefined
      ? undefined
      : planHaving(
          grouping,
          buildWhereTree(query.having, text.soql, () => undefined),
          havingAt,
        );
  const orderAt = text.keyword('ORDER', scope, fromAt) ?? fromAt;
  const orderBy = listOf(query.orderBy).map((clause) => {
    const { source, field } = resolveSource(grouping, clause, orderAt);
    const descending = clause.order === 'DESC';
    const nullsFirst = clause.nulls === undefined ? !descending : clause.nulls === 'FIRST';
    return { source, kind: valueKind(field), descending, nullsFirst };
  });
  return { groupBy, columns, having, orderBy, limit: query.limit, offset: query.offset };
}

interface Group {
  values: unknown[];
  records: StoredRecord[];
  computed: Map<AggregateExpression, unknown>;
}

function distinctKey(value: unknown, kind: ValueKind): string {
  if (kind === 'id') return idKey(textOf(value));
  return kind === 'string' ? textOf(value).toLowerCase() : textOf(value);
}

function compute(expression: AggregateExpression, group: Group, options: SoqlOptions): unknown {
  const { fn, path } = expression;
  if (path === undefined) return group.records.length;
  const values = group.records
    .map((record) => readPath(options.schema, options.source, record, path))
    .filter((value) => value !== null && value !== undefined);
  const kind = valueKind(path.leaf);
  switch (fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((value) => distinctKey(value, kind))).size;
    case 'SUM':
    case 'AVG': {
      if (values.length === 0) return null;
      const sum = values.reduce<number>((total, value) => total + Number(value), 0);
      return fn === 'SUM' ? sum : sum / values.length;
    }
    default: {
      const best = values.reduce<unknown>((chosen, value) => {
        if (chosen === undefined) return value;
        const order = compareValues(value, chosen, kind) ?? 0;
        return (fn === 'MIN' ? order < 0 : order > 0) ? value : chosen;
      }, undefined);
      return best === undefined ? null : outputValue(path.leaf, best);
    }
  }
}

function valueOf(source: ValueSource, group: Group, options: SoqlOptions): unknown {
  if (source.kind === 'group') return group.values[source.index] ?? null;
  if (!group.computed.has(source.expression))
    group.computed.set(source.expression, compute(source.expression, group, options));
  return group.computed.get(source.expression);
}

function keeps(node: HavingNode, group: Group, options: SoqlOptions): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => keeps(child, group, options));
    case 'or':
      return node.children.some((child) => keeps(child, group, options));
    case 'not':
      return !keeps(node.child, group, options);
    default:
      return matches(node.filter, valueOf(node.source, group, options));
  }
}

/** Groups the rows, filters the groups with HAVING, orders, pages and shapes them. */
export function aggregateRows(
  plan: AggregatePlan,
  rows: StoredRecord[],
  options: SoqlOptions,
): Record<string, unknown>[] {
  const groups = new Map<string, Group>();
  for (const record of rows) {
    const values = plan.groupBy.map((key) => {
      const value = readPath(options.schema, options.source, record, key.path);
      return key.dateFunction === undefined ? value : applyDateFunction(key.dateFunction, value);
    });
    const key = JSON.stringify(values);
    const group: Group = groups.get(key) ?? { values, records: [], computed: new Map() };
    group.records.push(record);
    groups.set(key, group);
  }
  // Without GROUP BY an aggregate query always answers one row, even over no records.
  if (plan.groupBy.length === 0 && groups.size === 0)
    groups.set('', { values: [], records: [], computed: new Map() });
  const kept = [...groups.values()].filter(
    (group) => plan.having === undefined || keeps(plan.having, group, options),
  );
  const sorted = sortRows(
    kept.map((group) => ({
      group,
      values: plan.orderBy.map((term) => valueOf(term.source, group, options)),
    })),
    plan.orderBy,
  );
  const offset = plan.offset ?? 0;
  const page = sorted.slice(offset, plan.limit === undefined ? undefined : offset + plan.limit);
  return page.map(({ group }) => {
    const shaped: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const column of plan.columns) {
      const value = valueOf(column.source, group, options);
      const grouped = column.source.kind === 'group' ? plan.groupBy[column.source.index] : undefined;
      shaped[column.output] =
        grouped === undefined || grouped.dateFunction !== undefined
          ? value
          : outputValue(grouped.path.leaf, value);
    }
    return shaped;
  });
}
