import { appendAudit, type AuditInput } from '../audit/append';
import type { Queryable } from '../db/database';
import type { ShopContext } from '../context';
import { ApiError } from '../lib/errors';
import { refuse, type Outcome } from './outcome';
import type { RequestOrigin } from './staff-record';
import type { Attempt, SignInThrottle } from './throttle';

// No account is ever locked: failures slow down their own address (auth/throttle.ts). This module
// turns the throttle's decisions into refusals and audit events.

export const SYSTEM_ACTOR: AuditInput['actor'] = { type: 'system', id: null, name: null };

/** The same refusal for every email, known or not, so it does not tell which are staff. */
export function tooManyAttempts(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'too_many_attempts',
    `Too many failed attempts from this address. Try again in ${String(retryAfterSeconds)} second(s).`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** A failed or refused attempt as its audit event records it. */
export interface AttemptEvent {
  action: 'staff.sign_in_failed' | 'staff.mfa_failed' | 'staff.step_up_failed';
  actor: AuditInput['actor'];
  origin: RequestOrigin;
  details: Record<string, unknown>;
}

type OpenAttempt = Extract<Attempt, { throttled: false }>;

/** Records an attempt made while its address must wait; its password or code was not checked. */
export async function refuseThrottled(
  tx: Queryable,
  ctx: ShopContext,
  event: AttemptEvent,
  retryAfterSeconds: number,
): Promise<Outcome<never>> {
  const details = { ...event.details, reason: 'throttled', retryAfterSeconds };
  await appendAudit(tx, ctx.clock, { action: event.action, actor: event.actor, ...event.origin, details });
  return refuse(tooManyAttempts(retryAfterSeconds));
}

/**
 * Counts a failed attempt and records it. When it makes its address wait for the first time in a
 * scope, `staff.locked` records that throttling began there.
 */
export async function failAttempt(
  tx: Queryable,
  ctx: ShopContext,
  attempt: OpenAttempt,
  event: AttemptEvent,
  refusal: ApiError,
): Promise<Outcome<never>> {
  const waits = attempt.fail();
  const waitSeconds = Math.max(0, ...waits.map((w) => w.delaySeconds));
  const details = { ...event.details, ...(waitSeconds > 0 ? { waitSeconds } : {}) };
  await appendAudit(tx, ctx.clock, { action: event.action, actor: event.actor, ...event.origin, details });
  for (const wait of waits) {
    if (wait.failures !== ctx.config.signInThrottle.freeFailures[wait.scope] + 1) continue;
    await recordLocked(tx, ctx, event, {
      scope: wait.scope,
      address: event.origin.ip,
      failures: wait.failures,
      delaySeconds: wait.delaySeconds,
    });
  }
  return refuse(refusal);
}

/** Counts a wrong password against its account from any address, and records when that puts it under guard. */
export async function countPasswordFailure(
  tx: Queryable,
  ctx: ShopContext,
  throttle: SignInThrottle,
  account: string,
  event: AttemptEvent,
): Promise<void> {
  if (!(await throttle.countPasswordFailure(tx, account))) return;
  await recordLocked(tx, ctx, event, {
    scope: 'account',
    failures: ctx.config.signInThrottle.guardAfterFailures,
    guarded: true,
  });
}

// Events of unknown emails have no staff actor, so they name the email.
const accountOf = (event: AttemptEvent) => ('email' in event.details ? { email: event.details.email } : {});

/** `staff.locked`: throttling began for the attempt's account or address (`details.scope`). */
async function recordLocked(
  tx: Queryable,
  ctx: ShopContext,
  event: AttemptEvent,
  details: Record<string, unknown>,
): Promise<void> {
  await appendAudit(tx, ctx.clock, {
    action: 'staff.locked',
    actor: event.actor,
    ...event.origin,
    details: { ...accountOf(event), ...details },
  });
}
