// What a save asks of the access model before it writes (implemented in security/): whether the user
// may create, edit or delete records of the object, see and edit each field, reach each record a
// lookup points at, and edit, delete or transfer the record itself. A write without a guard is the
// system's own (the admin API's seeding).
import type { FieldDef, ObjectDef, RecordSource, StoredRecord } from '../schema/types.ts';

export interface WriteGuard {
  mayCreate(def: ObjectDef): boolean;
  mayEdit(def: ObjectDef): boolean;
  mayDelete(def: ObjectDef): boolean;
  /** Field-level security: hidden fields do not exist for the user; read-only ones refuse writes. */
  fieldAccess(def: ObjectDef, field: FieldDef): 'none' | 'read' | 'edit';
  /** The records the user can see: a lookup to any other is refused. */
  visible: RecordSource;
  mayEditRecord(record: StoredRecord): boolean;
  mayDeleteRecord(record: StoredRecord): boolean;
  /** Whether the user may give the record to another owner. */
  mayTransfer(record: StoredRecord): boolean;
  /** Ownership or parents changed in this request: forget record access worked out so far. */
  changed(): void;
}
