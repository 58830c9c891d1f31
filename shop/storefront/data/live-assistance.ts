import type { SessionMode } from '../../../shared/api/settings';
import { endSession } from '../../assist/end';
import { loadSession } from '../../assist/session-row';
import { settleSession } from '../../assist/settle';
import type { ShopContext } from '../../context';
import type { Queryable } from '../../db/database';

/** An assisted session in the customer's account right now, as the notice on their own pages names it. */
export interface LiveAssist {
  sessionId: string;
  staffName: string;
  mode: SessionMode;
  storeName: string;
}

/**
 * The customer's sessions an agent has entered and that are still within every deadline (idle,
 * console lease, maximum length): what storefront access would still let through at this moment.
 */
export async function liveAssistsOf(db: Queryable, customerId: string, now: Date): Promise<LiveAssist[]> {
  const result = await db.query<{ id: string; staff_name: string; mode: SessionMode; store_name: string }>(
    `SELECT s.id, st.name AS staff_name, s.mode, so.name AS store_name
       FROM assist_sessions s JOIN staff st ON st.id = s.staff_id JOIN stores so ON so.id = s.store_id
      WHERE s.customer_id = $1 AND s.status = 'active' AND NOT st.disabled
        AND s.expires_at > $2 AND s.console_lease_until > $2
        AND s.last_activity_at + s.idle_timeout_seconds * interval '1 second' > $2
      ORDER BY s.started_at`,
    [customerId, now],
  );
  return result.rows.map((r) => ({ sessionId: r.id, staffName: r.staff_name, mode: r.mode, storeName: r.store_name }));
}

/**
 * The customer ends an assisted session on their account from the store, at once: the same end
 * as withdrawing consent (`ended_by_customer`), so the console learns it as it learns any end.
 * False when the session is not the customer's or had already ended.
 */
export async function endAssistByCustomer(
  ctx: ShopContext,
  customer: { id: string; name: string },
  sessionId: string,
  origin: { ip: string; userAgent: string | null },
): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const locked = await loadSession(tx, sessionId, { lock: true });
    if (locked?.customer_id !== customer.id) return false;
    const session = await settleSession(tx, ctx, locked);
    if (session.status === 'ended') return false;
    await endSession(tx, ctx, session, {
      reason: 'ended_by_customer',
      note: 'ended from the store',
      actor: { type: 'customer', id: customer.id, name: customer.name },
      origin,
    });
    return true;
  });
}
