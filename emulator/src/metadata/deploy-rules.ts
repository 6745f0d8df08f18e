// The deploy rules, one function per rule, each with the platform's problem text and the doc page
// it comes from. Where the platform's exact wording is documented or was seen in a real deploy
// result, the text is that wording; the few whose wording could not be found are marked so, and
// word the documented rule.
import { USER_PERMISSIONS } from '../schema/access-objects.ts';
import type { FieldDef, ObjectDef, Schema } from '../schema/types.ts';
import type { ComponentProblem, MetadataComponent } from '../org/metadata-components.ts';
import { entityOfChangeEvent, FIELD_TYPES, picklistEntries } from './schema-from-metadata.ts';
import { flag, list, text } from '../org/xml.ts';

/** What a rule sees: the incoming components and the org as it would be after the deploy. */
export interface RuleScope {
  incoming: MetadataComponent[];
  /** A component as it would be after the deploy: the incoming one, else the org's. */
  lookup: (type: string, fullName: string) => MetadataComponent | undefined;
  /** Every component of a type after the deploy. */
  ofType: (type: string) => MetadataComponent[];
  /** The schema the org would have after the deploy. */
  schema: Schema;
  /** Entities the org may select for change data capture, across all channels. */
  changeDataCaptureAllowance: number;
}

export type Rule = (scope: RuleScope) => ComponentProblem[];

export function problem(component: MetadataComponent, message: string): ComponentProblem {
  return {
    componentType: component.type,
    fullName: component.fullName,
    fileName: component.fileName,
    problem: message,
  };
}

function incomingOf(scope: RuleScope, type: string): MetadataComponent[] {
  return scope.incoming.filter((c) => c.type === type);
}

function objectOf(schema: Schema, name: string): ObjectDef | undefined {
  return schema.objects.get(name.toLowerCase());
}

function fieldOf(schema: Schema, objectName: string, fieldName: string): FieldDef | undefined {
  const target = objectName === 'Activity' ? 'Task' : objectName;
  const def = objectOf(schema, target);
  if (def === undefined) return undefined;
  // FieldPermissions name lookups without their Id suffix ("Contact.Account" for AccountId).
  return def.fields.get(fieldName.toLowerCase()) ?? def.fields.get(`${fieldName.toLowerCase()}id`);
}

/**
 * Text limits per metadata type and field, from the Metadata API reference: PermissionSet (label 80,
 * description 255), CustomPermission (label 80, description 255), LightningComponentBundle
 * (description 255, masterLabel 255), CustomField (label 40, description 1,000, inlineHelpText 510),
 * CustomObject (label and pluralLabel 40, description 1,000), ValidationRule (errorMessage 255,
 * description 255, errorConditionFormula 3,900).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_lightningcomponentbundle.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customobject.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customvalidationrule.htm
 * The problem is the platform's "<Field>: data value too large: <value> (max length=<n>)", as a
 * deploy reports it (e.g. "Description: data value too large: … (max length=255)", quoted in
 * GSA/uswds-sf-lightning-community#178).
 */
export const TEXT_LIMITS: Record<string, { element: string; label: string; max: number }[]> = {
  PermissionSet: [
    { element: 'label', label: 'Label', max: 80 },
    { element: 'description', label: 'Description', max: 255 },
  ],
  CustomPermission: [
    { element: 'label', label: 'Label', max: 80 },
    { element: 'description', label: 'Description', max: 255 },
  ],
  LightningComponentBundle: [
    { element: 'description', label: 'Description', max: 255 },
    { element: 'masterLabel', label: 'Master Label', max: 255 },
  ],
  CustomField: [
    { element: 'label', label: 'Field Label', max: 40 },
    { element: 'description', label: 'Description', max: 1000 },
    { element: 'inlineHelpText', label: 'Help Text', max: 510 },
  ],
  CustomObject: [
    { element: 'label', label: 'Label', max: 40 },
    { element: 'pluralLabel', label: 'Plural Label', max: 40 },
    { element: 'description', label: 'Description', max: 1000 },
  ],
  ValidationRule: [
    { element: 'errorMessage', label: 'Error Message', max: 255 },
    { element: 'description', label: 'Description', max: 255 },
    { element: 'errorConditionFormula', label: 'Error Condition Formula', max: 3900 },
  ],
};

