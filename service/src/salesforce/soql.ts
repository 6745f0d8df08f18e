// Building SOQL text: every value the service puts into a query goes through here.
// String literals are escaped as the SOQL reference's "Quoted String Escape Sequences" lists: the
// backslash is the escape character and `\n \r \t \b \f \" \' \\` are the sequences; any other
// character stands for itself inside the quotes. Field and object names are never escaped, only
// checked: an API name is a letter, then letters, digits and single underscores (custom names end
// in `__c`, `__r`, `__e` and the like, a relationship path joins names with dots).

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A SOQL string literal holding exactly `value`. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/** A SOQL literal for a nullable text value: `null` or the quoted string. */
export function soqlValue(value: string | null): string {
  return value === null ? 'null' : soqlString(value);
}

/** The parenthesised list of an `IN (…)` condition. */
export function soqlList(values: readonly string[]): string {
  if (values.length === 0) throw new Error('an IN list needs at least one value');
  return `(${values.map(soqlString).join(', ')})`;
}

/** A SOQL dateTime literal (UTC, whole seconds): `2026-03-31T12:00:00Z`. */
export function soqlDateTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new Error(`not a date and time: ${JSON.stringify(iso)}`);
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_)|__(?=[A-Za-z]+$))*$/;

/** An object or field API name (or a dotted relationship path), checked; anything else throws. */
export function soqlName(name: string): string {
  if (!name.split('.').every((part) => NAME.test(part) && !part.endsWith('_')))
    throw new Error(`not a Salesforce API name: ${JSON.stringify(name)}`);
  return name;
}

/** A checked field list for a SELECT clause. */
export function soqlFields(names: readonly string[]): string {
  return names.map(soqlName).join(', ');
}
