import type { Queryable } from '../db/database';
import type { ShopContext } from '../context';
import { addSeconds } from '../lib/clock';
import { hashSecret, newSecret } from '../lib/ids';

export interface IssuedStepUp {
  stepUpToken: string;
  expiresAt: string;
}

/** Issues a single-use step-up token for `staffId`, valid for `ctx.config.stepUpSeconds`. */
export async function issueStepUpToken(tx: Queryable, ctx: ShopContext, staffId: string): Promise<IssuedStepUp> {
  const token = newSecret();
  const expiresAt = addSeconds(ctx.clock.now(), ctx.config.stepUpSeconds);
  await tx.query('INSERT INTO step_up_tokens (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)', [hashSecret(token), staffId, expiresAt]);
  return { stepUpToken: token, expiresAt: expiresAt.toISOString() };
}

/** Step-up tokens are 256-bit base64url secrets; anything else cannot be one. */
const STEP_UP_TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * True exactly once for a valid, unexpired, unused step-up token of `staffId`, which it marks
 * used; false for anything else. The conditional UPDATE makes concurrent use count once.
 */
export async function consumeStepUpToken(tx: Queryable, ctx: ShopContext, staffId: string, token: string | undefined): Promise<boolean> {
  if (token === undefined || !STEP_UP_TOKEN.test(token)) return false;
  const now = ctx.clock.now();
  const result = await tx.query(
    `UPDATE step_up_tokens SET used_at = $3
      WHERE token_hash = $1 AND staff_id = $2 AND used_at IS NULL AND expires_at > $3`,
    [hashSecret(token), staffId, now],
  );
  return result.rowCount === 1;
}
