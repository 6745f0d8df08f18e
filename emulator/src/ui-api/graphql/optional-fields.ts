// `@optional`: "a field the user can't access is left out of the response rather than failing the
// query". Fields and fragments marked @optional that the schema does not have for this user are
// removed before validation; everything else is validated as written.
import {
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

function isOptional(directives: readonly DirectiveNode[] | undefined): boolean {
  return directives?.some((directive) => directive.name.value === 'optional') ?? false;
}

export function withoutHiddenOptionals(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (!isOptional(node.directives)) return undefined;
        // TypeInfo reports an unknown field as a missing (undefined or null) definition.
        const known = typeInfo.getFieldDef() ?? undefined;
        return typeInfo.getParentType() && known === undefined ? null : undefined;
      },
      InlineFragment(node) {
        if (!isOptional(node.directives) || node.typeCondition === undefined) return undefined;
        return schema.getType(node.typeCondition.name.value) === undefined ? null : undefined;
      },
    }),
  );
}
