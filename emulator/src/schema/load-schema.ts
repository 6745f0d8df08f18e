// Builds the org's Schema: the standard-object catalogue plus everything force-app/ declares.
import { object, readOnly, reference, systemFields } from './field-builders.ts';
import { readPackageMetadata, type CustomObjectMeta } from './metadata-reader.ts';
import { standardObjects } from './standard-objects.ts';
import type { ObjectDef, Schema } from './types.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function customKeyPrefix(letter: 'a' | 'e', index: number): string {
  return `${letter}${BASE62[Math.floor(index / 62) % 62] ?? '0'}${BASE62[index % 62] ?? '0'}`;
}

function customObject(meta: CustomObjectMeta, keyPrefix: string): ObjectDef {
  if (meta.isPlatformEvent) {
    return object(
      { name: meta.name, label: meta.label, labelPlural: meta.pluralLabel, keyPrefix, kind: 'platformEvent' },
      [
        readOnly('ReplayId', 'string', { length: 255 }),
        readOnly('CreatedDate', 'datetime', { nillable: false, defaultedOnCreate: true }),
        reference('CreatedById', ['User'], 'CreatedBy', {
          createable: false,
          updateable: false,
          defaultedOnCreate: true,
        }),
        readOnly('EventUuid', 'string', { length: 36, label: 'Event UUID' }),
        ...meta.fields,
      ],
    );
  }
  const fields = [
    ...systemFields({ owner: meta.hasOwner }),
    ...(meta.nameField === undefined ? [] : [meta.nameField]),
    readOnly('LastActivityDate', 'date'),
    ...meta.fields,
  ];
  const def = object(
    { name: meta.name, label: meta.label, labelPlural: meta.pluralLabel, keyPrefix, kind: 'custom' },
    fields,
  );
  def.validationRules = meta.validationRules;
  return def;
}

export function loadSchema(forceAppDir: string | undefined): Schema {
  const objects = new Map<string, ObjectDef>();
  for (const def of standardObjects()) objects.set(def.name.toLowerCase(), def);
  const changeDataCaptureEntities = new Set<string>();
  if (forceAppDir !== undefined) {
    const metadata = readPackageMetadata(forceAppDir);
    let customIndex = 0;
    let eventIndex = 0;
    for (const meta of metadata.objects) {
      const prefix = meta.isPlatformEvent
        ? customKeyPrefix('e', eventIndex++)
        : customKeyPrefix('a', customIndex++);
      objects.set(meta.name.toLowerCase(), customObject(meta, prefix));
    }
    for (const [name, extension] of metadata.standardObjectExtensions) {
      // Activity custom fields belong to both Task and Event.
      const targets = name === 'Activity' ? ['Task', 'Event'] : [name];
      for (const target of targets) {
        const def = objects.get(target.toLowerCase());
        if (def === undefined) continue;
        for (const f of extension.fields) def.fields.set(f.name.toLowerCase(), { ...f });
        def.validationRules.push(...extension.validationRules);
      }
    }
    for (const entity of metadata.changeDataCaptureEntities) {
      const def = objects.get(entity.toLowerCase());
      changeDataCaptureEntities.add(def?.name ?? entity);
    }
    // Lookups from custom objects become valid WhatId targets, as on the platform.
    for (const def of objects.values()) {
      if (def.kind !== 'custom') continue;
      for (const activity of ['task', 'event']) {
        const whatId = objects.get(activity)?.fields.get('whatid');
        if (whatId && !whatId.referenceTo.includes(def.name)) whatId.referenceTo.push(def.name);
      }
    }
  }
  return { objects, changeDataCaptureEntities };
}
