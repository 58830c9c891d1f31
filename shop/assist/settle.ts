import { permissionsOf } from '../../shared/api/auth';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { endSession } from './end';
import { loadSession, type SessionRow } from './session-row';

const SYSTEM_ACTOR = { type: 'system' as const, id: null, name: 'Concierge' };

type DeadlineReason = 'idle_timeout' | 'max_length' | 'console_lost';

/**
 * The moment a live session stops being valid, and why: whichever deadline comes first of its
 * idle timeout, its console lease and its maximum length (a tie goes to the later in that list).
 */
export function sessionDeadline(
  row: Pick<SessionRow, 'expires_at' | 'last_activity_at' | 'idle_timeout_seconds' | 'console_lease_until'>,
): { at: Date; reason: DeadlineReason } {
  const idleAt = new Date(row.last_activity_at.getTime() + row.idle_timeout_seconds * 1000);
  let deadline: { at: Date; reason: DeadlineReason } = { at: row.expires_at, reason: 'max_length' };
  if (row.console_lease_until.getTime() < deadline.at.getTime())
    deadline = { at: row.console_lease_until, reason: 'console_lost' };
  if (idleAt.getTime() < deadline.at.getTime()) deadline = { at: idleAt, reason: 'idle_timeout' };
  return deadline;
}

/**
 * Ends `row` if its idle timeout, console lease or maximum length has passed, so every read
 * decides expiry at the moment of use and no background job is needed for correctness. A lapsed
 * lease ends it as console_lost at the lease's end, audited as a system end like the timeouts.
 * It also ends a session
 * whose staff member has since been disabled or lost the permission for its mode: permissions
 * are re-checked on every use, not only at the start. The row must be locked by the caller
 * (loadSession with `lock`). Returns the row as it now stands.
 */
export async function settleSession(tx: Queryable, ctx: ShopContext, row: SessionRow): Promise<SessionRow> {
  if (row.status === 'ended') return row;
  const needed = row.mode === 'act' ? 'assist.act' : 'assist.view';
  if (row.staff_disabled || !permissionsOf(row.staff_role).includes(needed)) {
    return endSession(tx, ctx, row, {
      reason: 'access_revoked',
      note: row.staff_disabled ? 'staff account disabled' : `staff member no longer has ${needed}`,
      actor: SYSTEM_ACTOR,
    });
  }
  const deadline = sessionDeadline(row);
  if (deadline.at.getTime() > ctx.clock.now().getTime()) return row;
  return endSession(tx, ctx, row, { reason: deadline.reason, endedAt: deadline.at, actor: SYSTEM_ACTOR });
}

/** Live sessions whose deadline has passed, optionally narrowed (lists settle only what they show). */
export async function settleOverdueSessions(
  tx: Queryable,
  ctx: ShopContext,
  filter: { staffId?: string; customerId?: string } = {},
): Promise<number> {
  const now = ctx.clock.now();
  const params: unknown[] = [now];
  let where = `status <> 'ended' AND (expires_at <= $1 OR console_lease_until <= $1 OR last_activity_at + idle_timeout_seconds * interval '1 second' <= $1)`;
  if (filter.staffId !== undefined) {
    params.push(filter.staffId);
    where += ` AND staff_id = $${params.length}`;
  }
  if (filter.customerId !== undefined) {
    params.push(filter.customerId);
    where += ` AND customer_id = $${params.length}`;
  }
  const overdue = await tx.query<{ id: string }>(
    `SELECT id FROM assist_sessions WHERE ${where} ORDER BY started_at`,
    params,
  );
  let ended = 0;
  for (const { id } of overdue.rows) {
    const row = await loadSession(tx, id, { lock: true });
    if (!row) continue;
    const settled = await settleSession(tx, ctx, row);
    if (settled.status === 'ended' && row.status !== 'ended') ended += 1;
  }
  return ended;
}

/**
 * Ends every overdue session, so the live-sessions view and the storefront agree even when
 * nobody reads a session. Safe to run from several shop processes at once.
 */
export function sweepExpiredSessions(ctx: ShopContext): Promise<number> {
  return ctx.db.transaction((tx) => settleOverdueSessions(tx, ctx));
}
