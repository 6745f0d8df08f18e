// Metadata API deploys: a zip in Metadata API format, validated as the platform validates it, then
// applied to the org all at once (or, with rollbackOnError=false, the components that passed). The
// result is the platform's DeployResult: status, counts, and per component a DeployMessage in
// details.componentSuccesses or details.componentFailures.
// DeployResult: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deployresult.htm
// DeployOptions: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy.htm
import { unzipSync } from 'fflate';
import type { Org } from '../org/org.ts';
import {
  readDeployPackage,
  type ComponentProblem,
  type MetadataComponent,
} from '../org/metadata-components.ts';
import { checkDeploy } from './deploy-checks.ts';
import { componentIdPrefix, OrgMetadata, type DeployedComponent } from '../org/org-metadata.ts';
import { XmlSyntaxError } from '../org/xml.ts';

export type TestLevel =
  'NoTestRun' | 'RunSpecifiedTests' | 'RunLocalTests' | 'RunAllTestsInOrg' | 'RunRelevantTests';

export interface DeployOptions {
  checkOnly: boolean;
  rollbackOnError: boolean;
  ignoreWarnings: boolean;
  singlePackage: boolean;
  testLevel: TestLevel;
  runTests: string[];
  allowMissingFiles: boolean;
  autoUpdatePackage: boolean;
  performRetrieve: boolean;
  purgeOnDelete: boolean;
}

export const DEFAULT_DEPLOY_OPTIONS: DeployOptions = {
  checkOnly: false,
  // The Metadata API default; production orgs refuse false.
  rollbackOnError: true,
  ignoreWarnings: false,
  singlePackage: false,
  // "If you don't specify a test level, the default behavior depends on the contents of your
  // deployment package and the org": with no Apex in the package (and outside production), no tests run.
  testLevel: 'NoTestRun',
  runTests: [],
  allowMissingFiles: false,
  autoUpdatePackage: false,
  performRetrieve: false,
  purgeOnDelete: false,
};

export type DeployStatus =
  'Pending' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceling' | 'Canceled';

export interface DeployMessage {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Warning' | 'Error';
  success: boolean;
}

export interface DeployResultData {
  id: string;
  checkOnly: boolean;
  completedDate: string;
  createdBy: string;
  createdByName: string;
  createdDate: string;
  details: {
    componentSuccesses: DeployMessage[];
    componentFailures: DeployMessage[];
    runTestResult: { numFailures: number; numTestsRun: number; totalTime: number };
  };
  done: boolean;
  errorMessage?: string;
  errorStatusCode?: string;
  ignoreWarnings: boolean;
  lastModifiedDate: string;
  numberComponentErrors: number;
  numberComponentsDeployed: number;
  numberComponentsTotal: number;
  numberTestErrors: number;
  numberTestsCompleted: number;
  numberTestsTotal: number;
  rollbackOnError: boolean;
  runTestsEnabled: boolean;
  startDate: string;
  status: DeployStatus;
  success: boolean;
}

export interface DeployJob {
  id: string;
  options: DeployOptions;
  result: DeployResultData;
}

/** Called after a deploy changed the org's metadata: rebuild the schema and the setup records. */
export type MetadataApplied = (org: Org, before: OrgMetadata) => void;

function sameContent(a: MetadataComponent, b: MetadataComponent): boolean {
  return (
    JSON.stringify(a.xml) === JSON.stringify(b.xml) &&
    JSON.stringify(a.files ?? {}) === JSON.stringify(b.files ?? {})
  );
}

/** The package's files keyed by their path below the folder holding package.xml. */
function packageFiles(zip: Uint8Array, singlePackage: boolean): Map<string, string> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch {
    throw new XmlSyntaxError('The deploy package is not a valid zip file');
  }
  const decoder = new TextDecoder();
  const paths = Object.keys(entries).filter((path) => !path.endsWith('/'));
  // singlePackage: package.xml sits at the root; otherwise each package is a folder of its own.
  const manifest = singlePackage
    ? paths.find((p) => p === 'package.xml')
    : (paths.find((p) => /^[^/]+\/package\.xml$/.test(p)) ?? paths.find((p) => p === 'package.xml'));
  const root = manifest === undefined ? '' : manifest.slice(0, -'package.xml'.length);
  const files = new Map<string, string>();
  for (const path of paths) {
    if (!path.startsWith(root)) continue;
    const bytes = entries[path];
    if (bytes !== undefined) files.set(path.slice(root.length), decoder.decode(bytes));
  }
  return files;
}

export class DeployJobs {
  private readonly jobs = new Map<string, DeployJob>();
  private readonly applied: MetadataApplied;

  constructor(applied: MetadataApplied) {
    this.applied = applied;
  }

