// The UI API GraphQL schema of an org, generated from its sObjects the way Salesforce generates it:
// `query { uiapi { query { <Object>(where, orderBy, first, after, upperBound): <Object>Connection } } }`,
// each record a type implementing `Record` with one `<Type>Value { value displayValue }` per field,
// parent relationships as fields (polymorphic ones typed `Record`, read with `... on Type`),
// `<Object>_Filter` with and/or/not and per-type operators, `<Object>_OrderBy` with OrderByClause
// (GraphQL API Developer Guide: Query Record Objects, Field Operators, Order By Schema, Paginate).
import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  specifiedDirectives,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
} from 'graphql';
import {
  findObject,
  type FieldDef,
  type ObjectDef,
  type Schema,
  type StoredRecord,
} from '../../schema/types.ts';
import { apiValue, displayValue, recordName, weakEtag } from '../field-values.ts';
import type { GraphqlContext } from './context.ts';
import { resolveConnection, type ConnectionArgs } from './connection.ts';
import { scalars } from './scalars.ts';

type RecordSource = StoredRecord;

const nonNull = <T extends GraphQLOutputType>(type: T): GraphQLNonNull<T> => new GraphQLNonNull(type);

/** Objects GraphQL serves: queryable records, not event types. */
export function graphqlObjects(schema: Schema): ObjectDef[] {
  return [...schema.objects.values()]
    .filter((def) => (def.kind === 'standard' || def.kind === 'custom') && def.queryable)
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ---- field value types -------------------------------------------------------------------------

interface ValueKind {
  typeName: string;
  scalar: GraphQLScalarType;
  operators?: string;
  withLabel?: boolean;
}

function valueKind(field: FieldDef): ValueKind {
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

function sharedTypes(): {
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
      hasNextPage: { type: nonNull(GraphQLBoolean) },
      hasPreviousPage: { type: nonNull(GraphQLBoolean) },
      startCursor: { type: GraphQLString },
      endCursor: { type: GraphQLString },
    },
  });
  return { valueTypes, operators, orderByClause, pageInfo };
}

// ---- the schema ---------------------------------------------------------------------------------

/** Where a relationship points: its one queryable target, or several (polymorphic). */
function relationshipTargets(schema: Schema, field: FieldDef): ObjectDef[] {
  return field.referenceTo
    .map((name) => findObject(schema, name))
    .filter(
      (def): def is ObjectDef => def !== undefined && (def.kind === 'standard' || def.kind === 'custom'),
    );
}

function fieldValue(field: FieldDef, record: RecordSource, context: GraphqlContext): FieldValue {
  const stored = field.name === 'IsDeleted' ? record.isDeleted : record.fields[field.name];
  const display = displayValue(field, stored, context.format);
  return { value: apiValue(field, stored), displayValue: display, label: display };
}

function parentRecord(field: FieldDef, record: RecordSource, context: GraphqlContext): RecordSource | null {
  const parentId = record.fields[field.name];
  const parent = typeof parentId === 'string' ? context.api.org.store.byId(parentId) : undefined;
  return parent === undefined || parent.isDeleted ? null : parent;
}

/** `@optional`: a field or fragment the user cannot see is left out of the response instead of failing. */
export const optionalDirective = new GraphQLDirective({
  name: 'optional',
  locations: [DirectiveLocation.FIELD, DirectiveLocation.INLINE_FRAGMENT, DirectiveLocation.FRAGMENT_SPREAD],
});

