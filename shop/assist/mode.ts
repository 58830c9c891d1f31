import type { Staff } from '../../shared/api/auth';
import type { ErrorCode } from '../../shared/api/common';
import type { ChangeModeRequest, AssistSession } from '../../shared/api/sessions';
import type { Settings } from '../../shared/api/settings';
import { appendAudit } from '../audit/append';
import type { Principal } from '../auth/tokens';
import { readConsent } from '../consent/consent';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { findUnstorableText, unstorableTextError } from '../lib/storable-text';
import { ApiError, forbidden, notFound } from '../lib/errors';
import { SessionEndedError } from './manage';
import { checkMayAssist, type Refuse } from './may-assist';
import { loadSession, toAssistSession, type SessionRow } from './session-row';
import { settleSession } from './settle';

type Origin = { ip: string; userAgent: string | null };

/**
 * Switches a live session between view and act without ending it; only its own agent may. To act
 * checks what starting an act session checks — assistance enabled, assist.act, consent where the
 * settings require it, then a step-up token of this sign-in (last, so a refusal spends no token) —
 * and the change is audited as `session.mode_changed`. Back to view needs nothing: it takes
 * rights away. The storefront reads the mode on every request, so the change holds at once.
 */
export async function changeSessionMode(
  ctx: ShopContext,
  principal: Principal,
  id: string,
  request: ChangeModeRequest,
  origin: Origin,
): Promise<AssistSession> {
  const unstorable = findUnstorableText({ body: request });
  if (unstorable.length > 0) throw unstorableTextError(unstorable);
  const { staff } = principal;
  const result = await ctx.db.transaction(async (tx) => {
    const locked = await loadSession(tx, id, { lock: true });
    if (!locked || (locked.staff_id !== staff.id && !staff.permissions.includes('sessions.read.all')))
      throw notFound('session_not_found', 'No session with this id.');
    if (locked.staff_id !== staff.id)
      throw forbidden(staff, 'not_session_agent', 'Only the agent running this session can change its mode.');
    const row = await settleSession(tx, ctx, locked);
    if (row.status === 'ended') return { ended: true, session: toAssistSession(row) } as const;
    if (row.mode === request.mode) return { ended: false, session: toAssistSession(row) } as const;
    if (request.mode === 'act') await checkMayAct(tx, ctx, principal, row, request.stepUpToken);
    await tx.query('UPDATE assist_sessions SET mode = $2 WHERE id = $1', [row.id, request.mode]);
    await appendAudit(tx, ctx.clock, {
      action: 'session.mode_changed',
      actor: { type: 'staff', id: staff.id, name: staff.name },
      customerId: row.customer_id,
      sessionId: row.id,
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { from: row.mode, to: request.mode, stepUp: request.mode === 'act' },
    });
    return { ended: false, session: toAssistSession({ ...row, mode: request.mode }) } as const;
  });
  if (result.ended) throw new SessionEndedError(result.session);
  return result.session;
}

/** Act checks what a start checks (may-assist.ts); consent comes before the step-up, so its refusal spends no token. */
async function checkMayAct(
  tx: Queryable,
  ctx: ShopContext,
  principal: Principal,
  row: SessionRow,
  stepUpToken: string | undefined,
): Promise<void> {
  await checkMayAssist(tx, ctx, principal, {
    mode: 'act',
    stepUpToken,
    refuse: refuseSwitch(principal.staff),
    beforeStepUp: async (settings) => {
      if (!(await consentAllowsAct(tx, ctx, settings, row)))
        throw new ApiError(
          403,
          'consent_required',
          `${row.customer_name} no longer allows assistance, so this session cannot switch to act. Ask them to allow it again.`,
        );
    },
  });
}

// A switch words its refusals for acting mid-session; a missing permission names the staff member (access.denied).
const SWITCH_MESSAGES: Partial<Record<ErrorCode, string>> = {
  permission_denied: 'Acting for the customer needs the assist.act permission.',
  step_up_required:
    'Confirm it is you (step-up) before acting for the customer; the step-up token is missing, used, expired or from another sign-in.',
};

function refuseSwitch(staff: Staff): Refuse {
  return (status, code, message) => {
    const words = SWITCH_MESSAGES[code] ?? message;
    return code === 'permission_denied'
      ? forbidden(staff, 'needs:assist.act', words)
      : new ApiError(status, code, words);
  };
}

/**
 * The consent the session started on still holds: consent not required, standing consent granted
 * now, or the one-time code the customer gave for this very session. A session that started
 * while consent was not required needs standing consent once the settings require it.
 */
async function consentAllowsAct(tx: Queryable, ctx: ShopContext, settings: Settings, row: SessionRow) {
  if (!settings.consentRequired || row.consent_basis === 'code') return true;
  return (await readConsent(tx, row.customer_id, ctx.clock.now())).status === 'granted';
}
