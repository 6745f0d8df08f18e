// Salesforce Id rules, shared by the LWCs and the sync service (which imports this file by relative
// path, so it stays self-contained: no imports, erasable TypeScript only, no DOM).
//
// An Id comes in two forms. The 15-character form is case-sensitive. The 18-character form (what
// the REST API sends, and what CASESAFEID() returns) appends a three-character checksum of the
// case of the first 15, so that tools which ignore case still tell Ids apart. Either form may
// reach us, so Ids are never compared as plain strings: two Ids name the same record when their
// first 15 characters are the same, case included (idKey, sameId).

/** The shape of a 15- or 18-character Id (request schemas use it as their pattern). */
export const SALESFORCE_ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const CASE_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** True for a 15- or 18-character Id (letters and digits only). */
export function isSalesforceId(value: unknown): value is string {
  return typeof value === 'string' && SALESFORCE_ID_PATTERN.test(value);
}

/**
 * The 18-character, case-insensitive form of a Salesforce Id (what CASESAFEID() returns): each
 * 5-character chunk of the 15-character Id adds one suffix character whose bits mark upper-case
 * letters. The suffix of an 18-character Id is computed again from its first 15 characters.
 */
export function toCaseSafeId(id: string): string {
  if (!isSalesforceId(id)) {
    throw new Error(`Not a Salesforce Id: "${id}"`);
  }
  const base = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = base.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += CASE_SAFE_ALPHABET.charAt(bits);
  }
  return base + suffix;
}

/**
 * The first 15 characters of an 18-character Id with their case restored from its suffix: each
 * suffix character marks which of its five characters are upper-case letters, which is what makes
 * the 18-character form case-insensitive. Undefined when the suffix marks a digit as upper case or
 * is not a suffix character at all (no Salesforce Id looks like that).
 */
function caseFromSuffix(id: string): string | undefined {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = CASE_SAFE_ALPHABET.indexOf(id.charAt(15 + chunk).toUpperCase());
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = id.charAt(chunk * 5 + i);
      const upper = (bits & (1 << i)) !== 0;
      const letter = ch.toLowerCase() !== ch.toUpperCase();
      if (upper && !letter) return undefined;
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return out;
}

/**
 * The key two Ids of one record share, whatever their form: the 15-character, case-sensitive Id.
 * An 18-character Id is read case-insensitively through its checksum suffix, as Salesforce reads it.
 * Undefined for what is not an Id.
 */
export function idKey(id: string | null | undefined): string | undefined {
  if (!isSalesforceId(id)) return undefined;
  return id.length === 15 ? id : caseFromSuffix(id);
}

/** True when both are Ids of the same record, in the 15- or the 18-character form. */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = idKey(a);
  return key !== undefined && key === idKey(b);
}

/** The forms an Id may be stored in: itself and its other length (for look-ups by exact value). */
export function idForms(id: string): string[] {
  const key = idKey(id);
  if (key === undefined) return [id];
  return id.length === 15 ? [id, toCaseSafeId(id)] : [...new Set([id, toCaseSafeId(key), key])];
}
