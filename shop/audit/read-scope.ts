import type { Queryable } from '../db/database';
import { AUDIT_TEXT_COLUMNS, type AuditTextRow } from './page-json';

/**
 * Which events a reader of GET /audit/events sees. audit.read.all: every event. audit.read.own:
 * the events they are the actor of, plus how each session they ran ended (`session.end`, whoever
 * ended it: a supervisor, the customer, the idle sweeper), so an agent can see why a call stopped.
 */
export type AuditReadScope = { all: true } | { all: false; staffId: string };

// An end names its session's agent in details.staffId (assist/end.ts), walked through the index
// of migration 010; each is checked against the session itself before it is shown.
const sessionEnds = (staff: string) => `
  SELECT e.seq FROM audit_events e
   WHERE e.action = 'session.end' AND e.details ->> 'staffId' = ${staff}
     AND (SELECT s.staff_id FROM assist_sessions s WHERE s.id = e.session_id) = ${staff}`;

// The actor index walked from the cursor, and the ends; UNION drops an end the agent recorded themself.
const OWN_SEQS = `
  (SELECT seq FROM audit_events WHERE actor_id = $3 AND actor_type = 'staff' AND seq > $1 ORDER BY seq LIMIT $2)
  UNION
  (SELECT seq FROM (${sessionEnds('$3')}) ends WHERE seq > $1 ORDER BY seq LIMIT $2)`;

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
        (SELECT max(seq) FROM audit_events WHERE actor_id = $1 AND actor_type = 'staff'),
        (SELECT max(seq) FROM (${sessionEnds('$1')}) ends))`;
  const result = await db.query<{ seq: number; hash: string }>(sql, scope.all ? [] : [scope.staffId]);
  return result.rows[0] ?? null;
}

// The same walks as OWN_SEQS, from the newest end.
const OWN_NEWEST_SEQS = `
  (SELECT seq FROM audit_events WHERE actor_id = $2 AND actor_type = 'staff' ORDER BY seq DESC LIMIT $1)
  UNION
  (SELECT seq FROM (${sessionEnds('$2')}) ends ORDER BY seq DESC LIMIT $1)`;

/** The reader's newest `limit` events, newest first. */
export async function readScopedNewest(db: Queryable, scope: AuditReadScope, limit: number): Promise<AuditTextRow[]> {
  const sql = scope.all
    ? `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT $1`
    : `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE seq IN (${OWN_NEWEST_SEQS}) ORDER BY seq DESC LIMIT $1`;
  const result = await db.query<AuditTextRow>(sql, scope.all ? [limit] : [limit, scope.staffId]);
  return result.rows;
}
