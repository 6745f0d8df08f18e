// The Metadata API's REST deploy resource, which the Salesforce CLI uses instead of SOAP when
// `org-metadata-rest-deploy` is true: POST /services/data/vXX.X/metadata/deployRequest (multipart:
// the zip as `file`, `entity_content` = {"deployOptions": {...}}) → 201 with the queued request,
// GET …/deployRequest/<id>?includeDetails=true → the DeployResult as JSON.
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_rest_deploy.htm
import type { DeployJobs, DeployOptions, DeployResultData } from './deploy.ts';
import type { Org } from '../org/org.ts';
import { deployOptionsFrom } from './soap-api.ts';

export interface RestReply {
  status: number;
  body: unknown;
}

interface Part {
  name: string;
  contentType: string | undefined;
  body: Buffer;
}

function multipartParts(body: Buffer, contentType: string): Part[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) return undefined;
  const delimiter = Buffer.from(`--${marker}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length, next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      // Each part's body ends with the CRLF before the next delimiter.
      parts.push({ name, contentType: type, body: chunk.subarray(headerEnd + 4, chunk.length - 2) });
    }
    start = next;
  }
  return parts;
}

function badRequest(message: string): RestReply {
  return { status: 400, body: [{ errorCode: 'INVALID_INPUT', message }] };
}

function resultJson(result: DeployResultData, includeDetails: boolean): Record<string, unknown> {
  return includeDetails ? { ...result } : { ...result, details: null };
}

export interface RestDeployContext {
  org: Org;
  jobs: DeployJobs;
  userId: string;
  baseUrl: string;
  version: string;
}

function requestBody(
  ctx: RestDeployContext,
  id: string,
  options: DeployOptions,
  result: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id,
    validatedDeployRequestId: null,
    url: `${ctx.baseUrl}/services/data/v${ctx.version}/metadata/deployRequest/${id}`,
    deployOptions: options,
    deployResult: result,
  };
}

export function handleRestDeploy(
  ctx: RestDeployContext,
  method: string,
  segments: string[],
  query: URLSearchParams,
  contentType: string,
  body: Buffer,
): RestReply {
  if (segments.length === 0 && method === 'POST') {
    const parts = multipartParts(body, contentType);
    if (parts === undefined)
      return badRequest('Expected a multipart/form-data request with the zip file and its deploy options');
    const file = parts.find((p) => p.name === 'file');
    const entity = parts.find((p) => p.name === 'entity_content' || p.name === 'json');
    if (file === undefined) return badRequest('The request has no zip file part');
    let deployOptions: Record<string, unknown> = {};
    if (entity !== undefined) {
      try {
        const parsed = JSON.parse(entity.body.toString('utf8')) as {
          deployOptions?: Record<string, unknown>;
        };
        deployOptions = parsed.deployOptions ?? {};
      } catch {
        return {
          status: 400,
          body: [{ errorCode: 'JSON_PARSER_ERROR', message: 'The entity_content part is not valid JSON' }],
        };
      }
    }
    const runTests = Array.isArray(deployOptions.runTests) ? deployOptions.runTests.map(String) : [];
    const options = deployOptionsFrom((key) => {
      const value = deployOptions[key];
      return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number'
        ? String(value)
        : undefined;
    }, runTests);
    if (typeof options === 'string') return badRequest(options);
    const job = ctx.jobs.deploy(ctx.org, file.body, options, ctx.userId);
    const queued = { ...resultJson(job.result, false), done: false, status: 'Pending', success: false };
    return { status: 201, body: requestBody(ctx, job.id, options, queued) };
  }
  if (segments.length === 1 && method === 'GET') {
    const job = ctx.jobs.get(segments[0] ?? '');
    if (job === undefined) {
      return {
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      };
    }
    return {
      status: 200,
      body: requestBody(
        ctx,
        job.id,
        job.options,
        resultJson(job.result, query.get('includeDetails') === 'true'),
      ),
    };
  }
  return {
    status: 404,
    body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
  };
}
