// The record layouts an org renders a record with, from its deployed metadata: the Full layout is
// the object's page layout (`<Object>-<Layout Name>`, the one assigned to everyone; the emulator has
// no per-profile layout assignments), the Compact layout the CompactLayout named by the object's
// `compactLayoutAssignment`. The UI API's `layoutTypes` reads these fields.
// Layout: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_layout.htm
// CompactLayout: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_compactlayout.htm
// layoutTypes: https://developer.salesforce.com/docs/atlas.en-us.uiapi.meta/uiapi/ui_api_resources_record_get.htm
import type { OrgMetadata } from '../org/org-metadata.ts';
import { list, text, texts } from '../org/xml.ts';

export type LayoutType = 'Full' | 'Compact';

/**
 * The fields of an object's deployed layout of that type, in layout order; undefined when the org
 * has no such layout deployed for it (standard objects keep their built-in layouts).
 */
export function layoutFields(
  metadata: OrgMetadata,
  objectName: string,
  layoutType: LayoutType,
): string[] | undefined {
  const lower = objectName.toLowerCase();
  if (layoutType === 'Compact') {
    const object = metadata.get('CustomObject', objectName);
    const assigned = object === undefined ? undefined : text(object.xml, 'compactLayoutAssignment');
    if (assigned === undefined || assigned === 'SYSTEM') return undefined;
    const compact = metadata.get('CompactLayout', `${objectName}.${assigned}`);
    return compact === undefined ? undefined : texts(compact.xml, 'fields');
  }
  const layout = metadata
    .ofType('Layout')
    .find((c) => c.fullName.slice(0, c.fullName.indexOf('-')).toLowerCase() === lower);
  if (layout === undefined) return undefined;
  const fields: string[] = [];
  for (const section of list(layout.xml, 'layoutSections'))
    for (const column of list(section, 'layoutColumns'))
      for (const item of list(column, 'layoutItems')) {
        const field = text(item, 'field');
        if (field !== undefined && !fields.includes(field)) fields.push(field);
      }
  return fields;
}
