// Salesforce record ids: a 3-character key prefix, 12 more case-sensitive characters, and a
// 3-character suffix that encodes which of the first 15 characters are upper case (the 18-character,
// case-insensitive form every REST response uses).
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The 18-character form of a 15- or 18-character id, or undefined when it is not a well-formed id. */
export function normalizeId(value: string): string | undefined {
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) return undefined;
  const id15 = value.slice(0, 15);
  const suffix = idSuffix(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== suffix) return undefined;
  return id15 + suffix;
}

/** Mints ids per key prefix; the counter is part of the persisted org so ids never repeat across runs. */
export class IdGenerator {
  private counter: number;
  private readonly pod: string;

  constructor(counter = 0, pod = '5g0') {
    this.counter = counter;
    this.pod = pod;
  }

  get value(): number {
    return this.counter;
  }

  next(keyPrefix: string): string {
    this.counter++;
    let n = this.counter;
    let body = '';
    for (let i = 0; i < 9; i++) {
      body = BASE62.charAt(n % 62) + body;
      n = Math.floor(n / 62);
    }
    const id15 = `${keyPrefix}${this.pod}${body}`;
    return id15 + idSuffix(id15);
  }
}
