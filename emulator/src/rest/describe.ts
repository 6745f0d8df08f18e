// Global and per-object describe, shaped like DescribeGlobalResult / DescribeSObjectResult.
import type { FieldDef, ObjectDef, Schema } from '../schema/types.ts';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

function objectUrls(def: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { rowTemplate: `${base}/{ID}`, describe: `${base}/describe`, sobject: base };
}

export function describeGlobalEntry(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: def.createable,
    custom: def.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: def.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: def.kind !== 'platformEvent',
    mergeable: false,
    mruEnabled: def.kind !== 'platformEvent',
    name: def.name,
    queryable: def.queryable,
    replicateable: def.replicateable,
    retrieveable: def.queryable,
    searchable: def.kind === 'standard' || def.kind === 'custom',
    triggerable: true,
    undeletable: def.deletable,
    updateable: def.updateable,
    urls: objectUrls(def, version),
  };
}

export function describeGlobal(schema: Schema, version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: [...schema.objects.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((def) => describeGlobalEntry(def, version)),
  };
}

function byteLength(field: FieldDef): number {
  if (field.type === 'id' || field.type === 'reference') return 18;
  return field.length === undefined ? 0 : field.length * 3;
}

export function describeField(field: FieldDef): Record<string, unknown> {
  const isText = field.length !== undefined && field.type !== 'id' && field.type !== 'reference';
  return {
    aggregatable: field.type !== 'textarea',
    aiPredictionField: false,
    autoNumber: field.autoNumberFormat !== undefined,
    byteLength: byteLength(field),
    calculated: field.calculated,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: field.caseSensitive,
    compoundFieldName: null,
    controllerName: null,
    createable: field.createable,
    custom: field.custom,
    defaultValue: field.defaultValue ?? null,
    defaultValueFormula: null,
    defaultedOnCreate: field.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.type === 'int' ? (field.precision ?? 9) : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: field.externalId,
    extraTypeInfo: null,
    filterable: field.filterable,
    filteredLookupInfo: null,
    groupable: field.type !== 'textarea' && field.type !== 'double',
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: field.idLookup,
    inlineHelpText: null,
    label: field.label,
    length: isText ? field.length : 0,
    mask: null,
    maskType: null,
    name: field.name,
    nameField: field.name === 'Name',
    namePointing: field.referenceTo.length > 1,
    nillable: field.nillable,
    permissionable: field.custom && field.nillable,
    picklistValues: (field.picklistValues ?? []).map((p) => ({
      active: p.active,
      defaultValue: p.defaultValue,
      label: p.label,
      validFor: null,
      value: p.value,
    })),
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision:
      field.type === 'double' || field.type === 'currency' || field.type === 'percent'
        ? (field.precision ?? 18)
        : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: field.restrictedPicklist,
    scale: field.scale ?? 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    sortable: field.sortable,
    type: field.type,
    unique: field.unique,
    updateable: field.updateable,
    writeRequiresMasterRead: false,
  };
}

function childRelationships(def: ObjectDef, schema: Schema): Record<string, unknown>[] {
  const children: Record<string, unknown>[] = [];
  for (const child of schema.objects.values()) {
    for (const field of child.fields.values()) {
      if (field.type !== 'reference' || !field.referenceTo.includes(def.name)) continue;
      children.push({
        cascadeDelete: false,
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: field.name,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: field.childRelationshipName ?? null,
        restrictedDelete: false,
      });
    }
  }
  return children;
}

export function describeObject(def: ObjectDef, schema: Schema, version: string): Record<string, unknown> {
  return {
    actionOverrides: [],
    ...describeGlobalEntry(def, version),
    childRelationships: childRelationships(def, schema),
    compactLayoutable: def.kind !== 'platformEvent',
    fields: [...def.fields.values()].map(describeField),
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: def.kind !== 'platformEvent',
    supportedScopes: [{ label: 'All', name: 'everything' }],
    urls: objectUrls(def, version),
  };
}
