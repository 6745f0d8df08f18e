// One place that turns every error shape a component meets into readable messages:
// UI API / LDS errors (`body` as an array or an object with `message`, `output.errors`,
// `output.fieldErrors`, `pageErrors`), GraphQL errors, plain JS errors and strings.

export interface FieldErrorMessage {
  field: string;
  message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (!isObject(value)) return [];
  const out: string[] = [];
  if (typeof value.message === 'string' && value.message) out.push(value.message);
  if (isObject(value.output)) {
    out.push(...messagesOf(value.output.errors));
    if (isObject(value.output.fieldErrors)) {
      for (const errs of Object.values(value.output.fieldErrors)) out.push(...messagesOf(errs));
    }
  }
  out.push(...messagesOf(value.pageErrors));
  if (isObject(value.fieldErrors)) {
    for (const errs of Object.values(value.fieldErrors)) out.push(...messagesOf(errs));
  }
  return out;
}

/** Every distinct message carried by one error or a list of errors, in order. */
export function reduceErrors(errors: unknown): string[] {
  const list = Array.isArray(errors) ? errors : [errors];
  const messages = list.flatMap((error): string[] => {
    if (!isObject(error)) return messagesOf(error);
    // LDS and fetch-style errors keep the server answer in `body`.
    if ('body' in error && error.body !== undefined && error.body !== null) {
      const fromBody = messagesOf(error.body);
      if (fromBody.length) return fromBody;
    }
    if (Array.isArray(error.errors)) return messagesOf(error.errors);
    const own = messagesOf(error);
    if (own.length) return own;
    return typeof error.statusText === 'string' && error.statusText ? [error.statusText] : [];
  });
  return [...new Set(messages)];
}

/**
 * Field-level messages from a UI API save error (`body.output.fieldErrors`), keyed by field API
 * name, so a form can show each message under its own input.
 */
export function reduceFieldErrors(error: unknown): FieldErrorMessage[] {
  if (!isObject(error) || !isObject(error.body) || !isObject(error.body.output)) return [];
  const fieldErrors = error.body.output.fieldErrors;
  if (!isObject(fieldErrors)) return [];
  return Object.entries(fieldErrors).flatMap(([field, errs]) =>
    messagesOf(errs).map((message) => ({ field, message })),
  );
}
