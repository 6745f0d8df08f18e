// POST /services/data/vXX.X/graphql with `{ query, variables, operationName }`. Parsed, validated and
// executed with the reference `graphql` implementation against the org's generated schema. Errors
// answer 200 with `{ data, errors: [{ message, locations, path, extensions }] }`, each classified as
// InvalidSyntax, ValidationError, DataFetchingException or OperationNotSupported ("GraphQL API can
// also return a 200 OK in cases where the request contains an error, such as an invalid object name
// or field", GraphQL API Developer Guide: Status Codes and Error Responses).
import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { RequestError } from '../../org/errors.ts';
import type { ApiContext, ApiRequest, ApiResponse } from '../../rest/api-types.ts';
import { userFormat } from '../field-values.ts';
import type { GraphqlContext } from './context.ts';
import { withoutHiddenOptionals } from './optional-fields.ts';
import { platformSyntaxMessage, platformValidationMessage } from './platform-messages.ts';
import { graphqlSchemaFor } from './schema-builder.ts';

type ErrorType = 'InvalidSyntax' | 'ValidationError' | 'DataFetchingException' | 'OperationNotSupported';

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRequest(rawBody: string): GraphqlRequest {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  if (!isObject(body) || typeof body.query !== 'string')
    throw new RequestError(400, 'INVALID_INPUT', 'The request body must have a query string.');
  const variables = body.variables ?? {};
  if (!isObject(variables)) throw new RequestError(400, 'INVALID_INPUT', 'variables must be an object.');
  return {
    query: body.query,
    variables,
    operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
  };
}

/** One error in the response; graphql-java (which Salesforce runs) reports the kind in extensions. */
function formatError(
  error: GraphQLError,
  errorType: ErrorType,
  message: string = error.message,
): Record<string, unknown> {
  return {
    message,
    locations: error.locations ?? [],
    path: error.path ?? null,
    extensions: { ...error.extensions, ErrorType: errorType, classification: errorType },
  };
}

function answer(data: unknown, errors: Record<string, unknown>[]): ApiResponse {
  return { status: 200, body: data === undefined ? { errors } : { data, errors } };
}

/**
 * Errors raised while resolving a field carry its path (DataFetchingException); before execution,
 * variables that do not fit their declared types are a ValidationError, and an operation that cannot
 * be chosen or run (no such name, a mutation before API 59.0) is OperationNotSupported.
 */
function executionErrorType(error: GraphQLError): ErrorType {
  if (error.path !== undefined) return 'DataFetchingException';
  return error.message.startsWith('Variable "$') ? 'ValidationError' : 'OperationNotSupported';
}

function run(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: GraphqlRequest,
  context: GraphqlContext,
): ExecutionResult {
  const result = execute({
    schema,
    document,
    variableValues: request.variables,
    operationName: request.operationName,
    contextValue: context,
  });
  if ('then' in result) throw new Error('GraphQL resolvers are synchronous');
  return result;
}

export function graphqlRoute(ctx: ApiContext, req: ApiRequest): ApiResponse {
  if (req.method !== 'POST')
    throw new RequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${req.method}' not allowed. Allowed are POST`,
    );
  const request = parseRequest(req.rawBody);
  const schema = graphqlSchemaFor(ctx.org.schema, ctx.version);
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) {
      const message = platformSyntaxMessage(error, request.query);
      return answer(undefined, [formatError(error, 'InvalidSyntax', message)]);
    }
    throw error;
  }
  document = withoutHiddenOptionals(schema, document);
  const invalid = validate(schema, document);
  if (invalid.length > 0)
    return answer(
      undefined,
      invalid.map((e) => formatError(e, 'ValidationError', platformValidationMessage(e, document))),
    );
  const context: GraphqlContext = {
    api: ctx,
    format: userFormat(ctx.org.store, ctx.session.userId),
    rawVariables: request.variables,
    createdIds: new Map(),
    allOrNone: undefined,
  };
  const savepoint = ctx.org.store.savepoint();
  const changesBefore = ctx.write.changes.length;
  const result = run(schema, document, request, context);
  const errors = (result.errors ?? []).map((e) => formatError(e, executionErrorType(e)));
  if (errors.length > 0 && context.allOrNone === true) {
    // allOrNone: one failed operation rolls every operation of the request back, so none reports a record.
    ctx.org.store.rollbackTo(savepoint);
    ctx.write.changes.length = changesBefore;
    return answer(withoutPayloads(result.data), errors);
  }
  return answer(result.data, errors);
}

function withoutPayloads(data: ExecutionResult['data']): unknown {
  const uiapi = data?.uiapi;
  if (typeof uiapi !== 'object' || uiapi === null) return data;
  return { ...data, uiapi: Object.fromEntries(Object.keys(uiapi).map((key) => [key, null])) };
}
