// Email bodies arrive as HTML or text; Task.Description (Comments) is a plain textarea of 32,000
// characters, so the body is turned into readable text and cut to fit.

/** Task.Description holds at most 32,000 characters (Object Reference: textarea(32000)). */
export const MAX_DESCRIPTION_LENGTH = 32_000;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  copy: '©',
  reg: '®',
  euro: '€',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const BLOCK_END = /<\/(p|div|h[1-6]|tr|table|blockquote|pre|section|article|header|footer|ul|ol)\s*>/gi;

function looksLikeHtml(body: string): boolean {
  return /<(html|body|div|p|br|span|table|a|b|i|strong|em|ul|ol|li|h[1-6])\b[^>]*>/i.test(body);
}

/** Readable plain text of an email body: tags dropped, line structure kept, entities decoded. */
export function toPlainText(body: string): string {
  let text = body.replace(/\r\n?/g, '\n');
  if (looksLikeHtml(text)) {
    text = text
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/\n/g, ' ')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(BLOCK_END, '\n')
      .replace(/<(p|div|h[1-6]|tr|table|blockquote|pre)\b[^>]*>/gi, '\n')
      .replace(
        /<a\b[^>]*href\s*=\s*"(https?:[^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/gi,
        (_, href: string, label: string) => (label.includes(href) ? label : `${label} (${href})`),
      )
      .replace(/<[^>]+>/g, '');
    text = decodeEntities(text)
      .replace(/[ \t\u00a0]+/g, ' ')
      .replace(/ *\n */g, '\n');
  }
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

/** The Description to log: plain text, at most 32,000 characters, never half a surrogate pair. */
export function taskDescription(body: string | undefined | null): string | null {
  if (body === undefined || body === null) return null;
  const text = toPlainText(body);
  if (text === '') return null;
  if (text.length <= MAX_DESCRIPTION_LENGTH) return text;
  const marker = '\n[… cut to fit Salesforce]';
  let cut = text.slice(0, MAX_DESCRIPTION_LENGTH - marker.length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}${marker}`;
}
