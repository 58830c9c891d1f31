import { afterAll, beforeAll, expect, it } from 'vitest';
import { LONG_LEASE_SECONDS } from '../../../shop/test/fixtures';
import { describeAgainstOneShop } from '../../../shop/test/harness';
import { startAgentConsole, startJaneView, type AgentConsole } from '../../test/console';

// The console's clock is the shop's here, so moving the shop's clock moves both.
describeAgainstOneShop('"I\'m still here", against the real shop and Chromium', (backend) => {
  let c: AgentConsole;

  beforeAll(async () => {
    c = await startAgentConsole(backend, {
      config: { stepUpSeconds: 24 * 3600, consoleLeaseSeconds: LONG_LEASE_SECONDS },
      tuning: (shop) => ({
        now: () => shop.clock.now().getTime(),
        pollIntervalMs: 3_600_000,
        leaseRenewIntervalMs: 3_600_000,
        // Only "I'm still here" sends an activity heartbeat here.
        heartbeatIntervalMs: 3_600_000,
      }),
    });
  });
  afterAll(() => c.close());

  it('tells idle and maximum time left apart, and moves only the idle deadline', async () => {
    const { shop, code, viewHost, sessions } = c;
    const open = await startJaneView(sessions, code, 'agent@demo.test', { ticket: 'T-77' });
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
