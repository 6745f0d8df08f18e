// Reading Metadata API XML into plain objects and writing SOAP/XML answers. Metadata documents are
// parsed keeping attributes (`@_name`), every value as text, and repeated elements as they come
// (one element is an object, several an array): `list()` reads both the same way.
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  commentPropName: false,
});

export class XmlSyntaxError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** The root element `root` of a well-formed document; throws XmlSyntaxError otherwise. */
export function parseDocument(text: string, root: string): XmlNode {
  try {
    SyntaxValidator.validate(text);
  } catch (error) {
    // The validator's error carries the line and column of the first syntax error.
    const { line, col } = error as { line?: number; col?: number };
    throw new XmlSyntaxError(error instanceof Error ? error.message : String(error), line, col);
  }
  const parsed: unknown = parser.parse(text);
  const node = (parsed as Record<string, unknown>)[root];
  if (node === '') return {};
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new XmlSyntaxError(`expected a <${root}> document`);
  }
  return node as XmlNode;
}

/** Parses any XML text into a tree (SOAP envelopes). */
export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function isNode(value: XmlValue | undefined): value is XmlNode {
  return typeof value === 'object' && !Array.isArray(value);
}

/** The text of a child element, or undefined when absent or not text. */
export function text(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  if (typeof value === 'string') return value;
  if (isNode(value) && Object.keys(value).length === 0) return '';
  return undefined;
}

export function flag(node: XmlNode, key: string): boolean {
  return text(node, key) === 'true';
}

/** Every child element named `key`, as objects (text-only elements become `{ '#text': value }`). */
export function list(node: XmlNode, key: string): XmlNode[] {
  const value = node[key];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (typeof v === 'string' ? { '#text': v } : isNode(v) ? v : {}));
}

/** Every child element named `key` that holds text. */
export function texts(node: XmlNode, key: string): string[] {
  const value = node[key];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

function escape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type XmlOut = string | number | boolean | null | undefined | XmlOut[] | { [key: string]: XmlOut };

/** `<name>value</name>` with arrays repeated, objects nested, null as xsi:nil and undefined omitted. */
export function element(name: string, value: XmlOut): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([key, v]) => element(key, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escape(String(value))}</${name}>`;
}
