import type { Queryable } from '../../db/database';

export interface HistoryEvent {
  seq: number;
  at: Date;
  action: string;
  path: string | null;
  method: string | null;
  what: string | null;
  title: string | null;
  orderNumber: string | null;
  item: string | null;
  status: number | null;
  reason: string | null;
  count: number | null;
  /** A mode change's new mode (`session.mode_changed`). */
  toMode: string | null;
}

export interface HistorySession {
  id: string;
  staffName: string;
  mode: string;
  reason: string;
  ticket: string | null;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  /** The store's name (`Concierge Demo US`), as the customer knows it. */
  storeName: string;
  events: HistoryEvent[];
}

const EVENTS_PER_SESSION = 500;

/** Every assisted session on the customer's account, newest first, with what was viewed and done. */
export async function assistanceHistory(db: Queryable, customerId: string, limit = 50): Promise<HistorySession[]> {
  const sessions = await db.query<{
    id: string;
    staff_name: string;
    mode: string;
    reason: string;
    ticket: string | null;
    status: string;
    started_at: Date;
    ended_at: Date | null;
    end_reason: string | null;
    store_name: string;
  }>(
    `SELECT s.id, st.name AS staff_name, s.mode, s.reason, s.ticket, s.status, s.started_at, s.ended_at, s.end_reason, so.name AS store_name
       FROM assist_sessions s JOIN staff st ON st.id = s.staff_id JOIN stores so ON so.id = s.store_id
      WHERE s.customer_id = $1 ORDER BY s.started_at DESC LIMIT $2`,
    [customerId, limit],
  );
  if (sessions.rows.length === 0) return [];
  const ids = sessions.rows.map((s) => s.id);
  const events = await db.query<{
    seq: number;
    at: Date;
    action: string;
    session_id: string;
    details: Record<string, unknown>;
  }>(
    `SELECT seq, at, action, session_id, details FROM audit_events
      WHERE customer_id = $1 AND session_id = ANY($2::text[]) ORDER BY seq`,
    [customerId, ids],
  );
  const bySession = new Map<string, HistoryEvent[]>();
  for (const e of events.rows) {
    const list = bySession.get(e.session_id) ?? [];
    if (list.length >= EVENTS_PER_SESSION) continue;
    const d = e.details;
    list.push({
      seq: e.seq,
      at: e.at,
      action: e.action,
      path: typeof d.path === 'string' ? d.path : null,
      method: typeof d.method === 'string' ? d.method : null,
      what: typeof d.action === 'string' ? d.action : null,
      title: typeof d.title === 'string' ? d.title : null,
      orderNumber: typeof d.orderNumber === 'string' ? d.orderNumber : null,
      item: typeof d.sku === 'string' ? `${typeof d.quantity === 'number' ? `${d.quantity} × ` : ''}${d.sku}` : null,
      status: typeof d.status === 'number' ? d.status : null,
      reason: typeof d.reason === 'string' ? d.reason : null,
      count: typeof d.count === 'number' ? d.count : null,
      toMode: typeof d.to === 'string' ? d.to : null,
    });
    bySession.set(e.session_id, list);
  }
  return sessions.rows.map((s) => ({
    id: s.id,
    staffName: s.staff_name,
    mode: s.mode,
    reason: s.reason,
    ticket: s.ticket,
    status: s.status,
    startedAt: s.started_at,
    endedAt: s.ended_at,
    endReason: s.end_reason,
    storeName: s.store_name,
    events: bySession.get(s.id) ?? [],
  }));
}
