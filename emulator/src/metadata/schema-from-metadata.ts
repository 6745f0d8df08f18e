// The org's schema from its deployed metadata: the standard-object catalogue and the access model's
// setup objects, plus every deployed
// custom object and platform event with its fields and validation rules, custom fields on standard
// objects (Activity fields belong to both Task and Event), and the change-data-capture selections
// of PlatformEventChannelMember components on the ChangeEvents channel.
import { accessObjects } from '../schema/access-objects.ts';
import { listViewObject, taskStatusPicklist } from './metadata-records.ts';
import {
  field,
  object,
  picklistValues,
  readOnly,
  reference,
  systemFields,
} from '../schema/field-builders.ts';
import { standardObjects } from '../schema/standard-objects.ts';
import type {
  FieldDef,
  FieldType,
  ObjectDef,
  PicklistValue,
  Schema,
  ValidationRuleDef,
} from '../schema/types.ts';
import type { MetadataComponent } from '../org/metadata-components.ts';
import { flag, isNode, list, text, texts, type XmlNode } from '../org/xml.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function customKeyPrefix(letter: 'a' | 'e', index: number): string {
  return `${letter}${BASE62[Math.floor(index / 62) % 62] ?? '0'}${BASE62[index % 62] ?? '0'}`;
}

function int(node: XmlNode, key: string): number | undefined {
  const value = text(node, key);
  return value === undefined || value === '' ? undefined : Number(value);
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

/** The values of a picklist field's inline value set. */
export function picklistEntries(node: XmlNode): XmlNode[] {
  const valueSet = node.valueSet;
  if (!isNode(valueSet)) return [];
  const definition = valueSet.valueSetDefinition;
  return isNode(definition) ? list(definition, 'value') : [];
}

function picklistFrom(node: XmlNode): { values: PicklistValue[]; restricted: boolean; defaultPick?: string } {
  const valueSet = node.valueSet;
  const entries = picklistEntries(node);
  const names = entries.map((v) => text(v, 'fullName') ?? '');
  const defaultPick = entries.find((v) => flag(v, 'default'));
  const labels = new Map(
    entries.map((v) => [text(v, 'fullName') ?? '', text(v, 'label') ?? text(v, 'fullName') ?? '']),
  );
  const defaultName = defaultPick === undefined ? undefined : text(defaultPick, 'fullName');
  return {
    values: picklistValues(names, defaultName).map((p) => ({ ...p, label: labels.get(p.value) ?? p.value })),
    restricted: isNode(valueSet) && flag(valueSet, 'restricted'),
    ...(defaultName === undefined ? {} : { defaultPick: defaultName }),
  };
}

/** Metadata API field types → describe types (CustomField `type`). */
export const FIELD_TYPES: Record<string, FieldType> = {
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

/** One CustomField as describe reports it; `isEventField` for platform-event fields (never updateable). */
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
  if (metaType === 'Lookup' || metaType === 'MasterDetail') {
    // A lookup's parent relationship is the field name with __r; the metadata's <relationshipName>
    // names the child relationship on the parent object.
    const childRelationship = text(node, 'relationshipName');
    return reference(name, texts(node, 'referenceTo'), name.replace(/__c$/, '__r'), {
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
  const type = FIELD_TYPES[metaType];
  if (type === undefined) throw new Error(`${name}: unsupported field type ${metaType}`);
  if (text(node, 'formula') !== undefined)
    return readOnly(name, type, { ...common, calculated: true, nillable: true });
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

export function validationRuleFromMetadata(fullName: string, node: XmlNode): ValidationRuleDef {
  const rule: ValidationRuleDef = {
    fullName,
    active: flag(node, 'active'),
    errorConditionFormula: text(node, 'errorConditionFormula') ?? '',
    errorMessage: text(node, 'errorMessage') ?? '',
  };
  const display = text(node, 'errorDisplayField');
  if (display !== undefined) rule.errorDisplayField = display;
  return rule;
}

function nameFieldOf(node: XmlNode, objectLabel: string): FieldDef | undefined {
  const nameNode = node.nameField;
  if (!isNode(nameNode)) return undefined;
  const label = text(nameNode, 'label') ?? `${objectLabel} Name`;
  return text(nameNode, 'type') === 'AutoNumber'
    ? readOnly('Name', 'string', {
        label,
        length: 80,
        nillable: false,
        defaultedOnCreate: true,
        idLookup: true,
        autoNumberFormat: text(nameNode, 'displayFormat') ?? '{0}',
      })
    : field('Name', 'string', { label, length: 80, nillable: true, defaultedOnCreate: true, idLookup: true });
}

function customObject(
  component: MetadataComponent,
  fields: FieldDef[],
  rules: ValidationRuleDef[],
  keyPrefix: string,
): ObjectDef {
  const { fullName: name, xml } = component;
  const label = text(xml, 'label') ?? name;
  const labelPlural = text(xml, 'pluralLabel') ?? label;
  if (name.endsWith('__e')) {
    return object({ name, label, labelPlural, keyPrefix, kind: 'platformEvent' }, [
      readOnly('ReplayId', 'string', { length: 255 }),
      readOnly('CreatedDate', 'datetime', { nillable: false, defaultedOnCreate: true }),
      reference('CreatedById', ['User'], 'CreatedBy', {
        createable: false,
        updateable: false,
        defaultedOnCreate: true,
      }),
      readOnly('EventUuid', 'string', { length: 36, label: 'Event UUID' }),
      ...fields,
    ]);
  }
  // A detail object (sharing ControlledByParent, a master-detail field) has no OwnerId.
  const isDetail = fields.some(
    (f) => f.type === 'reference' && !f.nillable && f.relationshipName?.endsWith('__r'),
  );
  const hasOwner = text(xml, 'sharingModel') !== 'ControlledByParent' && !isDetail;
  const nameField = nameFieldOf(xml, label);
  const def = object({ name, label, labelPlural, keyPrefix, kind: 'custom' }, [
    ...systemFields({ owner: hasOwner }),
    ...(nameField === undefined ? [] : [nameField]),
    readOnly('LastActivityDate', 'date'),
    ...fields,
  ]);
  def.validationRules = rules;
  return def;
}

/** `TaskChangeEvent` → `Task`, `SIA_Sync_Error__ChangeEvent` → `SIA_Sync_Error__c`. */
export function entityOfChangeEvent(changeEvent: string): string | undefined {
  if (changeEvent.endsWith('__ChangeEvent')) return `${changeEvent.slice(0, -'__ChangeEvent'.length)}__c`;
  if (changeEvent.endsWith('ChangeEvent')) return changeEvent.slice(0, -'ChangeEvent'.length);
  return undefined;
}

function parentOf(fullName: string): string {
  return fullName.slice(0, fullName.indexOf('.'));
}

function childName(fullName: string): string {
  return fullName.slice(fullName.indexOf('.') + 1);
}

/**
 * The schema of an org whose deployed metadata is `components`. Key prefixes follow the order the
 * objects were first deployed in (`keyPrefixes`, filled in here for new objects), so ids stay
 * stable across later deploys and restarts.
 */
export function buildSchema(
  components: Iterable<MetadataComponent>,
  keyPrefixes: Map<string, string>,
): Schema {
  const all = [...components];
  const objects = new Map<string, ObjectDef>();
  for (const def of [...standardObjects(), ...accessObjects(), listViewObject()]) {
    objects.set(def.name.toLowerCase(), def);
  }
  // The org's Task Status values, when an admin deployed them (renamed, added closed values).
  const taskStatuses = all.find((c) => c.type === 'StandardValueSet' && c.fullName === 'TaskStatus');
  const status = objects.get('task')?.fields.get('status');
  if (taskStatuses !== undefined && status !== undefined) {
    const picklist = taskStatusPicklist(taskStatuses);
    status.picklistValues = picklist.values;
    status.defaultValue = picklist.defaultValue;
  }
  const fieldsOf = (parent: string): FieldDef[] =>
    all
      .filter((c) => c.type === 'CustomField' && parentOf(c.fullName).toLowerCase() === parent.toLowerCase())
      .flatMap((c) => {
        try {
          return [fieldFromMetadata({ ...c.xml, fullName: childName(c.fullName) }, parent.endsWith('__e'))];
        } catch {
          // A field of a type the platform does not know: the deploy rules report it; it never goes live.
          return [];
        }
      });
  const rulesOf = (parent: string): ValidationRuleDef[] =>
    all
      .filter(
        (c) => c.type === 'ValidationRule' && parentOf(c.fullName).toLowerCase() === parent.toLowerCase(),
      )
      .map((c) => validationRuleFromMetadata(childName(c.fullName), c.xml));

  for (const component of all.filter((c) => c.type === 'CustomObject' && /__(c|e)$/.test(c.fullName))) {
    const key = component.fullName.toLowerCase();
    let prefix = keyPrefixes.get(key);
    if (prefix === undefined) {
      const isEvent = key.endsWith('__e');
      const index = [...keyPrefixes.keys()].filter((k) => k.endsWith('__e') === isEvent).length;
      prefix = customKeyPrefix(isEvent ? 'e' : 'a', index);
      keyPrefixes.set(key, prefix);
    }
    objects.set(
      key,
      customObject(component, fieldsOf(component.fullName), rulesOf(component.fullName), prefix),
    );
  }
  const extended = new Set(
    all
      .filter((c) => c.type === 'CustomField' || c.type === 'ValidationRule')
      .map((c) => parentOf(c.fullName))
      .filter((parent) => !/__(c|e)$/.test(parent)),
  );
  for (const parent of extended) {
    // Activity custom fields belong to both Task and Event.
    const targets = parent === 'Activity' ? ['Task', 'Event'] : [parent];
    for (const target of targets) {
      const def = objects.get(target.toLowerCase());
      if (def === undefined) continue;
      for (const f of fieldsOf(parent)) def.fields.set(f.name.toLowerCase(), { ...f });
      def.validationRules.push(...rulesOf(parent));
    }
  }
  const changeDataCaptureEntities = new Set<string>();
  for (const member of all.filter((c) => c.type === 'PlatformEventChannelMember')) {
    if (text(member.xml, 'eventChannel') !== 'ChangeEvents') continue;
    const entity = entityOfChangeEvent(text(member.xml, 'selectedEntity') ?? '');
    if (entity !== undefined)
      changeDataCaptureEntities.add(objects.get(entity.toLowerCase())?.name ?? entity);
  }
  // Lookups from custom objects become valid WhatId targets, as on the platform.
  for (const def of objects.values()) {
    if (def.kind !== 'custom') continue;
    for (const activity of ['task', 'event']) {
      const whatId = objects.get(activity)?.fields.get('whatid');
      if (whatId && !whatId.referenceTo.includes(def.name)) whatId.referenceTo.push(def.name);
    }
  }
  return { objects, changeDataCaptureEntities };
}

/** Replaces `target`'s contents with `source`'s, so every holder of the org's Schema sees the deploy. */
export function replaceSchema(target: Schema, source: Schema): void {
  target.objects.clear();
  for (const [key, def] of source.objects) target.objects.set(key, def);
  target.changeDataCaptureEntities.clear();
  for (const entity of source.changeDataCaptureEntities) target.changeDataCaptureEntities.add(entity);
}
