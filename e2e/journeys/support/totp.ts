import { setTimeout as sleep } from 'node:timers/promises';
import { TOTP_PERIOD_SECONDS, TOTP_WINDOW, totpCodeForStep, totpStep } from '../../../shop/auth/totp';
import { DEMO_STAFF } from '../../../shop/seed/staff';

/**
 * Codes for the demo staff (or `staff`) as their authenticator app shows them, on the real clock: the shop
 * runs in its own process here. The shop takes each step once per staff member, so each code is
 * for a later step than the last, waiting for the next step when the window is used up.
 */
export function realTotp(
  staff: readonly { email: string; totpSecret: string }[] = DEMO_STAFF,
): (email: string) => Promise<string> {
  const last = new Map<string, number>();
  return async (email) => {
    const member = staff.find((s) => s.email === email);
    if (!member) throw new Error(`${email} is not in the staff list`);
    for (;;) {
      const current = totpStep(new Date());
      const step = Math.max(current - TOTP_WINDOW + 1, (last.get(email) ?? -Infinity) + 1);
      if (step <= current + TOTP_WINDOW) {
        last.set(email, step);
        return totpCodeForStep(member.totpSecret, step);
      }
      await sleep((current + 1) * TOTP_PERIOD_SECONDS * 1000 - Date.now() + 50);
    }
  };
}
