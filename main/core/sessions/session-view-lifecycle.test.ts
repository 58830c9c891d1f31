import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestShop } from '../../../shop/test/harness';
import type { PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { quietViewHost, signedInAuth, startJaneView, type CodeFor } from '../../test/console';
import { startDemoShop, totpCodes } from '../../test/shop';
import type { AuthService } from '../auth/auth-service';
import { createPartitionPool, type PartitionPool } from '../partition-pool';
import type { ViewEvents, ViewHost } from '../view-host';
import { createSessionManager, type SessionManager } from './session-manager';

/**
 * A storefront view's life as the session manager drives it through the view host interface,
 * here with the browser tier's real Chromium: a partition is wiped for the next customer only
 * after the view is destroyed, a partition that may still hold something is retired for a fresh
 * one, and a view the host reports in trouble becomes a problem the agent can reload instead of a
 * blank view.
 * (The console's side of the ordering is the same for Electron's view host.)
 */

/** The real view host, with each close and wipe written down in the order they start and end. */
function recordingHost(real: PlaywrightViewHost) {
  const order: string[] = [];
  const faults = { wipes: 0, closes: 0 };
  /** What each session's view reports to the session manager, as the host was given it. */
  const events = new Map<string, ViewEvents>();
  const host: ViewHost = {
    open: (session, slot, url, policy, viewEvents) => {
      events.set(session.session.id, viewEvents);
      return real.open(session, slot, url, policy, viewEvents);
    },
    show: (...args) => {
      real.show(...args);
    },
    update: (state) => {
      real.update(state);
    },
    reload: (sessionId) => real.reload(sessionId),
    async close(sessionId) {
      order.push('close');
      await real.close(sessionId);
      order.push(real.page(sessionId) === null ? 'closed' : 'still open');
      if (faults.closes > 0) {
        faults.closes--;
        throw new Error('the view was not destroyed in time');
      }
    },
    async wipe(partition) {
      order.push(`wipe ${partition}`);
      await real.wipe(partition);
      if (faults.wipes > 0) {
        faults.wipes--;
        throw new Error(`${partition} still holds 1 cookie after wiping`);
      }
    },
  };
  return { host, order, faults, events };
}

describe('a storefront view from open to reuse, against the real shop and Chromium', () => {
  let shop: TestShop;
  let code: CodeFor;
  let real: PlaywrightViewHost;
  let auth: AuthService;
  let recording: ReturnType<typeof recordingHost>;
  let pool: PartitionPool;
  let sessions: SessionManager;
  /** What the session manager logged (a failed reload says why here). */
  const logged: string[] = [];

  beforeAll(async () => {
    shop = await startDemoShop('pglite', { stepUpSeconds: 24 * 3600 });
    code = totpCodes(shop);
    real = quietViewHost();
    auth = await signedInAuth(shop, code, 'agent@demo.test');
    recording = recordingHost(real);
    pool = createPartitionPool({ size: 1, wipe: (partition) => recording.host.wipe(partition) });
    sessions = createSessionManager({
      api: () => auth.client(),
      viewHost: recording.host,
      pool,
      pollIntervalMs: 3_600_000,
      leaseRenewIntervalMs: 3_600_000,
      log: (message) => logged.push(message),
    });
  });
  afterEach(() => {
    recording.order.length = 0;
  });
  afterAll(async () => {
    await sessions.endAll('app_exit').catch(() => undefined);
    sessions.dispose();
    await auth.signOut().catch(() => undefined);
    await real.dispose();
    await shop.close();
  });

  const startJane = () => startJaneView(sessions, code, 'agent@demo.test');

  it('wipes the partition only once the view is destroyed, and hands the slot on after that', async () => {
    const open = await startJane();
    expect(pool.slotOf(open.session.id)?.partition).toBe('assist-slot-0');
    await sessions.end(open.session.id);
    expect(recording.order).toEqual(['close', 'closed', 'wipe assist-slot-0']);
    expect(pool.inUse()).toBe(0);
    const next = await startJane();
    expect(pool.slotOf(next.session.id)?.partition).toBe('assist-slot-0');
    await sessions.end(next.session.id);
  });

  it('retires a partition whose wipe left something, and opens the next customer on a fresh one', async () => {
    recording.faults.wipes = 1;
    const first = await startJane();
    await sessions.end(first.session.id);
    expect(recording.order).toEqual(['close', 'closed', 'wipe assist-slot-0']);
    expect(pool.retired()).toContain('assist-slot-0');
    const next = await startJane();
    expect(pool.slotOf(next.session.id)?.partition).toBe('assist-slot-0-1');
    expect(new URL(real.page(next.session.id)?.url() ?? '').pathname).toMatch(/^\/store\/us\/?$/);
    await sessions.end(next.session.id);
  });

  it('never wipes for reuse a partition whose view would not close: it is retired unwiped', async () => {
    recording.faults.closes = 1;
    const first = await startJane();
    const partition = pool.slotOf(first.session.id)?.partition;
    await sessions.end(first.session.id);
    expect(recording.order).toEqual(['close', 'closed']);
    expect(pool.retired()).toContain(partition);
    const next = await startJane();
    expect(pool.slotOf(next.session.id)?.partition).not.toBe(partition);
    await sessions.end(next.session.id);
  });

  it('shows a view the host reports in trouble as the tab’s problem, and a reload clears it', async () => {
    const open = await startJane();
    const id = open.session.id;
    const events = recording.events.get(id);
    // What Electron's host reports on render-process-gone (view-host-electron.ts); the browser tier's on a page crash.
    events?.onTrouble({ kind: 'crashed', reason: 'it ran out of memory' });
    expect(sessions.list().find((s) => s.session.id === id)?.problem).toEqual({
      kind: 'crashed',
      message:
        "The customer's storefront stopped working (it ran out of memory). Reload it to go on, or end the session.",
    });
    // The same trouble again changes nothing; a reload (the real page, loaded again) clears it.
    events?.onTrouble({ kind: 'crashed', reason: 'it ran out of memory' });
    const reloaded = await sessions.reloadView(id);
    expect(reloaded.problem, logged.join('\n')).toBeNull();
    expect(new URL(real.page(id)!.url()).pathname).toMatch(/^\/store\/us\/?$/);
    // A page that loads again clears a hang the host reported.
    events?.onTrouble({ kind: 'unresponsive' });
    expect(sessions.list().find((s) => s.session.id === id)?.problem?.kind).toBe('unresponsive');
    await real.page(id)!.reload();
    await vi.waitFor(() => {
      expect(sessions.list().find((s) => s.session.id === id)?.problem).toBeNull();
    }, 15_000);
    await sessions.end(id);
  });
});
