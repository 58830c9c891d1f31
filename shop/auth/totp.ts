import { Secret, TOTP } from 'otpauth';
import { safeEqual } from '../lib/ids';

/** RFC 6238 as authenticator apps use it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps either side of now that still count, for clock drift and slow typing. */
export const TOTP_WINDOW = 1;

function totpFor(secretBase32: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** The time step (counter) that `at` falls in. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a given time step. */
export function totpCodeForStep(secretBase32: string, step: number): string {
  return totpFor(secretBase32).generate({ timestamp: step * TOTP_PERIOD_SECONDS * 1000 });
}

/** The code an authenticator app shows at `at`. */
export function totpCode(secretBase32: string, at: Date): string {
  return totpCodeForStep(secretBase32, totpStep(at));
}

/** Why a TOTP code was refused, in words for the person typing it. */
export const CODE_MESSAGES = {
  wrong_code: 'The code is not correct. Use the current code from your authenticator app.',
  code_reused: 'That code was already used. Wait for the next code from your authenticator app.',
} as const;

export type TotpMatch = { ok: true; step: number } | { ok: false; reason: keyof typeof CODE_MESSAGES };

/**
 * Checks `code` against the steps within the window around `now`. A step at or before
 * `lastAcceptedStep` is refused as reused, which stops a code (or an older one) from being
 * replayed while it is still inside the window.
 */
export function matchTotp(secretBase32: string, code: string, now: Date, lastAcceptedStep: number): TotpMatch {
  const current = totpStep(now);
  let fresh: number | null = null;
  let reused = false;
  // Every candidate is computed and compared, so the time taken does not reveal which one matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step += 1) {
    if (!safeEqual(totpCodeForStep(secretBase32, step), code)) continue;
    if (step > lastAcceptedStep) fresh ??= step;
    else reused = true;
  }
  if (fresh !== null) return { ok: true, step: fresh };
  return { ok: false, reason: reused ? 'code_reused' : 'wrong_code' };
}
