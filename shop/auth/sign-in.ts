import type { LoginRequest, LoginResponse, MfaRequest, TokenResponse } from '../../shared/api/auth';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { addSeconds } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { hashSecret, newSecret } from '../lib/ids';
import { failAttempt, lockedForSeconds, resetFailures, tooManyAttempts } from './lockout';
import { commitThenReport, refuse, succeed } from './outcome';
import { verifyAgainstDummy, verifyPassword } from './passwords';
import { findStaffByEmail, lockStaffById, staffActor, type RequestOrigin } from './staff-record';
import { issueTokenPair, staffFromRow } from './tokens';
import { CODE_MESSAGES, matchTotp } from './totp';

/** How long the step between password and code may take, and how many codes it allows. */
export const MFA_CHALLENGE_SECONDS = 5 * 60;
export const MFA_MAX_ATTEMPTS = 5;

// One message for an unknown email and a wrong password, so neither reveals which it was.
const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'The email or password is not correct.');
const invalidCode = (reason: 'wrong_code' | 'code_reused') => new ApiError(401, 'invalid_mfa_code', CODE_MESSAGES[reason]);
const challengeGone = () => new ApiError(401, 'invalid_mfa_code', 'This sign-in has expired or was already used. Sign in again with your password.');

/** Step one: the password. Success opens an MFA challenge; it does not end a run of failures. */
export async function login(ctx: ShopContext, input: LoginRequest, origin: RequestOrigin): Promise<LoginResponse> {
  const staff = await findStaffByEmail(ctx.db, input.email);
  if (!staff) {
    await verifyAgainstDummy(input.password);
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx.clock, {
        action: 'staff.sign_in_failed',
        actor: { type: 'system', id: null, name: null },
        ...origin,
        details: { reason: 'unknown_email', email: input.email },
      }),
    );
    throw invalidCredentials();
  }
  const lockedSeconds = lockedForSeconds(staff.locked_until, ctx.clock.now());
  if (lockedSeconds !== null) {
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx.clock, { action: 'staff.sign_in_failed', actor: staffActor(staff), ...origin, details: { reason: 'locked' } }),
    );
    throw tooManyAttempts(lockedSeconds);
  }
  const passwordOk = await verifyPassword(staff.password_hash, input.password);
  return commitThenReport(ctx.db, async (tx) => {
    if (!passwordOk) {
      return failAttempt(tx, ctx, staff, origin, { action: 'staff.sign_in_failed', details: { reason: 'wrong_password' } }, invalidCredentials());
    }
    if (staff.disabled) {
      await appendAudit(tx, ctx.clock, { action: 'staff.sign_in_failed', actor: staffActor(staff), ...origin, details: { reason: 'disabled' } });
      return refuse(invalidCredentials());
    }
    const mfaToken = newSecret();
    await tx.query('INSERT INTO mfa_challenges (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)', [
      hashSecret(mfaToken),
      staff.id,
      addSeconds(ctx.clock.now(), MFA_CHALLENGE_SECONDS),
    ]);
    return succeed<LoginResponse>({ mfaRequired: true, mfaToken });
  });
}

interface ChallengeRow {
  staff_id: string;
  expires_at: Date;
  attempts: number;
  used_at: Date | null;
}

/** Step two: the TOTP code for an open challenge. Success signs in and issues a token family. */
export async function completeMfa(ctx: ShopContext, input: MfaRequest, origin: RequestOrigin): Promise<TokenResponse> {
  return commitThenReport(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const challengeHash = hashSecret(input.mfaToken);
    const found = await tx.query<ChallengeRow>('SELECT staff_id, expires_at, attempts, used_at FROM mfa_challenges WHERE token_hash = $1 FOR UPDATE', [challengeHash]);
    const challenge = found.rows[0];
    if (!challenge || challenge.used_at || challenge.expires_at.getTime() <= now.getTime() || challenge.attempts >= MFA_MAX_ATTEMPTS) {
      return refuse(challengeGone());
    }
    const staff = await lockStaffById(tx, challenge.staff_id);
    if (!staff || staff.disabled) return refuse(challengeGone());
    const lockedSeconds = lockedForSeconds(staff.locked_until, now);
    if (lockedSeconds !== null) return refuse(tooManyAttempts(lockedSeconds));

    const match = matchTotp(staff.totp_secret, input.code, now, staff.totp_last_step);
    if (!match.ok) {
      await tx.query('UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1', [challengeHash]);
      const details = { reason: match.reason, attempt: challenge.attempts + 1 };
      return failAttempt(tx, ctx, staff, origin, { action: 'staff.mfa_failed', details }, invalidCode(match.reason));
    }
    await tx.query('UPDATE mfa_challenges SET used_at = $2 WHERE token_hash = $1', [challengeHash, now]);
    await tx.query('UPDATE staff SET totp_last_step = $2 WHERE id = $1', [staff.id, match.step]);
    await resetFailures(tx, staff.id);
    const tokens = await issueTokenPair(tx, ctx, staff.id);
    await appendAudit(tx, ctx.clock, { action: 'staff.sign_in', actor: staffActor(staff), ...origin, details: { method: 'password+totp' } });
    return succeed<TokenResponse>({ ...tokens, staff: staffFromRow(staff) });
  });
}
