// Stored records in the REST representation: `attributes` first, then the fields in schema order.
import { RequestError } from '../org/errors.ts';
import { findField, type ObjectDef, type StoredRecord } from '../schema/types.ts';

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

export function toRestRecord(
  record: StoredRecord,
  def: ObjectDef,
  version: string,
  fieldNames?: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: recordUrl(version, def.name, record.Id) },
  };
  // With `fields=`, the record still carries its Id after the requested fields (REST API Developer
  // Guide, "Get Field Values from a Standard Object Record" example).
  const fields =
    fieldNames === undefined
      ? [...def.fields.values()].map((f) => f.name)
      : fieldNames.includes('Id')
        ? fieldNames
        : [...fieldNames, 'Id'];
  for (const name of fields)
    out[name] = record.fields[name] ?? (name === 'IsDeleted' ? record.isDeleted : null);
  return out;
}

/** Resolves a `fields=A,B` parameter to API names, refusing unknown ones as SOQL would. */
export function selectedFields(def: ObjectDef, fieldsParam: string | null): string[] | undefined {
  if (fieldsParam === null || fieldsParam.trim() === '') return undefined;
  return fieldsParam.split(',').map((raw) => {
    const name = raw.trim();
    const field = findField(def, name);
    if (field === undefined) {
      throw new RequestError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return field.name;
  });
}
