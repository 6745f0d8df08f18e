// TYPEOF on a polymorphic relationship: `TYPEOF What WHEN Account THEN Name, Phone ELSE Name END`
// selects different fields depending on the object the reference points at (SOQL reference, TYPEOF).
import type { FieldTypeOf } from '@jetstreamapp/soql-parser-js';
import {
  describePathProblem,
  isPathProblem,
  parentRelationshipName,
  relationshipField,
  resolvePath,
  targetObjects,
  type FieldPath,
  type RelationshipHop,
} from './field-paths.ts';
import type { PlanContext } from './plan-context.ts';
import { errorAt } from './query-text.ts';

export interface TypeOfColumn {
  kind: 'typeof';
  hop: RelationshipHop;
  /** Fields to select, by lower-cased object name of the referenced record. */
  branches: Map<string, FieldPath[]>;
}

export function planTypeOf(context: PlanContext, item: FieldTypeOf): TypeOfColumn {
  const { text, scope, object, options } = context;
  const at = text.locate(item.field, scope, scope)?.start ?? scope;
  const referenceField = relationshipField(object, item.field);
  if (referenceField === undefined) {
    throw errorAt(
      'INVALID_FIELD',
      text.soql,
      at,
      describePathProblem({ kind: 'relationship', name: item.field }),
    );
  }
  const hop = { referenceField, relationshipName: parentRelationshipName(referenceField) ?? item.field };
  const resolveOn = (target: string, names: string[]): FieldPath[] | undefined => {
    const def = targetObjects(options.schema, referenceField).find(
      (candidate) => candidate.name.toLowerCase() === target,
    );
    if (def === undefined) return undefined;
    return names.map((name) => {
      const path = resolvePath(options.schema, def, name);
      if (isPathProblem(path)) {
        const offset = text.locate(name, scope, at)?.start ?? at;
        throw errorAt('INVALID_FIELD', text.soql, offset, describePathProblem(path));
      }
      return path;
    });
  };
  const branches = new Map<string, FieldPath[]>();
  for (const condition of item.conditions) {
    if (condition.type !== 'WHEN' || condition.objectType === undefined) continue;
    const paths = resolveOn(condition.objectType.toLowerCase(), condition.fieldList);
    if (paths !== undefined) branches.set(condition.objectType.toLowerCase(), paths);
  }
  const otherwise = item.conditions.find((condition) => condition.type === 'ELSE')?.fieldList ?? [];
  for (const target of referenceField.referenceTo.map((name) => name.toLowerCase())) {
    if (branches.has(target)) continue;
    // ELSE fields go through the Name entity; an object that lacks one simply does not return it.
    const def = targetObjects(options.schema, referenceField).find(
      (candidate) => candidate.name.toLowerCase() === target,
    );
    const paths = def === undefined ? [] : otherwise.map((name) => resolvePath(options.schema, def, name));
    branches.set(
      target,
      paths.filter((path): path is FieldPath => !isPathProblem(path)),
    );
  }
  return { kind: 'typeof', hop, branches };
}
