import { Secret, TOTP } from 'otpauth';
import { safeEqual } from '../lib/ids';

/** RFC 6238 as authenticator apps use it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps either side of now that still count, for clock drift and slow typing. */
export const TOTP_WINDOW = 1;

function totpFor(secretBase32: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS });
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

/**
 * The step `code` belongs to, if it is within the window around `now` and later than
 * `lastAcceptedStep`; null otherwise. Refusing steps at or before the last accepted one stops a
 * code (or an older one) from being replayed while it is still inside the window.
 */
export function matchTotp(secretBase32: string, code: string, now: Date, lastAcceptedStep: number): number | null {
  const current = totpStep(now);
  let matched: number | null = null;
  // Every candidate is computed and compared, so the time taken does not reveal which one matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step += 1) {
    if (safeEqual(totpCodeForStep(secretBase32, step), code) && step > lastAcceptedStep && matched === null) matched = step;
  }
  return matched;
}
