import { z } from 'zod';
import { Id, Timestamp } from './common';

export const AuditAction = z.enum([
  'staff.sign_in',
  'staff.sign_in_failed',
  'staff.mfa_failed',
  'staff.locked',
  'staff.sign_out',
  'staff.token_reuse',
  'staff.step_up',
  'staff.step_up_failed',
  'session.start',
  'session.refused',
  'session.handoff_redeemed',
  'session.handoff_refused',
  'session.end',
  /** The session's agent switched it between view and act (act needs a step-up). */
  'session.mode_changed',
  'session.page_view',
  'session.action',
  'session.action_refused',
  'customer.consent_granted',
  'customer.consent_revoked',
  'customer.consent_code_issued',
  'customer.consent_code_used',
  'settings.changed',
  'access.denied',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const ActorType = z.enum(['staff', 'customer', 'system']);
export type ActorType = z.infer<typeof ActorType>;

export const AuditActor = z.object({
  type: ActorType,
  id: z.string().nullable(),
  name: z.string().nullable(),
});
export type AuditActor = z.infer<typeof AuditActor>;

export const JsonValue: z.ZodType = z.json();

export const AuditEvent = z.object({
  seq: z.number().int().positive(),
  id: Id,
  at: Timestamp,
  action: AuditAction,
  actor: AuditActor,
  customerId: Id.nullable(),
  sessionId: Id.nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), JsonValue),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = z.object({
  events: z.array(AuditEvent),
  /** Pass as `after` to continue; equals the request's `after` when nothing new. */
  nextAfter: z.number().int().min(0),
  head: z.object({ seq: z.number().int().min(0), hash: z.string() }),
});
export type AuditPage = z.infer<typeof AuditPage>;

/** GET /audit/staff: every staff member the log may name, for finding their events by name or email. */
export const AuditStaffMember = z.object({
  id: Id,
  name: z.string(),
  email: z.string(),
  disabled: z.boolean(),
});
export type AuditStaffMember = z.infer<typeof AuditStaffMember>;
export const AuditStaffDirectory = z.object({ staff: z.array(AuditStaffMember) });
export type AuditStaffDirectory = z.infer<typeof AuditStaffDirectory>;
