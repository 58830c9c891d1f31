import {
  ChangeModeRequest,
  CreateSessionRequest,
  EndSessionRequest,
  HeartbeatRequest,
  SessionListQuery,
  type AssistSession,
  type AuditEvent,
  type EndReason,
  type Staff,
} from '../../protocol/protocol';
import { appendAudit, staffActor } from '../audit/append';
import { readEvents } from '../audit/read';
import type { Sql } from '../db';
import type { Deps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idParam, route } from '../router';
import { findStaff, type SignedInStaff } from '../staff';
import { checkMayAssist, createSession } from './create';
import { endSession, settleSession } from './end';
import { loadSession, SESSION_COLUMNS, toAssistSession, type SessionRow } from './row';

const OWNER_END_REASONS: readonly EndReason[] = ['ended_by_agent', 'sign_out', 'app_exit'];
const LEASE_SECONDS = 60;
const TIMELINE_EVENTS = 50;

const canReadAll = (staff: Staff) => staff.permissions.includes('sessions.read.all');

/** Settles a row against its agent's role as it stands now (a removed role ends the session). */
export async function settle(tx: Sql, deps: Deps, row: SessionRow): Promise<SessionRow> {
  const agent = row.status === 'ended' ? null : await findStaff(deps.users, row.staff_id);
  return settleSession(tx, row, deps.now(), row.status === 'ended' ? row.staff_role : (agent?.role ?? null));
}

/** A session the caller may see, locked; others' sessions are "not found" to those who may not read them. */
async function visibleSession(tx: Sql, staff: Staff, id: string): Promise<SessionRow> {
  const row = await loadSession(tx, id, true);
  if (!row || (row.staff_id !== staff.id && !canReadAll(staff)))
    throw notFound('session_not_found', 'No session with this id');
  return row;
}

const ended = (session: AssistSession) =>
  new ApiError(409, 'session_ended', `This session has ended (${session.endReason ?? 'ended'}).`, undefined, {
    error: { endReason: session.endReason },
    body: { session },
  });

/** Live sessions past a deadline, settled before a list shows them. */
async function settleOverdue(tx: Sql, deps: Deps, filter: { staffId?: string; customerId?: string }): Promise<void> {
  const now = deps.now();
  const rows = await tx.query<{ id: string }>(
    `SELECT id FROM concierge_session WHERE status <> 'ended'
       AND (expires_at <= ? OR console_lease_expires_at <= ? OR last_activity_at + idle_timeout_seconds * interval '1 second' <= ?)
       AND (?::text IS NULL OR staff_id = ?) AND (?::text IS NULL OR customer_id = ?)`,
    [
      now,
      now,
      now,
      filter.staffId ?? null,
      filter.staffId ?? null,
      filter.customerId ?? null,
      filter.customerId ?? null,
    ],
  );
  for (const { id } of rows) {
    const row = await loadSession(tx, id, true);
    if (row) await settle(tx, deps, row);
  }
}

const create = route({
  method: 'POST',
  path: '/assist-sessions',
  access: 'signed_in',
  body: CreateSessionRequest,
  async handle({ deps, staff, body, origin }) {
    return { status: 201, body: await createSession(deps, staff, body, origin) };
  },
});

