// The SELECT list: plain fields, parent-relationship paths and FIELDS(ALL | STANDARD | CUSTOM),
// resolved to the columns each row will carry, in order.
import type { FieldType as SelectItem, Subquery } from '@jetstreamapp/soql-parser-js';
import { resolveOrFail, unsupported, type PlanContext } from './plan-context.ts';
import type { Column } from './query-plan.ts';
import { errorAt } from './query-text.ts';
import { planTypeOf } from './typeof-column.ts';
import { SoqlError } from './types.ts';

/** `SELECT COUNT() FROM ...`: the count alone, no rows. */
export function isCountOnly(fields: SelectItem[]): boolean {
  const [first] = fields;
  return (
    fields.length === 1 &&
    first?.type === 'FieldFunctionExpression' &&
    first.functionName.toUpperCase() === 'COUNT' &&
    first.parameters.length === 0
  );
}

/**
 * FIELDS(ALL), FIELDS(CUSTOM) and FIELDS(STANDARD) as the schema lists the object's fields. ALL and
 * CUSTOM need a LIMIT of at most 200: "The SOQL FIELDS function must have a LIMIT of at most 200"
 * (MALFORMED_QUERY; SOQL reference, FIELDS()).
 */
function expandFields(context: PlanContext, selector: string, limit: number | undefined): string[] {
  const which = selector.toUpperCase();
  if (which !== 'ALL' && which !== 'CUSTOM' && which !== 'STANDARD') unsupported(`FIELDS(${selector})`);
  if (which !== 'STANDARD' && (limit === undefined || limit > 200)) {
    throw new SoqlError('MALFORMED_QUERY', 'The SOQL FIELDS function must have a LIMIT of at most 200');
  }
  return [...context.object.fields.values()]
    .filter((field) => which === 'ALL' || field.custom === (which === 'CUSTOM'))
    .map((field) => field.name);
}

/** A selected field: as written in the query, the path to resolve, and whether toLabel() wraps it. */
interface Selected {
  written: string;
  resolveAs: string;
  label?: boolean;
}

function selectedPaths(context: PlanContext, item: SelectItem, limit: number | undefined): Selected[] {
  switch (item.type) {
    case 'Field':
      if ('alias' in item && typeof item.alias === 'string' && item.alias !== '') {
        // Salesforce's grammar accepts an alias after any field, but only aggregates may carry one.
        const at = context.text.locate(item.field, context.scope, context.scope)?.start ?? context.scope;
        throw errorAt(
          'MALFORMED_QUERY',
          context.text.soql,
          at,
          'only aggregate expressions use field aliasing',
        );
      }
      return [
        {
          written: 'rawValue' in item && typeof item.rawValue === 'string' ? item.rawValue : item.field,
          resolveAs: item.field,
        },
      ];
    case 'FieldRelationship': {
      // The parser has already dropped a FROM alias (`t.Who.Name`) from `relationships`.
      const path = [...item.relationships, item.field].join('.');
      return [{ written: item.rawValue ?? path, resolveAs: path }];
    }
    case 'FieldFunctionExpression': {
      const [selector] = item.parameters;
      if (item.functionName.toUpperCase() === 'FIELDS' && typeof selector === 'string') {
        return expandFields(context, selector, limit).map((name) => ({ written: name, resolveAs: name }));
      }
      // toLabel(Status): the picklist value's label, under the field's name.
      if (
        item.functionName.toLowerCase() === 'tolabel' &&
        typeof selector === 'string' &&
        item.parameters.length === 1
      ) {
        return [{ written: selector, resolveAs: selector, label: true }];
      }
      return unsupported(`${item.rawValue ?? item.functionName} in the field list`);
    }
    default:
      return unsupported(`${item.type} here`);
  }
}

/**
 * The columns of the SELECT list in order. `planChild(subquery, n)` plans the n-th child subquery
 * (`(SELECT Id FROM Tasks)`).
 */
export function planColumns(
  context: PlanContext,
  fields: SelectItem[],
  limit: number | undefined,
  planChild: (subquery: Subquery, index: number) => Column,
): Column[] {
  const selectAt = context.scope;
  const columns: Column[] = [];
  const chosen = new Set<string>();
  let subqueries = 0;
  for (const item of fields) {
    if (item.type === 'FieldTypeof') {
      columns.push(planTypeOf(context, item));
      continue;
    }
    if (item.type === 'FieldSubquery') {
      columns.push(planChild(item.subquery, subqueries));
      subqueries += 1;
      continue;
    }
    for (const { written, resolveAs, label } of selectedPaths(context, item, limit)) {
      const { path } = resolveOrFail(context, written, selectAt, resolveAs);
      const key = [...path.hops.map((hop) => hop.relationshipName), path.leaf.name].join('.').toLowerCase();
      if (chosen.has(key)) {
        // SOQL reference (FIELDS()): 400 INVALID_FIELD "duplicate field selected: Id".
        throw new SoqlError('INVALID_FIELD', `duplicate field selected: ${path.leaf.name}`);
      }
      chosen.add(key);
      columns.push(label === true ? { kind: 'field', path, label } : { kind: 'field', path });
    }
  }
  return columns;
}
