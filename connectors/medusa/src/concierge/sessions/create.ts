import type { CustomerDTO } from '@medusajs/framework/types';
import type {
  CreateSessionRequest,
  CreateSessionResponse,
  ErrorCode,
  Permission,
  SessionMode,
  Settings,
} from '../../protocol/protocol';
import { appendAudit, staffActor } from '../audit/append';
import { claimToken, findToken, hashSecret, newId, newSecret } from '../auth/tokens';
import { consentOf, nameOf } from '../customers';
import type { Sql } from '../db';
import type { Deps } from '../deps';
import { ApiError } from '../errors';
import type { Origin } from '../router';
import { loadSettings } from '../settings';
import type { SignedInStaff } from '../staff';
import { listStores } from '../stores';
import { loadSession, toAssistSession } from './row';

const HANDOFF_SECONDS = 30;
const CONSOLE_LEASE_SECONDS = 60;
const MODE_PERMISSION: Readonly<Record<SessionMode, Permission>> = { view: 'assist.view', act: 'assist.act' };

class Refusal extends ApiError {
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    readonly customerId: string | null = null,
  ) {
    super(status, code, message);
  }
}

/** A step-up token of this sign-in, spent here: one session per step-up. */
export async function spendStepUp(
  tx: Sql,
  staff: SignedInStaff,
  token: string | undefined,
  now: Date,
): Promise<boolean> {
  if (!token) return false;
  const row = await findToken(tx, 'step_up', token);
  if (!row || row.staff_id !== staff.id || row.sign_in_id !== staff.signInId) return false;
  return claimToken(tx, row.id, now);
}

/** What taking a session into `mode` checks, in order: assistance on, the mode's permission, a fresh step-up. */
export async function checkMayAssist(
  tx: Sql,
  staff: SignedInStaff,
  mode: SessionMode,
  stepUpToken: string | undefined,
  now: Date,
): Promise<Settings> {
  const settings = await loadSettings(tx);
  if (!settings.assistanceEnabled)
    throw new Refusal(409, 'assistance_disabled', 'Assisted sessions are turned off in the settings.');
  const needed = MODE_PERMISSION[mode];
  if (!staff.permissions.includes(needed))
    throw new Refusal(403, 'permission_denied', `A ${mode} session needs the ${needed} permission.`);
  if (!(await spendStepUp(tx, staff, stepUpToken, now)))
    throw new Refusal(
      401,
      'step_up_required',
      'Confirm it is you (step-up) before each session; the step-up token is missing, used, expired or from another sign-in.',
    );
  return settings;
}

async function startSession(
  tx: Sql,
  deps: Deps,
  staff: SignedInStaff,
  request: CreateSessionRequest,
  origin: Origin,
  now: Date,
): Promise<CreateSessionResponse> {
  const settings = await checkMayAssist(tx, staff, request.mode, request.stepUpToken, now);
  const [customer] = (await deps.customers.listCustomers({ id: request.customerId })) as CustomerDTO[];
  if (!customer) throw new Refusal(404, 'customer_not_found', 'No customer with this id.');
  const store = (await listStores(deps)).map((s) => s.store).find((s) => s.id === request.accountId);
  if (!store) throw new Refusal(404, 'account_not_found', 'This customer has no account with this id.', customer.id);
  if (settings.consentRequired && consentOf(customer, now).status !== 'granted')
    throw new Refusal(
      403,
      'consent_required',
      // No one-time codes on this platform: consent is the customer's own setting (their metadata).
      request.consentCode === undefined
        ? `${nameOf(customer)} has not allowed assistance. Ask them to allow it in their account first.`
        : `This shop takes no one-time consent codes: ${nameOf(customer)} must allow assistance in their account first.`,
      customer.id,
    );
  const id = newId('ses');
  await tx.query(
    `INSERT INTO concierge_session (id, staff_id, staff_name, staff_role, sign_in_id, customer_id, customer_name, customer_email,
       account_id, store_id, store_code, mode, status, reason, ticket, started_at, expires_at, last_activity_at,
       idle_timeout_seconds, console_lease_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      staff.id,
      staff.name,
      staff.role,
      staff.signInId,
      customer.id,
      nameOf(customer),
      customer.email ?? '',
      store.id,
      store.id,
      store.code,
      request.mode,
      request.reason,
      request.ticket ?? null,
      now,
      new Date(now.getTime() + settings.maxSessionSeconds * 1000),
      now,
      settings.idleTimeoutSeconds,
      new Date(now.getTime() + CONSOLE_LEASE_SECONDS * 1000),
    ],
  );
  const code = newSecret();
  await tx.query('INSERT INTO concierge_handoff_code (id, code_hash, session_id, expires_at) VALUES (?, ?, ?, ?)', [
    newId('hof'),
    hashSecret(code),
    id,
    new Date(now.getTime() + HANDOFF_SECONDS * 1000),
  ]);
  await appendAudit(tx, now, {
    action: 'session.start',
    actor: staffActor(staff),
    customerId: customer.id,
    sessionId: id,
    ip: origin.ip,
    userAgent: origin.userAgent,
    details: {
      mode: request.mode,
      reason: request.reason,
      ticket: request.ticket ?? null,
      accountId: store.id,
      storeId: store.id,
      consentBasis: settings.consentRequired ? 'standing' : 'not_required',
    },
  });
  const row = await loadSession(tx, id);
  if (!row) throw new Error(`session ${id} vanished inside its own transaction`);
  return { session: toAssistSession(row), handoffUrl: `${store.baseUrl}assist/enter?code=${encodeURIComponent(code)}` };
}

/**
 * Starts an assisted session. A refusal commits only its `session.refused` event and the spent
 * step-up token, so a refused start cannot be retried without confirming again.
 */
export async function createSession(
  deps: Deps,
  staff: SignedInStaff,
  request: CreateSessionRequest,
  origin: Origin,
): Promise<CreateSessionResponse> {
  const now = deps.now();
  const outcome = await deps.db.transaction(async (tx) => {
    try {
      return await startSession(tx, deps, staff, request, origin, now);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      await appendAudit(tx, now, {
        action: 'session.refused',
        actor: staffActor(staff),
        customerId: error.customerId,
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
        },
      });
      return error;
    }
  });
  if (outcome instanceof Refusal) throw new ApiError(outcome.status, outcome.code, outcome.message);
  return outcome;
}
