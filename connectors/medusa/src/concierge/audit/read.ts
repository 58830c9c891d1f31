import { AuditEvent, type Staff } from '../../protocol/protocol';
import type { Sql } from '../db';

/** Events as stored: the canonical JSON their hash covers, parsed back as it was written. */
export async function readEvents(
  sql: Sql,
  where: string,
  params: readonly unknown[],
  order: 'ASC' | 'DESC',
  limit: number,
): Promise<AuditEvent[]> {
  const rows = await sql.query<{ body: string }>(
    `SELECT body FROM concierge_audit_event WHERE ${where} ORDER BY seq ${order} LIMIT ?`,
    [...params, limit],
  );
  return rows.map((row) => AuditEvent.parse(JSON.parse(row.body)));
}

/**
 * What a reader sees, as a condition and its parameters: everything with audit.read.all; else what
 * they did themselves, and how each of their sessions ended (whoever ended it).
 */
export function readerScope(staff: Staff): { where: string; params: unknown[] } {
  if (staff.permissions.includes('audit.read.all')) return { where: 'TRUE', params: [] };
  return {
    where: `(actor_id = ? OR (action = 'session.end' AND session_id IN (SELECT id FROM concierge_session WHERE staff_id = ?)))`,
    params: [staff.id, staff.id],
  };
}

export async function readerHead(sql: Sql, staff: Staff): Promise<{ seq: number; hash: string } | null> {
  const scope = readerScope(staff);
  const [row] = await sql.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM concierge_audit_event WHERE ${scope.where} ORDER BY seq DESC LIMIT 1`,
    scope.params,
  );
  return row ?? null;
}