export const textLengths: Rule = ({ incoming }) =>
  incoming.flatMap((c) =>
    (TEXT_LIMITS[c.type] ?? []).flatMap(({ element, label, max }) => {
      const value = text(c.xml, element);
      return value !== undefined && value.length > max
        ? [problem(c, `${label}: data value too large: ${value} (max length=${max})`)]
        : [];
    }),
  );

/** CustomField lengths, precision and scale per type (CustomField reference, "length", "precision", "scale"). */
const FIELD_LENGTHS: Record<string, [number, number]> = {
  Text: [1, 255],
  EncryptedText: [1, 175],
  LongTextArea: [256, 131072],
  Html: [256, 131072],
};

function isActivityField(c: MetadataComponent): boolean {
  return c.fullName.startsWith('Activity.');
}

/**
 * Field types and their attributes: a type the platform knows, lengths in range, precision 1–18 with
 * scale not above it, Unique only where the platform offers it. Activity (Task and Event) custom
 * fields cannot be Unique: "Unique" is not among the attributes Setup offers for activity fields,
 * which is why SIA_Task_Id__c is an External ID only.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm
 * https://help.salesforce.com/s/articleView?id=sf.custom_field_attributes.htm
 */
export const fieldTypes: Rule = ({ incoming }) =>
  incomingOf({ incoming } as RuleScope, 'CustomField').flatMap((c) => {
    const type = text(c.xml, 'type') ?? '';
    if (type === '') return [problem(c, 'Must specify a non-empty field type')];
    if (FIELD_TYPES[type] === undefined && !['Lookup', 'MasterDetail', 'AutoNumber'].includes(type)) {
      // The Metadata API answers an unknown enumeration value with this message.
      return [problem(c, `'${type}' is not a valid value for the enum 'FieldType'`)];
    }
    const problems: ComponentProblem[] = [];
    const range = FIELD_LENGTHS[type];
    const length = text(c.xml, 'length');
    if (range !== undefined) {
      const value = Number(length);
      if (length === undefined || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        problems.push(problem(c, `Length must be between ${range[0]} and ${range[1]}`));
      }
    }
    if (type === 'LongTextArea' || type === 'Html') {
      if (text(c.xml, 'visibleLines') === undefined)
        problems.push(problem(c, 'Must specify the number of visible lines'));
    }
    if (['Number', 'Currency', 'Percent'].includes(type)) {
      const precision = Number(text(c.xml, 'precision') ?? '18');
      const scale = Number(text(c.xml, 'scale') ?? '0');
      if (!Number.isInteger(precision) || precision < 1 || precision > 18)
        problems.push(problem(c, 'Precision must be between 1 and 18'));
      else if (!Number.isInteger(scale) || scale < 0 || scale > precision)
        problems.push(problem(c, 'Scale must be between 0 and the precision'));
    }
    if (flag(c.xml, 'unique') && isActivityField(c)) {
      // Wording not found in a published deploy result; it states the documented rule.
      problems.push(problem(c, 'Unique is not available for activity custom fields'));
    }
    if (flag(c.xml, 'unique') && !['Text', 'Email', 'Number', 'AutoNumber'].includes(type)) {
      problems.push(problem(c, `Unique is not available for fields of type ${type}`));
    }
    if (flag(c.xml, 'externalId') && !['Text', 'Email', 'Number', 'AutoNumber'].includes(type)) {
      problems.push(problem(c, `External ID is not available for fields of type ${type}`));
    }
    return problems;
  });

/**
 * A lookup or master-detail must name an object that exists ("referenceTo value of 'X' does not
 * resolve to a valid sObject type", as deploys report it).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm (referenceTo)
 */
export const relationshipTargets: Rule = ({ incoming, schema }) =>
  incoming
    .filter((c) => c.type === 'CustomField' && ['Lookup', 'MasterDetail'].includes(text(c.xml, 'type') ?? ''))
    .flatMap((c) => {
      const targets = list(c.xml, 'referenceTo').map((r) =>
        typeof r['#text'] === 'string' ? r['#text'] : '',
      );
      if (targets.length === 0) return [problem(c, 'Must specify the referenceTo attribute')];
      return targets
        .filter((target) => objectOf(schema, target) === undefined)
        .map((target) =>
          problem(c, `referenceTo value of '${target}' does not resolve to a valid sObject type`),
        );
    });

