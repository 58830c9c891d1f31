import type { SessionMode } from '../../shared/api/settings';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { hashSecret, newSecret } from '../lib/ids';
import { loadSession, sessionParties, type SessionRow } from './session-row';
import { settleSession } from './settle';

/** What the storefront needs to serve an assisted request and draw its banner. */
export interface LiveSession {
  id: string;
  staffId: string;
  staffName: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  accountId: string;
  storeId: string;
  storeCode: string;
  mode: SessionMode;
  reason: string;
  ticket: string | null;
  startedAt: string;
  expiresAt: string;
}

export type HandoffRefusal = 'used' | 'expired' | 'unknown' | 'session_ended';

export type RedeemResult =
  { ok: true; cookieSecret: string; session: LiveSession } | { ok: false; reason: HandoffRefusal };

type Redeemed = Extract<RedeemResult, { ok: true }> | { ok: false; reason: HandoffRefusal; session: SessionRow | null };

/** The storefront's handoff route (storefront/routes/assist-entry.tsx), as refusals name it. */
export const HANDOFF_ROUTE = 'GET /store/:store/assist/enter';

export type CookieResult =
  { ok: true; session: LiveSession } | { ok: false; reason: 'ended' | 'unknown'; endReason: string | null };

export function toLiveSession(row: SessionRow): LiveSession {
  return {
    ...sessionParties(row),
    storeCode: row.store_code,
    startedAt: row.started_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * Redeems a handoff code from `…/assist/enter?code=…`: once, within its lifetime, for a session
 * that has not ended. On success the session becomes active and is bound to a new cookie secret
 * (only its hash is stored); the storefront sets that cookie. Every outcome is audited, refusals
 * aggregated (audit/refusal-aggregator.ts).
 */
export async function redeemHandoff(
  ctx: ShopContext,
  code: string,
  origin: { ip: string; userAgent: string | null },
): Promise<RedeemResult> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Redeemed> => {
    const now = ctx.clock.now();
    const codeHash = hashSecret(code);
    // The conditional UPDATE is the single-use guarantee: of two concurrent redeems one gets the row.
    const claimed = await tx.query<{ session_id: string }>(
      'UPDATE handoff_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING session_id',
      [codeHash, now],
    );
    const sessionId = claimed.rows[0]?.session_id;
    if (sessionId === undefined) {
      const known = await tx.query<{ session_id: string; used_at: Date | null }>(
        'SELECT session_id, used_at FROM handoff_codes WHERE code_hash = $1',
        [codeHash],
      );
      const row = known.rows[0];
      const reason: HandoffRefusal = !row ? 'unknown' : row.used_at ? 'used' : 'expired';
      return { ok: false, reason, session: row ? await loadSession(tx, row.session_id) : null };
    }
    const locked = await loadSession(tx, sessionId, { lock: true });
    if (!locked) throw new Error(`handoff code refers to missing session ${sessionId}`);
    const session = await settleSession(tx, ctx, locked);
    if (session.status !== 'pending') return { ok: false, reason: 'session_ended', session };
    const cookieSecret = newSecret();
    await tx.query(
      "UPDATE assist_sessions SET status = 'active', cookie_hash = $2, last_activity_at = $3 WHERE id = $1",
      [session.id, hashSecret(cookieSecret), now],
    );
    await appendAudit(tx, ctx.clock, {
      action: 'session.handoff_redeemed',
      actor: staffActor(session),
      customerId: session.customer_id,
      sessionId: session.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { storeId: session.store_id, mode: session.mode },
    });
    return { ok: true, cookieSecret, session: toLiveSession({ ...session, status: 'active', last_activity_at: now }) };
  });
  if (outcome.ok) return outcome;
  // After the commit (settling may have ended the session): the refusal itself changes nothing.
  await recordHandoffRefusal(ctx, outcome.session, outcome.reason, origin);
  return { ok: false, reason: outcome.reason };
}

/**
 * Resolves the assisted-session cookie on a storefront request. A session past its idle timeout
 * or maximum length ends here, at the moment of use; a live one records the request as activity.
 */
export async function resolveAssistCookie(ctx: ShopContext, cookieSecret: string): Promise<CookieResult> {
  return ctx.db.transaction(async (tx) => {
    const found = await tx.query<{ id: string }>('SELECT id FROM assist_sessions WHERE cookie_hash = $1', [
      hashSecret(cookieSecret),
    ]);
    const id = found.rows[0]?.id;
    const locked = id === undefined ? null : await loadSession(tx, id, { lock: true });
    if (!locked) return { ok: false, reason: 'unknown', endReason: null };
    const session = await settleSession(tx, ctx, locked);
    if (session.status === 'ended') return { ok: false, reason: 'ended', endReason: session.end_reason };
    await tx.query('UPDATE assist_sessions SET last_activity_at = $2 WHERE id = $1', [session.id, ctx.clock.now()]);
    return { ok: true, session: toLiveSession(session) };
  });
}

function staffActor(session: SessionRow) {
  return { type: 'staff' as const, id: session.staff_id, name: session.staff_name };
}

/** A refused code, aggregated per session (or unknown address) and reason: replays cannot flood the log. */
export function recordHandoffRefusal(
  ctx: ShopContext,
  session: SessionRow | null,
  reason: HandoffRefusal | 'malformed',
  origin: { ip: string; userAgent: string | null },
): Promise<void> {
  return ctx.refusals.record({
    action: 'session.handoff_refused',
    staff: session ? { id: session.staff_id, name: session.staff_name } : null,
    customerId: session?.customer_id ?? null,
    sessionId: session?.id ?? null,
    route: HANDOFF_ROUTE,
    reason,
    address: origin.ip,
    userAgent: origin.userAgent,
  });
}
