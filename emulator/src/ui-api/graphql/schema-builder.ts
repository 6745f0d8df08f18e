// The UI API GraphQL schema of an org, generated from its sObjects the way Salesforce generates it:
// `query { uiapi { query { <Object>(where, orderBy, first, after, upperBound): <Object>Connection } } }`,
// each record a type implementing `Record` with one `<Type>Value { value displayValue }` per field,
// parent relationships as fields (polymorphic ones typed `Record`, read with `... on Type`), child
// relationships as connections,
// `<Object>_Filter` with and/or/not and per-type operators, `<Object>_OrderBy` with OrderByClause
// (GraphQL API Developer Guide: Query Record Objects, Field Operators, Order By Schema, Paginate).
import {
  DirectiveLocation,
  GraphQLDirective,
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
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLOutputType,
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
import { soqlString } from './where-to-soql.ts';
import { scalars } from './scalars.ts';
import { sharedTypes, valueKind, type FieldValue } from './field-types.ts';
import { buildMutationType } from './mutations.ts';

const nonNull = <T extends GraphQLOutputType>(type: T): GraphQLNonNull<T> => new GraphQLNonNull(type);

/** Objects GraphQL serves: queryable records, not event types. */
export function graphqlObjects(schema: Schema): ObjectDef[] {
  return [...schema.objects.values()]
    .filter((def) => (def.kind === 'standard' || def.kind === 'custom') && def.queryable)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Where a relationship points: its one queryable target, or several (polymorphic). */
function relationshipTargets(schema: Schema, field: FieldDef): ObjectDef[] {
  return field.referenceTo
    .map((name) => findObject(schema, name))
    .filter(
      (def): def is ObjectDef => def !== undefined && (def.kind === 'standard' || def.kind === 'custom'),
    );
}

function fieldValue(field: FieldDef, record: StoredRecord, context: GraphqlContext): FieldValue {
  const stored = field.name === 'IsDeleted' ? record.isDeleted : record.fields[field.name];
  const display = displayValue(field, stored, context.format);
  return { value: apiValue(field, stored), displayValue: display, label: display };
}

function parentRecord(field: FieldDef, record: StoredRecord, context: GraphqlContext): StoredRecord | null {
  const parentId = record.fields[field.name];
  const parent = typeof parentId === 'string' ? context.api.access.visible.byId(parentId) : undefined;
  return parent === undefined || parent.isDeleted ? null : parent;
}

/** `@optional`: a field or fragment the user cannot see is left out of the response instead of failing. */
export const optionalDirective = new GraphQLDirective({
  name: 'optional',
  locations: [DirectiveLocation.FIELD, DirectiveLocation.INLINE_FRAGMENT, DirectiveLocation.FRAGMENT_SPREAD],
});

export function buildGraphqlSchema(schema: Schema, mutations: MutationSupport = 'ga'): GraphQLSchema {
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
    resolveType: (record: StoredRecord) =>
      served.has(findObject(schema, record.type)?.name ?? '')
        ? findObject(schema, record.type)?.name
        : undefined,
  });

  const objectType = (def: ObjectDef): GraphQLObjectType => {
    const existing = objectTypes.get(def.name);
    if (existing !== undefined) return existing;
    const type = new GraphQLObjectType<StoredRecord, GraphqlContext>({
      name: def.name,
      interfaces: [recordInterface],
      fields: () => recordFields(def),
    });
    objectTypes.set(def.name, type);
    return type;
  };

  const recordFields = (def: ObjectDef): GraphQLFieldConfigMap<StoredRecord, GraphqlContext> => {
    const defField = (name: string, type: FieldDef['type']): FieldDef =>
      def.fields.get(name.toLowerCase()) ?? systemField(name, type);
    const fields: GraphQLFieldConfigMap<StoredRecord, GraphqlContext> = {
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
    // Child relationships (Contact.Tasks, User.SIA_Sync_Settings__r) are connections of their own.
    for (const child of objects) {
      for (const field of child.fields.values()) {
        const name = field.childRelationshipName;
        if (field.type !== 'reference' || name === undefined || name in fields) continue;
        if (!field.referenceTo.includes(def.name)) continue;
        fields[name] = {
          type: connectionType(child),
          args: connectionArgs(child),
          resolve: (record, args: ConnectionArgs, context, info) =>
            resolveConnection(child, args, context, info, `${field.name} = ${soqlString(record.Id)}`),
        };
      }
    }
    return fields;
  };

  const connectionArgs = (def: ObjectDef): GraphQLFieldConfigArgumentMap => ({
    first: { type: GraphQLInt },
    after: { type: GraphQLString },
    where: { type: filterType(def) },
    orderBy: { type: orderByType(def) },
    upperBound: { type: GraphQLInt },
  });

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
            args: connectionArgs(def),
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
  // Mutations: beta from API 59.0, generally available (updates answering the Record) from 66.0.
  const mutation =
    mutations === 'none'
      ? undefined
      : buildMutationType({
          objects,
          objectType,
          updateReturnsRecord: mutations === 'ga',
        });
  return new GraphQLSchema({
    query,
    ...(mutation === undefined ? {} : { mutation }),
    types: [...objects.map(objectType), ...shared.valueTypes.values()],
    directives: [...specifiedDirectives, optionalDirective],
  });
}

export type MutationSupport = 'none' | 'beta' | 'ga';

export function mutationSupport(version: string): MutationSupport {
  const number = Number(version);
  if (number >= 66) return 'ga';
  return number >= 59 ? 'beta' : 'none';
}

const built = new WeakMap<Schema, Map<MutationSupport, GraphQLSchema>>();

/** The org's GraphQL schema for an API version, built once per emulator schema. */
export function graphqlSchemaFor(schema: Schema, version: string): GraphQLSchema {
  const support = mutationSupport(version);
  let byVersion = built.get(schema);
  if (byVersion === undefined) {
    byVersion = new Map();
    built.set(schema, byVersion);
  }
  let graphqlSchema = byVersion.get(support);
  if (graphqlSchema === undefined) {
    graphqlSchema = buildGraphqlSchema(schema, support);
    byVersion.set(support, graphqlSchema);
  }
  return graphqlSchema;
}
