import type { AuditAction } from '../../shared/api/audit';
import { computeEventHash, GENESIS_HASH } from '../../shared/audit/chain';
import type { Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { newId, sha256Hex as nodeSha256Hex } from '../lib/ids';

// Appends are serialized by this lock so seq has no gaps and every prevHash is the previous hash,
// also when several shop processes share one PostgreSQL.
export const AUDIT_LOCK = 74_310_002;

export interface AuditInput {
  action: AuditAction;
  actor: { type: 'staff' | 'customer' | 'system'; id: string | null; name: string | null };
  customerId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export interface StoredAuditEvent {
  seq: number;
  id: string;
  at: string;
  action: string;
  actor: { type: 'staff' | 'customer' | 'system'; id: string | null; name: string | null };
  customerId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change it
 * records, so the event exists exactly when the change does.
 */
export async function appendAudit(tx: Queryable, clock: Clock, input: AuditInput): Promise<StoredAuditEvent> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const last = await tx.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
  );
  const head = last.rows[0];
  // JSON round trip: details are stored as jsonb and must hash the same when read back.
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const body: Omit<StoredAuditEvent, 'hash'> = {
    seq: (head?.seq ?? 0) + 1,
    id: newId('evt'),
    at: clock.now().toISOString(),
    action: input.action,
    actor: input.actor,
    customerId: input.customerId ?? null,
    sessionId: input.sessionId ?? null,
    ip: input.ip ?? null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
    details,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const event: StoredAuditEvent = { ...body, hash: computeEventHash(body, nodeSha256Hex) };
  await tx.query(
    `INSERT INTO audit_events (seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      event.seq,
      event.id,
      event.at,
      event.action,
      event.actor.type,
      event.actor.id,
      event.actor.name,
      event.customerId,
      event.sessionId,
      event.ip,
      event.userAgent,
      JSON.stringify(event.details),
      event.prevHash,
      event.hash,
    ],
  );
  return event;
}

export interface AuditRow {
  seq: number;
  id: string;
  at: Date;
  action: string;
  actor_type: 'staff' | 'customer' | 'system';
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

export function auditEventFromRow(row: AuditRow): StoredAuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at.toISOString(),
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