/**
 * Picklist values: names unique, at most one default; a default must be one of the values.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_picklist.htm (ValueSet, CustomValue.default)
 * Wording not found in a published deploy result for these; they state the documented rule.
 */
export const picklistDefaults: Rule = ({ incoming }) =>
  incoming
    .filter(
      (c) =>
        c.type === 'CustomField' && ['Picklist', 'MultiselectPicklist'].includes(text(c.xml, 'type') ?? ''),
    )
    .flatMap((c) => {
      const entries = picklistEntries(c.xml);
      const problems: ComponentProblem[] = [];
      if (entries.length === 0) problems.push(problem(c, 'Picklist must have at least one value'));
      const defaults = entries.filter((e) => flag(e, 'default'));
      if (defaults.length > 1 && text(c.xml, 'type') === 'Picklist') {
        problems.push(
          problem(
            c,
            `Picklist can only have one default value: ${defaults.map((d) => text(d, 'fullName') ?? '').join(', ')}`,
          ),
        );
      }
      const seen = new Set<string>();
      for (const entry of entries) {
        const name = text(entry, 'fullName') ?? '';
        if (seen.has(name.toLowerCase())) problems.push(problem(c, `Duplicate picklist value: ${name}`));
        seen.add(name.toLowerCase());
      }
      if (text(c.xml, 'defaultValue') !== undefined) {
        problems.push(
          problem(
            c,
            'Picklist fields take their default from a value marked default, not a defaultValue formula',
          ),
        );
      }
      return problems;
    });

/** "In field: <element> - no <Type> named <name> found": the platform's answer to a reference to nothing. */
function notFound(
  component: MetadataComponent,
  element: string,
  type: string,
  name: string,
): ComponentProblem {
  return problem(component, `In field: ${element} - no ${type} named ${name} found`);
}

/**
 * A permission set may only refer to objects, fields and custom permissions that exist, may not
 * grant field access on required fields (they are always visible and editable: "You cannot deploy to
 * a required field: <Object>.<Field>"), and names known user permissions ("Unknown user permission:
 * <name>") with the permissions each depends on ("Permission <name> depends on permission(s):
 * <names>", jsforce/jsforce#749). ViewAllData's dependencies follow what an org returns with it
 * (forcedotcom/cli#2205); they differ between orgs, which is why the package does not ship it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm
 */
export const PERMISSION_DEPENDENCIES: Partial<Record<string, string[]>> = {
  ManageUsers: ['ViewRoles', 'ViewSetup', 'ViewAllUsers'],
  CustomizeApplication: ['ManageTranslation', 'ViewSetup'],
  ModifyAllData: ['ViewAllData', 'EditTask', 'EditEvent'],
  ViewAllData: ['ViewAllForecasts', 'ViewDataLeakageEvents', 'ViewPlatformEvents'],
  AssignPermissionSets: ['ViewSetup'],
};

export const permissionSetReferences: Rule = ({ incoming, schema, lookup }) =>
  incoming
    .filter((c) => c.type === 'PermissionSet')
    .flatMap((c) => {
      const problems: ComponentProblem[] = [];
      for (const p of list(c.xml, 'objectPermissions')) {
        const name = text(p, 'object') ?? '';
        if (objectOf(schema, name) === undefined) problems.push(notFound(c, 'object', 'CustomObject', name));
      }
      for (const p of list(c.xml, 'fieldPermissions')) {
        const name = text(p, 'field') ?? '';
        const dot = name.indexOf('.');
        const field = dot < 0 ? undefined : fieldOf(schema, name.slice(0, dot), name.slice(dot + 1));
        if (field === undefined) {
          problems.push(notFound(c, 'field', 'CustomField', name));
          continue;
        }
        if (!field.nillable && field.type !== 'boolean' && field.createable) {
          problems.push(problem(c, `You cannot deploy to a required field: ${name}`));
        }
      }
      for (const p of list(c.xml, 'customPermissions')) {
        const name = text(p, 'name') ?? '';
        if (lookup('CustomPermission', name) === undefined)
          problems.push(notFound(c, 'name', 'CustomPermission', name));
      }
      const enabled = new Set(
        list(c.xml, 'userPermissions')
          .filter((p) => flag(p, 'enabled'))
          .map((p) => text(p, 'name') ?? ''),
      );
      const known: ReadonlySet<string> = new Set(USER_PERMISSIONS);
      for (const name of enabled) {
        if (!known.has(name)) {
          problems.push(problem(c, `Unknown user permission: ${name}`));
          continue;
        }
        const missing = (PERMISSION_DEPENDENCIES[name] ?? []).filter((d) => !enabled.has(d));
        if (missing.length > 0)
          problems.push(problem(c, `Permission ${name} depends on permission(s): ${missing.join(', ')}`));
      }
      return problems;
    });

