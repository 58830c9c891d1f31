import type { Queryable } from '../db/database';
import type { ShopContext } from '../context';
import { addSeconds } from '../lib/clock';
import { hashSecret, newSecret } from '../lib/ids';

export interface IssuedStepUp {
  stepUpToken: string;
  expiresAt: string;
}

/** The sign-in a step-up token belongs to: a staff member's refresh-token family. */
export interface SignInRef {
  staffId: string;
  familyId: string;
}

/** Issues a single-use step-up token for one sign-in, valid for `ctx.config.stepUpSeconds`. */
export async function issueStepUpToken(tx: Queryable, ctx: ShopContext, owner: SignInRef): Promise<IssuedStepUp> {
  const token = newSecret();
  const expiresAt = addSeconds(ctx.clock.now(), ctx.config.stepUpSeconds);
  await tx.query('INSERT INTO step_up_tokens (token_hash, staff_id, family_id, expires_at) VALUES ($1, $2, $3, $4)', [
    hashSecret(token),
    owner.staffId,
    owner.familyId,
    expiresAt,
  ]);
  return { stepUpToken: token, expiresAt: expiresAt.toISOString() };
}

/** Step-up tokens are 256-bit base64url secrets; anything else cannot be one. */
const STEP_UP_TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * True exactly once for a valid, unexpired, unused step-up token of this sign-in (not merely of
 * its staff member), which it marks used; false for anything else. The conditional UPDATE makes
 * concurrent use count once.
 */
export async function consumeStepUpToken(
  tx: Queryable,
  ctx: ShopContext,
  owner: SignInRef,
  token: string | undefined,
): Promise<boolean> {
  if (token === undefined || !STEP_UP_TOKEN.test(token)) return false;
  const now = ctx.clock.now();
  const result = await tx.query(
    `UPDATE step_up_tokens SET used_at = $3
      WHERE token_hash = $1 AND staff_id = $2 AND family_id = $4 AND used_at IS NULL AND expires_at > $3`,
    [hashSecret(token), owner.staffId, now, owner.familyId],
  );
  return result.rowCount === 1;
}
