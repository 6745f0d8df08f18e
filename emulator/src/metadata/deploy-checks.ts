// What a deploy checks before it changes the org: every rule of ./deploy-rules.ts, and the formulas
// of validation rules, against the org as it would be after the deploy (the schema is built from
// the deployed components overlaid with the incoming ones).
import { validationFormulaProblem } from '../org/formula/formula.ts';
import type { Org } from '../org/org.ts';
import type { ComponentProblem, MetadataComponent } from '../org/metadata-components.ts';
import {
  changeDataCaptureMembers,
  fieldTypes,
  lwcBaseFile,
  permissionSetReferences,
  standardValueSets,
  picklistDefaults,
  problem,
  references,
  relationshipTargets,
  textLengths,
  type Rule,
  type RuleScope,
} from './deploy-rules.ts';
import type { OrgMetadata } from '../org/org-metadata.ts';
import { buildSchema } from './schema-from-metadata.ts';
import { text } from '../org/xml.ts';

export interface CheckContext {
  org: Org;
  /** The package's components. */
  incoming: MetadataComponent[];
  /** The org's metadata before the deploy. */
  before: OrgMetadata;
}

/**
 * A validation rule's formula must compile against its object: the platform's own messages for
 * syntax, unknown fields and functions, parameters, and a result that is not true or false.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customvalidationrule.htm
 */
const validationFormulas: Rule = ({ incoming, schema }) =>
  incoming
    .filter((c) => c.type === 'ValidationRule')
    .flatMap((c) => {
      const parent = c.fullName.slice(0, c.fullName.indexOf('.'));
      const def = schema.objects.get((parent === 'Activity' ? 'Task' : parent).toLowerCase());
      if (def === undefined) return [];
      const message = validationFormulaProblem(
        def,
        schema.objects.get('user'),
        text(c.xml, 'errorConditionFormula') ?? '',
      );
      return message === undefined ? [] : [problem(c, message)];
    });

const RULES: Rule[] = [
  textLengths,
  fieldTypes,
  relationshipTargets,
  picklistDefaults,
  validationFormulas,
  permissionSetReferences,
  changeDataCaptureMembers,
  references,
  standardValueSets,
  lwcBaseFile,
];

export function checkDeploy(context: CheckContext): ComponentProblem[] {
  const key = (type: string, fullName: string): string => `${type}:${fullName.toLowerCase()}`;
  const incomingByKey = new Map(context.incoming.map((c) => [key(c.type, c.fullName), c]));
  const after = new Map<string, MetadataComponent>(
    context.before.all().map((c) => [key(c.type, c.fullName), c]),
  );
  for (const [k, c] of incomingByKey) after.set(k, c);
  const scope: RuleScope = {
    incoming: context.incoming,
    lookup: (type, fullName) => after.get(key(type, fullName)),
    ofType: (type) => [...after.values()].filter((c) => c.type === type),
    schema: buildSchema(after.values(), new Map(context.before.keyPrefixes)),
    changeDataCaptureAllowance: context.org.changeDataCaptureAllowance,
  };
  return RULES.flatMap((rule) => rule(scope));
}
