import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  computeEventHash,
  GENESIS_HASH,
  type AuditAction,
  type AuditEvent,
} from '../../protocol/protocol';
import type { Sql } from '../db';

/** One key for every append: the advisory lock that puts events in one line, each linked to the one before. */
const APPEND_LOCK = 7_310_001;

export interface AuditInput {
  action: AuditAction;
  actor: AuditEvent['actor'];
  customerId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends an event inside the caller's transaction, so it commits with what it records. The hash
 * is over the canonical JSON built here, and that text is what is stored and served.
 */
export async function appendAudit(tx: Sql, at: Date, input: AuditInput): Promise<AuditEvent> {
  await tx.query('SELECT pg_advisory_xact_lock(?)', [APPEND_LOCK]);
  const [head] = await tx.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM concierge_audit_event ORDER BY seq DESC LIMIT 1',
  );
  const unhashed = {
    seq: (head?.seq ?? 0) + 1,
    id: `evt_${randomBytes(12).toString('hex')}`,
    at: at.toISOString(),
    action: input.action,
    actor: input.actor,
    customerId: input.customerId ?? null,
    sessionId: input.sessionId ?? null,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
    details: input.details ?? {},
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const event: AuditEvent = { ...unhashed, hash: computeEventHash(unhashed) };
  await tx.query(
    `INSERT INTO concierge_audit_event (id, seq, at, action, actor_id, customer_id, session_id, hash, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      event.id,
      event.seq,
      at,
      event.action,
      event.actor.type === 'staff' ? event.actor.id : null,
      event.customerId,
      event.sessionId,
      event.hash,
      canonicalJson(event),
    ],
  );
  return event;
}

export const staffActor = (staff: { id: string; name: string }): AuditEvent['actor'] => ({
  type: 'staff',
  id: staff.id,
  name: staff.name,
});
