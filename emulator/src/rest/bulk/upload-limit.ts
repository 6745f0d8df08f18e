// The size limit of an ingest job's data, checked while the upload arrives so an oversized body is
// refused without being held: "A request can provide CSV data that does not in total exceed 150 MB of
// base64 encoded content. ... upload data that does not exceed 100 MB." (Bulk API 2.0 Developer Guide,
// "Upload Job Data": https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm)
import { RequestError } from '../../org/errors.ts';

/** 150 MB after base64, in the decimal megabytes Salesforce's upload limits are stated in. */
export const MAX_UPLOAD_BASE64_BYTES = 150_000_000;

/** The largest raw upload whose base64 form fits: 112,500,000 bytes. */
export const MAX_UPLOAD_BYTES = Math.floor(MAX_UPLOAD_BASE64_BYTES / 4) * 3;

export function isJobDataUpload(method: string, path: string): boolean {
  return method === 'PUT' && /^\/services\/data\/v\d+\.\d\/jobs\/ingest\/[^/]+\/batches\/?$/.test(path);
}

export function uploadTooLarge(): RequestError {
  return new RequestError(
    413,
    'EXCEEDED_MAX_SIZE_REQUEST',
    `Job data exceeds the maximum upload size of 150 MB (base64 encoded): upload at most ${MAX_UPLOAD_BYTES} bytes`,
  );
}
