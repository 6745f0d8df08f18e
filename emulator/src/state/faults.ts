// Fault injection: for the next N requests matching a method and path, answer with an error status
// and Salesforce error body, wait, drop the connection, revoke the caller's token, spend the org's
// API allowance, or apply the request and never answer it (the write happened; the caller cannot
// know).
import { z } from 'zod';

export const faultSchema = z.object({
  method: z.string().default('*'),
  /** Exact path, or a prefix ending in `*` (e.g. `/services/data/v62.0/composite/*`). */
  path: z.string().min(1),
  times: z.number().int().positive().default(1),
  action: z.enum(['status', 'delay', 'drop', 'revoke-token', 'exhaust-allowance', 'hold-answer']),
  status: z.number().int().min(400).max(599).optional(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  /**
   * Delay before the fault applies (for `delay`, the whole effect; the request then proceeds); for
   * `hold-answer`, how long the answer is held after the request was applied before the connection
   * is reset.
   */
  delayMs: z.number().int().nonnegative().optional(),
});

export type FaultSpec = z.infer<typeof faultSchema>;

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  UNABLE_TO_LOCK_ROW: 'unable to obtain exclusive access to this record or 1 records',
  SERVER_UNAVAILABLE: 'Server temporarily unavailable',
  REQUEST_LIMIT_EXCEEDED: 'TotalRequests Limit exceeded.',
  INVALID_SESSION_ID: 'Session expired or invalid',
  UNKNOWN_EXCEPTION:
    'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
};

export function faultErrorBody(fault: Fault): { message: string; errorCode: string }[] {
  const errorCode = fault.errorCode ?? (fault.status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION');
  return [{ message: fault.message ?? DEFAULT_MESSAGES[errorCode] ?? errorCode, errorCode }];
}

/** An OAuth 2.0 error answer (RFC 6749 §5.2), e.g. `invalid_grant` when the app's access was revoked. */
export function oauthFaultBody(fault: Fault): { error: string; error_description: string } {
  const error = (fault.errorCode ?? 'invalid_grant').toLowerCase();
  return { error, error_description: fault.message ?? 'authentication failure' };
}

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, remaining: spec.times };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The first armed fault matching the request; consumes one of its remaining uses. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === '*' || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path),
    );
    if (fault === undefined) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}
