// Salesforce runs GraphQL API on graphql-java, whose messages differ from the reference
// implementation's. The two a client meets most are rewritten to graphql-java's wording:
// "Validation error (FieldUndefined@[uiapi/query/Task/edges/node/Nope]) : Field 'Nope' in type 'Task'
// is undefined" and "Invalid Syntax : offending token ')' at line 1 column 31".
import { GraphQLError, visit, type ASTNode, type DocumentNode } from 'graphql';

const FIELD_UNDEFINED = /^Cannot query field "(\w+)" on type "(\w+)"\./;
const TOKEN = /^(?:\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\\n]|\\.)*"|\S)/;

/** The response path of a field node within its operation or fragment, as graphql-java prints it. */
function pathTo(document: DocumentNode, target: ASTNode): string {
  const stack: string[] = [];
  let found: string | undefined;
  visit(document, {
    Field: {
      enter(node) {
        stack.push(node.alias?.value ?? node.name.value);
        if (node === target) found = stack.join('/');
      },
      leave() {
        stack.pop();
      },
    },
  });
  return found ?? '';
}

export function platformValidationMessage(error: GraphQLError, document: DocumentNode): string {
  const match = FIELD_UNDEFINED.exec(error.message);
  const [node] = error.nodes ?? [];
  if (match === null || node === undefined) return error.message;
  const [, field, type] = match;
  return `Validation error (FieldUndefined@[${pathTo(document, node)}]) : Field '${String(field)}' in type '${String(type)}' is undefined`;
}

export function platformSyntaxMessage(error: GraphQLError, query: string): string {
  const [position] = error.positions ?? [];
  const [location] = error.locations ?? [];
  if (position === undefined || location === undefined) return error.message;
  const rest = query.slice(position);
  const token = rest === '' ? '<EOF>' : (TOKEN.exec(rest)?.[0] ?? rest.charAt(0));
  return `Invalid Syntax : offending token '${token}' at line ${location.line} column ${location.column}`;
}
