import type { LoginResponse, TokenResponse } from '../../shared/api/auth';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { addSeconds } from '../lib/clock';
import { hashSecret, newSecret } from '../lib/ids';
import {
  challengeGone,
  invalidCode,
  invalidCredentials,
  MFA_CHALLENGE_SECONDS,
  MFA_MAX_ATTEMPTS,
  openChallenge,
} from './challenge';
import type { Decoy } from './decoy-challenges';
import { countPasswordFailure, failAttempt, refuseThrottled, SYSTEM_ACTOR, type AttemptEvent } from './lockout';
import { commitThenReport, refuse, succeed } from './outcome';
import type { SignInDefences } from './sign-in-defences';
import { lockStaffById, staffActor, type RequestOrigin, type StaffCredentials } from './staff-record';
import type { Attempt } from './throttle';
import { matchTotp, type TotpMatch } from './totp';

// Refusing a much-guessed account would let strangers lock its owner out; under guard every password
// earns a challenge instead, so guessing passwords teaches nothing without the code.

export type PasswordVerdict =
  | { ok: true; staff: StaffCredentials }
  | { ok: false; reason: 'unknown_email' | 'wrong_password' | 'disabled'; staff: StaffCredentials | null };

/** Step one under guard: a real challenge for the right password, a decoy for anything else. */
export async function guardedLogin(
  ctx: ShopContext,
  defences: SignInDefences,
  input: {
    attempt: Extract<Attempt, { throttled: false }>;
    verdict: PasswordVerdict;
    account: string;
    event: (details: Record<string, unknown>) => AttemptEvent;
  },
): Promise<LoginResponse> {
  const { verdict, account, event } = input;
  // Every attempt counts against the account alike and none against the address yet: the codes
  // tried next are counted, so counts reveal no verdict either.
  await input.attempt.release(ctx.db);
  return commitThenReport(ctx.db, async (tx) => {
    await countPasswordFailure(tx, ctx, defences.throttle, account, event({}));
    if (verdict.ok)
      return succeed<LoginResponse>({ mfaRequired: true, mfaToken: await openChallenge(tx, ctx, verdict.staff.id) });
    const mfaToken = newSecret();
    const now = ctx.clock.now();
    await defences.decoys.add(tx, hashSecret(mfaToken), {
      account,
      staffId: verdict.staff?.id ?? null,
      expiresAt: addSeconds(now, MFA_CHALLENGE_SECONDS),
    });
    const failed = event({ reason: verdict.reason, guarded: true });
    await appendAudit(tx, ctx.clock, {
      action: failed.action,
      actor: failed.actor,
      ...failed.origin,
      details: failed.details,
    });
    return succeed<LoginResponse>({ mfaRequired: true, mfaToken });
  });
}

const WRONG_CODE: TotpMatch = { ok: false, reason: 'wrong_code' };

/**
 * Step two for a decoy: refused like a wrong code on a real challenge, counted and throttled alike.
 * Only a valid code, which a stranger does not have, learns that the password was wrong.
 */
export async function answerDecoy(
  ctx: ShopContext,
  defences: SignInDefences,
  input: { challengeHash: string; decoy: Decoy; code: string; origin: RequestOrigin },
): Promise<TokenResponse> {
  const { challengeHash, decoy, code } = input;
  if (decoy.attempts >= MFA_MAX_ATTEMPTS) throw challengeGone();
  return commitThenReport(ctx.db, async (tx) => {
    const staff = decoy.staffId === null ? null : await lockStaffById(tx, decoy.staffId);
    const event = (action: AttemptEvent['action'], details: Record<string, unknown>): AttemptEvent => ({
      action,
      actor: staff ? staffActor(staff) : SYSTEM_ACTOR,
      origin: input.origin,
      details: { ...details, decoy: true, ...(staff ? {} : { email: decoy.account }) },
    });
    const attempt = await defences.throttle.begin(tx, { account: decoy.account, address: input.origin.ip });
    if (attempt.throttled) return refuseThrottled(tx, ctx, event('staff.mfa_failed', {}), attempt.retryAfterSeconds);
    const tried = await defences.decoys.countAttempt(tx, challengeHash);
    if (tried > MFA_MAX_ATTEMPTS) {
      await attempt.release(tx);
      return refuse(challengeGone());
    }
    // The code is checked but its step not spent: nothing signs in here.
    const match = staff ? matchTotp(staff.totp_secret, code, ctx.clock.now(), staff.totp_last_step) : WRONG_CODE;
    if (match.ok) {
      await defences.decoys.remove(tx, challengeHash);
      return failAttempt(
        tx,
        ctx,
        attempt,
        event('staff.sign_in_failed', { reason: 'wrong_password', attempt: tried }),
        invalidCredentials(),
      );
    }
    return failAttempt(
      tx,
      ctx,
      attempt,
      event('staff.mfa_failed', { reason: match.reason, attempt: tried }),
      invalidCode(match.reason),
    );
  });
}
