// The emulator's model of an org's schema and records: what describe returns, what validation,
// SOQL and change data capture read. Built from force-app/ metadata plus the standard-object catalogue.

/** Field types as describe reports them (DescribeFieldResult.type). */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'combobox'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDef {
  /** API name with Salesforce's casing, e.g. `SIA_Task_Id__c`. Lookups are case-insensitive. */
  name: string;
  label: string;
  type: FieldType;
  /** Max characters for text types (Task.Subject 255, Description 32000). */
  length?: number;
  precision?: number;
  scale?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  /** Value applied on create when the request omits the field (e.g. Status 'Not Started'). */
  defaultValue?: unknown;
  externalId: boolean;
  unique: boolean;
  caseSensitive: boolean;
  /** Target objects of a reference field (WhoId → Contact, Lead). */
  referenceTo: string[];
  /** Name used in SOQL relationship paths (`Who`, `Owner`); only for reference fields. */
  relationshipName?: string;
  /** Child relationship name on the referenced object for parent-to-child subqueries (`Tasks`, `SIA_Sync_Settings__r`). */
  childRelationshipName?: string;
  /** Auto-number fields: the display format from metadata, e.g. `SIAE-{000000}`. */
  autoNumberFormat?: string;
  picklistValues?: PicklistValue[];
  restrictedPicklist: boolean;
  calculated: boolean;
  custom: boolean;
  filterable: boolean;
  sortable: boolean;
  idLookup: boolean;
}

export type ObjectKind = 'standard' | 'custom' | 'platformEvent' | 'changeEvent';

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  /** Three-character Id prefix: 00T Task, 003 Contact, 00Q Lead, 001 Account, 006 Opportunity, 005 User. */
  keyPrefix: string;
  kind: ObjectKind;
  custom: boolean;
  queryable: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  replicateable: boolean;
  /** Fields by lower-cased API name. */
  fields: Map<string, FieldDef>;
  /** Validation rules read from metadata (active ones are enforced where the emulator can evaluate them). */
  validationRules: ValidationRuleDef[];
}

export interface ValidationRuleDef {
  fullName: string;
  active: boolean;
  errorConditionFormula: string;
  errorMessage: string;
  errorDisplayField?: string;
}

export interface Schema {
  /** Objects by lower-cased API name. */
  objects: Map<string, ObjectDef>;
  /** Change-data-capture entities selected by PlatformEventChannelMember metadata (e.g. `Task`). */
  changeDataCaptureEntities: Set<string>;
}

/** A stored record: field values keyed by API name as Salesforce spells them, plus system fields. */
export interface StoredRecord {
  Id: string;
  /** Object API name with Salesforce's casing. */
  type: string;
  /**
   * Every field of the object (null when empty), as the REST API returns them: dates `YYYY-MM-DD`,
   * datetimes `YYYY-MM-DDTHH:mm:ss.SSS+0000` (UTC), references as 18-character ids.
   */
  fields: Record<string, unknown>;
  isDeleted: boolean;
  /** ISO timestamp when the record went to the recycle bin. */
  deletedDate?: string;
}

/** Read access to the org's records that SOQL evaluation needs. */
export interface RecordSource {
  /** Every record of an object, including recycle-bin rows (callers filter `isDeleted`). */
  records(objectName: string): Iterable<StoredRecord>;
  /** One record by 15- or 18-character Id, deleted or not. */
  byId(id: string): StoredRecord | undefined;
}

/** Time source, so tests can fix "now" and cross day boundaries on purpose. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function findObject(schema: Schema, name: string): ObjectDef | undefined {
  return schema.objects.get(name.toLowerCase());
}

export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  return object.fields.get(name.toLowerCase());
}
