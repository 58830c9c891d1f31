import type { AssistSession, EndReason, Role, SessionMode, SessionStatus } from '../../protocol/protocol';
import type { Sql } from '../db';

/** A row of concierge_session as the routes read it. */
export interface SessionRow {
  id: string;
  staff_id: string;
  staff_name: string;
  staff_role: Role;
  sign_in_id: string;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  account_id: string;
  store_id: string;
  store_code: string;
  mode: SessionMode;
  status: SessionStatus;
  reason: string;
  ticket: string | null;
  started_at: Date;
  expires_at: Date;
  last_activity_at: Date;
  idle_timeout_seconds: number;
  console_lease_expires_at: Date;
  ended_at: Date | null;
  end_reason: EndReason | null;
  end_note: string | null;
  ended_by_name: string | null;
  ended_by_role: Role | null;
  current_page: string | null;
  current_page_path: string | null;
  current_page_at: Date | null;
}

export const SESSION_COLUMNS = `id, staff_id, staff_name, staff_role, sign_in_id, customer_id, customer_name, customer_email,
  account_id, store_id, store_code, mode, status, reason, ticket, started_at, expires_at, last_activity_at,
  idle_timeout_seconds, console_lease_expires_at, ended_at, end_reason, end_note, ended_by_name, ended_by_role,
  current_page, current_page_path, current_page_at`;

export async function loadSession(sql: Sql, id: string, lock = false): Promise<SessionRow | null> {
  const [row] = await sql.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM concierge_session WHERE id = ?${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ?? null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toAssistSession(row: SessionRow): AssistSession {
  return {
    id: row.id,
    staffId: row.staff_id,
    staffName: row.staff_name,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    accountId: row.account_id,
    storeId: row.store_id,
    mode: row.mode,
    reason: row.reason,
    ticket: row.ticket,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    lastActivityAt: row.last_activity_at.toISOString(),
    idleTimeoutSeconds: row.idle_timeout_seconds,
    consoleLeaseExpiresAt: row.console_lease_expires_at.toISOString(),
    endedAt: iso(row.ended_at),
    endReason: row.end_reason,
    endNote: row.end_note,
    endedBy: row.ended_by_name && row.ended_by_role ? { name: row.ended_by_name, role: row.ended_by_role } : null,
    currentPage: row.current_page,
    currentPagePath: row.current_page_path,
    currentPageAt: iso(row.current_page_at),
  };
}
