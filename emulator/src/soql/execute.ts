// Runs a plan over stored records: recycle-bin rule, WHERE (semi-joins evaluated once per query),
// ORDER BY, OFFSET and LIMIT; child subqueries read their rows through a per-query index of the
// child records by parent id.
import type { StoredRecord } from '../schema/types.ts';
import { applyDateFunction } from './date-functions.ts';
import { readField, readPath } from './field-paths.ts';
import { sortRows } from './ordering.ts';
import type { Column, PlanNode, QueryPlan } from './query-plan.ts';
import type { SoqlOptions } from './types.ts';
import { idKey } from './values.ts';
import { matches } from './where-eval.ts';

type ChildrenColumn = Extract<Column, { kind: 'children' }>;

export class QueryRun {
  readonly options: SoqlOptions;
  private readonly semiJoinIds = new Map<QueryPlan, Set<string>>();
  private readonly childIndexes = new Map<ChildrenColumn, Map<string, StoredRecord[]>>();

  constructor(options: SoqlOptions) {
    this.options = options;
  }

  /** The plan's rows among `candidates`, filtered, ordered and cut by OFFSET/LIMIT. */
  rows(
    plan: QueryPlan,
    candidates: Iterable<StoredRecord> = this.options.source.records(plan.object.name),
  ): StoredRecord[] {
    const kept: StoredRecord[] = [];
    for (const record of candidates) {
      // query never sees the recycle bin; queryAll does, and `IsDeleted = false` can still exclude it.
      if (record.isDeleted && !this.options.includeDeleted) continue;
      if (plan.where === undefined || this.satisfies(plan.where, record)) kept.push(record);
    }
    const offset = plan.offset ?? 0;
    return this.ordered(plan, kept).slice(offset, plan.limit === undefined ? undefined : offset + plan.limit);
  }

  /** The parent's rows of a child subquery (`(SELECT ... FROM Tasks)`). */
  children(column: ChildrenColumn, parent: StoredRecord): StoredRecord[] {
    let index = this.childIndexes.get(column);
    if (index === undefined) {
      index = new Map();
      for (const child of this.options.source.records(column.plan.object.name)) {
        const parentId = readField(child, column.relationship.field);
        if (typeof parentId !== 'string') continue;
        const key = idKey(parentId);
        const siblings = index.get(key);
        if (siblings === undefined) index.set(key, [child]);
        else siblings.push(child);
      }
      this.childIndexes.set(column, index);
    }
    return this.rows(column.plan, index.get(idKey(parent.Id)) ?? []);
  }

  private satisfies(node: PlanNode, record: StoredRecord): boolean {
    switch (node.kind) {
      case 'and':
        return node.children.every((child) => this.satisfies(child, record));
      case 'or':
        return node.children.some((child) => this.satisfies(child, record));
      case 'not':
        return !this.satisfies(node.child, record);
      case 'semi-join': {
        const value = readPath(this.options.schema, this.options.source, record, node.path);
        const found = typeof value === 'string' && this.idsOf(node.plan).has(idKey(value));
        return node.negate ? !found : found;
      }
      default: {
        const value = readPath(this.options.schema, this.options.source, record, node.path);
        return matches(node.filter, node.dateFunction ? applyDateFunction(node.dateFunction, value) : value);
      }
    }
  }

  /** The ids a semi-join subquery selects, computed once per query. */
  private idsOf(plan: QueryPlan): Set<string> {
    let ids = this.semiJoinIds.get(plan);
    if (ids === undefined) {
      const [column] = plan.columns;
      ids = new Set();
      if (column?.kind === 'field') {
        for (const record of this.rows(plan)) {
          const value = readPath(this.options.schema, this.options.source, record, column.path);
          if (typeof value === 'string') ids.add(idKey(value));
        }
      }
      this.semiJoinIds.set(plan, ids);
    }
    return ids;
  }

  private ordered(plan: QueryPlan, records: StoredRecord[]): StoredRecord[] {
    if (plan.orderBy.length === 0) return records;
    const rows = records.map((record) => ({
      record,
      values: plan.orderBy.map((term) =>
        readPath(this.options.schema, this.options.source, record, term.path),
      ),
    }));
    return sortRows(rows, plan.orderBy).map((row) => row.record);
  }
}
