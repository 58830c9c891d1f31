import type { EndReason } from '../../shared/api/sessions';
import { appendAudit, type AuditInput } from '../audit/append';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { loadSession, type SessionRow } from './session-row';

export interface EndOptions {
  reason: EndReason;
  note?: string | null;
  /** When the session stopped being valid; now unless a deadline passed earlier. */
  endedAt?: Date;
  /** Who ended it, for the audit event. */
  actor: AuditInput['actor'];
  origin?: { ip: string | null; userAgent: string | null };
  details?: Record<string, unknown>;
}

/**
 * Ends a live session (the row must be locked by the caller) and records `session.end`.
 * Returns the ended row, or the row unchanged when it had already ended.
 */
export async function endSession(
  tx: Queryable,
  ctx: ShopContext,
  row: SessionRow,
  options: EndOptions,
): Promise<SessionRow> {
  if (row.status === 'ended') return row;
  const endedAt = options.endedAt ?? ctx.clock.now();
  const note = options.note ?? null;
  const endedBy = options.actor.type === 'system' ? 'system' : options.actor.id;
  const updated = await tx.query(
    `UPDATE assist_sessions SET status = 'ended', ended_at = $2, end_reason = $3, end_note = $4, ended_by = $5
      WHERE id = $1 AND status <> 'ended'`,
    [row.id, endedAt, options.reason, note, endedBy],
  );
  if (updated.rowCount !== 1) return row;
  await appendAudit(tx, ctx.clock, {
    action: 'session.end',
    actor: options.actor,
    customerId: row.customer_id,
    sessionId: row.id,
    ip: options.origin?.ip ?? null,
    userAgent: options.origin?.userAgent ?? null,
    details: {
      ...options.details,
      reason: options.reason,
      note,
      staffId: row.staff_id,
      endedAt: endedAt.toISOString(),
    },
  });
  // Read back so the row names who ended it (ended_by_name/role), as every later read does.
  return (
    (await loadSession(tx, row.id)) ?? {
      ...row,
      status: 'ended',
      ended_at: endedAt,
      end_reason: options.reason,
      end_note: note,
      ended_by: endedBy,
    }
  );
}

/**
 * Ends the live sessions a sign-out covers: those its sign-in (`familyId`) started, plus any from
 * before sessions recorded one; with `familyId` null, every one of the staff member's. The console
 * ends them itself first; this makes sure none outlives the sign-in when it could not (crash, lost network).
 */
export async function endSessionsOfStaff(
  tx: Queryable,
  ctx: ShopContext,
  scope: { staffId: string; familyId: string | null },
  options: EndOptions,
): Promise<number> {
  const live = await tx.query<{ id: string }>(
    `SELECT id FROM assist_sessions
      WHERE staff_id = $1 AND status <> 'ended' AND ($2::text IS NULL OR family_id = $2 OR family_id IS NULL) ORDER BY started_at`,
    [scope.staffId, scope.familyId],
  );
  let ended = 0;
  for (const { id } of live.rows) {
    const row = await loadSession(tx, id, { lock: true });
    if (row && row.status !== 'ended') {
      await endSession(tx, ctx, row, options);
      ended += 1;
    }
  }
  return ended;
}
