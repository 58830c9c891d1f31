import type { ErrorCode } from '../../shared/api/common';
import type { CreateSessionRequest, CreateSessionResponse } from '../../shared/api/sessions';
import type { Settings } from '../../shared/api/settings';
import { appendAudit } from '../audit/append';
import type { Principal } from '../auth/tokens';
import { consentCodeHash, readConsent } from '../consent/consent';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { addSeconds } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { hashSecret, newId, newSecret } from '../lib/ids';
import { findUnstorableText, unstorableTextError } from '../lib/storable-text';
import { checkMayAssist } from './may-assist';
import { loadSession, toAssistSession } from './session-row';

/** Handoff codes never outlive this, whatever the configuration says. */
const MAX_HANDOFF_SECONDS = 30;

type ConsentBasis = 'standing' | 'code' | 'not_required';

/** Why consent was missing, for the agent's message and the audit event. */
type ConsentProblem = 'none' | 'expired' | 'code_invalid' | 'code_used' | 'code_expired' | 'code_withdrawn';

/** Wrong codes tried against one customer's live code before that code is withdrawn. */
export const MAX_WRONG_CONSENT_CODES = 5;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

interface Customer {
  id: string;
  name: string;
}
interface Store {
  id: string;
  code: string;
  path_prefix: string;
}

/**
 * Starts an assisted session. Checks run in a fixed order — assistance enabled, permission for
 * the mode, step-up, customer, account, consent — and the first failure refuses. A refusal
 * commits only its `session.refused` event and the spent step-up token: a token that survived
 * a refusal would allow guessing consent codes without re-authenticating. Input the database
 * cannot store is refused (400) before any check, so it can never undo a refusal's record.
 */
export async function createSession(
  ctx: ShopContext,
  principal: Principal,
  request: CreateSessionRequest,
  origin: { ip: string; userAgent: string | null },
): Promise<CreateSessionResponse> {
  const { staff } = principal;
  // Before the transaction: text the database cannot store would roll back a refusal's event and spent token.
  const unstorable = findUnstorableText({ body: request });
  if (unstorable.length > 0) throw unstorableTextError(unstorable);
  const outcome = await ctx.db.transaction(async (tx) => {
    try {
      return await startSession(tx, ctx, principal, request, origin);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      await appendAudit(tx, ctx.clock, {
        action: 'session.refused',
        actor: { type: 'staff', id: staff.id, name: staff.name },
        customerId: typeof error.details.customerId === 'string' ? error.details.customerId : null,
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: {
          code: error.code,
          message: error.message,
          mode: request.mode,
          requestedCustomerId: request.customerId,
          requestedAccountId: request.accountId,
          reason: request.reason,
          ticket: request.ticket ?? null,
          ...error.details,
        },
      });
      return error;
    }
  });
  if (outcome instanceof Refusal) throw new ApiError(outcome.status, outcome.code, outcome.message);
  return outcome;
}

async function startSession(
  tx: Queryable,
  ctx: ShopContext,
  principal: Principal,
  request: CreateSessionRequest,
  origin: { ip: string; userAgent: string | null },
): Promise<CreateSessionResponse> {
  const { staff, familyId } = principal;
  const settings = await checkMayAssist(tx, ctx, principal, {
    mode: request.mode,
    stepUpToken: request.stepUpToken,
    refuse: (status, code, message) => new Refusal(status, code, message),
  });

  const customer = (
    await tx.query<Customer>('SELECT id, name FROM customers WHERE id = $1 FOR NO KEY UPDATE', [request.customerId])
  ).rows[0];
  if (!customer) throw new Refusal(404, 'customer_not_found', 'No customer with this id.');
  const store = (
    await tx.query<Store>(
      'SELECT so.id, so.code, so.path_prefix FROM accounts a JOIN stores so ON so.id = a.store_id WHERE a.id = $1 AND a.customer_id = $2',
      [request.accountId, customer.id],
    )
  ).rows[0];
  if (!store)
    throw new Refusal(404, 'account_not_found', 'This customer has no account with this id.', {
      customerId: customer.id,
    });

  const landing = await landingDocument(tx, request, customer.id);

  const sessionId = newId('ses');
  const consent = await checkConsent(tx, ctx, settings, customer, request.consentCode);
  if (!consent.ok) {
    throw new Refusal(403, 'consent_required', consentMessage(customer.name, consent.problem), {
      customerId: customer.id,
      consent: consent.problem,
    });
  }

  const now = ctx.clock.now();
  await tx.query(
    `INSERT INTO assist_sessions (id, staff_id, customer_id, account_id, store_id, mode, reason, ticket, status, started_at,
                                  expires_at, last_activity_at, idle_timeout_seconds, consent_basis, console_lease_until, family_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $9, $11, $12, $13, $14)`,
    [
      sessionId,
      staff.id,
      customer.id,
      request.accountId,
      store.id,
      request.mode,
      request.reason,
      request.ticket ?? null,
      now,
      addSeconds(now, settings.maxSessionSeconds),
      settings.idleTimeoutSeconds,
      consent.basis,
      // Starting the session starts its console lease; the console's heartbeats renew it.
      addSeconds(now, ctx.config.consoleLeaseSeconds),
      // The sign-in that started it: signing out of that console ends it (auth/refresh.ts signOut).
      familyId,
    ],
  );
  const actor = { type: 'staff' as const, id: staff.id, name: staff.name };
  if (consent.basis === 'code') {
    await tx.query('UPDATE consent_codes SET used_at = $2, used_by_session = $3 WHERE id = $1', [
      consent.codeId,
      now,
      sessionId,
    ]);
    await appendAudit(tx, ctx.clock, {
      action: 'customer.consent_code_used',
      actor,
      customerId: customer.id,
      sessionId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { codeId: consent.codeId },
    });
  }

  const handoffCode = newSecret();
  const handoffSeconds = Math.min(ctx.config.handoffSeconds, MAX_HANDOFF_SECONDS);
  await tx.query('INSERT INTO handoff_codes (code_hash, session_id, expires_at) VALUES ($1, $2, $3)', [
    hashSecret(handoffCode),
    sessionId,
    addSeconds(now, handoffSeconds),
  ]);
  await appendAudit(tx, ctx.clock, {
    action: 'session.start',
    actor,
    customerId: customer.id,
    sessionId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    details: {
      mode: request.mode,
      reason: request.reason,
      ticket: request.ticket ?? null,
      accountId: request.accountId,
      storeId: store.id,
      consentBasis: consent.basis,
      ...(landing ? { landingDocument: landing.number } : {}),
    },
  });

  const row = await loadSession(tx, sessionId);
  if (!row) throw new Error(`session ${sessionId} vanished inside its own transaction`);
  // The storefront checks the document against the session's account again before it lands there.
  const to = landing ? `&document=${encodeURIComponent(landing.id)}` : '';
  const handoffUrl = `${ctx.config.publicOrigin}${store.path_prefix}/assist/enter?code=${encodeURIComponent(handoffCode)}${to}`;
  return { session: toAssistSession(row), handoffUrl };
}

