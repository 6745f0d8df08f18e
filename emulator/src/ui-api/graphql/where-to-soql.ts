// A GraphQL `where` argument as a SOQL condition: and/or/not, per-field operators ANDed together
// ("If multiple operations are specified on an Operator, both are included in the query and AND'd
// together", GraphQL API Developer Guide: Field Operators), parent relationship filters as paths
// (`Owner: { Name: { eq } }` → `Owner.Name = ...`), date inputs as values, literals or ranges.
import { GraphQLError } from 'graphql';
import { parseDateTime } from '../../org/datetime.ts';
import { findField, findObject, type FieldDef, type ObjectDef, type Schema } from '../../schema/types.ts';
import { relationshipField } from '../record-representation.ts';

type Input = Record<string, unknown>;

function isInput(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SOQL string literal: backslash and single quote escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function dateInput(field: FieldDef, input: unknown): string {
  if (!isInput(input))
    throw new GraphQLError(`A ${field.name} filter needs { value }, { literal } or { range }`);
  if (typeof input.value === 'string') {
    if (field.type === 'date') return input.value;
    const at = parseDateTime(input.value);
    if (at === undefined) throw new GraphQLError(`Invalid DateTime value: ${input.value}`);
    return at.toISOString().replace('.000Z', 'Z');
  }
  if (typeof input.literal === 'string') return input.literal;
  if (isInput(input.range)) {
    const [name, n] = Object.entries(input.range).find(([, count]) => typeof count === 'number') ?? [];
    if (name !== undefined) return `${name.toUpperCase()}:${String(n)}`;
  }
  throw new GraphQLError(`A ${field.name} filter needs { value }, { literal } or { range }`);
}

function literal(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (field.type === 'date' || field.type === 'datetime') return dateInput(field, value);
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return soqlString(typeof value === 'string' ? value : JSON.stringify(value));
}

const COMPARISONS: Record<string, string> = { eq: '=', ne: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

function list(field: FieldDef, values: unknown): string[] {
  return (Array.isArray(values) ? values : [values]).map((value) => literal(field, value));
}

function fieldConditions(field: FieldDef, path: string, operators: Input): string[] {
  const out: string[] = [];
  for (const [operator, operand] of Object.entries(operators)) {
    const comparison = COMPARISONS[operator];
    if (comparison !== undefined) {
      out.push(`${path} ${comparison} ${literal(field, operand)}`);
      continue;
    }
    switch (operator) {
      case 'like':
        out.push(
          `${path} LIKE ${soqlString(typeof operand === 'string' ? operand : JSON.stringify(operand))}`,
        );
        break;
      case 'in':
      case 'nin': {
        const values = list(field, operand);
        // An empty IN matches nothing and an empty NOT IN everything; SOQL has no empty list.
        if (values.length === 0) out.push(operator === 'in' ? 'Id = null' : 'Id != null');
        else out.push(`${path} ${operator === 'in' ? 'IN' : 'NOT IN'} (${values.join(', ')})`);
        break;
      }
      case 'includes':
      case 'excludes':
        out.push(`${path} ${operator.toUpperCase()} (${list(field, operand).join(', ')})`);
        break;
      default:
        throw new GraphQLError(`Unsupported operator ${operator} on ${field.name}`);
    }
  }
  return out;
}

function joined(conditions: string[], operator: 'AND' | 'OR'): string | undefined {
  if (conditions.length === 0) return undefined;
  if (conditions.length === 1) return conditions[0];
  return conditions.map((c) => `(${c})`).join(` ${operator} `);
}

/**
 * A polymorphic parent filter (`What: { Account: {...}, Opportunity: {...} }`): the reference points at
 * a record of one of the named types that matches its filter, as a semi-join per type.
 */
function polymorphicCondition(schema: Schema, referencePath: string, filter: unknown): string | undefined {
  if (!isInput(filter)) return undefined;
  const parts: string[] = [];
  for (const [typeName, typeFilter] of Object.entries(filter)) {
    const target = findObject(schema, typeName);
    if (target === undefined || typeFilter === null || typeFilter === undefined) continue;
    const inner = whereCondition(schema, target, typeFilter);
    parts.push(
      `${referencePath} IN (SELECT Id FROM ${target.name}${inner === undefined ? '' : ` WHERE ${inner}`})`,
    );
  }
  return joined(parts, 'OR');
}

/** The SOQL condition of a filter on `def` (paths prefixed with `prefix`, e.g. `Owner.`), or undefined. */
export function whereCondition(
  schema: Schema,
  def: ObjectDef,
  filter: unknown,
  prefix = '',
): string | undefined {
  if (!isInput(filter)) return undefined;
  const conditions: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'and' || key === 'or') {
      const parts = (Array.isArray(value) ? value : [value])
        .map((child) => whereCondition(schema, def, child, prefix))
        .filter((c): c is string => c !== undefined);
      const combined = joined(parts, key === 'and' ? 'AND' : 'OR');
      if (combined !== undefined) conditions.push(combined);
      continue;
    }
    if (key === 'not') {
      const inner = whereCondition(schema, def, value, prefix);
      if (inner !== undefined) conditions.push(`NOT (${inner})`);
      continue;
    }
    const field = findField(def, key);
    if (field !== undefined && isInput(value)) {
      conditions.push(...fieldConditions(field, `${prefix}${field.name}`, value));
      continue;
    }
    const relation = relationshipField(def, key);
    if (relation?.relationshipName === undefined) continue;
    if (relation.referenceTo.length > 1) {
      const polymorphic = polymorphicCondition(schema, `${prefix}${relation.name}`, value);
      if (polymorphic !== undefined) conditions.push(polymorphic);
      continue;
    }
    const [target] = relation.referenceTo;
    const parent = target === undefined ? undefined : findObject(schema, target);
    if (parent !== undefined) {
      const inner = whereCondition(schema, parent, value, `${prefix}${relation.relationshipName}.`);
      if (inner !== undefined) conditions.push(inner);
    }
  }
  return joined(conditions, 'AND');
}

/** ORDER BY terms from an orderBy argument in the order written (`{ ActivityDate: {...}, Id: {...} }`). */
export function orderByTerms(schema: Schema, def: ObjectDef, orderBy: unknown, prefix = ''): string[] {
  if (!isInput(orderBy)) return [];
  const terms: string[] = [];
  for (const [key, clause] of Object.entries(orderBy)) {
    if (!isInput(clause)) continue;
    const field = findField(def, key);
    if (field !== undefined) {
      const order = clause.order === 'DESC' ? ' DESC' : clause.order === 'ASC' ? ' ASC' : '';
      const nulls = clause.nulls === 'LAST' ? ' NULLS LAST' : clause.nulls === 'FIRST' ? ' NULLS FIRST' : '';
      terms.push(`${prefix}${field.name}${order}${nulls}`);
      continue;
    }
    const relation = relationshipField(def, key);
    const [target] = relation?.referenceTo ?? [];
    const parent = target === undefined ? undefined : findObject(schema, target);
    if (relation?.relationshipName !== undefined && parent !== undefined)
      terms.push(...orderByTerms(schema, parent, clause, `${prefix}${relation.relationshipName}.`));
  }
  return terms;
}
