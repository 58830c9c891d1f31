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

/** Named sets of actions the audit viewer filters by at once (their actions: shared/audit/action-groups.ts). */
export const AuditActionGroup = z.enum(['refused']);
export type AuditActionGroup = z.infer<typeof AuditActionGroup>;

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

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
/** Base64url without padding (RFC 4648 §5), as JWKs write keys. */
const Base64Url = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${String(Math.ceil((bytes * 4) / 3))}}$`));

/** The first 16 hex digits of SHA-256 over the raw public key (shared/audit/checkpoint.ts, keyIdOf). */
export const AuditKeyId = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * The shop's signed statement "event `seq` has hash `hash`": Ed25519 over the UTF-8 bytes of the
 * canonical JSON of {seq, hash, at, keyId} (shared/audit/checkpoint.ts). It commits to every
 * event up to `seq` through the chain, and is written where the database cannot forge it.
 */
export const AuditCheckpoint = z.object({
  seq: z.number().int().positive(),
  hash: Hash,
  at: Timestamp,
  keyId: AuditKeyId,
  /** 64 bytes, base64url. */
  signature: Base64Url(64),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

export const AuditSigningKey = z.object({
  keyId: AuditKeyId,
  algorithm: z.literal('Ed25519'),
  /** The raw 32-byte public key, base64url. */
  publicKey: Base64Url(32),
  createdAt: Timestamp,
  /** Set once the shop signs with a newer key; its checkpoints stay valid. */
  retiredAt: Timestamp.nullable(),
});
export type AuditSigningKey = z.infer<typeof AuditSigningKey>;

/** GET /audit/keys: every key the shop has signed checkpoints with, retired ones included. */
export const AuditKeys = z.object({ keys: z.array(AuditSigningKey) });
export type AuditKeys = z.infer<typeof AuditKeys>;

/** GET /audit/checkpoints: checkpoints in seq order, after `after`. */
export const AuditCheckpointQuery = AuditQuery;
export const AuditCheckpointPage = z.object({
  items: z.array(AuditCheckpoint),
  /** Pass as `after` to continue; equals the request's `after` when nothing new. */
  nextAfter: z.number().int().min(0),
});
export type AuditCheckpointPage = z.infer<typeof AuditCheckpointPage>;

export const AuditPage = z.object({
  events: z.array(AuditEvent),
  /** Pass as `after` to continue; equals the request's `after` when nothing new. */
  nextAfter: z.number().int().min(0),
  head: z.object({ seq: z.number().int().min(0), hash: z.string() }),
  /** The newest signed checkpoint; null before the first, absent from a shop that does not sign. */
  checkpoint: AuditCheckpoint.nullable().optional(),
});
export type AuditPage = z.infer<typeof AuditPage>;

/** GET /audit/recent: the newest `limit` events the reader sees. */
export const AuditRecentQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditRecentQuery = z.infer<typeof AuditRecentQuery>;

/**
 * The newest events the reader sees, newest first: what a console shows while its own verified
 * copy of the log opens or fills. Not a page of the chain (no cursor): the mirror reads those.
 */
export const AuditRecent = z.object({ events: z.array(AuditEvent) });
export type AuditRecent = z.infer<typeof AuditRecent>;

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

/**
 * GET /audit/search: the audit viewer's filters, answered by the shop over its whole log, newest
 * first. Every filter given must hold; the reader sees only what GET /audit/events shows them.
 */
export const AuditSearchQuery = z.object({
  /** Events this staff member did (actor). */
  staffId: Id.optional(),
  customerId: Id.optional(),
  sessionId: Id.optional(),
  /** One action, or every action starting with a prefix such as `session.` */
  action: z.union([AuditAction, z.string().regex(/^[a-z_]+\.$/)]).optional(),
  actionGroup: AuditActionGroup.optional(),
  /** Events at or after `from` and at or before `to`. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** The keyset cursor: only events with a smaller seq (the previous page's `nextBefore`). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditSearchQuery = z.infer<typeof AuditSearchQuery>;

export const AuditSearchPage = z.object({
  /** Newest first. */
  events: z.array(AuditEvent),
  /** Pass as `before` for the next page; null when this page is the last. */
  nextBefore: z.number().int().positive().nullable(),
});
export type AuditSearchPage = z.infer<typeof AuditSearchPage>;