export function buildGraphqlSchema(schema: Schema): GraphQLSchema {
  const shared = sharedTypes();
  const objects = graphqlObjects(schema);
  const served = new Set(objects.map((def) => def.name));
  const objectTypes = new Map<string, GraphQLObjectType>();
  const filterTypes = new Map<string, GraphQLInputObjectType>();
  const orderByTypes = new Map<string, GraphQLInputObjectType>();
  const connectionTypes = new Map<string, GraphQLObjectType>();
  const valueType = (field: FieldDef): GraphQLObjectType => {
    const type = shared.valueTypes.get(valueKind(field).typeName);
    if (type === undefined) throw new Error(`no value type for ${field.type}`);
    return type;
  };
  const systemField = (name: string, type: FieldDef['type']): FieldDef => ({ name, type }) as FieldDef;
  const recordInterface: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: 'Record',
    fields: () => ({
      Id: { type: nonNull(GraphQLID) },
      ApiName: { type: nonNull(GraphQLString) },
      WeakEtag: { type: nonNull(scalars.Long) },
      DisplayValue: { type: GraphQLString },
      LastModifiedById: { type: valueType(systemField('LastModifiedById', 'reference')) },
      LastModifiedDate: { type: valueType(systemField('LastModifiedDate', 'datetime')) },
      SystemModstamp: { type: valueType(systemField('SystemModstamp', 'datetime')) },
    }),
    resolveType: (record: RecordSource) =>
      served.has(findObject(schema, record.type)?.name ?? '')
        ? findObject(schema, record.type)?.name
        : undefined,
  });

  const objectType = (def: ObjectDef): GraphQLObjectType => {
    const existing = objectTypes.get(def.name);
    if (existing !== undefined) return existing;
    const type = new GraphQLObjectType<RecordSource, GraphqlContext>({
      name: def.name,
      interfaces: [recordInterface],
      fields: () => recordFields(def),
    });
    objectTypes.set(def.name, type);
    return type;
  };

  const recordFields = (def: ObjectDef): GraphQLFieldConfigMap<RecordSource, GraphqlContext> => {
    const defField = (name: string, type: FieldDef['type']): FieldDef =>
      def.fields.get(name.toLowerCase()) ?? systemField(name, type);
    const fields: GraphQLFieldConfigMap<RecordSource, GraphqlContext> = {
      Id: { type: nonNull(GraphQLID), resolve: (record) => record.Id },
      ApiName: { type: nonNull(GraphQLString), resolve: (record) => record.type },
      WeakEtag: { type: nonNull(scalars.Long), resolve: (record) => weakEtag(record) },
      DisplayValue: { type: GraphQLString, resolve: (record) => recordName(def, record) },
    };
    for (const [name, type] of [
      ['LastModifiedById', 'reference'],
      ['LastModifiedDate', 'datetime'],
      ['SystemModstamp', 'datetime'],
    ] as const) {
      const field = defField(name, type);
      fields[name] = {
        type: valueType(field),
        resolve: (record, _args, context) => fieldValue(field, record, context),
      };
    }
    for (const field of def.fields.values()) {
      if (field.name in fields) continue;
      fields[field.name] = {
        type: valueType(field),
        resolve: (record, _args, context) => fieldValue(field, record, context),
      };
    }
    for (const field of def.fields.values()) {
      const relationship = field.relationshipName;
      if (field.type !== 'reference' || relationship === undefined || relationship in fields) continue;
      const targets = relationshipTargets(schema, field).filter((target) => served.has(target.name));
      if (targets.length === 0) continue;
      const [only] = targets;
      fields[relationship] = {
        type:
          targets.length === 1 && field.referenceTo.length === 1 && only ? objectType(only) : recordInterface,
        resolve: (record, _args, context) => {
          const parent = parentRecord(field, record, context);
          return parent !== null && served.has(findObject(schema, parent.type)?.name ?? '') ? parent : null;
        },
      };
    }
    return fields;
  };

  const filterType = (def: ObjectDef): GraphQLInputObjectType => {
    const existing = filterTypes.get(def.name);
    if (existing !== undefined) return existing;
    const type: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: `${def.name}_Filter`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {
          and: { type: new GraphQLList(type) },
          or: { type: new GraphQLList(type) },
          not: { type },
        };
        for (const field of def.fields.values()) {
          const operators = valueKind(field).operators;
          const operatorType = operators === undefined ? undefined : shared.operators.get(operators);
          if (field.filterable && operatorType !== undefined) fields[field.name] = { type: operatorType };
        }
        for (const field of def.fields.values()) {
          const relationship = field.relationshipName;
          if (field.type !== 'reference' || relationship === undefined || relationship in fields) continue;
          const target = singleTarget(field);
          if (target !== undefined) fields[relationship] = { type: filterType(target) };
          else if (field.referenceTo.length > 1) {
            const polymorphic = polymorphicFilterType(def, field);
            if (polymorphic !== undefined) fields[relationship] = { type: polymorphic };
          }
        }
        return fields;
      },
    });
    filterTypes.set(def.name, type);
    return type;
  };

  /** A polymorphic parent is filtered per type: `What: { Account: { Name: { eq: "x" } } }`. */
  const polymorphicFilterType = (def: ObjectDef, field: FieldDef): GraphQLInputObjectType | undefined => {
    const targets = relationshipTargets(schema, field).filter((target) => served.has(target.name));
    if (targets.length === 0) return undefined;
    return new GraphQLInputObjectType({
      name: `${def.name}_${field.relationshipName ?? field.name}_Filter`,
      fields: () => Object.fromEntries(targets.map((target) => [target.name, { type: filterType(target) }])),
    });
  };

  const singleTarget = (field: FieldDef): ObjectDef | undefined => {
    if (field.type !== 'reference' || field.referenceTo.length !== 1) return undefined;
    const [target] = relationshipTargets(schema, field);
    return target !== undefined && served.has(target.name) ? target : undefined;
  };

  const orderByType = (def: ObjectDef): GraphQLInputObjectType => {
    const existing = orderByTypes.get(def.name);
    if (existing !== undefined) return existing;
    const type = new GraphQLInputObjectType({
      name: `${def.name}_OrderBy`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const field of def.fields.values()) {
          if (field.sortable) fields[field.name] = { type: shared.orderByClause };
        }
        for (const field of def.fields.values()) {
          const target = singleTarget(field);
          if (
            target !== undefined &&
            field.relationshipName !== undefined &&
            !(field.relationshipName in fields)
          )
            fields[field.relationshipName] = { type: orderByType(target) };
        }
        return fields;
      },
    });
    orderByTypes.set(def.name, type);
    return type;
  };

  const connectionType = (def: ObjectDef): GraphQLObjectType => {
    const existing = connectionTypes.get(def.name);
    if (existing !== undefined) return existing;
    const edge = new GraphQLObjectType({
      name: `${def.name}Edge`,
      fields: () => ({ node: { type: objectType(def) }, cursor: { type: nonNull(GraphQLString) } }),
    });
    const type = new GraphQLObjectType({
      name: `${def.name}Connection`,
      fields: () => ({
        edges: { type: new GraphQLList(edge) },
        pageInfo: { type: nonNull(shared.pageInfo) },
        totalCount: { type: nonNull(GraphQLInt) },
        pageResultCount: { type: nonNull(GraphQLInt) },
      }),
    });
    connectionTypes.set(def.name, type);
    return type;
  };

  const recordQuery = new GraphQLObjectType<unknown, GraphqlContext>({
    name: 'RecordQuery',
    fields: () =>
      Object.fromEntries(
        objects.map((def) => [
          def.name,
          {
            type: connectionType(def),
            args: {
              first: { type: GraphQLInt },
              after: { type: GraphQLString },
              where: { type: filterType(def) },
              orderBy: { type: orderByType(def) },
              upperBound: { type: GraphQLInt },
            },
            resolve: (_source: unknown, args: ConnectionArgs, context: GraphqlContext, info) =>
              resolveConnection(def, args, context, info),
          },
        ]),
      ),
  });
  const uiapi = new GraphQLObjectType({
    name: 'UIAPI',
    fields: { query: { type: nonNull(recordQuery), resolve: () => ({}) } },
  });
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: { uiapi: { type: nonNull(uiapi), resolve: () => ({}) } },
  });
  return new GraphQLSchema({
    query,
    types: [...objects.map(objectType), ...shared.valueTypes.values()],
    directives: [...specifiedDirectives, optionalDirective],
  });
}

const built = new WeakMap<Schema, GraphQLSchema>();

/** The org's GraphQL schema, built once per emulator schema. */
export function graphqlSchemaFor(schema: Schema): GraphQLSchema {
  let graphqlSchema = built.get(schema);
  if (graphqlSchema === undefined) {
    graphqlSchema = buildGraphqlSchema(schema);
    built.set(schema, graphqlSchema);
  }
  return graphqlSchema;
}
