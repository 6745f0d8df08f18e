// Organization-wide defaults (Setup → Sharing Settings): the baseline record access every user has
// to the records of an object they do not own. Levels as Salesforce names them: Private, Read
// (Public Read Only), ReadWrite (Public Read/Write), ReadWriteTransfer (leads and cases),
// ControlledByParent (contacts: the account decides; activities: their Who and What decide).
// Levels: https://help.salesforce.com/s/articleView?id=platform.sharing_model_fields.htm
// Salesforce's own new-org defaults: https://help.salesforce.com/s/articleView?id=platform.security_sharing_owd_default_settings.htm
// A custom object's default is its deployed `sharingModel`; a deployed standard object's
// `sharingModel` sets its default too, as a Metadata API deploy of objects/Account.object does.
import type { Org } from '../org/org.ts';

export type SharingModel = 'Private' | 'Read' | 'ReadWrite' | 'ReadWriteTransfer' | 'ControlledByParent';

export const SHARING_MODELS: readonly SharingModel[] = [
  'Private',
  'Read',
  'ReadWrite',
  'ReadWriteTransfer',
  'ControlledByParent',
];

/** The objects whose default an admin sets here; `Activity` covers Task and Event. */
export const SHARED_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Activity'] as const;

/**
 * The emulator's default: a typical Enterprise org run tight, the hard case for an integration —
 * accounts, leads and opportunities Public Read Only (reps see each other's, edit their own),
 * contacts controlled by their account, activities controlled by their Who and What. A task owned by
 * someone else is then editable only above its owner in the role hierarchy, through edit access to
 * both its Who and What, or with Modify All Data; a task with neither is its owner's alone.
 */
export const ENTERPRISE_DEFAULTS: Record<string, SharingModel> = {
  Account: 'Read',
  Contact: 'ControlledByParent',
  Lead: 'Read',
  Opportunity: 'Read',
  Activity: 'ControlledByParent',
};

/** What a new Salesforce org starts with (Account and Lead open to all, activities Private). */
export const SALESFORCE_NEW_ORG_DEFAULTS: Record<string, SharingModel> = {
  Account: 'ReadWrite',
  Contact: 'ControlledByParent',
  Lead: 'ReadWriteTransfer',
  Opportunity: 'Read',
  Activity: 'Private',
};

/** Where a model can be set: Contact and Activity never go public, Activity only Private or by parent. */
export function modelProblem(object: string, model: SharingModel): string | undefined {
  if (object === 'Activity' && model !== 'Private' && model !== 'ControlledByParent')
    return 'Activity can be Private or ControlledByParent';
  if (object === 'Contact' && model === 'ReadWriteTransfer') return 'Contact cannot be ReadWriteTransfer';
  if (object !== 'Activity' && object !== 'Contact' && model === 'ControlledByParent')
    return `${object} cannot be ControlledByParent`;
  if (model === 'ReadWriteTransfer' && object !== 'Lead') return `${object} cannot be ReadWriteTransfer`;
  return undefined;
}

export type SharingSnapshot = Record<string, SharingModel>;

/** One org's defaults: the start defaults, then what an admin set (kept with `--data`). */
export class SharingSettings {
  private readonly base: Record<string, SharingModel>;
  private readonly set = new Map<string, SharingModel>();
  private changeListener: (() => void) | undefined;

  constructor(base: Record<string, SharingModel> = ENTERPRISE_DEFAULTS, snapshot?: SharingSnapshot) {
    this.base = { ...ENTERPRISE_DEFAULTS, ...base };
    for (const [object, model] of Object.entries(snapshot ?? {})) this.set.set(object, model);
  }

  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /** Sets an object's default (Setup → Sharing Settings → Edit). */
  put(object: string, model: SharingModel): void {
    this.set.set(object, model);
    this.changeListener?.();
  }

  /** An object's default: set by the admin, else deployed, else the org's start default. */
  modelOf(org: Org, object: string): SharingModel {
    const key = object === 'Task' || object === 'Event' ? 'Activity' : object;
    const chosen = this.set.get(key);
    if (chosen !== undefined) return chosen;
    const deployed = org.metadata.get('CustomObject', key);
    const model = deployed === undefined ? undefined : deployed.xml.sharingModel;
    if (typeof model === 'string' && (SHARING_MODELS as readonly string[]).includes(model))
      return model as SharingModel;
    // A custom object deployed without a sharingModel is Public Read/Write, the platform's default.
    if (key.endsWith('__c')) return 'ReadWrite';
    return this.base[key] ?? 'ReadWrite';
  }

  /** Every shared object's default, for the admin API. */
  all(org: Org): Record<string, SharingModel> {
    const objects = new Set<string>([
      ...SHARED_OBJECTS,
      ...org.metadata
        .ofType('CustomObject')
        .map((c) => c.fullName)
        .filter((name) => name.endsWith('__c')),
    ]);
    return Object.fromEntries([...objects].sort().map((object) => [object, this.modelOf(org, object)]));
  }

  snapshot(): SharingSnapshot {
    return Object.fromEntries(this.set);
  }
}
