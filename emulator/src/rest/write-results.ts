// WriteResult → REST responses for single-record routes and per-record collection results.
import { toApiErrors, type RecordError } from '../org/errors.ts';
import type { WriteResult } from '../org/dml.ts';
import type { ApiResponse } from './api-types.ts';

export function singleFailure(
  result: Exclude<WriteResult, { ok: true }>,
  version: string,
  type: string,
): ApiResponse {
  if ('multiple' in result) {
    return {
      status: 300,
      body: result.multiple.map((id) => `/services/data/v${version}/sobjects/${type}/${id}`),
    };
  }
  return { status: result.status, body: toApiErrors(result.errors) };
}

export interface SaveResult {
  id?: string | null;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

/**
 * One entry of a save answer. An upsert's entries carry `created` whether they succeeded or not: a
 * failed upsert entry says `"created": false`, as a real org's sObject Collections upsert does.
 */
export function saveResult(result: WriteResult, withCreated: boolean): SaveResult {
  const failedCreated = withCreated ? { created: false } : {};
  if (result.ok) {
    return withCreated
      ? { id: result.id, success: true, errors: [], created: result.created }
      : { id: result.id, success: true, errors: [] };
  }
  if ('multiple' in result) {
    return {
      success: false,
      errors: [
        {
          statusCode: 'DUPLICATE_EXTERNAL_ID',
          message: `more than one record found for external id field: [${result.multiple.join(', ')}]`,
          fields: [],
        },
      ],
      ...failedCreated,
    };
  }
  return { success: false, errors: result.errors, ...failedCreated };
}
