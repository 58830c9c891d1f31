import type { Role } from '../../shared/api/auth';
import type { SessionMode } from '../../shared/api/settings';
import type { AssistSession, EndReason, SessionStatus } from '../../shared/api/sessions';
import type { Queryable } from '../db/database';

/** An assisted session as stored, with the names the API and the storefront show beside it. */
export interface SessionRow {
  id: string;
  staff_id: string;
  staff_name: string;
  staff_role: Role;
  staff_disabled: boolean;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  account_id: string;
  store_id: string;
  store_code: string;
  mode: SessionMode;
  reason: string;
  ticket: string | null;
  status: SessionStatus;
  started_at: Date;
  expires_at: Date;
  last_activity_at: Date;
  idle_timeout_seconds: number;
  console_lease_until: Date;
  ended_at: Date | null;
  end_reason: EndReason | null;
  end_note: string | null;
  ended_by: string | null;
  /** Name and role of the staff member `ended_by` names, if a staff member ended it. */
  ended_by_name: string | null;
  ended_by_role: Role | null;
  current_page: string | null;
  current_page_path: string | null;
  current_page_at: Date | null;
  consent_basis: 'standing' | 'code' | 'not_required';
}

/** `SELECT` list and joins producing a SessionRow; callers add WHERE / ORDER / LIMIT / a lock. */
export const SESSION_SELECT = `
  SELECT s.id, s.staff_id, st.name AS staff_name, st.role AS staff_role, st.disabled AS staff_disabled, s.customer_id, c.name AS customer_name, c.email AS customer_email,
         s.account_id, s.store_id, so.code AS store_code, s.mode, s.reason, s.ticket, s.status, s.started_at, s.expires_at,
         s.last_activity_at, s.idle_timeout_seconds, s.console_lease_until, s.ended_at, s.end_reason, s.end_note, s.ended_by, s.consent_basis,
         eb.name AS ended_by_name, eb.role AS ended_by_role, s.current_page, s.current_page_path, s.current_page_at
    FROM assist_sessions s
    JOIN staff st ON st.id = s.staff_id
    LEFT JOIN staff eb ON eb.id = s.ended_by
    JOIN customers c ON c.id = s.customer_id
    JOIN stores so ON so.id = s.store_id`;

/**
 * Loads one session. `lock` takes the row lock (FOR NO KEY UPDATE OF s) so a read that may end or touch
 * the session serializes with every other writer of it. NO KEY UPDATE, not UPDATE: rows that
 * reference the session (notifications, orders placed in it) can still be inserted meanwhile.
 */
export async function loadSession(
  tx: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<SessionRow | null> {
  // Lock first, then read in a statement of its own: a locking read that waited for a concurrent
  // end re-checks only the session row, so its joins (who ended it) would still be the old ones.
  if (options.lock) await tx.query('SELECT id FROM assist_sessions WHERE id = $1 FOR NO KEY UPDATE', [id]);
  const result = await tx.query<SessionRow>(`${SESSION_SELECT} WHERE s.id = $1`, [id]);
  return result.rows[0] ?? null;
}

/** Who assists whom, in which account and store, how and why: what the API and the storefront both show. */
export function sessionParties(row: SessionRow) {
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
  };
}

export function toAssistSession(row: SessionRow): AssistSession {
  return {
    ...sessionParties(row),
    status: row.status,
    startedAt: row.started_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    lastActivityAt: row.last_activity_at.toISOString(),
    idleTimeoutSeconds: row.idle_timeout_seconds,
    consoleLeaseExpiresAt: row.console_lease_until.toISOString(),
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
    endReason: row.end_reason,
    endNote: row.end_note,
    endedBy:
      row.ended_by_name !== null && row.ended_by_role !== null
        ? { name: row.ended_by_name, role: row.ended_by_role }
        : null,
    currentPage: row.current_page,
    currentPagePath: row.current_page_path,
    currentPageAt: row.current_page_at ? row.current_page_at.toISOString() : null,
  };
}
