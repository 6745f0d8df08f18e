// GraphQL API mutations (beta in API 59.0–65.0, generally available from 66.0): `mutation { uiapi(input:
// { allOrNone }) { <Object>Create(input: { <Object>: {...} }) { Record {...} } <Object>Update(input:
// { Id, <Object>: {...} }) <Object>Delete(input: { Id }) { Id } } }`. Creates take the createable
// fields (required ones non-null, no Id, OwnerId defaulting to the user); an update answers `success`
// before 66.0 and the `Record` from 66.0; `IdOrRef` also takes `@{alias}`, the record an earlier
// create of the request made (GraphQL API Developer Guide: Mutations Schema, Send Mutation Requests,
// Update a Record). Writes go through the org's DML: validation, validation rules, change events.
import {
  GraphQLBoolean,
  GraphQLError,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLResolveInfo,
} from 'graphql';
import { createRecord, deleteRecord, updateRecord, type WriteResult } from '../../org/dml.ts';
import { RequestError } from '../../org/errors.ts';
import type { FieldDef, ObjectDef, StoredRecord } from '../../schema/types.ts';
import type { GraphqlContext } from './context.ts';
import { valueKind } from './field-types.ts';

/** An Id, or `@{alias}`: the record an earlier create of the same request made. */
export const idOrRef = new GraphQLScalarType({
  name: 'IdOrRef',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string')
      throw new GraphQLError(`IdOrRef cannot represent value: ${JSON.stringify(value)}`);
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING)
      throw new GraphQLError('IdOrRef cannot represent a non-string value', { nodes: node });
    return node.value;
  },
});

type Input = Record<string, unknown>;

function inputType(field: FieldDef): GraphQLScalarType {
  return field.type === 'reference' ? idOrRef : valueKind(field).scalar;
}

function isRequiredOnCreate(field: FieldDef): boolean {
  return !field.nillable && !field.defaultedOnCreate && field.type !== 'boolean';
}

function representation(def: ObjectDef, mode: 'Create' | 'Update'): GraphQLInputObjectType {
  return new GraphQLInputObjectType({
    name: `${def.name}${mode}Representation`,
    fields: () => {
      const fields: GraphQLInputFieldConfigMap = {};
      for (const field of def.fields.values()) {
        if (field.name === 'Id' || !(mode === 'Create' ? field.createable : field.updateable)) continue;
        const type = inputType(field);
        const required = mode === 'Create' && isRequiredOnCreate(field);
        fields[field.name] = { type: required ? new GraphQLNonNull(type) : type };
      }
      return fields;
    },
  });
}

/** `@{alias}` references resolved to the ids the request's earlier creates made. */
function resolveRef(value: unknown, context: GraphqlContext): unknown {
  if (typeof value !== 'string') return value;
  const match = /^@\{(\w+)\}$/.exec(value);
  if (match === null) return value;
  const id = context.createdIds.get(match[1] ?? '');
  if (id === undefined) throw new GraphQLError(`No record was created as ${value} earlier in this request`);
  return id;
}

function withRefs(values: Input, context: GraphqlContext): Input {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, resolveRef(value, context)]));
}

/** A failed write as a field error: the message of each DML error, their codes in extensions. */
function written(write: () => WriteResult): string {
  let result: WriteResult;
  try {
    result = write();
  } catch (error) {
    if (error instanceof RequestError) {
      throw new GraphQLError(error.message, { extensions: { errorCode: error.body[0]?.errorCode } });
    }
    throw error;
  }
  if (result.ok) return result.id;
  if ('multiple' in result) throw new GraphQLError('More than one record matched');
  throw new GraphQLError(result.errors.map((e) => e.message).join('; '), {
    extensions: { errorCode: result.errors[0]?.statusCode, fields: result.errors.flatMap((e) => e.fields) },
  });
}

function idOf(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('Id must be a string');
  return value;
}

function storedRecord(context: GraphqlContext, id: string): StoredRecord | null {
  return context.api.access.visible.byId(id) ?? null;
}

