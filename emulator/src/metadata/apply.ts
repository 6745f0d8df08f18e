// Makes deployed metadata live: the org's schema is rebuilt from it (every holder of org.schema sees
// the new objects, fields, validation rules and change-data-capture selections at once), records of
// an object that gained fields get them as blanks, and the setup records (permission sets, custom
// permissions and their access rows), the Task Status values and list views follow the deployed
// definitions.
import type { Org } from '../org/org.ts';
import { syncSetupRecords } from '../org/access-records.ts';
import { syncMetadataRecords } from './metadata-records.ts';
import type { OrgMetadata } from '../org/org-metadata.ts';
import { buildSchema, replaceSchema } from './schema-from-metadata.ts';

export function applyMetadata(org: Org, before: OrgMetadata | undefined): void {
  const schema = buildSchema(org.metadata.all(), org.metadata.keyPrefixes);
  replaceSchema(org.schema, schema);
  for (const def of org.schema.objects.values()) {
    if (def.kind !== 'custom' && def.kind !== 'standard') continue;
    for (const record of [...org.store.records(def.name)]) {
      const missing = [...def.fields.values()].filter((f) => !(f.name in record.fields));
      if (missing.length === 0) continue;
      const fields = { ...record.fields };
      for (const f of missing) fields[f.name] = f.type === 'boolean' ? (f.defaultValue ?? false) : null;
      org.store.put({ ...record, fields });
    }
  }
  syncSetupRecords(org, before);
  syncMetadataRecords(org);
  org.store.commit();
}
