import { setTimeout as sleep } from 'node:timers/promises';
import { TOTP_PERIOD_SECONDS, TOTP_WINDOW, totpCodeForStep, totpStep } from '../shop/auth/totp';

/**
 * TOTP codes as an authenticator app shows them (the shop's own otpauth settings: SHA-1, 6 digits,
 * 30 s). A shop accepts each time step once per staff member, within ±TOTP_WINDOW steps of now;
 * this hands out each person's steps in order, oldest usable first, and waits for the next step
 * only when a person's window is used up. When the shop refuses a code because another sign-in (an
 * earlier run, a person at the shop) spent its step, asking again gives the next step's code.
 */
export interface TotpCodes {
  /** The next unused code for this secret; waits (at most one step) when the window is spent. */
  next(secret: string): Promise<string>;
}

const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;
/** A code for the oldest step is not handed out this close to its step leaving the window. */
const MARGIN_MS = 3000;

export function totpCodes(now: () => number = Date.now): TotpCodes {
  const lastStep = new Map<string, number>();
  return {
    async next(secret) {
      for (;;) {
        const at = now();
        const current = totpStep(new Date(at));
        const nearEdge = PERIOD_MS - (at % PERIOD_MS) < MARGIN_MS;
        const oldest = current - TOTP_WINDOW + (nearEdge ? 1 : 0);
        const step = Math.max(oldest, (lastStep.get(secret) ?? -Infinity) + 1);
        if (step <= current + TOTP_WINDOW) {
          lastStep.set(secret, step);
          return totpCodeForStep(secret, step);
        }
        await sleep(PERIOD_MS - (at % PERIOD_MS) + 200);
      }
    },
  };
}
