// Failed UI API record writes as the documented "Error with Output" body: `{ enhancedErrorType:
// 'RecordError', message, output: { errors, fieldErrors } }`, where `output` is a Record Exceptions
// body: general errors in `errors`, field errors in `fieldErrors` keyed by field API name, each a
// Record Exception Error `{ constituentField, duplicateRecordError, errorCode, field, fieldLabel,
// message }` (UI API Developer Guide: Error with Output, Record Exceptions, Record Exception Error).
import type { RecordError } from '../org/errors.ts';
import { findField, type ObjectDef } from '../schema/types.ts';

export interface RecordExceptionError {
  constituentField: string | null;
  duplicateRecordError: null;
  errorCode: string;
  field: string | null;
  fieldLabel: string | null;
  message: string;
}

export interface ErrorWithOutput {
  enhancedErrorType: 'RecordError';
  message: string;
  output: { errors: RecordExceptionError[]; fieldErrors: Record<string, RecordExceptionError[]> };
}

// The message the platform puts on top of every failed record save; the detail is in `output`.
const SAVE_FAILED = 'An error occurred while trying to update the record. Please try again.';

function generalError(errorCode: string, message: string): RecordExceptionError {
  return {
    constituentField: null,
    duplicateRecordError: null,
    errorCode,
    field: null,
    fieldLabel: null,
    message,
  };
}

/** Per-record DML errors (validation from metadata, validation rules, duplicates) as a save error. */
export function saveErrorBody(def: ObjectDef, errors: RecordError[]): ErrorWithOutput {
  const output: ErrorWithOutput['output'] = { errors: [], fieldErrors: {} };
  for (const error of errors) {
    if (error.fields.length === 0) {
      output.errors.push(generalError(error.statusCode, error.message));
      continue;
    }
    for (const name of error.fields) {
      const field = findField(def, name);
      const apiName = field?.name ?? name;
      (output.fieldErrors[apiName] ??= []).push({
        constituentField: null,
        duplicateRecordError: null,
        errorCode: error.statusCode,
        field: apiName,
        fieldLabel: field?.label ?? null,
        message: error.message,
      });
    }
  }
  return { enhancedErrorType: 'RecordError', message: SAVE_FAILED, output };
}

/** A request-level failure of a write (unknown field, wrong JSON type) in the same save-error shape. */
export function requestErrorBody(errorCode: string, message: string): ErrorWithOutput {
  return {
    enhancedErrorType: 'RecordError',
    message,
    output: { errors: [generalError(errorCode, message)], fieldErrors: {} },
  };
}

/** A failure answered with a UI API body rather than REST's error array; thrown so the request rolls back. */
export class UiApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`UI API error ${status}`);
    this.name = 'UiApiError';
    this.status = status;
    this.body = body;
  }
}
