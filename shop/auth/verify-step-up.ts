import type { StepUpRequest, StepUpResponse } from '../../shared/api/auth';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { ApiError } from '../lib/errors';
import { readSettings } from '../settings/settings';
import { countPasswordFailure, failAttempt, refuseThrottled, type AttemptEvent } from './lockout';
import { commitThenReport, refuse, succeed } from './outcome';
import { verifyPassword } from './passwords';
import type { SignInDefences } from './sign-in-defences';
import { lockStaffById, staffActor, type RequestOrigin } from './staff-record';
import { issueStepUpToken } from './step-up';
import { policyAllows, type StepUpMethod } from './step-up-policy';
import type { Principal } from './tokens';
import { CODE_MESSAGES, matchTotp } from './totp';

const invalidStepUp = (message: string) => new ApiError(401, 'invalid_step_up', message);

type StepUpFailure = 'wrong_password' | keyof typeof CODE_MESSAGES;
const FAILURE_MESSAGES: Record<StepUpFailure, string> = {
  wrong_password: 'The password is not correct.',
  ...CODE_MESSAGES,
};

const METHOD_NAMES: Record<StepUpMethod, string> = { totp: 'an authenticator code', password: 'your password' };

/**
 * Re-proves the signed-in staff member's identity with a TOTP code or the password, as the
 * shop's step-up policy allows, and issues a single-use step-up token. Wrong answers are throttled
 * like failed sign-ins, per account and address.
 */
export async function stepUp(
  ctx: ShopContext,
  defences: SignInDefences,
  principal: Principal,
  input: StepUpRequest,
  origin: RequestOrigin,
): Promise<StepUpResponse> {
  const method: StepUpMethod = 'code' in input ? 'totp' : 'password';
  const { stepUpPolicy: policy } = await readSettings(ctx.db);
  const actor = staffActor(principal.staff);
  if (!policyAllows(policy, method)) {
    const allowed = policy === 'totp' ? METHOD_NAMES.totp : METHOD_NAMES.password;
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx.clock, {
        action: 'staff.step_up_failed',
        actor,
        ...origin,
        details: { method, reason: 'method_not_allowed', policy },
      }),
    );
    throw invalidStepUp(`This shop's step-up policy requires ${allowed}.`);
  }
  const account = principal.staff.email;
  const event = (details: Record<string, unknown>): AttemptEvent => ({
    action: 'staff.step_up_failed',
    actor,
    origin,
    details: { method, ...details },
  });
  const attempt = await defences.throttle.begin(ctx.db, { account, address: origin.ip });
  if (attempt.throttled)
    return commitThenReport(ctx.db, (tx) => refuseThrottled(tx, ctx, event({}), attempt.retryAfterSeconds));
  // The password check is slow on purpose, so it runs before the row lock is taken.
  const passwordOk = 'password' in input ? await verifyStaffPassword(ctx, principal.staff.id, input.password) : false;

  return commitThenReport(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const staff = await lockStaffById(tx, principal.staff.id);
    if (!staff || staff.disabled) {
      await attempt.release(tx);
      return refuse(invalidStepUp('This staff account cannot step up.'));
    }

    let failure: StepUpFailure | null = passwordOk ? null : 'wrong_password';
    if ('code' in input) {
      const match = matchTotp(staff.totp_secret, input.code, now, staff.totp_last_step);
      failure = match.ok ? null : match.reason;
      if (match.ok) await tx.query('UPDATE staff SET totp_last_step = $2 WHERE id = $1', [staff.id, match.step]);
    }
    if (failure !== null) {
      if (failure === 'wrong_password') await countPasswordFailure(tx, ctx, defences.throttle, account, event({}));
      return failAttempt(tx, ctx, attempt, event({ reason: failure }), invalidStepUp(FAILURE_MESSAGES[failure]));
    }
    await attempt.succeed(tx);
    const issued = await issueStepUpToken(tx, ctx, { staffId: staff.id, familyId: principal.familyId });
    await appendAudit(tx, ctx.clock, {
      action: 'staff.step_up',
      actor,
      ...origin,
      details: { method, expiresAt: issued.expiresAt },
    });
    return succeed<StepUpResponse>(issued);
  });
}

async function verifyStaffPassword(ctx: ShopContext, staffId: string, password: string): Promise<boolean> {
  const result = await ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE id = $1', [
    staffId,
  ]);
  const row = result.rows[0];
  return row ? verifyPassword(row.password_hash, password) : false;
}
