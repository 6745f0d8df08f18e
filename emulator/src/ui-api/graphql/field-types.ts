// The field-level types of the UI API GraphQL schema every object shares: one `<Type>Value { value
// displayValue }` per field type (PicklistValue adds `label`), the `<Type>Operators` filter inputs
// with their operands (dates as `{ value, literal, range }`), OrderByClause and PageInfo (GraphQL API
// Developer Guide: Field Operators, Order By Schema, Paginate Results).
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLScalarType,
} from 'graphql';
import type { FieldDef } from '../../schema/types.ts';
import { scalars } from './scalars.ts';

// ---- field value types -------------------------------------------------------------------------

export interface ValueKind {
  typeName: string;
  scalar: GraphQLScalarType;
  operators?: string;
  withLabel?: boolean;
}

export function valueKind(field: FieldDef): ValueKind {
  switch (field.type) {
    case 'id':
    case 'reference':
      return { typeName: 'IDValue', scalar: GraphQLID, operators: 'IDOperators' };
    case 'textarea':
      return (field.length ?? 255) > 255
        ? { typeName: 'LongTextAreaValue', scalar: scalars.LongTextArea }
        : { typeName: 'TextAreaValue', scalar: scalars.TextArea, operators: 'TextAreaOperators' };
    case 'email':
      return { typeName: 'EmailValue', scalar: scalars.Email, operators: 'EmailOperators' };
    case 'phone':
      return { typeName: 'PhoneNumberValue', scalar: scalars.PhoneNumber, operators: 'PhoneNumberOperators' };
    case 'url':
      return { typeName: 'UrlValue', scalar: scalars.Url, operators: 'UrlOperators' };
    case 'picklist':
      return {
        typeName: 'PicklistValue',
        scalar: scalars.Picklist,
        operators: 'PicklistOperators',
        withLabel: true,
      };
    case 'multipicklist':
      return {
        typeName: 'MultiPicklistValue',
        scalar: scalars.MultiPicklist,
        operators: 'MultiPicklistOperators',
        withLabel: true,
      };
    case 'boolean':
      return { typeName: 'BooleanValue', scalar: GraphQLBoolean, operators: 'BooleanOperators' };
    case 'int':
      return { typeName: 'IntValue', scalar: GraphQLInt, operators: 'IntegerOperators' };
    case 'double':
      return { typeName: 'DoubleValue', scalar: scalars.Double, operators: 'DoubleOperators' };
    case 'currency':
      return { typeName: 'CurrencyValue', scalar: scalars.Currency, operators: 'CurrencyOperators' };
    case 'percent':
      return { typeName: 'PercentValue', scalar: scalars.Percent, operators: 'PercentOperators' };
    case 'date':
      return { typeName: 'DateValue', scalar: scalars.Date, operators: 'DateOperators' };
    case 'datetime':
      return { typeName: 'DateTimeValue', scalar: scalars.DateTime, operators: 'DateTimeOperators' };
    default:
      return { typeName: 'StringValue', scalar: GraphQLString, operators: 'StringOperators' };
  }
}

/** What a `<Type>Value` field resolves to. */
export interface FieldValue {
  value: unknown;
  displayValue: string | null;
  label: string | null;
}

// ---- shared input types ------------------------------------------------------------------------

