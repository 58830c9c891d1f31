import type { Consent } from '../../shared/api/shop';
import { endSession } from '../assist/end';
import { loadSession } from '../assist/session-row';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { addSeconds } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { hashSecret, newId, newNumericCode } from '../lib/ids';
import { consentAt, type ConsentRow } from './status';

/** Who made a request (audit `ip` and `userAgent`). */
export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
}

/** The durations the customer's account page offers. */
export const CONSENT_DURATIONS = ['1h', '24h', '7d', 'until_revoked'] as const;
export type ConsentDuration = (typeof CONSENT_DURATIONS)[number];

const DURATION_SECONDS: Readonly<Record<ConsentDuration, number | null>> = {
  '1h': 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
  until_revoked: null,
};

export interface ConsentCode {
  /** Six digits, shown once to the customer; only its hash is stored. */
  code: string;
  expiresAt: string;
}

interface CustomerRef {
  id: string;
  name: string;
}

/**
 * Codes are hashed together with the customer id: a 6-digit code alone has a million values,
 * so the hash of the bare code would be trivially reversible and match across customers.
 */
export function consentCodeHash(customerId: string, code: string): string {
  return hashSecret(`consent-code:${customerId}:${code}`);
}

/** The customer's standing consent as of `now` (expiry decided at the moment of reading). */
export async function readConsent(db: Queryable, customerId: string, now: Date): Promise<Consent> {
  const result = await db.query<ConsentRow>(
    'SELECT granted, granted_at, expires_at FROM consents WHERE customer_id = $1',
    [customerId],
  );
  return consentAt(result.rows[0], now);
}

/** The customer allows assistance for `duration`; replaces any earlier grant. */
export async function grantConsent(
  ctx: ShopContext,
  customerId: string,
  duration: ConsentDuration,
  origin: RequestOrigin,
): Promise<Consent> {
  return ctx.db.transaction(async (tx) => {
    const customer = await lockCustomer(tx, customerId);
    const now = ctx.clock.now();
    const seconds = DURATION_SECONDS[duration];
    const expiresAt = seconds === null ? null : addSeconds(now, seconds);
    await tx.query(
      `INSERT INTO consents (customer_id, granted, granted_at, expires_at, updated_at) VALUES ($1, true, $2, $3, $2)
       ON CONFLICT (customer_id) DO UPDATE SET granted = true, granted_at = $2, expires_at = $3, updated_at = $2`,
      [customerId, now, expiresAt],
    );
    await appendAudit(tx, ctx.clock, {
      action: 'customer.consent_granted',
      actor: customerActor(customer),
      customerId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { duration, expiresAt: expiresAt ? expiresAt.toISOString() : null },
    });
    return consentAt({ granted: true, granted_at: now, expires_at: expiresAt }, now);
  });
}

/**
 * The customer withdraws consent. Sessions already running on their account end at once
 * (`ended_by_customer`): withdrawing consent must stop access, not only future access.
 */
export async function revokeConsent(ctx: ShopContext, customerId: string, origin: RequestOrigin): Promise<Consent> {
  return ctx.db.transaction(async (tx) => {
    const customer = await lockCustomer(tx, customerId);
    const now = ctx.clock.now();
    const before = consentAt(
      (
        await tx.query<ConsentRow>('SELECT granted, granted_at, expires_at FROM consents WHERE customer_id = $1', [
          customerId,
        ])
      ).rows[0],
      now,
    );
    await tx.query(
      `INSERT INTO consents (customer_id, granted, granted_at, expires_at, updated_at) VALUES ($1, false, NULL, NULL, $2)
       ON CONFLICT (customer_id) DO UPDATE SET granted = false, updated_at = $2`,
      [customerId, now],
    );
    // Unused codes are consent too; withdrawing consent withdraws them.
    await tx.query(
      'UPDATE consent_codes SET expires_at = $2 WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2',
      [customerId, now],
    );
    await appendAudit(tx, ctx.clock, {
      action: 'customer.consent_revoked',
      actor: customerActor(customer),
      customerId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { previousStatus: before.status },
    });
    const live = await tx.query<{ id: string }>(
      "SELECT id FROM assist_sessions WHERE customer_id = $1 AND status <> 'ended' ORDER BY started_at",
      [customerId],
    );
    for (const { id } of live.rows) {
      const session = await loadSession(tx, id, { lock: true });
      if (session)
        await endSession(tx, ctx, session, {
          reason: 'ended_by_customer',
          note: 'consent withdrawn',
          actor: customerActor(customer),
          origin,
        });
    }
    return consentAt(
      {
        granted: false,
        granted_at: before.grantedAt ? new Date(before.grantedAt) : null,
        expires_at: before.expiresAt ? new Date(before.expiresAt) : null,
      },
      now,
    );
  });
}

/**
 * A one-time code the customer reads to an agent on the phone: 6 digits, valid for
 * `config.consentCodeSeconds`, usable for one session. Issuing a new code retires earlier unused
 * ones, so only the code the customer last saw works.
 */
export async function issueConsentCode(
  ctx: ShopContext,
  customerId: string,
  origin: RequestOrigin,
): Promise<ConsentCode> {
  return ctx.db.transaction(async (tx) => {
    const customer = await lockCustomer(tx, customerId);
    const now = ctx.clock.now();
    const expiresAt = addSeconds(now, ctx.config.consentCodeSeconds);
    const code = newNumericCode(6);
    const id = newId('ccd');
    await tx.query(
      'UPDATE consent_codes SET expires_at = $2 WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2',
      [customerId, now],
    );
    await tx.query(
      'INSERT INTO consent_codes (id, customer_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [id, customerId, consentCodeHash(customerId, code), now, expiresAt],
    );
    await appendAudit(tx, ctx.clock, {
      action: 'customer.consent_code_issued',
      actor: customerActor(customer),
      customerId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { codeId: id, expiresAt: expiresAt.toISOString() },
    });
    return { code, expiresAt: expiresAt.toISOString() };
  });
}

/** The code the customer issued last, while it can still be used (for the account page). */
export async function activeConsentCode(
  db: Queryable,
  customerId: string,
  now: Date,
): Promise<{ id: string; expiresAt: string } | null> {
  const result = await db.query<{ id: string; expires_at: Date }>(
    'SELECT id, expires_at FROM consent_codes WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1',
    [customerId, now],
  );
  const row = result.rows[0];
  return row ? { id: row.id, expiresAt: row.expires_at.toISOString() } : null;
}

// The customer row is locked so consent changes and session starts for one customer apply one at
// a time. NO KEY UPDATE leaves inserts of rows that reference the customer unblocked, which a
// session ending under this lock does (the customer's notification).
async function lockCustomer(tx: Queryable, customerId: string): Promise<CustomerRef> {
  const result = await tx.query<CustomerRef>('SELECT id, name FROM customers WHERE id = $1 FOR NO KEY UPDATE', [
    customerId,
  ]);
  const customer = result.rows[0];
  if (!customer) throw new ApiError(404, 'customer_not_found', 'No customer with this id.');
  return customer;
}

function customerActor(customer: CustomerRef) {
  return { type: 'customer' as const, id: customer.id, name: customer.name };
}