/**
 * Change data capture: a channel member selects the change event of an entity that exists, on a
 * channel that exists (the standard ChangeEvents channel, or a deployed custom one); and the org
 * selects at most its allowance of entities across all channels: "You can select up to five entities
 * … To select more entities, contact Salesforce to purchase an add-on license."
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_allocations.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_platformeventchannelmember.htm
 * The allowance problem's wording was not found in a published deploy result; it states the limit.
 */
export const changeDataCaptureMembers: Rule = ({ incoming, schema, ofType, changeDataCaptureAllowance }) => {
  const problems: ComponentProblem[] = [];
  for (const c of incoming.filter((m) => m.type === 'PlatformEventChannelMember')) {
    const channel = text(c.xml, 'eventChannel') ?? '';
    const selected = text(c.xml, 'selectedEntity') ?? '';
    if (channel !== 'ChangeEvents' && ofType('PlatformEventChannel').every((ch) => ch.fullName !== channel)) {
      problems.push(notFound(c, 'eventChannel', 'PlatformEventChannel', channel));
      continue;
    }
    const entity = entityOfChangeEvent(selected);
    const def = entity === undefined ? undefined : objectOf(schema, entity);
    if (def === undefined || (def.kind !== 'custom' && def.kind !== 'standard') || !def.replicateable) {
      problems.push(notFound(c, 'selectedEntity', 'change event entity', selected));
    }
  }
  const entities = new Set(
    ofType('PlatformEventChannelMember')
      .map((m) => entityOfChangeEvent(text(m.xml, 'selectedEntity') ?? '')?.toLowerCase())
      .filter((e): e is string => e !== undefined),
  );
  if (entities.size > changeDataCaptureAllowance) {
    for (const c of incoming.filter((m) => m.type === 'PlatformEventChannelMember')) {
      problems.push(
        problem(
          c,
          `You can select up to ${changeDataCaptureAllowance} entities for change data capture across all channels; this deploy would select ${entities.size}. To select more entities, purchase the Change Data Capture add-on license.`,
        ),
      );
    }
  }
  return problems;
};

/**
 * Components that name other components: a tab's LWC or custom object, an app's tabs, a validation
 * rule's error field, a list view's, compact layout's and layout's fields, a sharing rule's criteria
 * field, an object's compact layout assignment. Each must exist after the deploy ("In field: … - no
 * … named … found", the platform's wording, e.g. "In field: field - no CustomField named
 * Obj__c.Field__c found" for a layout or permission set naming a field that is not there).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_tab.htm (lwcComponent, customObject)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_customapplication.htm (tabs)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customvalidationrule.htm (errorDisplayField)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_listview.htm (columns)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_compactlayout.htm (fields)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_layout.htm (layoutItems.field)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_sharingrules.htm (criteriaItems.field)
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customobject.htm (compactLayoutAssignment)
 */
