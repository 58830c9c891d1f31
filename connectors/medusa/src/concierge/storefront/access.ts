import type { AssistSession, EndReason } from '../../protocol/protocol';
import { appendAudit } from '../audit/append';
import { hashSecret, newSecret } from '../auth/tokens';
import type { Deps } from '../deps';
import type { Origin } from '../router';
import { settle } from '../sessions/routes';
import { loadSession, toAssistSession, type SessionRow } from '../sessions/row';

/** The assisted session a storefront request runs in: the protocol's session, and its store's code for links. */
export type LiveSession = AssistSession & { storeCode: string };

export const ASSIST_COOKIE = 'concierge_assist';

export type HandoffRefusal = 'used' | 'expired' | 'unknown' | 'session_ended';

function liveOf(row: SessionRow): LiveSession {
  return { ...toAssistSession(row), storeCode: row.store_code };
}

const actorOf = (row: SessionRow) => ({ type: 'staff' as const, id: row.staff_id, name: row.staff_name });

/**
 * Redeems a handoff code once (one conditional UPDATE claims it), within its 30 s, for a session
 * not yet ended: the session becomes active and is bound to a new cookie secret (only its hash is kept).
 */
export async function redeemHandoff(
  deps: Deps,
  code: string,
  origin: Origin,
): Promise<{ ok: true; cookieSecret: string; session: LiveSession } | { ok: false; reason: HandoffRefusal }> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const claimed = await tx.query<{ session_id: string }>(
      'UPDATE concierge_handoff_code SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING session_id',
      [now, hashSecret(code), now],
    );
    const sessionId = claimed[0]?.session_id;
    if (sessionId === undefined) {
      const [known] = await tx.query<{ session_id: string; used_at: Date | null }>(
        'SELECT session_id, used_at FROM concierge_handoff_code WHERE code_hash = ?',
        [hashSecret(code)],
      );
      const reason: HandoffRefusal = !known ? 'unknown' : known.used_at ? 'used' : 'expired';
      const row = known ? await loadSession(tx, known.session_id) : null;
      await appendAudit(tx, now, {
        action: 'session.handoff_refused',
        actor: row ? actorOf(row) : { type: 'system', id: null, name: null },
        customerId: row?.customer_id ?? null,
        sessionId: row?.id ?? null,
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { reason },
      });
      return { ok: false, reason };
    }
    const locked = await loadSession(tx, sessionId, true);
    if (!locked) throw new Error(`handoff code refers to missing session ${sessionId}`);
    const row = await settle(tx, deps, locked);
    if (row.status !== 'pending') return { ok: false, reason: 'session_ended' };
    const cookieSecret = newSecret();
    await tx.query(
      "UPDATE concierge_session SET status = 'active', cookie_hash = ?, last_activity_at = ?, updated_at = now() WHERE id = ?",
      [hashSecret(cookieSecret), now, row.id],
    );
    await appendAudit(tx, now, {
      action: 'session.handoff_redeemed',
      actor: actorOf(row),
      customerId: row.customer_id,
      sessionId: row.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { storeId: row.store_id, mode: row.mode },
    });
    return { ok: true, cookieSecret, session: liveOf(row) };
  });
}

/** The session behind an assisted cookie; a request past a deadline ends it here, a live one counts as activity. */
export async function resolveAssistCookie(
  deps: Deps,
  cookieSecret: string,
): Promise<{ ok: true; session: LiveSession } | { ok: false; endReason: EndReason | null }> {
  return deps.db.transaction(async (tx) => {
    const [found] = await tx.query<{ id: string }>('SELECT id FROM concierge_session WHERE cookie_hash = ?', [
      hashSecret(cookieSecret),
    ]);
    const locked = found ? await loadSession(tx, found.id, true) : null;
    if (!locked) return { ok: false, endReason: null };
    const row = await settle(tx, deps, locked);
    if (row.status === 'ended') return { ok: false, endReason: row.end_reason };
    await tx.query('UPDATE concierge_session SET last_activity_at = ? WHERE id = ?', [deps.now(), row.id]);
    return { ok: true, session: liveOf(row) };
  });
}

/** A page the agent opened, on record and shown to supervisors as the session's current page. */
export async function recordPage(
  deps: Deps,
  session: LiveSession,
  page: { title: string; path: string },
  origin: Origin,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx.query(
      'UPDATE concierge_session SET current_page = ?, current_page_path = ?, current_page_at = ? WHERE id = ?',
      [page.title, page.path, now, session.id],
    );
    await appendAudit(tx, now, {
      action: 'session.page_view',
      actor: { type: 'staff', id: session.staffId, name: session.staffName },
      customerId: session.customerId,
      sessionId: session.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { path: page.path, title: page.title, mode: session.mode },
    });
  });
}

/** An action the agent took, or was refused, in the customer's store. */
export async function recordAction(
  deps: Deps,
  session: LiveSession,
  outcome: 'done' | 'refused',
  details: Record<string, unknown>,
  origin: Origin,
): Promise<void> {
  await deps.db.transaction((tx) =>
    appendAudit(tx, deps.now(), {
      action: outcome === 'done' ? 'session.action' : 'session.action_refused',
      actor: { type: 'staff', id: session.staffId, name: session.staffName },
      customerId: session.customerId,
      sessionId: session.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { ...details, mode: session.mode },
    }),
  );
}
