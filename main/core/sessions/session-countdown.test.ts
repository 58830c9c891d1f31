import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { OpenSession } from '../../../shared/ipc/contract';
import { LONG_LEASE_SECONDS } from '../../../shop/test/fixtures';
import { describeAgainstOneShop } from '../../../shop/test/harness';
import { startAgentConsole, startJaneView, type AgentConsole } from '../../test/console';

// The countdown runs on the console's clock, here the shop's, so moving the shop's clock moves both.
describeAgainstOneShop('the session countdown, against the real shop and Chromium', (backend) => {
  let c: AgentConsole;
  const changes: OpenSession[][] = [];

  beforeAll(async () => {
    c = await startAgentConsole(backend, {
      // The lease outlives the clock jump past the idle timeout.
      config: { stepUpSeconds: 24 * 3600, consoleLeaseSeconds: LONG_LEASE_SECONDS },
      tuning: (shop) => ({
        onChange: (list) => changes.push(list),
        now: () => shop.clock.now().getTime(),
        tickMs: 50,
        // Only the countdown asks the shop here.
        pollIntervalMs: 3_600_000,
        leaseRenewIntervalMs: 3_600_000,
      }),
    });
  });
  afterAll(() => c.close());

  it('counts down in the banner and the tabs, and at zero asks the shop at once whether the session is over', async () => {
    const { shop, code, viewHost, sessions } = c;
    const open = await startJaneView(sessions, code, 'agent@demo.test');
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
