import type { Staff } from '../../shared/api/auth';
import type { SessionTimelineResponse } from '../../shared/api/sessions';
import { AUDIT_COLUMN_LIST } from '../../shared/audit/codec';
import { auditEventFromRow, type AuditRow } from '../audit/append';
import type { ShopContext } from '../context';
import { notFound } from '../lib/errors';

/** How many of a session's latest events the timeline sends. */
export const TIMELINE_EVENTS = 200;

/**
 * One session's audit events (start, pages, actions, refusals, end), the latest TIMELINE_EVENTS
 * oldest first, straight from the shop's log so a supervisor sees them as they happen. Visible
 * to its agent and to sessions.read.all; anyone else gets session_not_found, as for the session.
 */
export async function sessionTimeline(ctx: ShopContext, staff: Staff, id: string): Promise<SessionTimelineResponse> {
  const owner = await ctx.db.query<{ staff_id: string }>('SELECT staff_id FROM assist_sessions WHERE id = $1', [id]);
  const staffId = owner.rows[0]?.staff_id;
  if (staffId === undefined || (staffId !== staff.id && !staff.permissions.includes('sessions.read.all')))
    throw notFound('session_not_found', 'No session with this id.');
  // The window counts every event of the session before LIMIT: the total comes with the page.
  const latest = await ctx.db.query<AuditRow & { total: number | string }>(
    `SELECT ${AUDIT_COLUMN_LIST}, count(*) OVER () AS total FROM audit_events WHERE session_id = $1
      ORDER BY seq DESC LIMIT $2`,
    [id, TIMELINE_EVENTS],
  );
  return { events: latest.rows.map(auditEventFromRow).reverse(), total: Number(latest.rows[0]?.total ?? 0) };
}