/** The document the storefront should open on: one of this account's, or a 404 refusal. */
async function landingDocument(
  tx: Queryable,
  request: CreateSessionRequest,
  customerId: string,
): Promise<{ id: string; number: string } | null> {
  if (request.landingDocumentId === undefined) return null;
  const found = (
    await tx.query<{ id: string; number: string }>(
      'SELECT id, number FROM documents WHERE id = $1 AND account_id = $2 AND customer_id = $3',
      [request.landingDocumentId, request.accountId, customerId],
    )
  ).rows[0];
  if (!found)
    throw new Refusal(404, 'document_not_found', 'This customer has no such document in the chosen store.', {
      customerId,
      landingDocumentId: request.landingDocumentId,
    });
  return found;
}

type ConsentCheck =
  | { ok: true; basis: Exclude<ConsentBasis, 'code'> }
  | { ok: true; basis: 'code'; codeId: string }
  | { ok: false; problem: ConsentProblem };

/**
 * Standing consent granted and unexpired at this moment, or else a valid one-time code. The
 * customer row is locked by the caller, so a code cannot be used by two sessions at once.
 */
async function checkConsent(
  tx: Queryable,
  ctx: ShopContext,
  settings: Settings,
  customer: Customer,
  code: string | undefined,
): Promise<ConsentCheck> {
  if (!settings.consentRequired) return { ok: true, basis: 'not_required' };
  const now = ctx.clock.now();
  const standing = await readConsent(tx, customer.id, now);
  if (standing.status === 'granted') return { ok: true, basis: 'standing' };
  if (code === undefined) return { ok: false, problem: standing.status === 'expired' ? 'expired' : 'none' };
  const found = (
    await tx.query<{ id: string; expires_at: Date; used_at: Date | null }>(
      'SELECT id, expires_at, used_at FROM consent_codes WHERE customer_id = $1 AND code_hash = $2 ORDER BY created_at DESC LIMIT 1',
      [customer.id, consentCodeHash(customer.id, code)],
    )
  ).rows[0];
  if (!found) return { ok: false, problem: await countWrongCode(tx, customer.id, now) };
  if (found.used_at) return { ok: false, problem: 'code_used' };
  if (found.expires_at.getTime() <= now.getTime()) return { ok: false, problem: 'code_expired' };
  return { ok: true, basis: 'code', codeId: found.id };
}

/**
 * A wrong code was tried for this customer. Each try costs a step-up, but a 6-digit code must
 * not be guessable by patience either: after MAX_WRONG_CONSENT_CODES wrong tries since the
 * customer's live code was issued, that code is withdrawn and the customer must issue a new one.
 * Earlier wrong tries are counted from their `session.refused` events, which refusals commit.
 */
async function countWrongCode(
  tx: Queryable,
  customerId: string,
  now: Date,
): Promise<'code_invalid' | 'code_withdrawn'> {
  const live = (
    await tx.query<{ created_at: Date }>(
      'SELECT created_at FROM consent_codes WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1',
      [customerId, now],
    )
  ).rows[0];
  if (!live) return 'code_invalid';
  const earlier = await tx.query<{ tries: number }>(
    `SELECT count(*)::int AS tries FROM audit_events
      WHERE customer_id = $1 AND action = 'session.refused' AND at >= $2 AND details->>'consent' = 'code_invalid'`,
    [customerId, live.created_at],
  );
  if ((earlier.rows[0]?.tries ?? 0) + 1 < MAX_WRONG_CONSENT_CODES) return 'code_invalid';
  await tx.query(
    'UPDATE consent_codes SET expires_at = $2 WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2',
    [customerId, now],
  );
  return 'code_withdrawn';
}

function consentMessage(name: string, problem: ConsentProblem): string {
  switch (problem) {
    case 'none':
      return `${name} has not allowed assistance. Ask them for a one-time consent code from their account page.`;
    case 'expired':
      return `${name}'s consent to assistance has expired. Ask them to allow it again or for a one-time consent code.`;
    case 'code_invalid':
      return `The consent code is not valid for ${name}. Check the digits or ask for a new code.`;
    case 'code_used':
      return `This consent code has already been used. Ask ${name} for a new one.`;
    case 'code_expired':
      return `This consent code has expired. Ask ${name} for a new one.`;
    case 'code_withdrawn':
      return `Too many wrong consent codes for ${name}: their current code has been withdrawn. Ask them for a new one.`;
  }
}