export function sharedTypes(): {
  valueTypes: Map<string, GraphQLObjectType>;
  operators: Map<string, GraphQLInputObjectType>;
  orderByClause: GraphQLInputObjectType;
  pageInfo: GraphQLObjectType;
} {
  const valueTypes = new Map<string, GraphQLObjectType>();
  const operators = new Map<string, GraphQLInputObjectType>();
  const kinds: ValueKind[] = [
    'id',
    'textarea',
    'email',
    'phone',
    'url',
    'picklist',
    'multipicklist',
    'boolean',
    'int',
    'double',
    'currency',
    'percent',
    'date',
    'datetime',
    'string',
  ].map((type) => valueKind({ type } as FieldDef));
  kinds.push({ typeName: 'LongTextAreaValue', scalar: scalars.LongTextArea });
  for (const kind of kinds) {
    if (valueTypes.has(kind.typeName)) continue;
    valueTypes.set(
      kind.typeName,
      new GraphQLObjectType({
        name: kind.typeName,
        fields: {
          value: { type: kind.scalar },
          displayValue: { type: GraphQLString },
          ...(kind.withLabel === true ? { label: { type: GraphQLString } } : {}),
        },
      }),
    );
  }
  const dateLiteral = new GraphQLEnumType({
    name: 'DateLiteral',
    values: Object.fromEntries(
      [
        'YESTERDAY',
        'TODAY',
        'TOMORROW',
        'LAST_WEEK',
        'THIS_WEEK',
        'NEXT_WEEK',
        'LAST_MONTH',
        'THIS_MONTH',
        'NEXT_MONTH',
        'LAST_90_DAYS',
        'NEXT_90_DAYS',
        'LAST_QUARTER',
        'THIS_QUARTER',
        'NEXT_QUARTER',
        'LAST_YEAR',
        'THIS_YEAR',
        'NEXT_YEAR',
      ].map((name) => [name, { value: name }]),
    ),
  });
  const dateRange = new GraphQLInputObjectType({
    name: 'DateRange',
    fields: {
      last_n_days: { type: GraphQLInt },
      next_n_days: { type: GraphQLInt },
      n_days_ago: { type: GraphQLInt },
    },
  });
  const dateInput = (name: string, scalar: GraphQLScalarType): GraphQLInputObjectType =>
    new GraphQLInputObjectType({
      name,
      fields: { value: { type: scalar }, literal: { type: dateLiteral }, range: { type: dateRange } },
    });
  const comparisons = (
    name: string,
    operand: GraphQLInputType,
    extra: GraphQLInputFieldConfigMap = {},
  ): void => {
    operators.set(
      name,
      new GraphQLInputObjectType({
        name,
        fields: {
          eq: { type: operand },
          ne: { type: operand },
          lt: { type: operand },
          lte: { type: operand },
          gt: { type: operand },
          gte: { type: operand },
          in: { type: new GraphQLList(operand) },
          nin: { type: new GraphQLList(operand) },
          ...extra,
        },
      }),
    );
  };
  const like = { like: { type: GraphQLString } };
  comparisons('IDOperators', GraphQLID, like);
  comparisons('StringOperators', GraphQLString, like);
  comparisons('TextAreaOperators', scalars.TextArea, like);
  comparisons('EmailOperators', scalars.Email, like);
  comparisons('PhoneNumberOperators', scalars.PhoneNumber, like);
  comparisons('UrlOperators', scalars.Url, like);
  comparisons('PicklistOperators', scalars.Picklist, like);
  comparisons('IntegerOperators', GraphQLInt);
  comparisons('DoubleOperators', scalars.Double);
  comparisons('CurrencyOperators', scalars.Currency);
  comparisons('PercentOperators', scalars.Percent);
  comparisons('DateOperators', dateInput('DateInput', scalars.Date));
  comparisons('DateTimeOperators', dateInput('DateTimeInput', scalars.DateTime));
  operators.set(
    'BooleanOperators',
    new GraphQLInputObjectType({
      name: 'BooleanOperators',
      fields: { eq: { type: GraphQLBoolean }, ne: { type: GraphQLBoolean } },
    }),
  );
  operators.set(
    'MultiPicklistOperators',
    new GraphQLInputObjectType({
      name: 'MultiPicklistOperators',
      fields: {
        eq: { type: scalars.MultiPicklist },
        ne: { type: scalars.MultiPicklist },
        includes: { type: new GraphQLList(scalars.MultiPicklist) },
        excludes: { type: new GraphQLList(scalars.MultiPicklist) },
      },
    }),
  );
  const orderByClause = new GraphQLInputObjectType({
    name: 'OrderByClause',
    fields: {
      order: { type: new GraphQLEnumType({ name: 'ResultOrder', values: { ASC: {}, DESC: {} } }) },
      nulls: { type: new GraphQLEnumType({ name: 'NullOrder', values: { FIRST: {}, LAST: {} } }) },
    },
  });
  const pageInfo = new GraphQLObjectType({
    name: 'PageInfo',
    fields: {
      hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      hasPreviousPage: { type: new GraphQLNonNull(GraphQLBoolean) },
      startCursor: { type: GraphQLString },
      endCursor: { type: GraphQLString },
    },
  });
  return { valueTypes, operators, orderByClause, pageInfo };
}
