import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { OpenSession } from '../../../shared/ipc/contract';
import { describeBackends, type TestShop } from '../../../shop/test/harness';
import { createPlaywrightViewHost, type PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { brokenKeychain } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createAuthService, type AuthService } from '../auth/auth-service';
import { createPartitionPool } from '../partition-pool';
import { createSessionManager, type SessionManager } from './session-manager';
import { createVault } from '../vault';

const JANE = { id: 'cus_000001', usAccount: 'acc_000001_us' };

// The countdown runs on the console's clock, here the shop's, so moving the shop's clock moves both.
describeBackends('the session countdown, against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let viewHost: PlaywrightViewHost;
  let auth: AuthService;
  let sessions: SessionManager;
  const changes: OpenSession[][] = [];

  beforeAll(async () => {
    // The lease outlives the clock jump past the idle timeout.
    shop = await startDemoShop(backend, { stepUpSeconds: 24 * 3600, consoleLeaseSeconds: 7 * 24 * 3600 });
    code = totpCodes(shop);
    viewHost = createPlaywrightViewHost({ previewIntervalMs: 60_000, log: () => undefined });
    auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    await auth.signIn(shop.url, 'agent@demo.test', DEMO_STAFF_PASSWORD);
    await auth.verifyMfa(code('agent@demo.test'));
    sessions = createSessionManager({
      api: () => auth.client(),
      viewHost,
      pool: createPartitionPool({ size: 1, wipe: (partition) => viewHost.wipe(partition) }),
      onChange: (list) => changes.push(list),
      now: () => shop.clock.now().getTime(),
      tickMs: 50,
      // Only the countdown asks the shop here.
      pollIntervalMs: 3_600_000,
      leaseRenewIntervalMs: 3_600_000,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await sessions.endAll('app_exit');
    sessions.dispose();
    await auth.signOut();
    await viewHost.dispose();
    await shop.close();
  });

  it('counts down in the banner and the tabs, and at zero asks the shop at once whether the session is over', async () => {
    const open = await sessions.start({
      customerId: JANE.id,
      accountId: JANE.usAccount,
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp: { code: code('agent@demo.test') },
    });
    const id = open.session.id;
    const idleSeconds = open.session.idleTimeoutSeconds;
    const startLeft = open.secondsLeft;
    expect(startLeft).toBeGreaterThan(120);

    shop.clock.advance(120_000);
    await vi.waitFor(() => {
      expect(viewHost.banner(id)?.secondsLeft).toBeLessThanOrEqual(startLeft - 120);
    });
    expect(viewHost.banner(id)?.secondsLeft).toBeGreaterThan(startLeft - 130);
    expect(changes.at(-1)?.find((s) => s.session.id === id)?.secondsLeft).toBeLessThanOrEqual(startLeft - 120);

    shop.clock.advance(idleSeconds * 1000);
    await vi.waitFor(
      () => {
        expect(sessions.list().find((s) => s.session.id === id)).toMatchObject({
          state: 'ended',
          secondsLeft: 0,
          endedMessage: `Ended after ${idleSeconds / 60} minutes without activity.`,
        });
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(viewHost.page(id)).toBeNull();
  });
});