export interface MutationTypeOptions {
  objects: ObjectDef[];
  objectType: (def: ObjectDef) => GraphQLObjectType;
  /** API 66.0+: an update answers the Record; before, `success`. */
  updateReturnsRecord: boolean;
}

export function buildMutationType(options: MutationTypeOptions): GraphQLObjectType {
  const deleteInput = new GraphQLInputObjectType({
    name: 'RecordDeleteInput',
    fields: { Id: { type: new GraphQLNonNull(idOrRef) } },
  });
  const deletePayload = new GraphQLObjectType({
    name: 'RecordDeletePayload',
    fields: { Id: { type: GraphQLID } },
  });
  const mutations = new GraphQLObjectType<unknown, GraphqlContext>({
    name: 'UIAPIMutations',
    fields: () => {
      const fields: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
      for (const def of options.objects) {
        if (def.createable) {
          fields[`${def.name}Create`] = {
            type: new GraphQLObjectType({
              name: `${def.name}CreatePayload`,
              fields: () => ({ Record: { type: options.objectType(def) } }),
            }),
            args: {
              input: {
                type: new GraphQLNonNull(
                  new GraphQLInputObjectType({
                    name: `${def.name}CreateInput`,
                    fields: () => ({
                      [def.name]: { type: new GraphQLNonNull(representation(def, 'Create')) },
                    }),
                  }),
                ),
              },
            },
            resolve: (_source, args: { input: Input }, context, info: GraphQLResolveInfo) => {
              const values = withRefs(args.input[def.name] as Input, context);
              const id = written(() => createRecord(context.api.write, def, values));
              context.createdIds.set(String(info.path.key), id);
              return { Record: storedRecord(context, id) };
            },
          };
        }
        if (def.updateable) {
          fields[`${def.name}Update`] = {
            type: new GraphQLObjectType({
              name: `${def.name}UpdatePayload`,
              fields: (): GraphQLFieldConfigMap<unknown, GraphqlContext> =>
                options.updateReturnsRecord
                  ? { Record: { type: options.objectType(def) } }
                  : { success: { type: GraphQLBoolean } },
            }),
            args: {
              input: {
                type: new GraphQLNonNull(
                  new GraphQLInputObjectType({
                    name: `${def.name}UpdateInput`,
                    fields: () => ({
                      Id: { type: new GraphQLNonNull(idOrRef) },
                      [def.name]: { type: new GraphQLNonNull(representation(def, 'Update')) },
                    }),
                  }),
                ),
              },
            },
            resolve: (_source, args: { input: Input }, context) => {
              const id = idOf(resolveRef(args.input.Id, context));
              const values = withRefs(args.input[def.name] as Input, context);
              const saved = written(() => updateRecord(context.api.write, def, id, values, true));
              return options.updateReturnsRecord
                ? { Record: storedRecord(context, saved) }
                : { success: true };
            },
          };
        }
        if (def.deletable) {
          fields[`${def.name}Delete`] = {
            type: deletePayload,
            args: { input: { type: new GraphQLNonNull(deleteInput) } },
            resolve: (_source, args: { input: Input }, context) => {
              const id = idOf(resolveRef(args.input.Id, context));
              return { Id: written(() => deleteRecord(context.api.write, def, id, true)) };
            },
          };
        }
      }
      return fields;
    },
  });
  return new GraphQLObjectType<unknown, GraphqlContext>({
    name: 'Mutation',
    fields: {
      uiapi: {
        type: new GraphQLNonNull(mutations),
        args: {
          input: {
            type: new GraphQLInputObjectType({
              name: 'UIAPIMutationsInput',
              fields: { allOrNone: { type: GraphQLBoolean } },
            }),
          },
        },
        resolve: (_source, args: { input?: { allOrNone?: boolean | null } | null }, context) => {
          context.allOrNone = args.input?.allOrNone ?? true;
          return {};
        },
      },
    },
  });
}
