// Typings for the platform modules that @salesforce/lightning-types (0.8) does not declare.
// Each follows the module's contract as the Lightning Web Components Developer Guide documents it
// (the @salesforce scoped imports, lightning/uiRecordApi, uiObjectInfoApi, graphql, empApi, …).

declare module '@salesforce/schema/*' {
  /** A field or object reference: `{ objectApiName, fieldApiName }` for fields, `{ objectApiName }` for objects. */
  const reference: { objectApiName: string; fieldApiName: string };
  export default reference;
}

declare module '@salesforce/i18n/*' {
  /** Locale facts of the running user: timeZone (IANA id), locale, lang, currency, ... */
  const value: string;
  export default value;
}

declare module '@salesforce/customPermission/*' {
  /** true when the running user holds the custom permission, otherwise undefined. */
  const hasPermission: boolean | undefined;
  export default hasPermission;
}

declare module '@salesforce/userPermission/*' {
  const hasPermission: boolean | undefined;
  export default hasPermission;
}

declare module '@salesforce/label/*' {
  const label: string;
  export default label;
}

declare module 'lightning/uiRecordApi' {
  export interface FieldId {
    objectApiName: string;
    fieldApiName: string;
  }
  export interface FieldValueRepresentation {
    displayValue: string | null;
    value: unknown;
  }
  export interface RecordRepresentation {
    apiName: string;
    id: string;
    fields: Record<string, FieldValueRepresentation>;
    lastModifiedById?: string | null;
    lastModifiedDate?: string | null;
    systemModstamp?: string | null;
    recordTypeId?: string | null;
  }
  export interface RecordInput {
    apiName?: string;
    fields: Record<string, unknown>;
  }
  /** Wire adapters are classes the @wire decorator instantiates (lwc's WireAdapterConstructor). */
  export type WireAdapter = import('lwc').WireAdapterConstructor;
  export const getRecord: WireAdapter;
  export const getRecords: WireAdapter;
  export const getRecordCreateDefaults: WireAdapter;
  export function getFieldValue(
    record: RecordRepresentation | undefined | null,
    field: FieldId | string,
  ): unknown;
  export function getFieldDisplayValue(
    record: RecordRepresentation | undefined | null,
    field: FieldId | string,
  ): unknown;
  export function createRecord(recordInput: RecordInput): Promise<RecordRepresentation>;
  export function updateRecord(
    recordInput: RecordInput,
    clientOptions?: { ifUnmodifiedSince?: string },
  ): Promise<RecordRepresentation>;
  export function deleteRecord(recordId: string): Promise<void>;
  export function notifyRecordUpdateAvailable(items: { recordId: string }[]): Promise<void>;
}

declare module 'lightning/uiObjectInfoApi' {
  export interface PicklistValue {
    label: string;
    value: string;
    validFor: number[];
    attributes: Record<string, unknown> | null;
  }
  /** getPicklistValues result: the field's values for one record type and its default, if any. */
  export interface PicklistValues {
    controllerValues: Record<string, number>;
    defaultValue: PicklistValue | null;
    url: string;
    values: PicklistValue[];
  }
  /** Wire adapters are classes the @wire decorator instantiates (lwc's WireAdapterConstructor). */
  export type WireAdapter = import('lwc').WireAdapterConstructor;
  export const getObjectInfo: WireAdapter;
  export const getObjectInfos: WireAdapter;
  export const getPicklistValues: WireAdapter;
  export const getPicklistValuesByRecordType: WireAdapter;
}

declare module 'lightning/graphql' {
  export interface GraphQLError {
    message: string;
    locations?: { line: number; column: number }[];
    path?: (string | number)[];
  }
  export interface GraphQLResult<T = unknown> {
    data?: T;
    errors?: GraphQLError[];
    refresh?: () => Promise<void>;
  }
  /** Tagged template that parses a GraphQL document for the graphql wire adapter. */
  export function gql(strings: TemplateStringsArray, ...values: unknown[]): unknown;
  /**
   * Wire adapter; emits a GraphQLResult (`{ data, errors, refresh }`). Its value type is left to the
   * wired member, so a component may type `data` as the shape of its own query.
   */
  export const graphql: import('lwc').WireAdapterConstructor<Record<string, unknown>>;
  export function refreshGraphQL(result: GraphQLResult): Promise<void>;
}

declare module 'lightning/empApi' {
  export interface EmpEvent<TPayload = Record<string, unknown>> {
    channel: string;
    data: {
      event: { replayId: number; EventUuid?: string };
      payload: TPayload;
      schema?: string;
    };
  }
  export interface EmpSubscription {
    id?: string;
    channel: string;
    replayId?: number;
  }
  export function subscribe<TPayload = Record<string, unknown>>(
    channel: string,
    replayId: number,
    onMessageCallback: (message: EmpEvent<TPayload>) => void,
  ): Promise<EmpSubscription>;
  export function unsubscribe(
    subscription: EmpSubscription,
    callback?: (response: unknown) => void,
  ): Promise<unknown>;
  export function onError(callback: (error: unknown) => void): void;
  export function setDebugFlag(flag: boolean): Promise<unknown>;
  export function isEmpEnabled(): Promise<boolean>;
}

declare module 'lightning/platformShowToastEvent' {
  export class ShowToastEvent extends CustomEvent<{
    title?: string;
    message?: string;
    variant?: 'info' | 'success' | 'warning' | 'error';
    mode?: 'dismissible' | 'pester' | 'sticky';
  }> {
    constructor(config: {
      title?: string;
      message?: string;
      variant?: 'info' | 'success' | 'warning' | 'error';
      mode?: 'dismissible' | 'pester' | 'sticky';
    });
  }
}

declare module 'lightning/refresh' {
  export class RefreshEvent extends CustomEvent<unknown> {
    constructor();
  }
}

declare module 'lightning/navigation' {
  /** A page reference: `{ type: 'standard__recordPage', attributes: { recordId, objectApiName, actionName } }`, ... */
  export interface PageReference {
    type: string;
    attributes?: Record<string, unknown>;
    state?: Record<string, unknown>;
  }
  const Navigate: unique symbol;
  const GenerateUrl: unique symbol;
  /** The members NavigationMixin adds to a component class, keyed by its two symbols. */
  export interface NavigationMixinMembers {
    [Navigate](pageReference: PageReference, replace?: boolean): void;
    [GenerateUrl](pageReference: PageReference): Promise<string>;
  }
  interface NavigationMixinFunction {
    // The statics of the base (LightningElement's, which createElement checks) with one construct
    // signature that adds the navigation members.
    <TBase extends new () => import('lwc').LightningElement>(
      base: TBase,
    ): { [K in keyof TBase]: TBase[K] } & (new () => InstanceType<TBase> & NavigationMixinMembers);
    readonly Navigate: typeof Navigate;
    readonly GenerateUrl: typeof GenerateUrl;
  }
  export const NavigationMixin: NavigationMixinFunction;
  /** Wire adapter for the current page's PageReference. */
  export const CurrentPageReference: import('lwc').WireAdapterConstructor;
}