const list = route({
  method: 'GET',
  path: '/assist-sessions',
  access: ['assist.view', 'sessions.read.all'],
  query: SessionListQuery,
  async handle({ deps, staff, query }) {
    const staffId = canReadAll(staff) ? query.staffId : staff.id;
    if (staffId !== undefined && query.staffId !== undefined && staffId !== query.staffId)
      return { body: { items: [] } };
    const items = await deps.db.transaction(async (tx) => {
      await settleOverdue(tx, deps, {
        ...(staffId ? { staffId } : {}),
        ...(query.customerId ? { customerId: query.customerId } : {}),
      });
      const rows = await tx.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM concierge_session
          WHERE (?::text IS NULL OR staff_id = ?) AND (?::text IS NULL OR customer_id = ?) AND (?::text IS NULL OR status = ?)
          ORDER BY started_at DESC, id LIMIT ?`,
        [
          staffId ?? null,
          staffId ?? null,
          query.customerId ?? null,
          query.customerId ?? null,
          query.status ?? null,
          query.status ?? null,
          query.limit,
        ],
      );
      return rows.map(toAssistSession);
    });
    return { body: { items } };
  },
});

const read = route({
  method: 'GET',
  path: '/assist-sessions/:id',
  access: 'signed_in',
  async handle({ deps, staff, params }) {
    const id = idParam(params, 'id');
    const session = await deps.db.transaction(async (tx) =>
      toAssistSession(await settle(tx, deps, await visibleSession(tx, staff, id))),
    );
    return { body: session };
  },
});

const heartbeat = route({
  method: 'POST',
  path: '/assist-sessions/:id/heartbeat',
  access: 'signed_in',
  body: HeartbeatRequest,
  async handle({ deps, staff, params, body }) {
    const id = idParam(params, 'id');
    const now = deps.now();
    const result = await deps.db.transaction(async (tx) => {
      const locked = await visibleSession(tx, staff, id);
      if (locked.staff_id !== staff.id)
        throw new ApiError(403, 'permission_denied', 'Only the agent running this session can send its heartbeat.');
      const row = await settle(tx, deps, locked);
      if (row.status === 'ended') return { ended: true, session: toAssistSession(row) } as const;
      const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
      const lastActivity = body.activity === false ? row.last_activity_at : now;
      await tx.query(
        'UPDATE concierge_session SET last_activity_at = ?, console_lease_expires_at = ?, updated_at = now() WHERE id = ?',
        [lastActivity, lease, row.id],
      );
      return {
        ended: false,
        session: toAssistSession({ ...row, last_activity_at: lastActivity, console_lease_expires_at: lease }),
      } as const;
    });
    if (result.ended) throw ended(result.session);
    return { body: { session: result.session } };
  },
});

async function endByStaff(
  deps: Deps,
  staff: SignedInStaff,
  id: string,
  request: EndSessionRequest,
  origin: { ip: string; userAgent: string | null },
) {
  const result = await deps.db.transaction(async (tx) => {
    const locked = await visibleSession(tx, staff, id);
    const owner = locked.staff_id === staff.id;
    if (!owner && !staff.permissions.includes('sessions.terminate'))
      throw new ApiError(
        403,
        'permission_denied',
        "Ending another agent's session needs the sessions.terminate permission.",
      );
    const reason: EndReason = owner ? (request.reason ?? 'ended_by_agent') : 'terminated_by_supervisor';
    if (owner && !OWNER_END_REASONS.includes(reason))
      throw new ApiError(400, 'validation_failed', 'Some fields are invalid.', [
        { path: 'body.reason', message: `must be one of ${OWNER_END_REASONS.join(', ')}` },
      ]);
    if (!owner && request.reason !== undefined && request.reason !== 'terminated_by_supervisor')
      throw new ApiError(400, 'validation_failed', 'Some fields are invalid.', [
        { path: 'body.reason', message: "a supervisor ends another agent's session as terminated_by_supervisor" },
      ]);
    const row = await settle(tx, deps, locked);
    if (row.status === 'ended') return { ended: true, session: toAssistSession(row) } as const;
    const done = await endSession(tx, row, {
      reason,
      at: deps.now(),
      actor: staffActor(staff),
      by: { name: staff.name, role: staff.role },
      note: request.note ?? null,
      origin,
    });
    return { ended: false, session: toAssistSession(done) } as const;
  });
  if (result.ended) throw ended(result.session);
  return result.session;
}

const end = route({
  method: 'POST',
  path: '/assist-sessions/:id/end',
  access: 'signed_in',
  body: EndSessionRequest,
  async handle({ deps, staff, params, body, origin }) {
    const id = idParam(params, 'id');
    return { body: await endByStaff(deps, staff, id, body, origin) };
  },
});

const mode = route({
  method: 'POST',
  path: '/assist-sessions/:id/mode',
  access: 'signed_in',
  body: ChangeModeRequest,
  async handle({ deps, staff, params, body, origin }) {
    const id = idParam(params, 'id');
    const now = deps.now();
    const session = await deps.db.transaction(async (tx) => {
      const locked = await visibleSession(tx, staff, id);
      if (locked.staff_id !== staff.id)
        throw new ApiError(403, 'permission_denied', 'Only the agent running this session can change its mode.');
      const row = await settle(tx, deps, locked);
      if (row.status === 'ended') throw ended(toAssistSession(row));
      if (row.mode === body.mode) return toAssistSession(row);
      if (body.mode === 'act') await checkMayAssist(tx, staff, 'act', body.stepUpToken, now);
      await tx.query('UPDATE concierge_session SET mode = ?, updated_at = now() WHERE id = ?', [body.mode, row.id]);
      await appendAudit(tx, now, {
        action: 'session.mode_changed',
        actor: staffActor(staff),
        customerId: row.customer_id,
        sessionId: row.id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { from: row.mode, to: body.mode },
      });
      return toAssistSession({ ...row, mode: body.mode });
    });
    return { body: session };
  },
});

const timeline = route({
  method: 'GET',
  path: '/assist-sessions/:id/timeline',
  access: ['assist.view', 'sessions.read.all'],
  async handle({ deps, staff, params }) {
    const id = idParam(params, 'id');
    await deps.db.transaction((tx) => visibleSession(tx, staff, id));
    const [count] = await deps.db.query<{ total: string }>(
      'SELECT count(*) AS total FROM concierge_audit_event WHERE session_id = ?',
      [id],
    );
    const events: AuditEvent[] = (await readEvents(deps.db, 'session_id = ?', [id], 'DESC', TIMELINE_EVENTS)).reverse();
    return { body: { events, total: Number(count?.total ?? 0) } };
  },
});

export const sessionRoutes = [create, list, read, heartbeat, end, mode, timeline];
