import { afterAll, beforeAll, expect, it } from 'vitest';
import { wrongTotpCode } from '../../../shop/test/auth-helpers';
import { describeBackends, type TestShop } from '../../../shop/test/harness';
import { createPlaywrightViewHost, type PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { brokenKeychain } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createAuthService, type AuthService } from '../auth/auth-service';
import { toIpcError } from '../errors';
import { createPartitionPool } from '../partition-pool';
import { createVault } from '../vault';
import { createSessionManager, type SessionManager } from './session-manager';

const JANE = { id: 'cus_000001', usAccount: 'acc_000001_us' };

describeBackends('switching an open session to act, against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let viewHost: PlaywrightViewHost;
  let auth: AuthService;
  let sessions: SessionManager;

  beforeAll(async () => {
    shop = await startDemoShop(backend, {
      accessTokenSeconds: 7 * 24 * 3600,
      refreshTokenSeconds: 7 * 24 * 3600,
      stepUpSeconds: 24 * 3600,
      consoleLeaseSeconds: 7 * 24 * 3600,
    });
    code = totpCodes(shop);
    viewHost = createPlaywrightViewHost({ previewIntervalMs: 60_000, log: () => undefined });
    auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    await auth.signIn(shop.url, 'agent@demo.test', DEMO_STAFF_PASSWORD);
    await auth.verifyMfa(code('agent@demo.test'));
    const pool = createPartitionPool({ size: 2, wipe: (partition) => viewHost.wipe(partition) });
    sessions = createSessionManager({ api: () => auth.client(), viewHost, pool, log: () => undefined });
  });
  afterAll(async () => {
    await sessions.endAll('app_exit');
    sessions.dispose();
    await auth.signOut();
    await viewHost.dispose();
    await shop.close();
  });

  const startView = () =>
    sessions.start({
      customerId: JANE.id,
      accountId: JANE.usAccount,
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp: { code: code('agent@demo.test') },
    });

  it('steps up, switches at the shop without ending the session, and the banner and the storefront act at once', async () => {
    const open = await startView();
    const id = open.session.id;
    const page = viewHost.page(id);
    await page!.goto(`${shop.url}/store/us/product/earl-grey`);
    expect(await page!.getByTestId('add-to-cart').isDisabled()).toBe(true);

    const switched = await sessions.switchMode({
      sessionId: id,
      mode: 'act',
      stepUp: { code: code('agent@demo.test') },
    });
    expect(switched).toMatchObject({ state: 'open', session: { id, mode: 'act', status: 'active' } });
    expect(sessions.list().find((s) => s.session.id === id)?.session.mode).toBe('act');
    expect(viewHost.banner(id)).toMatchObject({ mode: 'act', state: 'open' });
    expect(await auth.client().session(id)).toMatchObject({ mode: 'act', status: 'active' });

    // The console drew the page again for the new mode: the button is live without the agent reloading.
    expect(await page!.getByTestId('add-to-cart').isDisabled()).toBe(false);
    await page!.getByTestId('add-to-cart').click();
    await page!.waitForURL(/\/cart\?notice=added/);
  });

  it('refuses without a step-up or with a wrong code, and the session stays view only', async () => {
    const open = await startView();
    const id = open.session.id;
    await expect(sessions.switchMode({ sessionId: id, mode: 'act' })).rejects.toMatchObject({
      code: 'step_up_required',
    });
    const wrong = await sessions
      .switchMode({ sessionId: id, mode: 'act', stepUp: { code: wrongTotpCode('agent@demo.test', shop.clock.now()) } })
      .catch(toIpcError);
    expect(wrong).toMatchObject({ kind: 'shop', code: 'invalid_step_up' });
    expect(sessions.list().find((s) => s.session.id === id)?.session.mode).toBe('view');
    expect(viewHost.banner(id)).toMatchObject({ mode: 'view' });
    await sessions.end(id);
    await expect(
      sessions.switchMode({ sessionId: id, mode: 'act', stepUp: { code: code('agent@demo.test') } }),
    ).rejects.toMatchObject({ code: 'session_not_open' });
  });
});
