import type { AuditAction, AuditEvent } from '../../shared/api/audit';
import { computeEventHash, GENESIS_HASH } from '../../shared/audit/chain';
import {
  AUDIT_COLUMN_LIST,
  AUDIT_COLUMNS,
  eventFromRow,
  eventToRow,
  type StoredAuditRow,
} from '../../shared/audit/codec';
import type { Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { newId, sha256Hex as nodeSha256Hex } from '../lib/ids';

// Appends are serialized by this lock so seq has no gaps and every prevHash is the previous hash,
// also when several shop processes share one PostgreSQL.
export const AUDIT_LOCK = 74_310_002;
/** Held by whoever signs checkpoints or registers a signing key (audit/checkpointer.ts), never by appends. */
export const CHECKPOINT_LOCK = 74_310_003;

const INSERT_PLACEHOLDERS = AUDIT_COLUMNS.map((_, i) => `$${String(i + 1)}`).join(', ');
const INSERT_SQL = `INSERT INTO audit_events (${AUDIT_COLUMN_LIST}) VALUES (${INSERT_PLACEHOLDERS})`;

export interface AuditInput {
  action: AuditAction;
  actor: { type: 'staff' | 'customer' | 'system'; id: string | null; name: string | null };
  customerId?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

/** An appended event: the API's AuditEvent. */
export type StoredAuditEvent = AuditEvent;

// The head and where the newest partition starts (migration 013), in one round trip.
const HEAD_SQL = `SELECT e.seq, e.hash, p.newest_from FROM audit_partitioning p
  LEFT JOIN LATERAL (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) e ON true`;

/**
 * Makes audit partitions until `seq` has one and an empty one follows (migration 013's
 * audit_events_make_room). Call it holding AUDIT_LOCK before inserting events by other means than
 * appendAudit (the benchmark's generated log).
 */
export async function makeAuditRoom(tx: Queryable, seq: number): Promise<void> {
  await tx.query('SELECT audit_events_make_room($1)', [seq]);
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change it
 * records, so the event exists exactly when the change does.
 */
export async function appendAudit(tx: Queryable, clock: Clock, input: AuditInput): Promise<StoredAuditEvent> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  // Prepared: planning the head's walk over every partition would cost more than running it.
  const head = await tx.query<{ seq: number | null; hash: string | null; newest_from: number }>(HEAD_SQL, [], {
    prepare: true,
  });
  const state = head.rows[0];
  if (!state) throw new Error('audit_partitioning has no row (migration 013)');
  const seq = (state.seq ?? 0) + 1;
  // Once per range_size events: the seq reached the newest partition, so the next one is made now.
  if (seq >= state.newest_from) await makeAuditRoom(tx, seq);
  // JSON round trip: details are stored as jsonb and must hash the same when read back.
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const body: Omit<StoredAuditEvent, 'hash'> = {
    seq,
    id: newId('evt'),
    at: clock.now().toISOString(),
    action: input.action,
    actor: input.actor,
    customerId: input.customerId ?? null,
    sessionId: input.sessionId ?? null,
    ip: input.ip ?? null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
    details,
    prevHash: state.hash ?? GENESIS_HASH,
  };
  const event: StoredAuditEvent = { ...body, hash: computeEventHash(body, nodeSha256Hex) };
  const row = eventToRow(event);
  // details goes in as JSON text, so both backends store the same jsonb.
  const values = AUDIT_COLUMNS.map((column) => (column === 'details' ? JSON.stringify(row.details) : row[column]));
  await tx.query(INSERT_SQL, values, { prepare: true });
  return event;
}

/** An audit_events row as the shop's driver reads it: `at` (timestamptz) as a Date. */
export type AuditRow = Omit<StoredAuditRow, 'at'> & { at: Date };

/** The event a `SELECT *` row holds (see shared/audit/codec.ts, eventFromRow). */
export function auditEventFromRow(row: AuditRow): StoredAuditEvent {
  return eventFromRow({ ...row, at: row.at.toISOString() });
}
