// Salesforce's error shapes. Per-record errors (collections, composite) carry `statusCode`; the REST
// body of a failed single request is an array of `{ message, errorCode, fields? }`.

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export interface ApiErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A failure of the whole request (malformed body, unknown field, bad URL): nothing is written. */
export class RequestError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody[];

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.body = [fields === undefined ? { message, errorCode } : { message, errorCode, fields }];
  }
}

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}

export function toApiErrors(errors: RecordError[]): ApiErrorBody[] {
  return errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';
