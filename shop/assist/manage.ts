import type { Staff } from '../../shared/api/auth';
import type { SessionMode } from '../../shared/api/settings';
import type {
  AssistSession,
  CustomerActiveSession,
  EndReason,
  EndSessionRequest,
  HeartbeatRequest,
  SessionListQuery,
} from '../../shared/api/sessions';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { addSeconds } from '../lib/clock';
import { ApiError, forbidden, notFound } from '../lib/errors';
import { endSession } from './end';
import { loadSession, SESSION_SELECT, toAssistSession, type SessionRow } from './session-row';
import { settleOverdueSessions, settleSession } from './settle';

type Origin = { ip: string; userAgent: string | null };

/** Reasons the agent who runs a session may give for ending it. */
const OWNER_END_REASONS: readonly EndReason[] = ['ended_by_agent', 'sign_out', 'app_exit'];

/** The session has ended; the caller reports why (`409 session_ended` with `endReason`). */
export class SessionEndedError extends Error {
  constructor(readonly session: AssistSession) {
    super(`This session has ended (${session.endReason ?? 'ended'}).`);
    this.name = 'SessionEndedError';
  }
}

const canReadAll = (staff: Staff) => staff.permissions.includes('sessions.read.all');

/** Whether `staff` may read a session of `agentId`: their own, or everyone's with sessions.read.all. */
export const maySeeSession = (staff: Staff, agentId: string): boolean => agentId === staff.id || canReadAll(staff);

/**
 * Loads and locks a session the caller may see. Sessions of other staff are `session_not_found`
 * to anyone without sessions.read.all, so ids cannot be probed.
 */
async function visibleSession(tx: Queryable, staff: Staff, id: string): Promise<SessionRow> {
  const row = await loadSession(tx, id, { lock: true });
  if (!row || !maySeeSession(staff, row.staff_id)) throw notFound('session_not_found', 'No session with this id.');
  return row;
}

export function getSession(ctx: ShopContext, staff: Staff, id: string): Promise<AssistSession> {
  return ctx.db.transaction(async (tx) =>
    toAssistSession(await settleSession(tx, ctx, await visibleSession(tx, staff, id))),
  );
}

/** Own sessions, or everyone's with sessions.read.all; newest first, overdue ones settled first. */
export function listSessions(ctx: ShopContext, staff: Staff, query: SessionListQuery): Promise<AssistSession[]> {
  return ctx.db.transaction(async (tx) => {
    const staffId = canReadAll(staff) ? query.staffId : staff.id;
    if (staffId !== undefined && query.staffId !== undefined && staffId !== query.staffId) return [];
    await settleOverdueSessions(tx, ctx, {
      ...(staffId !== undefined ? { staffId } : {}),
      ...(query.customerId !== undefined ? { customerId: query.customerId } : {}),
    });
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (staffId !== undefined) add('s.staff_id = ?', staffId);
    if (query.customerId !== undefined) add('s.customer_id = ?', query.customerId);
    if (query.status !== undefined) add('s.status = ?', query.status);
    params.push(query.limit);
    const sql = `${SESSION_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY s.started_at DESC, s.id LIMIT $${params.length}`;
    const result = await tx.query<SessionRow>(sql, params);
    return result.rows.map(toAssistSession);
  });
}

/**
 * Who is in this customer's account right now (pending or active sessions, overdue ones settled
 * first), for any staff who may start a session: names, mode and start only, oldest first.
 */
export function activeSessionsOfCustomer(ctx: ShopContext, customerId: string): Promise<CustomerActiveSession[]> {
  return ctx.db.transaction(async (tx) => {
    const known = await tx.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
    if (known.rows.length === 0) throw notFound('customer_not_found', 'No customer has this id.');
    await settleOverdueSessions(tx, ctx, { customerId });
    const result = await tx.query<{ staff_name: string; mode: SessionMode; started_at: Date }>(
      `SELECT st.name AS staff_name, s.mode, s.started_at FROM assist_sessions s JOIN staff st ON st.id = s.staff_id
        WHERE s.customer_id = $1 AND s.status <> 'ended' ORDER BY s.started_at, s.id LIMIT 50`,
      [customerId],
    );
    return result.rows.map((r) => ({ staffName: r.staff_name, mode: r.mode, startedAt: r.started_at.toISOString() }));
  });
}

/**
 * The agent's console is still there: renews the session's console lease and, unless `activity`
 * is false, records agent activity (moves the idle deadline). Only the session's own agent may
 * send it; an ended session is reported (SessionEndedError) after settling commits.
 */
export async function heartbeat(
  ctx: ShopContext,
  staff: Staff,
  id: string,
  request: HeartbeatRequest = {},
): Promise<AssistSession> {
  const activity = request.activity ?? true;
  const result = await ctx.db.transaction(async (tx) => {
    const locked = await visibleSession(tx, staff, id);
    if (locked.staff_id !== staff.id)
      throw forbidden(staff, 'not_session_agent', 'Only the agent running this session can send its heartbeat.');
    const row = await settleSession(tx, ctx, locked);
    // Returned, not thrown: settling the session must commit.
    if (row.status === 'ended') return { ended: true, session: toAssistSession(row) } as const;
    const now = ctx.clock.now();
    const lease = addSeconds(now, ctx.config.consoleLeaseSeconds);
    const lastActivity = activity ? now : row.last_activity_at;
    await tx.query('UPDATE assist_sessions SET last_activity_at = $2, console_lease_until = $3 WHERE id = $1', [
      row.id,
      lastActivity,
      lease,
    ]);
    return {
      ended: false,
      session: toAssistSession({ ...row, last_activity_at: lastActivity, console_lease_until: lease }),
    } as const;
  });
  if (result.ended) throw new SessionEndedError(result.session);
  return result.session;
}

/**
 * Ends a session: its agent (ended_by_agent, sign_out, app_exit), or a supervisor with
 * sessions.terminate (always terminated_by_supervisor, with their note).
 */
export async function endSessionByStaff(
  ctx: ShopContext,
  staff: Staff,
  id: string,
  request: EndSessionRequest,
  origin: Origin,
): Promise<AssistSession> {
  const result = await ctx.db.transaction(async (tx) => {
    const locked = await visibleSession(tx, staff, id);
    const owner = locked.staff_id === staff.id;
    if (!owner && !staff.permissions.includes('sessions.terminate')) {
      throw forbidden(
        staff,
        'needs:sessions.terminate',
        "Ending another agent's session needs the sessions.terminate permission.",
      );
    }
    const reason: EndReason = owner ? (request.reason ?? 'ended_by_agent') : 'terminated_by_supervisor';
    if (owner && !OWNER_END_REASONS.includes(reason)) {
      throw new ApiError(400, 'validation_failed', 'Some fields are invalid.', [
        { path: 'body.reason', message: `must be one of ${OWNER_END_REASONS.join(', ')}` },
      ]);
    }
    if (!owner && request.reason !== undefined && request.reason !== 'terminated_by_supervisor') {
      throw new ApiError(400, 'validation_failed', 'Some fields are invalid.', [
        { path: 'body.reason', message: "a supervisor ends another agent's session as terminated_by_supervisor" },
      ]);
    }
    const row = await settleSession(tx, ctx, locked);
    if (row.status === 'ended') return { ended: true, session: toAssistSession(row) } as const;
    const ended = await endSession(tx, ctx, row, {
      reason,
      note: request.note ?? null,
      actor: { type: 'staff', id: staff.id, name: staff.name },
      origin,
    });
    return { ended: false, session: toAssistSession(ended) } as const;
  });
  if (result.ended) throw new SessionEndedError(result.session);
  return result.session;
}
