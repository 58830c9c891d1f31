import { appendAudit } from '../audit/append';
import type { Queryable } from '../db/database';
import type { ShopContext } from '../context';
import { addSeconds } from '../lib/clock';
import { ApiError } from '../lib/errors';
import { refuse, type Outcome } from './outcome';
import { staffActor, type RequestOrigin, type StaffCredentials } from './staff-record';

/** Seconds until `lockedUntil`, or null when the account is not locked at `now`. */
export function lockedForSeconds(lockedUntil: Date | null, now: Date): number | null {
  if (!lockedUntil || lockedUntil.getTime() <= now.getTime()) return null;
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

export function tooManyAttempts(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'too_many_attempts',
    `Too many failed attempts: this account is locked. Try again in ${String(Math.ceil(retryAfterSeconds / 60))} minute(s).`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

export interface FailureOutcome {
  /** Set when this failure locked the account: until when. */
  lockedUntil: Date | null;
}

/**
 * Counts one failed password or code for `staffId`. The failure that reaches
 * `lockout.maxFailures` locks the account for `lockout.lockSeconds` and starts the count afresh,
 * so after the lock the staff member has the full number of tries again.
 */
export async function recordFailure(tx: Queryable, ctx: ShopContext, staffId: string): Promise<FailureOutcome> {
  const current = await tx.query<{ failed_attempts: number }>('SELECT failed_attempts FROM staff WHERE id = $1 FOR UPDATE', [staffId]);
  const failures = (current.rows[0]?.failed_attempts ?? 0) + 1;
  if (failures >= ctx.config.lockout.maxFailures) {
    const lockedUntil = addSeconds(ctx.clock.now(), ctx.config.lockout.lockSeconds);
    await tx.query('UPDATE staff SET failed_attempts = 0, locked_until = $2 WHERE id = $1', [staffId, lockedUntil]);
    return { lockedUntil };
  }
  await tx.query('UPDATE staff SET failed_attempts = $2 WHERE id = $1', [staffId, failures]);
  return { lockedUntil: null };
}

/** A success ends the run of failures. */
export async function resetFailures(tx: Queryable, staffId: string): Promise<void> {
  await tx.query('UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = $1', [staffId]);
}

/**
 * Counts a failure against a known staff member and records it; when it locks the account the
 * lock is recorded too and the refusal becomes 429.
 */
export async function failAttempt(
  tx: Queryable,
  ctx: ShopContext,
  staff: Pick<StaffCredentials, 'id' | 'name'>,
  origin: RequestOrigin,
  event: { action: 'staff.sign_in_failed' | 'staff.mfa_failed' | 'staff.step_up_failed'; details: Record<string, unknown> },
  refusal: ApiError,
): Promise<Outcome<never>> {
  const { lockedUntil } = await recordFailure(tx, ctx, staff.id);
  const actor = staffActor(staff);
  await appendAudit(tx, ctx.clock, { action: event.action, actor, ...origin, details: event.details });
  if (!lockedUntil) return refuse(refusal);
  await appendAudit(tx, ctx.clock, {
    action: 'staff.locked',
    actor,
    ...origin,
    details: { failures: ctx.config.lockout.maxFailures, lockedUntil: lockedUntil.toISOString() },
  });
  return refuse(tooManyAttempts(ctx.config.lockout.lockSeconds));
}
