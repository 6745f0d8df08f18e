// SIA sets Task.Type to "Email" or "Reply" when logging through the API, and documents that both
// values must exist in the Task Type picklist, capitalisation included ("Reply" is not a standard
// value, so admins add it). The service checks once per org with a describe call; a missing value
// means the email is logged without Type and an Access & Validation error tells the admin what to add.
import type { SalesforceClient } from '../salesforce/client.ts';
import type { Store } from '../store/store.ts';
import { reportEmailError, type EmailErrorDeps } from './error-report.ts';

export const TYPE_VALUES = ['Email', 'Reply'] as const;
export type TypeValue = (typeof TYPE_VALUES)[number];

/** Checkpoint holding the missing values last reported, so a restart does not report them again. */
const REPORTED_CHECKPOINT = 'email-logging:task-type-missing';

interface DescribedField {
  name: string;
  picklistValues?: { value: string; active: boolean; defaultValue?: boolean }[];
}

export function missingTypeValues(fields: DescribedField[]): TypeValue[] {
  const type = fields.find((f) => f.name === 'Type');
  const active = new Set((type?.picklistValues ?? []).filter((v) => v.active).map((v) => v.value));
  return TYPE_VALUES.filter((value) => !active.has(value));
}

export function missingTypeMessage(missing: readonly TypeValue[]): string {
  const list = missing.map((v) => `"${v}"`).join(' and ');
  return (
    `The Task Type picklist has no ${list} value, so SIA logs emails without a Type. ` +
    `In Setup → Object Manager → Activity (Task) → Fields & Relationships → Type, add ${list} ` +
    `(capitalisation matters: Email, Reply and Call must exist exactly so), make ${missing.length === 1 ? 'it' : 'them'} active ` +
    `and leave no default value selected. Emails logged afterwards get their Type.`
  );
}

/** Knows, once per org and process, which of Email and Reply the Task Type picklist offers. */
export class TaskTypeCheck {
  readonly #deps: EmailErrorDeps & { salesforce: SalesforceClient; store: Store };
  #available: Promise<ReadonlySet<TypeValue>> | undefined;

  constructor(deps: EmailErrorDeps) {
    this.#deps = deps;
  }

  /** The Type values logging may use; the first call describes Task (one API call per org). */
  available(): Promise<ReadonlySet<TypeValue>> {
    this.#available ??= this.#check().catch((error: unknown) => {
      this.#available = undefined; // not known yet: ask again with the next batch
      throw error;
    });
    return this.#available;
  }

  async #check(): Promise<ReadonlySet<TypeValue>> {
    const describe = await this.#deps.salesforce.call('describe Task', (conn) =>
      conn.sobject('Task').describe(),
    );
    const missing = missingTypeValues(describe.fields as DescribedField[]);
    const reported = (await this.#deps.store.getCheckpoint(REPORTED_CHECKPOINT)) ?? '';
    const key = missing.join(',');
    if (missing.length > 0 && key !== reported) {
      await reportEmailError(this.#deps, {
        category: 'Access & Validation',
        code: 'TASK_TYPE_VALUE_MISSING',
        message: missingTypeMessage(missing),
        fields: ['Type'],
        ownerId: null,
        ownerSalesforceId: null,
        recordId: null,
        objectApiName: 'Task',
      });
    }
    if (key !== reported)
      await this.#deps.store.setCheckpoint(REPORTED_CHECKPOINT, key, this.#deps.clock.now().toISOString());
    return new Set(TYPE_VALUES.filter((value) => !missing.includes(value)));
  }
}
