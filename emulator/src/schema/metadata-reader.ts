// Reads the package's custom schema from force-app/ source-format metadata: custom objects and
// platform events (objects/<Name>/<Name>.object-meta.xml), their fields and validation rules, fields
// on standard objects (objects/Activity/fields/* belong to both Task and Event) and change-data-capture
// selections (platformEventChannelMembers/*).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { field, picklistValues, readOnly, reference } from './field-builders.ts';
import type { FieldDef, FieldType, PicklistValue, ValidationRuleDef } from './types.ts';

export interface CustomObjectMeta {
  name: string;
  label: string;
  pluralLabel: string;
  isPlatformEvent: boolean;
  /** From sharingModel / MasterDetail fields: a detail object has no OwnerId. */
  hasOwner: boolean;
  nameField: FieldDef | undefined;
  fields: FieldDef[];
  validationRules: ValidationRuleDef[];
}

export interface PackageMetadata {
  /** Custom objects and platform events (folders with an .object-meta.xml). */
  objects: CustomObjectMeta[];
  /** Fields and rules added to standard objects, keyed by the folder name (`Activity`, `Account`, ...). */
  standardObjectExtensions: Map<string, { fields: FieldDef[]; validationRules: ValidationRuleDef[] }>;
  /** Entities selected for change data capture, as object API names (`Task`, `SIA_Sync_Setting__c`). */
  changeDataCaptureEntities: string[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'value' || name === 'referenceTo',
});

type XmlNode = Record<string, unknown>;

function readXml(path: string, root: string): XmlNode {
  const parsed = parser.parse(readFileSync(path, 'utf8')) as XmlNode;
  const node = parsed[root];
  if (typeof node !== 'object' || node === null) throw new Error(`${path}: expected a <${root}> document`);
  return node as XmlNode;
}

