import { totpCodeForStep, totpStep, TOTP_WINDOW } from '../../shop/auth/totp';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../shop/seed/staff';
import { startStorefrontShop } from '../../shop/test/fixtures';
import type { Backend, TestShop } from '../../shop/test/harness';
import { signingKeyPair } from '../../shared/audit/checkpoint';
import { registerSigningKey } from '../../shop/audit/checkpoint-store';
import { startCheckpointer } from '../../shop/audit/checkpointer';

/**
 * Test support for the console core: a real demo shop (API + storefront) on a real port, and
 * TOTP codes as an authenticator app would show them for the demo staff.
 */
export { DEMO_STAFF_PASSWORD };

export const startDemoShop = startStorefrontShop;

/**
 * The demo shop signing its audit log as the shop CLI does (its checkpointer, a key of its own,
 * every 1,000th event and the head every 60 s), for the browser tier the screens are seen in.
 */
export async function startSigningDemoShop(backend: Backend): Promise<TestShop> {
  const shop = await startStorefrontShop(backend);
  const key = signingKeyPair();
  await registerSigningKey(shop.ctx.db, key, shop.clock.now().toISOString(), shop.clock);
  const checkpointer = startCheckpointer({ db: shop.ctx.db, clock: shop.clock, key });
  return {
    ...shop,
    close: async () => {
      await checkpointer.stop();
      await shop.close();
    },
  };
}

/**
 * Codes for the demo staff on this shop's clock. The shop accepts each time step once per staff
 * member, so each code is for a later step than the last; when the window is used up the test
 * clock moves on a step (no sleeping).
 */
export function totpCodes(shop: TestShop): (email: string) => string {
  const last = new Map<string, number>();
  return (email) => {
    const member = DEMO_STAFF.find((s) => s.email === email);
    if (!member) throw new Error(`${email} is not demo staff`);
    for (;;) {
      const current = totpStep(shop.clock.now());
      const step = Math.max(current - TOTP_WINDOW + 1, (last.get(email) ?? -Infinity) + 1);
      if (step <= current + TOTP_WINDOW) {
        last.set(email, step);
        return totpCodeForStep(member.totpSecret, step);
      }
      shop.clock.advance(30_000);
    }
  };
}