  get(id: string): DeployJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Runs a deploy to completion (the org changes, or not, before this returns) and records its
   * result; callers answer the deploy call as queued, as the platform does, and serve the result on
   * the status calls.
   */
  deploy(org: Org, zip: Uint8Array, options: DeployOptions, userId: string): DeployJob {
    const id = org.ids.next('0Af');
    // SOAP dateTime values (xsd:dateTime, UTC), to the second as the platform stores them:
    // 2026-12-01T09:30:00.000Z.
    const started = toTheSecond(org.clock.now());
    const user = org.users.find((u) => u.id === userId);
    const successes: DeployMessage[] = [];
    const failures: DeployMessage[] = [];
    let total = 0;
    const candidate = org.metadata.clone();
    try {
      const pkg = readDeployPackage(packageFiles(zip, options.singlePackage));
      const problems: ComponentProblem[] = [...pkg.problems];
      problems.push(...checkDeploy({ org, incoming: pkg.components, before: org.metadata }));
      const failed = new Set(problems.map((p) => `${p.componentType}:${p.fullName}`));
      total = pkg.components.length + pkg.problems.filter((p) => p.fileName !== 'package.xml').length;
      const ok = pkg.components.filter((c) => !failed.has(`${c.type}:${c.fullName}`));
      const apply = problems.length === 0 || !options.rollbackOnError;
      for (const component of ok) {
        const existing = org.metadata.get(component.type, component.fullName);
        const deployed: DeployedComponent = {
          ...component,
          id: existing?.id ?? org.ids.next(componentIdPrefix(component.type)),
          createdDate: existing?.createdDate ?? started,
          lastModifiedDate:
            existing !== undefined && sameContent(existing, component) ? existing.lastModifiedDate : started,
        };
        candidate.put(deployed);
        successes.push({
          changed: existing === undefined || !sameContent(existing, component),
          componentType: component.type,
          created: existing === undefined,
          createdDate: deployed.lastModifiedDate,
          deleted: false,
          fileName: component.fileName,
          fullName: component.fullName,
          id: deployed.id,
          success: true,
        });
      }
      for (const problem of problems) failures.push(failureMessage(problem, started));
      if (apply && !options.checkOnly && ok.length > 0) {
        // With rollbackOnError=false only the components that passed are kept.
        const next = problems.length === 0 ? candidate : org.metadata.clone();
        if (next !== candidate)
          for (const c of ok) next.put(candidate.get(c.type, c.fullName) as DeployedComponent);
        const before = org.metadata.clone();
        org.metadata.replaceWith(next);
        this.applied(org, before);
      }
      successes.unshift({
        changed: true,
        componentType: '',
        created: false,
        createdDate: started,
        deleted: false,
        fileName: 'package.xml',
        fullName: 'package.xml',
        success: true,
      });
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      failures.push(
        failureMessage(
          { componentType: '', fullName: 'package.xml', fileName: 'package.xml', problem: error.message },
          started,
        ),
      );
    }
    const completed = toTheSecond(org.clock.now());
    const deployed = successes.some((s) => s.fileName !== 'package.xml');
    const status: DeployStatus =
      failures.length === 0
        ? 'Succeeded'
        : options.rollbackOnError || !deployed
          ? 'Failed'
          : 'SucceededPartial';
    const job: DeployJob = {
      id,
      options,
      result: {
        id,
        checkOnly: options.checkOnly,
        completedDate: completed,
        createdBy: userId,
        createdByName: user === undefined ? '' : `${user.firstName} ${user.lastName}`,
        createdDate: started,
        details: {
          componentSuccesses: successes,
          componentFailures: failures,
          runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
        },
        done: true,
        ignoreWarnings: options.ignoreWarnings,
        lastModifiedDate: completed,
        numberComponentErrors: failures.length,
        numberComponentsDeployed: successes.filter((s) => s.fileName !== 'package.xml').length,
        numberComponentsTotal: total,
        numberTestErrors: 0,
        numberTestsCompleted: 0,
        numberTestsTotal: 0,
        rollbackOnError: options.rollbackOnError,
        runTestsEnabled: false,
        startDate: started,
        status,
        success: status === 'Succeeded' || status === 'SucceededPartial',
      },
    };
    this.jobs.set(id, job);
    return job;
  }
}

function toTheSecond(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}

function failureMessage(problem: ComponentProblem, at: string): DeployMessage {
  return {
    changed: false,
    ...(problem.columnNumber === undefined ? {} : { columnNumber: problem.columnNumber }),
    componentType: problem.componentType,
    created: false,
    createdDate: at,
    deleted: false,
    fileName: problem.fileName,
    fullName: problem.fullName,
    ...(problem.lineNumber === undefined ? {} : { lineNumber: problem.lineNumber }),
    problem: problem.problem,
    problemType: 'Error',
    success: false,
  };
}