function text(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function flag(node: XmlNode, key: string): boolean {
  return text(node, key) === 'true';
}

function int(node: XmlNode, key: string): number | undefined {
  const value = text(node, key);
  return value === undefined ? undefined : Number(value);
}

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

/** A metadata default like `"ORG"`, `'DoNotSync'`, `true` or `42`; formulas the emulator cannot evaluate give undefined. */
function literalDefault(formula: string | undefined): unknown {
  if (formula === undefined) return undefined;
  const trimmed = formula.trim();
  const quoted = /^"(.*)"$/s.exec(trimmed) ?? /^'(.*)'$/s.exec(trimmed);
  if (quoted) return quoted[1];
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return undefined;
}

function picklistFrom(node: XmlNode): { values: PicklistValue[]; restricted: boolean; defaultPick?: string } {
  const valueSet = node.valueSet as XmlNode | undefined;
  if (valueSet === undefined) return { values: [], restricted: false };
  const definition = valueSet.valueSetDefinition as XmlNode | undefined;
  const rawValues = (definition?.value as XmlNode[] | undefined) ?? [];
  const values = rawValues.map((v) => text(v, 'fullName') ?? '');
  const defaultPick = rawValues.find((v) => flag(v, 'default'));
  const labels = new Map(
    rawValues.map((v) => [text(v, 'fullName') ?? '', text(v, 'label') ?? text(v, 'fullName') ?? '']),
  );
  const picklist = picklistValues(
    values,
    defaultPick === undefined ? undefined : text(defaultPick, 'fullName'),
  ).map((p) => ({ ...p, label: labels.get(p.value) ?? p.value }));
  const result: { values: PicklistValue[]; restricted: boolean; defaultPick?: string } = {
    values: picklist,
    restricted: flag(valueSet, 'restricted'),
  };
  if (defaultPick !== undefined) result.defaultPick = text(defaultPick, 'fullName') ?? '';
  return result;
}

const SIMPLE_TYPES: Record<string, FieldType> = {
  Text: 'string',
  EncryptedText: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Checkbox: 'boolean',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Date: 'date',
  DateTime: 'datetime',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
};

const DEFAULT_LENGTHS: Partial<Record<string, number>> = {
  Text: 255,
  TextArea: 255,
  Email: 80,
  Phone: 40,
  Url: 255,
  LongTextArea: 32768,
  Html: 32768,
};

/** One CustomField document as describe would report it; `isEventField` for platform-event fields (never updateable). */
export function fieldFromMetadata(node: XmlNode, isEventField: boolean): FieldDef {
  const name = text(node, 'fullName');
  const metaType = text(node, 'type');
  if (name === undefined || metaType === undefined) throw new Error('CustomField without fullName or type');
  const label = text(node, 'label') ?? name;
  const required = flag(node, 'required');
  const common = {
    label,
    custom: true,
    nillable: !required,
    externalId: flag(node, 'externalId'),
    unique: flag(node, 'unique'),
    caseSensitive: flag(node, 'caseSensitive'),
    updateable: !isEventField,
  };
  const formula = text(node, 'formula');
  if (metaType === 'Lookup' || metaType === 'MasterDetail') {
    const referenceTo = (node.referenceTo as string[] | undefined) ?? [];
    // A lookup's parent relationship is the field name with __r; the metadata's <relationshipName>
    // names the child relationship on the parent object.
    const childRelationship = text(node, 'relationshipName');
    return reference(name, referenceTo, name.replace(/__c$/, '__r'), {
      ...common,
      ...(childRelationship === undefined ? {} : { childRelationshipName: `${childRelationship}__r` }),
      nillable: metaType === 'MasterDetail' ? false : !required,
      updateable: !isEventField && (metaType === 'Lookup' || flag(node, 'reparentableMasterDetail')),
    });
  }
  if (metaType === 'AutoNumber') {
    return readOnly(name, 'string', {
      ...common,
      length: 30,
      defaultedOnCreate: true,
      nillable: false,
      autoNumberFormat: text(node, 'displayFormat') ?? '{0}',
    });
  }
  const type = SIMPLE_TYPES[metaType];
  if (type === undefined) throw new Error(`${name}: unsupported field type ${metaType}`);
  if (formula !== undefined) return readOnly(name, type, { ...common, calculated: true, nillable: true });
  const options: Partial<FieldDef> = { ...common };
  const length = int(node, 'length') ?? DEFAULT_LENGTHS[metaType];
  if (length !== undefined && type !== 'boolean') options.length = length;
  if (type === 'double' || type === 'currency' || type === 'percent') {
    options.precision = int(node, 'precision') ?? 18;
    options.scale = int(node, 'scale') ?? 0;
  }
  if (type === 'picklist' || type === 'multipicklist') {
    const picklist = picklistFrom(node);
    options.picklistValues = picklist.values;
    options.restrictedPicklist = picklist.restricted;
    options.length = 255;
    if (picklist.defaultPick !== undefined) {
      options.defaultValue = picklist.defaultPick;
      options.defaultedOnCreate = true;
    }
  } else {
    const defaultValue = literalDefault(text(node, 'defaultValue'));
    if (defaultValue !== undefined) {
      options.defaultValue = type === 'boolean' ? defaultValue === true : defaultValue;
      options.defaultedOnCreate = true;
    }
  }
  if (type === 'textarea' && (length ?? 255) > 255) {
    options.filterable = false;
    options.sortable = false;
  }
  if (common.externalId || common.unique) options.idLookup = true;
  return field(name, type, options);
}

function readFields(objectDir: string, isEventField: boolean): FieldDef[] {
  return listFiles(join(objectDir, 'fields'), '.field-meta.xml').map((path) => {
    try {
      return fieldFromMetadata(readXml(path, 'CustomField'), isEventField);
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
    }
  });
}

function readValidationRules(objectDir: string): ValidationRuleDef[] {
  return listFiles(join(objectDir, 'validationRules'), '.validationRule-meta.xml').map((path) => {
    const node = readXml(path, 'ValidationRule');
    const rule: ValidationRuleDef = {
      fullName: text(node, 'fullName') ?? path.replace(/^.*\/|\.validationRule-meta\.xml$/g, ''),
      active: flag(node, 'active'),
      errorConditionFormula: text(node, 'errorConditionFormula') ?? '',
      errorMessage: text(node, 'errorMessage') ?? '',
    };
    const display = text(node, 'errorDisplayField');
    if (display !== undefined) rule.errorDisplayField = display;
    return rule;
  });
}

function readCustomObject(objectDir: string, name: string): CustomObjectMeta {
  const node = readXml(join(objectDir, `${name}.object-meta.xml`), 'CustomObject');
  const isPlatformEvent = name.endsWith('__e');
  const fields = readFields(objectDir, isPlatformEvent);
  const nameNode = node.nameField as XmlNode | undefined;
  let nameField: FieldDef | undefined;
  if (nameNode !== undefined && !isPlatformEvent) {
    const label = text(nameNode, 'label') ?? `${text(node, 'label') ?? name} Name`;
    nameField =
      text(nameNode, 'type') === 'AutoNumber'
        ? readOnly('Name', 'string', {
            label,
            length: 80,
            nillable: false,
            defaultedOnCreate: true,
            idLookup: true,
            autoNumberFormat: text(nameNode, 'displayFormat') ?? '{0}',
          })
        : field('Name', 'string', {
            label,
            length: 80,
            nillable: true,
            defaultedOnCreate: true,
            idLookup: true,
          });
  }
  const isDetail = fields.some(
    (f) => f.type === 'reference' && !f.nillable && f.relationshipName?.endsWith('__r'),
  );
  return {
    name,
    label: text(node, 'label') ?? name,
    pluralLabel: text(node, 'pluralLabel') ?? text(node, 'label') ?? name,
    isPlatformEvent,
    hasOwner: !isPlatformEvent && text(node, 'sharingModel') !== 'ControlledByParent' && !isDetail,
    nameField,
    fields,
    validationRules: readValidationRules(objectDir),
  };
}

/** `TaskChangeEvent` → `Task`, `SIA_Sync_Error__ChangeEvent` → `SIA_Sync_Error__c`. */
export function entityOfChangeEvent(changeEvent: string): string | undefined {
  if (changeEvent.endsWith('__ChangeEvent')) return `${changeEvent.slice(0, -'__ChangeEvent'.length)}__c`;
  if (changeEvent.endsWith('ChangeEvent')) return changeEvent.slice(0, -'ChangeEvent'.length);
  return undefined;
}

export function readPackageMetadata(forceAppDir: string): PackageMetadata {
  const base = join(forceAppDir, 'main', 'default');
  const objectsDir = join(base, 'objects');
  const result: PackageMetadata = {
    objects: [],
    standardObjectExtensions: new Map(),
    changeDataCaptureEntities: [],
  };
  if (existsSync(objectsDir)) {
    for (const name of readdirSync(objectsDir).sort()) {
      const dir = join(objectsDir, name);
      if (existsSync(join(dir, `${name}.object-meta.xml`)) && /__(c|e)$/.test(name)) {
        result.objects.push(readCustomObject(dir, name));
      } else if (existsSync(join(dir, 'fields')) || existsSync(join(dir, 'validationRules'))) {
        result.standardObjectExtensions.set(name, {
          fields: readFields(dir, false),
          validationRules: readValidationRules(dir),
        });
      }
    }
  }
  for (const path of listFiles(
    join(base, 'platformEventChannelMembers'),
    '.platformEventChannelMember-meta.xml',
  )) {
    const node = readXml(path, 'PlatformEventChannelMember');
    const selected = text(node, 'selectedEntity');
    const entity = selected === undefined ? undefined : entityOfChangeEvent(selected);
    if (entity !== undefined && text(node, 'eventChannel') === 'ChangeEvents')
      result.changeDataCaptureEntities.push(entity);
  }
  return result;
}

/** Custom permissions the package defines (customPermissions/<Name>.customPermission-meta.xml). */
export function readCustomPermissions(forceAppDir: string): string[] {
  return listFiles(
    join(forceAppDir, 'main', 'default', 'customPermissions'),
    '.customPermission-meta.xml',
  ).map((path) => path.replace(/^.*\//, '').replace(/\.customPermission-meta\.xml$/, ''));
}
