// What a deploy checks before it changes the org, rule by rule, with the platform's problem text.
// Each rule looks at the incoming components against the org as it would be after the deploy.
import type { Org } from '../org/org.ts';
import type { ComponentProblem, MetadataComponent } from './components.ts';
import type { OrgMetadata } from './org-metadata.ts';

export interface CheckContext {
  org: Org;
  /** The package's components. */
  incoming: MetadataComponent[];
  /** The org's metadata before the deploy. */
  before: OrgMetadata;
  /** A copy the deploy fills in; checks read it through `lookup`. */
  candidate: OrgMetadata;
}

export interface CheckScope extends CheckContext {
  /** A component as it would be after the deploy: the incoming one, else the org's. */
  lookup(type: string, fullName: string): MetadataComponent | undefined;
  /** Every component of a type after the deploy. */
  ofType(type: string): MetadataComponent[];
}

type Rule = (scope: CheckScope) => ComponentProblem[];

function problem(component: MetadataComponent, message: string): ComponentProblem {
  return {
    componentType: component.type,
    fullName: component.fullName,
    fileName: component.fileName,
    problem: message,
  };
}

/**
 * A LightningComponentBundle is compiled from `<name>.js`; a bundle without it fails with "No base
 * file" (the platform's message for a bundle whose folder lacks the same-named .js).
 */
const lwcBaseFile: Rule = ({ incoming }) =>
  incoming
    .filter((c) => c.type === 'LightningComponentBundle' && c.files?.[`${c.fullName}.js`] === undefined)
    .map((c) => problem(c, `No base file for markup://c:${c.fullName}`));

const RULES: Rule[] = [lwcBaseFile];

export function checkDeploy(context: CheckContext): ComponentProblem[] {
  const incomingByKey = new Map(context.incoming.map((c) => [`${c.type}:${c.fullName.toLowerCase()}`, c]));
  const scope: CheckScope = {
    ...context,
    lookup: (type, fullName) =>
      incomingByKey.get(`${type}:${fullName.toLowerCase()}`) ?? context.before.get(type, fullName),
    ofType: (type) => {
      const names = new Set<string>();
      const out: MetadataComponent[] = [];
      for (const c of [...context.incoming, ...context.before.ofType(type)]) {
        const key = c.fullName.toLowerCase();
        if (c.type !== type || names.has(key)) continue;
        names.add(key);
        out.push(c);
      }
      return out;
    },
  };
  return RULES.flatMap((rule) => rule(scope));
}