export const references: Rule = ({ incoming, schema, lookup }) => {
  const problems: ComponentProblem[] = [];
  const fieldExists = (objectName: string, field: string): boolean =>
    fieldOf(schema, objectName, field) !== undefined;
  for (const c of incoming) {
    const parent = c.fullName.slice(0, c.fullName.indexOf('.'));
    switch (c.type) {
      case 'CustomObject': {
        const compact = text(c.xml, 'compactLayoutAssignment');
        if (
          compact !== undefined &&
          compact !== 'SYSTEM' &&
          lookup('CompactLayout', `${c.fullName}.${compact}`) === undefined
        ) {
          problems.push(notFound(c, 'compactLayoutAssignment', 'CompactLayout', compact));
        }
        break;
      }
      case 'CustomTab': {
        const lwc = text(c.xml, 'lwcComponent');
        if (lwc !== undefined && lookup('LightningComponentBundle', lwc) === undefined) {
          problems.push(notFound(c, 'lwcComponent', 'LightningComponentBundle', lwc));
        }
        if (flag(c.xml, 'customObject') && objectOf(schema, c.fullName) === undefined) {
          problems.push(notFound(c, 'customObject', 'CustomObject', c.fullName));
        }
        break;
      }
      case 'CustomApplication':
        for (const tab of list(c.xml, 'tabs').map((t) =>
          typeof t['#text'] === 'string' ? t['#text'] : '',
        )) {
          if (tab.startsWith('standard-')) continue;
          if (lookup('CustomTab', tab) === undefined) problems.push(notFound(c, 'tabs', 'CustomTab', tab));
        }
        break;
      case 'ValidationRule': {
        const display = text(c.xml, 'errorDisplayField');
        if (display !== undefined && !fieldExists(parent, display))
          problems.push(notFound(c, 'errorDisplayField', 'CustomField', `${parent}.${display}`));
        break;
      }
      case 'ListView':
        for (const f of list(c.xml, 'columns').map((t) =>
          typeof t['#text'] === 'string' ? t['#text'] : '',
        )) {
          if (
            ![
              'NAME',
              'CREATED_DATE',
              'LAST_UPDATE',
              'OWNER.ALIAS',
              'CREATEDBY_USER.ALIAS',
              'UPDATEDBY_USER.ALIAS',
            ].includes(f) &&
            !fieldExists(parent, f)
          ) {
            problems.push(notFound(c, 'columns', 'CustomField', `${parent}.${f}`));
          }
        }
        break;
      case 'CompactLayout':
        for (const f of list(c.xml, 'fields').map((t) =>
          typeof t['#text'] === 'string' ? t['#text'] : '',
        )) {
          if (!fieldExists(parent, f)) problems.push(notFound(c, 'fields', 'CustomField', `${parent}.${f}`));
        }
        break;
      case 'Layout': {
        const object = c.fullName.slice(0, c.fullName.indexOf('-'));
        for (const section of list(c.xml, 'layoutSections')) {
          for (const column of list(section, 'layoutColumns')) {
            for (const item of list(column, 'layoutItems')) {
              const f = text(item, 'field');
              if (f !== undefined && !fieldExists(object, f))
                problems.push(notFound(c, 'field', 'CustomField', `${object}.${f}`));
            }
          }
        }
        if (objectOf(schema, object) === undefined)
          problems.push(notFound(c, 'fullName', 'CustomObject', object));
        break;
      }
      case 'SharingCriteriaRule':
        for (const item of list(c.xml, 'criteriaItems')) {
          const f = text(item, 'field') ?? '';
          if (!fieldExists(parent, f)) problems.push(notFound(c, 'field', 'CustomField', `${parent}.${f}`));
        }
        break;
      default:
        break;
    }
  }
  return problems;
};

/**
 * Standard value sets: the emulator deploys TaskStatus (an org's Task Status values). Its values need
 * one default and at least one closed value (Setup refuses a Task Status picklist without them).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/standardvalueset.htm
 * Wording not found in a published deploy result; it states the rule.
 */
export const standardValueSets: Rule = ({ incoming }) =>
  incoming
    .filter((c) => c.type === 'StandardValueSet')
    .flatMap((c) => {
      if (c.fullName !== 'TaskStatus')
        return [problem(c, `The emulator does not deploy the standard value set ${c.fullName}`)];
      const values = list(c.xml, 'standardValue');
      const problems: ComponentProblem[] = [];
      if (values.filter((v) => flag(v, 'default')).length !== 1)
        problems.push(problem(c, 'TaskStatus must have exactly one default value'));
      if (!values.some((v) => flag(v, 'closed')))
        problems.push(problem(c, 'TaskStatus must have at least one closed value'));
      return problems;
    });

/**
 * A LightningComponentBundle is compiled from `<name>.js`; a bundle without it fails with "No base
 * file for markup://c:<name>" (the platform's message for a bundle whose folder lacks the same-named
 * .js, e.g. jamessimone/lwc-paginator#1).
 * https://developer.salesforce.com/docs/platform/lwc/guide/create-components-folder.html
 */
export const lwcBaseFile: Rule = ({ incoming }) =>
  incoming
    .filter((c) => c.type === 'LightningComponentBundle' && c.files?.[`${c.fullName}.js`] === undefined)
    .map((c) => problem(c, `No base file for markup://c:${c.fullName}`));
