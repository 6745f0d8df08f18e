// Request shapes of the email activity endpoints. Strict objects: an unknown field is a 400 naming
// that field, like every other SIA API body.
import { z } from 'zod';
import {
  DATE_RANGE_MESSAGE,
  freeText,
  inSalesforceDateRange,
  salesforceId,
  userId,
} from '../http/schemas.ts';
import { EMAIL_KINDS } from './email-store.ts';

/** A Lead (00Q) or Contact (003) id: the people emails are logged to. */
const personId = salesforceId.refine(
  (id) => id.startsWith('00Q') || id.startsWith('003'),
  'must be a Lead (00Q) or Contact (003) id',
);

const recipient = z.strictObject({
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
  salesforceId: personId.optional(),
});

export const MAX_RECIPIENTS = 200;
const MAX_SUBJECT = 10_000;
const MAX_BODY = 1_000_000;
const MAX_MESSAGE_ID = 998;

/**
 * The largest JSON an email activity can need when every character of its longest values is
 * written as a \uXXXX escape (6 bytes each), plus room for the rest: the request body limit of
 * the route, so a body the schema allows is never cut off with 413 first.
 */
export const EMAIL_ACTIVITY_BODY_LIMIT =
  6 * (MAX_BODY + MAX_SUBJECT + MAX_MESSAGE_ID + 255 + MAX_RECIPIENTS * (254 + 18)) + 64 * 1024;

export const emailActivityBody = z
  .strictObject({
    ownerId: userId,
    kind: z.enum(EMAIL_KINDS, `must be one of ${EMAIL_KINDS.join(', ')}`),
    messageId: freeText()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_MESSAGE_ID, `must be at most ${MAX_MESSAGE_ID} characters (an RFC 5322 line)`),
    subject: freeText().max(MAX_SUBJECT, `must be at most ${MAX_SUBJECT} characters`),
    body: freeText().max(MAX_BODY, `must be at most ${MAX_BODY} characters`).optional(),
    sentAt: z.iso
      .datetime({
        offset: true,
        error: 'must be an ISO 8601 date-time with a zone, like 2026-11-28T09:30:00Z',
      })
      .refine((value) => inSalesforceDateRange(value), DATE_RANGE_MESSAGE),
    recipients: z
      .array(recipient)
      .min(1, 'must name at least one recipient')
      .max(MAX_RECIPIENTS, `must name at most ${MAX_RECIPIENTS} recipients`),
    campaign: z
      .strictObject({
        name: freeText().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
        day: z.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more'),
        step: z.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more'),
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.recipients.forEach((r, index) => {
      const address = r.email.toLowerCase();
      if (seen.has(address))
        ctx.addIssue({ code: 'custom', path: ['recipients', index, 'email'], message: 'is listed twice' });
      seen.add(address);
    });
  });

export type EmailActivityBody = z.infer<typeof emailActivityBody>;

export const userParams = z.strictObject({ id: userId });
