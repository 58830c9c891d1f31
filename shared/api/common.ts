import { z } from 'zod';

/** Ids are opaque strings; the shop uses prefixed random ids (`cus_…`, `ses_…`). */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/** Timestamps travel as ISO 8601 strings in UTC. */
export const Timestamp = z.iso.datetime({ offset: true });

export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'unauthorized',
  'token_expired',
  'invalid_credentials',
  'invalid_mfa_code',
  'invalid_refresh_token',
  'too_many_attempts',
  'step_up_required',
  'invalid_step_up',
  'permission_denied',
  'consent_required',
  'assistance_disabled',
  'customer_not_found',
  'account_not_found',
  'document_not_found',
  'session_not_found',
  'session_ended',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal_error',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldError = z.object({ path: z.string(), message: z.string() });

/** Every error the API returns has this shape; never a stack trace. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(FieldError).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const Cursor = z.string().min(1).max(512);
