// Task Subject templates ("Activity Details Customization"), shared by the settings component and
// the sync service (which imports this file by relative path, so it stays self-contained: no
// imports, erasable TypeScript only, no DOM).
//
// SIA's documented rules: free text plus dynamic fields; an empty value renders nothing; line
// breaks are not supported and are removed; Salesforce caps Task.Subject at 255 characters, so the
// result is truncated; replies ignore the template and log as "Reply: <email subject>".

export const MAX_SUBJECT_LENGTH = 255;

/** The dynamic fields SIA documents, in the order its "Add Dynamic Field" menu lists them. */
export const DYNAMIC_FIELDS = [
  'activity_type',
  'activity_subject',
  'sales_campaign_name',
  'sales_campaign_day',
  'sales_campaign_step',
  'call_outcome',
  'call_reason',
] as const;
export type DynamicField = (typeof DYNAMIC_FIELDS)[number];

export const DYNAMIC_FIELD_LABELS: Readonly<Record<DynamicField, string>> = {
  activity_type: 'Activity type (Email, Call, InMail or Custom)',
  activity_subject: 'Email subject line or reminder task name',
  sales_campaign_name: 'Sales campaign name',
  sales_campaign_day: 'Sales campaign day',
  sales_campaign_step: 'Sales campaign step (within the day)',
  call_outcome: 'Call outcome',
  call_reason: 'Call reason',
};

export type TemplateValues = Partial<Record<DynamicField, string | number | null | undefined>>;

// {{ name }}: SIA's own tip writes {{Activity_type}}, so names match case-insensitively and
// tolerate spaces inside the braces.
const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;
const LINE_BREAKS = /\s*[\r\n\u2028\u2029]+\s*/g;

function isDynamicField(name: string): name is DynamicField {
  return (DYNAMIC_FIELDS as readonly string[]).includes(name);
}

function valueText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** Line breaks become single spaces (so words on either side stay apart), then the ends are trimmed. */
export function stripLineBreaks(text: string): string {
  return text.replace(LINE_BREAKS, ' ').trim();
}

/**
 * Text as a Task Subject holds it: line breaks removed (as above), runs of spaces as one space and
 * no leading or trailing whitespace (Salesforce never keeps either in a string field).
 */
export function subjectText(text: string): string {
  return stripLineBreaks(text).replace(/ {2,}/g, ' ').trim();
}

/**
 * Cuts `text` to at most `max` UTF-16 code units without splitting a surrogate pair, so an emoji
 * at the boundary is dropped whole rather than left as half a character.
 */
export function truncateSubject(text: string, max: number = MAX_SUBJECT_LENGTH): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

/**
 * The Task Subject for a template and the activity's values: each known dynamic field is replaced
 * by its value (nothing when empty), unknown names are left as typed so an admin sees the mistake,
 * line breaks are removed and the result is cut at 255 characters.
 */
export function renderSubject(template: string, values: TemplateValues): string {
  const rendered = template.replace(PLACEHOLDER, (whole: string, name: string) => {
    const key = name.toLowerCase();
    return isDynamicField(key) ? valueText(values[key]) : whole;
  });
  return truncateSubject(subjectText(rendered));
}

/** Dynamic-field names in a template that SIA does not know, as typed (for a warning before saving). */
export function unknownFields(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!isDynamicField(name.toLowerCase()) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** A reminder task renamed in SIA updates the Salesforce Subject only if the template uses {{activity_subject}}. */
export function usesActivitySubject(template: string): boolean {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if ((match[1] ?? '').toLowerCase() === 'activity_subject') return true;
  }
  return false;
}

/**
 * Whether a Subject edited in Salesforce can flow back to the SIA task name: only when the template
 * is exactly {{activity_subject}}, so the Subject is the name and nothing else.
 */
export function subjectIsTaskName(template: string): boolean {
  const only = /^\s*\{\{\s*activity_subject\s*\}\}\s*$/i;
  return only.test(template);
}

/** Replies ignore the template: "Reply: <email subject>", with the same line-break and length rules. */
export function replySubject(emailSubject: string): string {
  return truncateSubject(stripLineBreaks(`Reply: ${stripLineBreaks(emailSubject)}`));
}
