// One row of an ingest job through the emulator's DML, the way Bulk API 2.0 treats CSV values: an
// empty value is left out (an update keeps the field), `#N/A` sets null, a value that is not of the
// field's type fails the row ("Valid CSV Record Rows":
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_valid_record_rows.htm).
// A failed row's error is written `STATUS_CODE:message:fields --`, as the failed-results file has it.
import {
  createRecord,
  deleteRecord,
  updateRecord,
  upsertRecord,
  type WriteContext,
  type WriteResult,
} from '../../org/dml.ts';
import { RequestError, type RecordError } from '../../org/errors.ts';
import { normalizeId } from '../../org/ids.ts';
import { findField, type ObjectDef, type StoredRecord } from '../../schema/types.ts';
import type { BulkJobs } from './bulk-jobs.ts';
import type { CsvRecord } from './csv.ts';
import { cellValue, NULL_TOKEN } from './field-text.ts';
import type { IngestColumn } from './ingest-columns.ts';
import type { IngestJob, RowOutcome } from './jobs.ts';

export interface RowInput {
  jobs: BulkJobs;
  job: IngestJob;
  object: ObjectDef;
  columns: IngestColumn[];
}

type Outcome = Omit<RowOutcome, 'row'>;

/** A record error as the failed-results file writes it: `STATUS_CODE:message:fields --`. */
export function formatRowError(error: Pick<RecordError, 'statusCode' | 'message' | 'fields'>): string {
  const fields = error.fields.join(',');
  return `${error.statusCode}:${error.message}:${fields === '' ? '' : `${fields} `}--`;
}

class RowFailure extends Error {
  readonly rowError: string;
  constructor(statusCode: string, message: string) {
    super(message);
    this.rowError = formatRowError({ statusCode, message, fields: [] });
  }
}

function lookupParent(
  column: Extract<IngestColumn, { kind: 'lookup' }>,
  jobs: BulkJobs,
  userId: string,
  text: string,
): string {
  const { target, match } = column;
  const store = jobs.org.store;
  const found: StoredRecord[] =
    match.name === 'Id'
      ? [store.byId(text)].filter((record): record is StoredRecord => record?.type === target.name)
      : store.findByField(target.name, match.name, text, match.caseSensitive);
  // A parent the job's creator cannot see is not found.
  const { visible } = jobs.viewOf(userId);
  const live = found.filter((record) => !record.isDeleted && visible.byId(record.Id) !== undefined);
  const [parent, ...others] = live;
  if (parent === undefined) {
    throw new RowFailure(
      'INVALID_FIELD',
      `Foreign key external ID: ${text} not found for field ${match.name} in entity ${target.name}`,
    );
  }
  if (others.length > 0) {
    throw new RowFailure(
      'INVALID_FIELD',
      `More than 1 record found for External ID field: ${match.name} with value ${text} in entity ${target.name}`,
    );
  }
  return parent.Id;
}

/** The row as a REST-style body: field name → value, empty cells left out. */
function rowBody(input: RowInput, cells: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  input.columns.forEach((column, index) => {
    const text = cells[index] ?? '';
    if (text === '') return;
    const target = column.kind === 'field' ? column.field : column.reference;
    if (text === NULL_TOKEN) {
      body[target.name] = null;
      return;
    }
    if (column.kind === 'lookup') {
      body[target.name] = lookupParent(column, input.jobs, input.job.createdById, text);
      return;
    }
    const value = cellValue(column.field, text);
    if (!value.ok) {
      throw new RowFailure(
        'INVALID_FIELD',
        `Failed to deserialize field at col ${index}. Due to, '${text}' is not a valid value for the type xsd:${value.xsdType}`,
      );
    }
    body[target.name] = value.value;
  });
  return body;
}

function outcomeOf(result: WriteResult, knownId: string, fieldName: string): Outcome {
  if (result.ok) return { id: result.id, created: result.created };
  if ('multiple' in result) {
    return {
      id: knownId,
      created: false,
      error: formatRowError({
        statusCode: 'DUPLICATE_EXTERNAL_ID',
        message: `${fieldName}: more than one record found for external id field: [${result.multiple.join(', ')}]`,
        fields: [],
      }),
    };
  }
  const [first] = result.errors;
  return {
    id: knownId,
    created: false,
    error: formatRowError(first ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'unknown error', fields: [] }),
  };
}

/** The row's Id cell, taken out of the body (update, delete and upsert on Id name the record by it). */
function takeId(body: Record<string, unknown>): string | undefined {
  const id = body.Id;
  delete body.Id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function missingId(verb: string): never {
  throw new RowFailure('MISSING_ARGUMENT', `Id not specified in ${verb} call`);
}

function write(input: RowInput, ctx: WriteContext, body: Record<string, unknown>): Outcome {
  const { job, object } = input;
  switch (job.operation) {
    case 'insert':
      return outcomeOf(createRecord(ctx, object, body), '', '');
    case 'update': {
      const id = takeId(body) ?? missingId('an update');
      return outcomeOf(updateRecord(ctx, object, id, body, false), normalizeId(id) ?? '', '');
    }
    case 'upsert': {
      const externalName = job.externalIdFieldName ?? 'Id';
      if (externalName === 'Id') {
        const id = takeId(body);
        if (id === undefined) return outcomeOf(createRecord(ctx, object, body), '', '');
        return outcomeOf(updateRecord(ctx, object, id, body, false), normalizeId(id) ?? '', '');
      }
      const external = findField(object, externalName);
      if (external === undefined) throw new RowFailure('INVALID_FIELD', `No such column '${externalName}'`);
      return outcomeOf(
        upsertRecord(ctx, object, external, body[external.name], body, false),
        '',
        external.name,
      );
    }
    case 'delete':
    case 'hardDelete': {
      const id = takeId(body) ?? missingId('a delete');
      const before = ctx.changes.length;
      const result = deleteRecord(ctx, object, id, false);
      if (result.ok && job.operation === 'hardDelete') {
        // Hard-deleted records skip the Recycle Bin, cascaded children included.
        for (const change of ctx.changes.slice(before)) {
          if (change.changeType === 'DELETE') input.jobs.org.store.purge(change.recordId);
        }
      }
      return outcomeOf(result, normalizeId(id) ?? '', '');
    }
  }
}

export function applyRow(input: RowInput, ctx: WriteContext, record: CsvRecord): Outcome {
  try {
    if (record.rowProblem !== undefined)
      throw new RowFailure('INVALID_FIELD', `Invalid CSV: ${record.rowProblem}`);
    if (record.cells.length !== input.columns.length) {
      throw new RowFailure(
        'INVALID_FIELD',
        `Invalid CSV: the row has ${record.cells.length} values for ${input.columns.length} columns`,
      );
    }
    return write(input, ctx, rowBody(input, record.cells));
  } catch (error) {
    if (error instanceof RowFailure) return { id: '', created: false, error: error.rowError };
    if (error instanceof RequestError) {
      const [first] = error.body;
      return {
        id: '',
        created: false,
        error: formatRowError({
          statusCode: first?.errorCode ?? 'UNKNOWN_EXCEPTION',
          message: first?.message ?? error.message,
          fields: first?.fields ?? [],
        }),
      };
    }
    throw error;
  }
}
