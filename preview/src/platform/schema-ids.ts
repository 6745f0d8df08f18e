// Object and field references as @salesforce/schema imports produce them, or as strings
// ('Task.Status'); both name the same thing.

export interface FieldReference {
  objectApiName: string;
  fieldApiName: string;
}

export function objectApiNameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'objectApiName' in value) {
    const name = value.objectApiName;
    if (typeof name === 'string') return name;
  }
  throw new TypeError(`not an object reference: ${JSON.stringify(value)}`);
}

/** `Object.Field` (or `Object.Relationship.Field`) for a field reference or string. */
export function qualifiedFieldName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const { objectApiName, fieldApiName } = value as Partial<FieldReference>;
    if (typeof objectApiName === 'string' && typeof fieldApiName === 'string')
      return `${objectApiName}.${fieldApiName}`;
  }
  throw new TypeError(`not a field reference: ${JSON.stringify(value)}`);
}
