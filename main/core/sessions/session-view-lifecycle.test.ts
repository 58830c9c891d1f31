import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestShop } from '../../../shop/test/harness';
import type { PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { quietViewHost, signedInAuth, startJaneView, type CodeFor } from '../../test/console';
import { startDemoShop, totpCodes } from '../../test/shop';
import type { AuthService } from '../auth/auth-service';
import { createPartitionPool, type PartitionPool } from '../partition-pool';
import type { ViewHost } from '../view-host';
import { createSessionManager, type SessionManager } from './session-manager';

/**
 * A storefront view's life as the session manager drives it through the view host interface,
 * here with the browser tier's real Chromium: a partition is wiped for the next customer only
 * after the view is destroyed, a partition that may still hold something is retired for a fresh
 * one, and a crashed page becomes a problem the agent can reload instead of a blank view.
 * (The console's side of the ordering is the same for Electron's view host.)
 */

/** The real view host, with each close and wipe written down in the order they start and end. */
function recordingHost(real: PlaywrightViewHost) {
  const order: string[] = [];
  const faults = { wipes: 0, closes: 0 };
  const host: ViewHost = {
    open: (...args) => real.open(...args),
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
  return { host, order, faults };
}

describe('a storefront view from open to reuse, against the real shop and Chromium', () => {
  let shop: TestShop;
  let code: CodeFor;
  let real: PlaywrightViewHost;
  let auth: AuthService;
  let recording: ReturnType<typeof recordingHost>;
  let pool: PartitionPool;
  let sessions: SessionManager;

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
      log: () => undefined,
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

  it('turns a crashed storefront into a problem, and a reload brings the customer’s page back', async () => {
    const open = await startJane();
    const id = open.session.id;
    const page = real.page(id);
    const cdp = await real.context(id)!.newCDPSession(page!);
    void cdp.send('Page.crash').catch(() => undefined);
    await vi.waitFor(() => {
      expect(sessions.list().find((s) => s.session.id === id)?.problem).toMatchObject({
        kind: 'crashed',
        message: expect.stringContaining('stopped working (the page crashed)') as string,
      });
    });
    const reloaded = await sessions.reloadView(id);
    expect(reloaded.problem).toBeNull();
    const fresh = real.page(id);
    expect(fresh).not.toBe(page);
    // The same context: the customer's storefront sign-in (its cookies) carried over.
    expect(new URL(fresh!.url()).pathname).toMatch(/^\/store\/us\/?$/);
    expect(await fresh!.textContent('body')).toContain('Jane');
    expect(sessions.list().find((s) => s.session.id === id)?.problem).toBeNull();
    await sessions.end(id);
  });
});
