// Small constructors for FieldDef/ObjectDef so the standard-object catalogue and the metadata reader
// describe fields the same way describe() reports them.
import type { FieldDef, FieldType, ObjectDef, ObjectKind, PicklistValue } from './types.ts';

export type FieldOptions = Partial<Omit<FieldDef, 'name' | 'type'>>;

const TEXT_TYPES: ReadonlySet<FieldType> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
]);

export function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  const isText = TEXT_TYPES.has(type);
  const def: FieldDef = {
    name,
    label: options.label ?? labelFromName(name),
    type,
    nillable: true,
    createable: true,
    updateable: true,
    defaultedOnCreate: false,
    externalId: false,
    unique: false,
    caseSensitive: false,
    referenceTo: [],
    restrictedPicklist: false,
    calculated: false,
    custom: name.endsWith('__c'),
    filterable: type !== 'textarea' || (options.length ?? 255) <= 255,
    sortable: type !== 'textarea' || (options.length ?? 255) <= 255,
    idLookup: false,
    ...options,
  };
  if (isText && def.length === undefined) def.length = 255;
  if (type === 'boolean') {
    def.nillable = false;
    def.defaultedOnCreate = true;
    def.defaultValue ??= false;
  }
  return def;
}

/** A field maintained by the platform: never createable or updateable through the API. */
export function readOnly(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  return field(name, type, { createable: false, updateable: false, ...options });
}

export function reference(
  name: string,
  referenceTo: string[],
  relationshipName: string,
  options: FieldOptions = {},
): FieldDef {
  return field(name, 'reference', { referenceTo, relationshipName, length: 18, ...options });
}

export function picklistValues(values: string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));
}

export function picklist(
  name: string,
  values: string[],
  options: FieldOptions & { defaultPick?: string } = {},
): FieldDef {
  const { defaultPick, ...rest } = options;
  return field(name, 'picklist', {
    picklistValues: picklistValues(values, defaultPick),
    ...(defaultPick === undefined ? {} : { defaultValue: defaultPick, defaultedOnCreate: true }),
    ...rest,
  });
}

/** Id, IsDeleted and the audit fields every object carries. */
export function systemFields(options: { owner: boolean }): FieldDef[] {
  const fields: FieldDef[] = [
    readOnly('Id', 'id', {
      label: 'Record ID',
      nillable: false,
      defaultedOnCreate: true,
      idLookup: true,
      length: 18,
    }),
    readOnly('IsDeleted', 'boolean', { label: 'Deleted' }),
    readOnly('CreatedDate', 'datetime', { label: 'Created Date', nillable: false, defaultedOnCreate: true }),
    reference('CreatedById', ['User'], 'CreatedBy', {
      label: 'Created By ID',
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    readOnly('LastModifiedDate', 'datetime', {
      label: 'Last Modified Date',
      nillable: false,
      defaultedOnCreate: true,
    }),
    reference('LastModifiedById', ['User'], 'LastModifiedBy', {
      label: 'Last Modified By ID',
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    readOnly('SystemModstamp', 'datetime', {
      label: 'System Modstamp',
      nillable: false,
      defaultedOnCreate: true,
    }),
  ];
  if (options.owner) {
    fields.push(
      reference('OwnerId', ['User'], 'Owner', {
        label: 'Owner ID',
        nillable: false,
        defaultedOnCreate: true,
      }),
    );
  }
  return fields;
}

export interface ObjectOptions {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  kind?: ObjectKind;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  replicateable?: boolean;
  queryable?: boolean;
}

export function object(options: ObjectOptions, fields: FieldDef[]): ObjectDef {
  const kind = options.kind ?? 'standard';
  return {
    name: options.name,
    label: options.label,
    labelPlural: options.labelPlural,
    keyPrefix: options.keyPrefix,
    kind,
    custom: kind === 'custom' || kind === 'platformEvent',
    queryable: options.queryable ?? kind !== 'platformEvent',
    createable: options.createable ?? true,
    updateable: options.updateable ?? kind !== 'platformEvent',
    deletable: options.deletable ?? kind !== 'platformEvent',
    replicateable: options.replicateable ?? kind !== 'platformEvent',
    fields: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
    validationRules: [],
  };
}

function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}
