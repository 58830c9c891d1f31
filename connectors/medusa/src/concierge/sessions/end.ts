import { permissionsOf, type AuditEvent, type EndReason } from '../../protocol/protocol';
import { appendAudit, staffActor } from '../audit/append';
import type { Sql } from '../db';
import type { SignedInStaff } from '../staff';
import { loadSession, type SessionRow } from './row';

const SYSTEM_ACTOR: AuditEvent['actor'] = { type: 'system', id: null, name: 'Concierge' };

export interface EndOptions {
  reason: EndReason;
  at: Date;
  actor: AuditEvent['actor'];
  /** The staff member who ended it, named on the session; null when the shop or the customer did. */
  by: { name: string; role: SignedInStaff['role'] } | null;
  note?: string | null;
  origin?: { ip: string; userAgent: string | null };
}

/** Ends a live session once (a conditional UPDATE) and records it; an ended one is returned as it is. */
export async function endSession(tx: Sql, row: SessionRow, options: EndOptions): Promise<SessionRow> {
  if (row.status === 'ended') return row;
  const updated = await tx.query(
    `UPDATE concierge_session SET status = 'ended', ended_at = ?, end_reason = ?, end_note = ?, ended_by_name = ?,
       ended_by_role = ?, updated_at = now() WHERE id = ? AND status <> 'ended' RETURNING id`,
    [options.at, options.reason, options.note ?? null, options.by?.name ?? null, options.by?.role ?? null, row.id],
  );
  if (updated.length !== 1) return row;
  await tx.query('UPDATE concierge_handoff_code SET used_at = ? WHERE session_id = ? AND used_at IS NULL', [
    options.at,
    row.id,
  ]);
  await appendAudit(tx, options.at, {
    action: 'session.end',
    actor: options.actor,
    customerId: row.customer_id,
    sessionId: row.id,
    ip: options.origin?.ip ?? null,
    userAgent: options.origin?.userAgent ?? null,
    details: {
      reason: options.reason,
      note: options.note ?? null,
      staffId: row.staff_id,
      endedAt: options.at.toISOString(),
    },
  });
  return (await loadSession(tx, row.id)) ?? row;
}

/**
 * Ends `row` (locked by the caller) when a deadline has passed (idle timeout, console lease,
 * maximum length) or its agent lost the permission for its mode: every read decides at the moment of use.
 */
export async function settleSession(
  tx: Sql,
  row: SessionRow,
  now: Date,
  staffRole: SignedInStaff['role'] | null,
): Promise<SessionRow> {
  if (row.status === 'ended') return row;
  const needed = row.mode === 'act' ? 'assist.act' : 'assist.view';
  if (staffRole === null || !permissionsOf(staffRole).includes(needed))
    return endSession(tx, row, {
      reason: 'access_revoked',
      at: now,
      actor: SYSTEM_ACTOR,
      by: null,
      note: `staff member no longer has ${needed}`,
    });
  const idleAt = new Date(row.last_activity_at.getTime() + row.idle_timeout_seconds * 1000);
  let deadline: { at: Date; reason: EndReason } = { at: row.expires_at, reason: 'max_length' };
  if (row.console_lease_expires_at < deadline.at)
    deadline = { at: row.console_lease_expires_at, reason: 'console_lost' };
  if (idleAt < deadline.at) deadline = { at: idleAt, reason: 'idle_timeout' };
  if (deadline.at > now) return row;
  return endSession(tx, row, { reason: deadline.reason, at: deadline.at, actor: SYSTEM_ACTOR, by: null });
}

/** Signing out ends the sessions started through that sign-in (or all of the staff member's). */
export async function endSessionsOfSignIn(
  tx: Sql,
  now: Date,
  staff: SignedInStaff,
  everywhere: boolean,
): Promise<void> {
  const live = await tx.query<{ id: string }>(
    `SELECT id FROM concierge_session WHERE staff_id = ? AND status <> 'ended'${everywhere ? '' : ' AND sign_in_id = ?'}`,
    everywhere ? [staff.id] : [staff.id, staff.signInId],
  );
  for (const { id } of live) {
    const row = await loadSession(tx, id, true);
    if (row)
      await endSession(tx, row, {
        reason: 'sign_out',
        at: now,
        actor: staffActor(staff),
        by: { name: staff.name, role: staff.role },
      });
  }
}
