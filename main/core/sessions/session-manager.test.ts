import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenSession } from '../../../shared/ipc/contract';
import { LONG_LIVED } from '../../../shop/test/fixtures';
import { describeAgainstOneShop, type TestShop } from '../../../shop/test/harness';
import type { PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { JANE, JOHN, quietViewHost, signedInAuth, startJaneView, type CodeFor } from '../../test/console';
import { startDemoShop, totpCodes } from '../../test/shop';
import type { AuthService } from '../auth/auth-service';
import { ConsoleRefusedError, toIpcError } from '../errors';
import { createPartitionPool, type PartitionPool } from '../partition-pool';
import { createSessionManager, type SessionManager } from './session-manager';
import { endedMessageFor, secondsLeftOf } from './session-presentation';

interface Console {
  auth: AuthService;
  pool: PartitionPool;
  sessions: SessionManager;
  changes: OpenSession[][];
  close(): Promise<void>;
}

describeAgainstOneShop('session manager against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: CodeFor;
  let viewHost: PlaywrightViewHost;
  const consoles: Console[] = [];

  async function openConsole(email: string, poolSize = 2): Promise<Console> {
    const auth = await signedInAuth(shop, code, email);
    const pool = createPartitionPool({ size: poolSize, wipe: (partition) => viewHost.wipe(partition) });
    const changes: OpenSession[][] = [];
    const sessions = createSessionManager({
      api: () => auth.client(),
      viewHost,
      pool,
      onChange: (list) => changes.push(list),
      // Poll often so remote ends show up quickly; heartbeat on every activity so tests see it.
      pollIntervalMs: 150,
      heartbeatIntervalMs: 0,
      log: () => undefined,
    });
    auth.setBeforeSignOut(() => sessions.endAll('sign_out'));
    const console_: Console = {
      auth,
      pool,
      sessions,
      changes,
      close: async () => {
        await sessions.endAll('app_exit');
        sessions.dispose();
        await auth.signOut();
      },
    };
    consoles.push(console_);
    return console_;
  }

  const startJane = (c: Console, account: string = JANE.usAccount) =>
    startJaneView(c.sessions, code, c.auth.staff()?.email ?? '', { accountId: account });

  beforeAll(async () => {
    // Leases outlive the clock jumps past idle timeouts (session-recovery.test.ts tests the lease).
    shop = await startDemoShop(backend, LONG_LIVED);
    code = totpCodes(shop);
    viewHost = quietViewHost();
  });
  afterAll(async () => {
    for (const c of consoles) await c.close().catch(() => undefined);
    await viewHost.dispose();
    await shop.close();
  });

  it("starts a session after step-up, shows the customer's store, heartbeats on activity and ends at the shop before closing the view", async () => {
    const c = await openConsole('agent@demo.test');
    const open = await startJane(c);
    expect(open).toMatchObject({
      state: 'open',
      storeName: 'Concierge Demo US',
      endedMessage: null,
      session: { customerId: JANE.id, status: 'active', mode: 'view' },
    });
    expect(open.secondsLeft).toBeGreaterThan(0);
    const id = open.session.id;

    const page = viewHost.page(id);
    expect(page).not.toBeNull();
    expect(new URL(page!.url()).pathname).toMatch(/^\/store\/us\/?$/);
    expect(viewHost.banner(id)).toMatchObject({
      customerName: 'Jane Smith',
      customerEmail: 'jane@example.com',
      storeName: 'Concierge Demo US',
      mode: 'view',
      state: 'open',
    });
    expect(c.pool.slotOf(id)?.partition).toMatch(/^assist-slot-\d$/);

    // Outside the store: refused before the request leaves, and the page says so.
    await page!.goto(`${shop.url}/api/v1/me`).catch(() => undefined);
    expect(viewHost.blocked(id)).toContain(`${shop.url}/api/v1/me`);
    expect(await page!.textContent('body')).toMatch(/Not part of this store/);
    // Permissions are never granted.
    expect(await page!.evaluate(() => Notification.requestPermission())).toBe('denied');

    // Activity: a heartbeat moves the shop's lastActivityAt to the shop's now.
    shop.clock.advance(90_000);
    c.sessions.activity(id);
    await vi.waitFor(async () => {
      const seen = await c.auth.client().session(id);
      expect(Date.parse(seen.lastActivityAt)).toBeGreaterThanOrEqual(shop.clock.now().getTime() - 1000);
    });

    const ended = await c.sessions.end(id);
    expect(ended).toMatchObject({ state: 'ended', endedMessage: 'You ended this session.' });
    expect(await c.auth.client().session(id)).toMatchObject({ status: 'ended', endReason: 'ended_by_agent' });
    expect(viewHost.page(id)).toBeNull();
    expect(c.pool.inUse()).toBe(0);
    expect(c.changes.some((list) => list.some((s) => s.session.id === id && s.state === 'ending'))).toBe(true);

    // Ending an ended session dismisses it from the console's list.
    await c.sessions.end(id);
    expect(c.sessions.list().find((s) => s.session.id === id)).toBeUndefined();
  });

  it('notices a supervisor ending the session elsewhere, closes the view and says why', async () => {
    const agent = await openConsole('agent2@demo.test');
    const supervisor = await openConsole('supervisor@demo.test');
    const open = await startJane(agent);
    const id = open.session.id;
    const terminated = await supervisor.sessions.terminate(id, 'Customer withdrew consent on the phone');
    expect(terminated).toMatchObject({ status: 'ended', endReason: 'terminated_by_supervisor' });
    await vi.waitFor(
      () => {
        expect(agent.sessions.list().find((s) => s.session.id === id)).toMatchObject({
          state: 'ended',
          endedMessage: 'Ended by Sam Supervisor (supervisor): Customer withdrew consent on the phone',
        });
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(viewHost.page(id)).toBeNull();
    expect(agent.pool.inUse()).toBe(0);
  });

  it('notices the idle timeout', async () => {
    const c = await openConsole('admin@demo.test');
    const open = await startJane(c, JANE.euAccount);
    expect(open.storeName).toBe('Concierge Demo EU');
    shop.clock.advance((open.session.idleTimeoutSeconds + 5) * 1000);
    await c.sessions.pollNow();
    expect(c.sessions.list().find((s) => s.session.id === open.session.id)).toMatchObject({
      state: 'ended',
      endedMessage: `Ended after ${open.session.idleTimeoutSeconds / 60} minutes without activity.`,
    });
    expect(viewHost.page(open.session.id)).toBeNull();
  });

  it('ends every open session with reason sign_out before signing out', async () => {
    const c = await openConsole('agent@demo.test');
    const supervisor = await openConsole('supervisor@demo.test');
    const open = await startJane(c);
    await c.auth.signOut();
    expect(c.sessions.list()).toEqual([]);
    expect(await supervisor.auth.client().session(open.session.id)).toMatchObject({
      status: 'ended',
      endReason: 'sign_out',
    });
    expect(viewHost.page(open.session.id)).toBeNull();
  });

  it('sends at most one heartbeat per interval while the agent is active', async () => {
    const c = await openConsole('agent2@demo.test');
    let heartbeats = 0;
    let now = Date.now();
    const throttled = createSessionManager({
      api: () => {
        const client = c.auth.client();
        return {
          ...client,
          heartbeat: (id: string) => {
            heartbeats += 1;
            return client.heartbeat(id);
          },
        };
      },
      viewHost,
      pool: c.pool,
      heartbeatIntervalMs: 30_000,
      pollIntervalMs: 60_000,
      now: () => now,
      log: () => undefined,
    });
    const open = await throttled.start({
      customerId: JANE.id,
      accountId: JANE.usAccount,
      mode: 'act',
      reason: 'Customer wants help with checkout',
      stepUp: { code: code('agent2@demo.test') },
    });
    const id = open.session.id;
    throttled.activity(id);
    throttled.activity(id);
    expect(heartbeats).toBe(0);
    now += 31_000;
    throttled.activity(id);
    throttled.activity(id);
    now += 5_000;
    throttled.activity(id);
    expect(heartbeats).toBe(1);
    await throttled.end(id);
    throttled.dispose();
  });

  it("passes the shop's refusals through with their codes (no consent)", async () => {
    const c = await openConsole('agent2@demo.test');
    const error = await c.sessions
      .start({
        customerId: JOHN.id,
        accountId: JOHN.usAccount,
        mode: 'view',
        reason: 'Customer called',
        stepUp: { code: code('agent2@demo.test') },
      })
      .catch((e: unknown) => e);
    expect(toIpcError(error)).toMatchObject({ kind: 'shop', code: 'consent_required' });
    expect(c.pool.inUse()).toBe(0);
  });

  it('refuses a session when every slot is taken, without asking the shop', async () => {
    const c = await openConsole('agent@demo.test', 1);
    const first = await startJane(c);
    const error = await startJane(c, JANE.euAccount).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleRefusedError);
    expect(toIpcError(error)).toMatchObject({ code: 'no_free_slot' });
    await c.sessions.end(first.session.id);
  });

  it('keeps sessions apart: two customers never share cookies or storage, and a released slot keeps nothing', async () => {
    const c = await openConsole('admin@demo.test', 2);
    const other = (await c.auth.client().searchCustomers({ consent: 'granted', limit: 10 })).items.find(
      (s) => s.id !== JANE.id,
    );
    expect(other).toBeDefined();
    const otherAccount = (await c.auth.client().customer(other!.id)).accounts[0];
    expect(otherAccount).toBeDefined();

    const a = await startJane(c);
    const b = await c.sessions.start({
      customerId: other!.id,
      accountId: otherAccount!.id,
      mode: 'view',
      reason: 'Customer called about a return',
      stepUp: { code: code('admin@demo.test') },
    });
    const pageA = viewHost.page(a.session.id)!;
    const pageB = viewHost.page(b.session.id)!;
    const cookiesA = await viewHost.context(a.session.id)!.cookies();
    const cookiesB = await viewHost.context(b.session.id)!.cookies();
    expect(cookiesA.length).toBeGreaterThan(0);
    expect(cookiesB.length).toBeGreaterThan(0);
    const valuesA = new Set(cookiesA.map((k) => k.value));
    expect(cookiesB.some((k) => valuesA.has(k.value))).toBe(false);

    await pageA.evaluate(() => {
      localStorage.setItem('probe', 'from-a');
      sessionStorage.setItem('probe', 'from-a');
    });
    expect(await pageB.evaluate(() => localStorage.getItem('probe'))).toBeNull();
    expect(await pageA.textContent('body')).toMatch(/Jane/);
    expect(await pageB.textContent('body')).not.toMatch(/Jane Smith/);

    const slotA = c.pool.slotOf(a.session.id)!.partition;
    await c.sessions.end(a.session.id);
    const again = await startJane(c, JANE.euAccount);
    expect(c.pool.slotOf(again.session.id)!.partition).toBe(slotA);
    const pageC = viewHost.page(again.session.id)!;
    expect(await pageC.evaluate(() => localStorage.getItem('probe'))).toBeNull();
    const cookiesC = await viewHost.context(again.session.id)!.cookies();
    expect(cookiesC.some((k) => valuesA.has(k.value))).toBe(false);
    await c.sessions.end(again.session.id);
    await c.sessions.end(b.session.id);
  });
});

describe('session manager words and numbers', () => {
  it('explains every end reason', () => {
    const base = { endNote: null, idleTimeoutSeconds: 600 };
    expect(endedMessageFor({ ...base, endReason: 'idle_timeout' })).toBe('Ended after 10 minutes without activity.');
    expect(endedMessageFor({ ...base, endReason: 'terminated_by_supervisor', endNote: ' Policy breach ' })).toBe(
      'Ended by a supervisor: Policy breach',
    );
    expect(endedMessageFor({ ...base, endReason: 'terminated_by_supervisor' })).toBe('Ended by a supervisor.');
    const sam = { name: 'Sam Supervisor', role: 'supervisor' as const };
    expect(
      endedMessageFor({ ...base, endReason: 'terminated_by_supervisor', endNote: 'Wrong customer', endedBy: sam }),
    ).toBe('Ended by Sam Supervisor (supervisor): Wrong customer');
    expect(endedMessageFor({ ...base, endReason: 'terminated_by_supervisor', endedBy: sam })).toBe(
      'Ended by Sam Supervisor (supervisor).',
    );
    expect(endedMessageFor({ ...base, endReason: 'access_revoked', endNote: 'staff account disabled' })).toBe(
      'Ended: your access to assisted sessions was withdrawn (staff account disabled).',
    );
    expect(endedMessageFor({ ...base, endReason: 'max_length' })).toMatch(/maximum session length/);
    expect(endedMessageFor({ ...base, endReason: 'idle_timeout', idleTimeoutSeconds: 90 })).toBe(
      'Ended after 90 seconds without activity.',
    );
  });
  it('counts down to the earlier of the maximum length and the idle deadline', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(
      secondsLeftOf(
        { expiresAt: '2026-01-01T12:30:00Z', lastActivityAt: '2026-01-01T11:55:00Z', idleTimeoutSeconds: 600 },
        now,
      ),
    ).toBe(300);
    expect(
      secondsLeftOf(
        { expiresAt: '2026-01-01T12:02:00Z', lastActivityAt: '2026-01-01T12:00:00Z', idleTimeoutSeconds: 600 },
        now,
      ),
    ).toBe(120);
    expect(
      secondsLeftOf(
        { expiresAt: '2026-01-01T11:00:00Z', lastActivityAt: '2026-01-01T12:00:00Z', idleTimeoutSeconds: 600 },
        now,
      ),
    ).toBe(0);
  });
});
