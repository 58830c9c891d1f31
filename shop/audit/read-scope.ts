import type { Queryable } from '../db/database';
import { AUDIT_TEXT_COLUMNS, type AuditTextRow } from './page-json';

/**
 * Which events a reader of GET /audit/events sees. audit.read.all: every event. audit.read.own:
 * the events they are the actor of, plus how each session they ran ended (`session.end`, whoever
 * ended it: a supervisor, the customer, the idle sweeper), so an agent can see why a call stopped.
 */
export type AuditReadScope = { all: true } | { all: false; staffId: string };

/**
 * What an audit.read.own reader sees, as conditions on `audit_events e`, each one index walk:
 * their own actions (the actor index), and the ends of their sessions. An end names its session's
 * agent in details.staffId (assist/end.ts), walked through the index of migration 010; each is
 * checked against the session itself before it is shown. `staff` is a placeholder.
 */
export function ownWalks(staff: string): { acted: string; sessionEnds: string } {
  return {
    acted: `e.actor_id = ${staff} AND e.actor_type = 'staff'`,
    sessionEnds: `e.action = 'session.end' AND e.details ->> 'staffId' = ${staff}
     AND (SELECT s.staff_id FROM assist_sessions s WHERE s.id = e.session_id) = ${staff}`,
  };
}

const sessionEnds = (staff: string) => `SELECT e.seq FROM audit_events e WHERE ${ownWalks(staff).sessionEnds}`;

/**
 * The actor index and the ends, each walked in `order` (from the cursor `after` when there is
 * one), `limit` of each; UNION drops an end the agent recorded themself. Arguments are placeholders.
 */
function ownSeqs(p: { staff: string; limit: string; order: 'ASC' | 'DESC'; after?: string }): string {
  const walk = `ORDER BY seq ${p.order} LIMIT ${p.limit}`;
  const from = p.after ? `seq > ${p.after}` : null;
  return `
  (SELECT seq FROM audit_events e WHERE ${ownWalks(p.staff).acted}${from ? ` AND ${from}` : ''} ${walk})
  UNION
  (SELECT seq FROM (${sessionEnds(p.staff)}) ends${from ? ` WHERE ${from}` : ''} ${walk})`;
}

const OWN_SEQS = ownSeqs({ staff: '$3', after: '$1', limit: '$2', order: 'ASC' });
const OWN_NEWEST_SEQS = ownSeqs({ staff: '$2', limit: '$1', order: 'DESC' });

/** One page of the reader's events after `after`, in seq order. */
export async function readScopedPage(
  db: Queryable,
  scope: AuditReadScope,
  after: number,
  limit: number,
): Promise<AuditTextRow[]> {
  const sql = scope.all
    ? `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`
    : `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE seq IN (${OWN_SEQS}) ORDER BY seq LIMIT $2`;
  const result = await db.query<AuditTextRow>(sql, scope.all ? [after, limit] : [after, limit, scope.staffId]);
  return result.rows;
}

/** The newest event the reader sees: the head their pages verify up to. */
export async function scopedHead(db: Queryable, scope: AuditReadScope): Promise<{ seq: number; hash: string } | null> {
  const sql = scope.all
    ? 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'
    : `SELECT seq, hash FROM audit_events WHERE seq = GREATEST(
        (SELECT max(seq) FROM audit_events e WHERE ${ownWalks('$1').acted}),
        (SELECT max(seq) FROM (${sessionEnds('$1')}) ends))`;
  // Prepared: planning the walk down every partition would cost more than running it.
  const result = await db.query<{ seq: number; hash: string }>(sql, scope.all ? [] : [scope.staffId], {
    prepare: true,
  });
  return result.rows[0] ?? null;
}

/** The reader's newest `limit` events, newest first. */
export async function readScopedNewest(db: Queryable, scope: AuditReadScope, limit: number): Promise<AuditTextRow[]> {
  const sql = scope.all
    ? `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT $1`
    : `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE seq IN (${OWN_NEWEST_SEQS}) ORDER BY seq DESC LIMIT $1`;
  const result = await db.query<AuditTextRow>(sql, scope.all ? [limit] : [limit, scope.staffId]);
  return result.rows;
}

/**
 * The same rule for one event already read (the event stream's filter): the reader's own events
 * as a staff actor, and the end of each session they ran, whoever ended it.
 */
export function inReadScope(
  scope: AuditReadScope,
  event: { action: string; actorId: string | null; actorType: string },
  sessionAgentId: string | null,
): boolean {
  if (scope.all) return true;
  if (event.actorType === 'staff' && event.actorId === scope.staffId) return true;
  return event.action === 'session.end' && sessionAgentId === scope.staffId;
}

/** What a staff member may read of the log, by their permissions: null when nothing. */
export function readScopeOf(staff: { id: string; permissions: readonly string[] }): AuditReadScope | null {
  if (staff.permissions.includes('audit.read.all')) return { all: true };
  return staff.permissions.includes('audit.read.own') ? { all: false, staffId: staff.id } : null;
}
