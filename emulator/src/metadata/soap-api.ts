// The Metadata API's SOAP endpoint, `/services/Soap/m/<version>`, for what `sf project deploy start`,
// `--dry-run` and `sf project deploy report` call (source-deploy-retrieve through jsforce, SOAP by
// default): deploy(ZipFile, DeployOptions) → AsyncResult, checkDeployStatus(asyncProcessId,
// includeDetails) → DeployResult, cancelDeploy(id). Faults are SOAP faults with the platform's
// `sf:<CODE>` fault codes, HTTP 500 (jsforce re-authenticates on sf:INVALID_SESSION_ID).
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_checkdeploystatus.htm
import type { SessionInfo } from '../streaming/types.ts';
import {
  DEFAULT_DEPLOY_OPTIONS,
  type DeployJob,
  type DeployOptions,
  type DeployResultData,
  type TestLevel,
} from './deploy.ts';
import type { DeployJobs } from './deploy.ts';
import type { Org } from '../org/org.ts';
import { element, isNode, parseXml, text, texts, type XmlNode, type XmlOut } from '../org/xml.ts';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';

export interface SoapReply {
  status: number;
  body: string;
}

function envelope(body: string): string {
  return `${ENVELOPE_OPEN}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export function soapFault(code: string, message: string): SoapReply {
  const detail = `<detail><sf:UnexpectedErrorFault xmlns:sf="http://soap.sforce.com/2006/04/metadata" xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${escapeText(message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`;
  return {
    status: 500,
    body: envelope(
      `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escapeText(`${code}: ${message}`)}</faultstring>${detail}</soapenv:Fault>`,
    ),
  };
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function response(operation: string, result: XmlOut): SoapReply {
  return { status: 200, body: envelope(element(`${operation}Response`, { result })) };
}

const TEST_LEVELS: ReadonlySet<string> = new Set([
  'NoTestRun',
  'RunSpecifiedTests',
  'RunLocalTests',
  'RunAllTestsInOrg',
  'RunRelevantTests',
]);

/** DeployOptions from the SOAP request (or the REST body), over the Metadata API defaults. */
export function deployOptionsFrom(
  read: (key: string) => string | undefined,
  runTests: string[],
): DeployOptions | string {
  const bool = (key: keyof DeployOptions, fallback: boolean): boolean => {
    const value = read(key);
    return value === undefined ? fallback : value === 'true';
  };
  const testLevel = read('testLevel') ?? DEFAULT_DEPLOY_OPTIONS.testLevel;
  if (!TEST_LEVELS.has(testLevel)) return `'${testLevel}' is not a valid value for the enum 'TestLevel'`;
  if (testLevel === 'RunSpecifiedTests' && runTests.length === 0) {
    return 'No tests were specified for the RunSpecifiedTests test level';
  }
  const d = DEFAULT_DEPLOY_OPTIONS;
  return {
    checkOnly: bool('checkOnly', d.checkOnly),
    rollbackOnError: bool('rollbackOnError', d.rollbackOnError),
    ignoreWarnings: bool('ignoreWarnings', d.ignoreWarnings),
    singlePackage: bool('singlePackage', d.singlePackage),
    testLevel: testLevel as TestLevel,
    runTests,
    allowMissingFiles: bool('allowMissingFiles', d.allowMissingFiles),
    autoUpdatePackage: bool('autoUpdatePackage', d.autoUpdatePackage),
    performRetrieve: bool('performRetrieve', d.performRetrieve),
    purgeOnDelete: bool('purgeOnDelete', d.purgeOnDelete),
  };
}

/** A DeployResult as SOAP writes it; details only when asked for (includeDetails). */
function deployResultXml(result: DeployResultData, includeDetails: boolean): XmlOut {
  const { details, ...rest } = result;
  return {
    ...rest,
    ...(includeDetails
      ? {
          details: {
            componentFailures: details.componentFailures.map((m) => ({ ...m })),
            componentSuccesses: details.componentSuccesses.map((m) => ({ ...m })),
            runTestResult: details.runTestResult,
          },
        }
      : { details: {} }),
  };
}

export interface SoapContext {
  org: Org;
  jobs: DeployJobs;
  /** Validates the SessionHeader's session id. */
  session(token: string): SessionInfo | undefined;
}

export function handleMetadataSoap(ctx: SoapContext, rawBody: string): SoapReply {
  let parsed: XmlNode;
  try {
    parsed = parseXml(rawBody);
  } catch {
    return soapFault('INVALID_XML', 'The request is not a well-formed SOAP envelope');
  }
  const env = parsed.Envelope;
  if (!isNode(env)) return soapFault('INVALID_XML', 'The request is not a SOAP envelope');
  const header = isNode(env.Header) ? env.Header : {};
  const sessionHeader = isNode(header.SessionHeader) ? header.SessionHeader : {};
  const session = ctx.session(text(sessionHeader, 'sessionId') ?? '');
  if (session === undefined) {
    return soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  }
  const body = isNode(env.Body) ? env.Body : {};
  const [operation, argsValue] = Object.entries(body)[0] ?? [];
  const args = isNode(argsValue) ? argsValue : {};
  switch (operation) {
    case 'deploy': {
      const zip = Buffer.from(text(args, 'ZipFile') ?? '', 'base64');
      const optionsNode = isNode(args.DeployOptions) ? args.DeployOptions : {};
      const options = deployOptionsFrom((key) => text(optionsNode, key), texts(optionsNode, 'runTests'));
      if (typeof options === 'string') return soapFault('INVALID_CROSS_REFERENCE_KEY', options);
      const job: DeployJob = ctx.jobs.deploy(ctx.org, zip, options, session.userId);
      // The platform answers at once with the queued job; the result comes from checkDeployStatus.
      return response('deploy', { done: false, id: job.id, state: 'Queued' });
    }
    case 'checkDeployStatus': {
      const job = ctx.jobs.get(text(args, 'asyncProcessId') ?? '');
      if (job === undefined) return soapFault('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      return response(
        'checkDeployStatus',
        deployResultXml(job.result, text(args, 'includeDetails') === 'true'),
      );
    }
    case 'cancelDeploy': {
      // Deploys finish before the first status call can be made, so there is nothing left to cancel.
      const job = ctx.jobs.get(text(args, 'String') ?? text(args, 'id') ?? '');
      if (job === undefined) return soapFault('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      return response('cancelDeploy', { done: true, id: job.id });
    }
    default:
      return {
        status: 500,
        body: envelope(
          `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>No operation available for request {http://soap.sforce.com/2006/04/metadata}${escapeText(operation ?? '')}</faultstring></soapenv:Fault>`,
        ),
      };
  }
}
