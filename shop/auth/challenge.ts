import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { addSeconds } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { hashSecret, newSecret } from '../lib/ids';
import { CODE_MESSAGES } from './totp';

/** How long the step between password and code may take, and how many codes it allows. */
export const MFA_CHALLENGE_SECONDS = 5 * 60;
export const MFA_MAX_ATTEMPTS = 5;

// One message for an unknown email and a wrong password, so neither reveals which it was.
export const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The email or password is not correct.');
export const invalidCode = (reason: keyof typeof CODE_MESSAGES) =>
  new ApiError(401, 'invalid_mfa_code', CODE_MESSAGES[reason]);
export const challengeGone = () =>
  new ApiError(
    401,
    'invalid_mfa_code',
    'This sign-in has expired or was already used. Sign in again with your password.',
  );

/** Opens the challenge a right password earns; returns its token. */
export async function openChallenge(tx: Queryable, ctx: ShopContext, staffId: string): Promise<string> {
  const mfaToken = newSecret();
  await tx.query('INSERT INTO mfa_challenges (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)', [
    hashSecret(mfaToken),
    staffId,
    addSeconds(ctx.clock.now(), MFA_CHALLENGE_SECONDS),
  ]);
  return mfaToken;
}
