// Records that deployed metadata becomes, other than the access model's: the TaskStatus rows of the
// org's Task Status values (the StandardValueSet "TaskStatus", which an admin edits in Setup or
// deploys: rename a value, add a closed one), and a ListView row per deployed list view.
// StandardValueSet: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/standardvalueset.htm
// TaskStatus: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_taskstatus.htm
// ListView: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_listview.htm
import { formatDateTime } from '../org/datetime.ts';
import type { Org } from '../org/org.ts';
import { field, object, readOnly, systemFields } from '../schema/field-builders.ts';
import type { ObjectDef, PicklistValue } from '../schema/types.ts';
import type { MetadataComponent } from '../org/metadata-components.ts';
import { flag, list, text } from '../org/xml.ts';

/** The standard value sets the emulator deploys: their values live in these objects' rows. */
export const STANDARD_VALUE_SETS: Record<string, { object: string; field: string }> = {
  TaskStatus: { object: 'TaskStatus', field: 'Status' },
};

export interface StandardValue {
  fullName: string;
  label: string;
  isDefault: boolean;
  closed: boolean;
}

export function standardValues(component: MetadataComponent): StandardValue[] {
  return list(component.xml, 'standardValue').map((v) => ({
    fullName: text(v, 'fullName') ?? '',
    label: text(v, 'label') ?? text(v, 'fullName') ?? '',
    isDefault: flag(v, 'default'),
    closed: flag(v, 'closed'),
  }));
}

/** Task.Status's picklist from a deployed TaskStatus value set (the catalogue's when none is deployed). */
export function taskStatusPicklist(component: MetadataComponent): {
  values: PicklistValue[];
  defaultValue: string | undefined;
} {
  const values = standardValues(component);
  return {
    values: values.map((v) => ({
      value: v.fullName,
      label: v.label,
      active: true,
      defaultValue: v.isDefault,
    })),
    defaultValue: values.find((v) => v.isDefault)?.fullName,
  };
}

export function listViewObject(): ObjectDef {
  return object(
    {
      name: 'ListView',
      label: 'List View',
      labelPlural: 'List Views',
      keyPrefix: '00B',
      createable: false,
      updateable: false,
      deletable: false,
      replicateable: false,
    },
    [
      ...systemFields({ owner: false }).filter((f) => f.name !== 'IsDeleted'),
      readOnly('Name', 'string', { length: 40, label: 'List View Name', nillable: false }),
      readOnly('DeveloperName', 'string', { length: 80, label: 'List View Unique Name', nillable: false }),
      readOnly('NamespacePrefix', 'string', { length: 15, label: 'Namespace Prefix' }),
      readOnly('SobjectType', 'picklist', { length: 40, label: 'Sobject Type Name' }),
      readOnly('IsSoqlCompatible', 'boolean', { label: 'Is SOQL Compatible' }),
      field('LastViewedDate', 'datetime', {
        createable: false,
        updateable: false,
        label: 'Last Viewed Date',
      }),
      field('LastReferencedDate', 'datetime', {
        createable: false,
        updateable: false,
        label: 'Last Referenced Date',
      }),
    ],
  );
}

function syncTaskStatuses(org: Org, at: string): void {
  const set = org.metadata.get('StandardValueSet', 'TaskStatus');
  if (set === undefined) return;
  const values = standardValues(set);
  const rows = [...org.store.records('TaskStatus')];
  const kept = new Set<string>();
  values.forEach((value, index) => {
    const fields = {
      MasterLabel: value.label,
      ApiName: value.fullName,
      SortOrder: index + 1,
      IsDefault: value.isDefault,
      IsClosed: value.closed,
    };
    const existing = rows.find((r) => r.fields.ApiName === value.fullName);
    if (existing !== undefined) {
      kept.add(existing.Id);
      if (Object.entries(fields).some(([k, v]) => existing.fields[k] !== v)) {
        org.store.put({
          ...existing,
          fields: { ...existing.fields, ...fields, LastModifiedDate: at, SystemModstamp: at },
        });
      }
      return;
    }
    const id = org.ids.next('01J');
    kept.add(id);
    const by = org.users[0]?.id ?? null;
    org.store.put({
      Id: id,
      type: 'TaskStatus',
      isDeleted: false,
      fields: {
        Id: id,
        CreatedDate: at,
        CreatedById: by,
        LastModifiedDate: at,
        LastModifiedById: by,
        SystemModstamp: at,
        ...fields,
      },
    });
  });
  // A value taken out of the set is no longer a status; tasks that have it keep it, as on the platform.
  for (const row of rows) if (!kept.has(row.Id)) org.store.purge(row.Id);
}

function syncListViews(org: Org, at: string): void {
  const deployed = org.metadata.ofType('ListView');
  const ids = new Set(deployed.map((c) => c.id));
  for (const component of deployed) {
    const sobject = component.fullName.slice(0, component.fullName.indexOf('.'));
    const existing = org.store.byId(component.id);
    const by = org.users[0]?.id ?? null;
    org.store.put({
      Id: component.id,
      type: 'ListView',
      isDeleted: false,
      fields: {
        Id: component.id,
        CreatedDate: existing?.fields.CreatedDate ?? component.createdDate,
        CreatedById: by,
        LastModifiedDate: at,
        LastModifiedById: by,
        SystemModstamp: at,
        Name: text(component.xml, 'label') ?? component.fullName,
        DeveloperName: component.fullName.slice(sobject.length + 1),
        NamespacePrefix: null,
        SobjectType: sobject,
        IsSoqlCompatible: true,
        LastViewedDate: null,
        LastReferencedDate: null,
      },
    });
  }
  for (const row of [...org.store.records('ListView')]) if (!ids.has(row.Id)) org.store.purge(row.Id);
}

/** Brings TaskStatus and ListView rows in line with the deployed metadata. */
export function syncMetadataRecords(org: Org): void {
  const at = formatDateTime(org.clock.now());
  syncTaskStatuses(org, at);
  syncListViews(org, at);
}
