import type { LoginRequest, LoginResponse, MfaRequest, TokenResponse } from '../../shared/api/auth';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { hashSecret } from '../lib/ids';
import { challengeGone, invalidCode, invalidCredentials, MFA_MAX_ATTEMPTS, openChallenge } from './challenge';
import { answerDecoy, guardedLogin, type PasswordVerdict } from './guarded-sign-in';
import { countPasswordFailure, failAttempt, refuseThrottled, SYSTEM_ACTOR, type AttemptEvent } from './lockout';
import { commitThenReport, refuse, succeed } from './outcome';
import { verifyAgainstDummy, verifyPassword } from './passwords';
import type { SignInDefences } from './sign-in-defences';
import { findStaffByEmail, lockStaffById, staffActor, type RequestOrigin, type StaffCredentials } from './staff-record';
import { issueTokenPair, staffFromRow } from './tokens';
import { matchTotp } from './totp';

export { MFA_CHALLENGE_SECONDS, MFA_MAX_ATTEMPTS } from './challenge';

function verdictOf(staff: StaffCredentials | null, passwordOk: boolean): PasswordVerdict {
  if (!staff) return { ok: false, reason: 'unknown_email', staff: null };
  if (!passwordOk) return { ok: false, reason: 'wrong_password', staff };
  // A disabled account fails like a wrong password, counted alike, so it does not stand out either.
  if (staff.disabled) return { ok: false, reason: 'disabled', staff };
  return { ok: true, staff };
}

/**
 * Step one: the password. Success opens an MFA challenge; it does not end a run of failures.
 * Known and unknown emails take the same path through the throttle, so neither stands out.
 */
export async function login(
  ctx: ShopContext,
  defences: SignInDefences,
  input: LoginRequest,
  origin: RequestOrigin,
): Promise<LoginResponse> {
  const staff = await findStaffByEmail(ctx.db, input.email);
  const account = input.email;
  const event = (details: Record<string, unknown>): AttemptEvent => ({
    action: 'staff.sign_in_failed',
    actor: staff ? staffActor(staff) : SYSTEM_ACTOR,
    origin,
    details: staff ? details : { ...details, email: account },
  });
  const attempt = await defences.throttle.begin(ctx.db, { account, address: origin.ip });
  if (attempt.throttled)
    return commitThenReport(ctx.db, (tx) => refuseThrottled(tx, ctx, event({}), attempt.retryAfterSeconds));
  const guarded = await defences.throttle.guarded(ctx.db, account);
  // An unknown email costs the same hash work as a known one.
  const passwordOk = staff
    ? await verifyPassword(staff.password_hash, input.password)
    : await verifyAgainstDummy(input.password);
  const verdict = verdictOf(staff, passwordOk);
  if (guarded) return guardedLogin(ctx, defences, { attempt, verdict, account, event });

  return commitThenReport(ctx.db, async (tx) => {
    if (!verdict.ok) {
      await countPasswordFailure(tx, ctx, defences.throttle, account, event({}));
      return failAttempt(tx, ctx, attempt, event({ reason: verdict.reason }), invalidCredentials());
    }
    await attempt.release(tx);
    return succeed<LoginResponse>({ mfaRequired: true, mfaToken: await openChallenge(tx, ctx, verdict.staff.id) });
  });
}

interface ChallengeRow {
  staff_id: string;
  expires_at: Date;
  attempts: number;
  used_at: Date | null;
}

/** Step two: the TOTP code for an open challenge. Success signs in and issues a token family. */
export async function completeMfa(
  ctx: ShopContext,
  defences: SignInDefences,
  input: MfaRequest,
  origin: RequestOrigin,
): Promise<TokenResponse> {
  const challengeHash = hashSecret(input.mfaToken);
  const decoy = await defences.decoys.find(ctx.db, challengeHash, ctx.clock.now());
  if (decoy) return answerDecoy(ctx, defences, { challengeHash, decoy, code: input.code, origin });

  return commitThenReport(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const found = await tx.query<ChallengeRow>(
      'SELECT staff_id, expires_at, attempts, used_at FROM mfa_challenges WHERE token_hash = $1 FOR UPDATE',
      [challengeHash],
    );
    const challenge = found.rows[0];
    if (
      !challenge ||
      challenge.used_at ||
      challenge.expires_at.getTime() <= now.getTime() ||
      challenge.attempts >= MFA_MAX_ATTEMPTS
    ) {
      return refuse(challengeGone());
    }
    const staff = await lockStaffById(tx, challenge.staff_id);
    if (!staff || staff.disabled) return refuse(challengeGone());
    const event = (details: Record<string, unknown>): AttemptEvent => ({
      action: 'staff.mfa_failed',
      actor: staffActor(staff),
      origin,
      details,
    });
    const attempt = await defences.throttle.begin(tx, { account: staff.email, address: origin.ip });
    if (attempt.throttled) return refuseThrottled(tx, ctx, event({}), attempt.retryAfterSeconds);

    const match = matchTotp(staff.totp_secret, input.code, now, staff.totp_last_step);
    if (!match.ok) {
      await tx.query('UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1', [challengeHash]);
      return failAttempt(
        tx,
        ctx,
        attempt,
        event({ reason: match.reason, attempt: challenge.attempts + 1 }),
        invalidCode(match.reason),
      );
    }
    await tx.query('UPDATE mfa_challenges SET used_at = $2 WHERE token_hash = $1', [challengeHash, now]);
    await tx.query('UPDATE staff SET totp_last_step = $2 WHERE id = $1', [staff.id, match.step]);
    await attempt.succeed(tx);
    const tokens = await issueTokenPair(tx, ctx, staff.id);
    await appendAudit(tx, ctx.clock, {
      action: 'staff.sign_in',
      actor: staffActor(staff),
      ...origin,
      details: { method: 'password+totp' },
    });
    return succeed<TokenResponse>({ ...tokens, staff: staffFromRow(staff) });
  });
}
