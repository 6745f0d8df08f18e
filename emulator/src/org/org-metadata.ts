// The metadata deployed to one org: every component by type and full name, with the record id the
// platform gave it and the key prefix of each custom object. A deploy merges components in (a
// component absent from a later deploy stays, as on the platform: deploys never delete without
// destructive changes); `--data` keeps all of it across restarts.
import { componentKey, type MetadataComponent } from './metadata-components.ts';

export interface DeployedComponent extends MetadataComponent {
  /** The component's id (CustomObject 01I…, CustomField 00N…, PermissionSet 0PS…). */
  id: string;
  createdDate: string;
  lastModifiedDate: string;
}

/** What `--data` stores. */
export interface OrgMetadataSnapshot {
  components: DeployedComponent[];
  keyPrefixes: Record<string, string>;
}

/** Id key prefixes of metadata components, as DeployMessage.id reports them. */
const COMPONENT_ID_PREFIXES: Record<string, string> = {
  CustomApplication: '02u',
  CustomField: '00N',
  CustomObject: '01I',
  CustomPermission: '0CP',
  CustomTab: '01r',
  CompactLayout: '0AH',
  Layout: '00h',
  LightningComponentBundle: '0Rb',
  ListView: '00B',
  PermissionSet: '0PS',
  PlatformEventChannelMember: '0v8',
  SharingCriteriaRule: '02c',
  SharingOwnerRule: '02c',
  SharingRules: '02c',
  ValidationRule: '03d',
};

export function componentIdPrefix(type: string): string {
  return COMPONENT_ID_PREFIXES[type] ?? '000';
}

export class OrgMetadata {
  private readonly byKey = new Map<string, DeployedComponent>();
  /** Custom object key prefixes by lower-cased API name, in first-deploy order. */
  readonly keyPrefixes = new Map<string, string>();

  constructor(snapshot?: OrgMetadataSnapshot) {
    for (const component of snapshot?.components ?? [])
      this.byKey.set(componentKey(component.type, component.fullName), component);
    for (const [name, prefix] of Object.entries(snapshot?.keyPrefixes ?? {}))
      this.keyPrefixes.set(name, prefix);
  }

  get(type: string, fullName: string): DeployedComponent | undefined {
    return this.byKey.get(componentKey(type, fullName));
  }

  all(): DeployedComponent[] {
    return [...this.byKey.values()];
  }

  ofType(type: string): DeployedComponent[] {
    return this.all().filter((c) => c.type === type);
  }

  put(component: DeployedComponent): void {
    this.byKey.set(componentKey(component.type, component.fullName), component);
  }

  /** A copy to deploy into: validation and apply work on it, and it replaces this one only on success. */
  clone(): OrgMetadata {
    return new OrgMetadata(this.snapshot());
  }

  replaceWith(other: OrgMetadata): void {
    this.byKey.clear();
    for (const component of other.all()) this.put(component);
    this.keyPrefixes.clear();
    for (const [name, prefix] of other.keyPrefixes) this.keyPrefixes.set(name, prefix);
  }

  snapshot(): OrgMetadataSnapshot {
    return {
      components: structuredClone(this.all()),
      keyPrefixes: Object.fromEntries(this.keyPrefixes),
    };
  }
}
