import type { ShopConfig } from '../../shop/context';
import { totpCodeForStep, totpStep, TOTP_WINDOW } from '../../shop/auth/totp';
import { systemClock } from '../../shop/lib/clock';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../shop/seed/staff';
import { seedDemo } from '../../shop/seed/demo';
import { storefrontPlugin } from '../../shop/storefront/plugin';
import { startTestShop, type Backend, type TestShop } from '../../shop/test/harness';

/**
 * Test support for the console core: a real demo shop (API + storefront) on a real port, and
 * TOTP codes as an authenticator app would show them for the demo staff.
 */
export { DEMO_STAFF_PASSWORD };

export function startDemoShop(backend: Backend, config: Partial<ShopConfig> = {}): Promise<TestShop> {
  return startTestShop(backend, {
    seed: (db) => seedDemo(db, systemClock),
    build: { extraPlugins: [(app, ctx) => storefrontPlugin(app, ctx)] },
    config,
  });
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
