import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, type TestShop } from '../../../shop/test/harness';
import { createPlaywrightViewHost, type PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { brokenKeychain } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createAuthService, type AuthService } from '../auth/auth-service';
import { createPartitionPool } from '../partition-pool';
import { createSessionManager, type SessionManager } from './session-manager';
import { createVault } from '../vault';

const JANE = { id: 'cus_000001', usAccount: 'acc_000001_us' };

// The console's clock is the shop's here, so moving the shop's clock moves both.
describeBackends('"I\'m still here", against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let viewHost: PlaywrightViewHost;
  let auth: AuthService;
  let sessions: SessionManager;

  beforeAll(async () => {
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
      now: () => shop.clock.now().getTime(),
      pollIntervalMs: 3_600_000,
      leaseRenewIntervalMs: 3_600_000,
      // Only "I'm still here" sends an activity heartbeat here.
      heartbeatIntervalMs: 3_600_000,
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

  it('tells idle and maximum time left apart, and moves only the idle deadline', async () => {
    const open = await sessions.start({
      customerId: JANE.id,
      accountId: JANE.usAccount,
      mode: 'view',
      reason: 'Customer called about an order',
      ticket: 'T-77',
      stepUp: { code: code('agent@demo.test') },
    });
    const id = open.session.id;
    const idle = open.session.idleTimeoutSeconds;
    const max = Math.round((Date.parse(open.session.expiresAt) - Date.parse(open.session.startedAt)) / 1000);
    // Each counts from its own deadline (this machine may take a few seconds to open the view).
    expect(open.idleSecondsLeft).toBeLessThanOrEqual(idle);
    expect(open.idleSecondsLeft).toBeGreaterThan(idle - 60);
    expect(open.maxSecondsLeft).toBeLessThanOrEqual(max);
    expect(open.maxSecondsLeft).toBeGreaterThan(max - 60);
    expect(open.maxSecondsLeft).toBeGreaterThan(open.idleSecondsLeft);
    expect(open.secondsLeft).toBe(Math.min(open.idleSecondsLeft, open.maxSecondsLeft));
    expect(viewHost.banner(id)).toMatchObject({ reason: 'Customer called about an order', ticket: 'T-77' });

    shop.clock.advance((idle - 40) * 1000);
    const kept = await sessions.keepAlive(id);
    expect(kept.state).toBe('open');
    // The shop moved the idle deadline to now; the maximum length kept counting.
    expect(kept.idleSecondsLeft).toBeGreaterThan(idle - 30);
    expect(kept.maxSecondsLeft).toBeLessThanOrEqual(max - (idle - 40));
    expect(kept.secondsLeft).toBe(Math.min(kept.idleSecondsLeft, kept.maxSecondsLeft));
    expect(Date.parse(kept.session.lastActivityAt)).toBeGreaterThan(Date.parse(open.session.lastActivityAt));

    await sessions.end(id);
    await expect(sessions.keepAlive(id)).rejects.toThrow('This session is not open in this console.');
  });
});
