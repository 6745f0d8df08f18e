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

export function saveResult(result: WriteResult, withCreated: boolean): SaveResult {
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
    };
  }
  return { success: false, errors: result.errors };
}
