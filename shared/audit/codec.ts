/**
 * The one place an audit event's storage shape is written: the audit_events columns, in order,
 * and the row ↔ event mapping. The shop's table and the console mirror's both use these columns
 * (the mirror adds `at_ts`, see main/core/audit-mirror/schema.ts).
 */
import { AuditAction, type ActorType, type AuditCheckpoint, type AuditEvent } from '../api/audit';

/** The audit_events columns of an event, in order. */
export const AUDIT_COLUMNS = [
  'seq',
  'id',
  'at',
  'action',
  'actor_type',
  'actor_id',
  'actor_name',
  'customer_id',
  'session_id',
  'ip',
  'user_agent',
  'details',
  'prev_hash',
  'hash',
] as const;
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

/** AUDIT_COLUMNS as an SQL column list. */
export const AUDIT_COLUMN_LIST = AUDIT_COLUMNS.join(', ');

/** An event as one audit_events row (`at` as the ISO text that was hashed). */
export interface AuditRow {
  seq: number;
  id: string;
  at: string;
  action: AuditAction;
  actor_type: ActorType;
  actor_id: string | null;
  actor_name: string | null;
  customer_id: string | null;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** A row as the database hands it back: `action` is text there, so eventFromRow checks it. */
export type StoredAuditRow = Omit<AuditRow, 'action'> & { action: string };

/** A stored action that AuditAction does not know: the log and this build disagree. */
export class UnknownAuditActionError extends Error {
  constructor(seq: number, action: string) {
    super(`Audit event ${String(seq)} has an unknown action "${action}".`);
    this.name = 'UnknownAuditActionError';
  }
}

const ACTIONS: ReadonlySet<string> = new Set<string>(AuditAction.options);
const isAuditAction = (text: string): text is AuditAction => ACTIONS.has(text);

/** The stored action text of event `seq` as an AuditAction; throws UnknownAuditActionError. */
export function auditActionFrom(seq: number, text: string): AuditAction {
  if (!isAuditAction(text)) throw new UnknownAuditActionError(seq, text);
  return text;
}

export function eventToRow(event: AuditEvent): AuditRow {
  return {
    seq: event.seq,
    id: event.id,
    at: event.at,
    action: event.action,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    actor_name: event.actor.name,
    customer_id: event.customerId,
    session_id: event.sessionId,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/**
 * The event a stored row holds, in AuditEvent's field order, its action as stored: what was
 * hashed, whatever this build's action list says (re-verification hashes it as it is).
 */
export function hashedEventOf(row: StoredAuditRow): Omit<AuditEvent, 'action'> & { action: string } {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    customerId: row.customer_id,
    sessionId: row.session_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The event a stored row holds; throws UnknownAuditActionError for an action AuditAction lacks. */
export function eventFromRow(row: StoredAuditRow): AuditEvent {
  return { ...hashedEventOf(row), action: auditActionFrom(row.seq, row.action) };
}

/** An audit_checkpoints row (the shop's and the mirror's share these columns). */
export interface CheckpointRow {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
}

/** The audit_checkpoints columns, in the order of CheckpointRow. */
export const CHECKPOINT_COLUMN_LIST = 'seq, hash, at, key_id, signature';

/** The checkpoint a row holds, in AuditCheckpoint's field order (so JSON.stringify writes what zod would). */
export function checkpointFromRow(row: CheckpointRow): AuditCheckpoint {
  return { seq: row.seq, hash: row.hash, at: row.at, keyId: row.key_id, signature: row.signature };
}
