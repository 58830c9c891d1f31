import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/audit/chain';
import { auditEventFromRow, type AuditRow } from '../audit/append';
import { JANE } from '../seed/demo';
import { LONG_LEASE_SECONDS, signInCustomer, startStorefrontShop } from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { signIn } from '../test/auth-helpers';
import { endAssistedSession, startAssistedSession } from './test-assist';
import { csrfOf, TestBrowser } from './test-browser';

async function sessionEvents(shop: TestShop, sessionId: string): Promise<[string, unknown, unknown][]> {
  const rows = await shop.ctx.db.query<{
    action: string;
    details: Record<string, unknown>;
    actor_type: string;
    actor_id: string;
    customer_id: string;
  }>(
    "SELECT action, details, actor_type, actor_id, customer_id FROM audit_events WHERE session_id = $1 AND action LIKE 'session.%' ORDER BY seq",
    [sessionId],
  );
  for (const row of rows.rows.filter(
    (r) => r.action.startsWith('session.page_view') || r.action.startsWith('session.action'),
  )) {
    expect(row.actor_type).toBe('staff');
    expect(row.actor_id).toBe('stf_agent');
    expect(row.customer_id).toBe(JANE.id);
  }
  return rows.rows.map((r) => [r.action, r.details.path ?? null, r.details.action ?? null]);
}

async function chainVerifies(shop: TestShop): Promise<boolean> {
  const rows = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  return verifyChain(rows.rows.map(auditEventFromRow)).ok;
}

async function enter(shop: TestShop, handoffUrl: string): Promise<TestBrowser> {
  const browser = new TestBrowser(shop.url);
  const url = new URL(handoffUrl);
  const entered = await browser.get(`${url.pathname}${url.search}`);
  expect(entered.status).toBe(303);
  expect(entered.location).toBe('/store/us/');
  expect(entered.headers.getSetCookie().join('\n')).toMatch(
    /concierge_assist=[^;]+; Path=\/; HttpOnly; SameSite=Strict/,
  );
  return browser;
}

describeBackends('storefront assisted sessions', (backend) => {
  let shop: TestShop;
  let jane: TestBrowser;
  beforeAll(async () => {
    // Nothing here renews console leases, and the idle test jumps the clock past the default one.
    shop = await startStorefrontShop(backend, { consoleLeaseSeconds: LONG_LEASE_SECONDS });
    jane = await signInCustomer(shop, JANE.email);
  });
  afterAll(async () => {
    await shop.close();
  });

  const janeCart = async () =>
    (
      await shop.ctx.db.query<{ n: number }>(
        "SELECT COALESCE(sum(i.quantity), 0)::int AS n FROM cart_items i JOIN accounts a ON a.id = i.account_id WHERE a.customer_id = $1 AND a.store_id = 'sto_us'",
        [JANE.id],
      )
    ).rows[0]?.n ?? 0;

  describe('view mode', () => {
    it('shows the store as the customer, refuses every change, records exactly what happened, and stops when ended', async () => {
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
      });
      const agent = await enter(shop, started.handoffUrl);

      const home = await agent.get('/store/us/');
      expect(home.status).toBe(200);
      expect(home.headers.get('cache-control')).toBe('no-store');
      expect(home.html).toContain('Assisted by Alex Agent — view only');
      expect(home.html).toContain('Welcome back, Jane');

      const product = await agent.get('/store/us/product/earl-grey');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      const before = await janeCart();
      const refused = await agent.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '1' });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('view only');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(await janeCart()).toBe(before);

      const security = await agent.get('/store/us/account/security');
      expect(security.status).toBe(403);

      const replay = new TestBrowser(shop.url);
      const url = new URL(started.handoffUrl);
      const replayed = await replay.get(`${url.pathname}${url.search}`);
      expect(replayed.status).toBe(410);
      expect(replayed.html).toContain('already used');
      expect(replay.cookies.has('concierge_assist')).toBe(false);

      await endAssistedSession(shop.url, started.accessToken, started.session.id);
      const after = await agent.get('/store/us/');
      expect(after.status).toBe(403);
      expect(after.html).toContain('The assisted session ended');
      expect(after.html).toContain('The agent ended it.');
      expect(agent.cookies.has('concierge_assist')).toBe(false);

      expect(await sessionEvents(shop, started.session.id)).toEqual([
        ['session.start', null, null],
        ['session.handoff_redeemed', null, null],
        ['session.page_view', '/store/us/', null],
        ['session.page_view', '/store/us/product/earl-grey', null],
        ['session.action_refused', '/store/us/cart/add', 'cart.add'],
        ['session.page_view', '/store/us/account/security', null],
        ['session.handoff_refused', null, null],
        ['session.end', null, null],
      ]);
      expect(await chainVerifies(shop)).toBe(true);
    });

    it('records a HEAD request as a page view, not an action: only POST, PUT, PATCH and DELETE change anything', async () => {
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
      });
      const agent = await enter(shop, started.handoffUrl);
      const head = await agent.request('HEAD', '/store/us/product/earl-grey');
      expect(head.status).toBe(200);
      const events = await shop.ctx.db.query<{ action: string; details: Record<string, unknown> }>(
        "SELECT action, details FROM audit_events WHERE session_id = $1 AND action IN ('session.page_view', 'session.action') ORDER BY seq",
        [started.session.id],
      );
      expect(events.rows.map((r) => [r.action, r.details.method, r.details.path])).toEqual([
        ['session.page_view', 'HEAD', '/store/us/product/earl-grey'],
      ]);
      await endAssistedSession(shop.url, started.accessToken, started.session.id);
    });
  });

  describe('act mode', () => {
    it('shops and places an order the customer sees with the helper’s name, but never touches what is the customer’s alone', async () => {
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'act',
        reason: 'Order for a gift',
        clock: shop.clock,
      });
      const agent = await enter(shop, started.handoffUrl);
      const home = await agent.get('/store/us/');
      expect(home.html).toContain('Assisted by Alex Agent — can shop for Jane Smith');

      const product = await agent.get('/store/us/product/earl-grey');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      const token = csrfOf(product.html);
      expect((await agent.post('/store/us/cart/add', { _csrf: token, productId, quantity: '2' })).status).toBe(303);
      expect(
        (
          await agent.post('/store/us/account/addresses', {
            _csrf: token,
            fullName: 'Jane Smith',
            line1: '5 Oak Ave',
            city: 'Austin',
            postalCode: '78701',
            country: 'US',
          })
        ).status,
      ).toBe(303);
      const checkout = await agent.get('/store/us/checkout');
      const addressId = /name="addressId"[^>]*value="([^"]+)"/.exec(checkout.html)?.[1] ?? '';
      const placed = await agent.post('/store/us/checkout', {
        _csrf: token,
        addressId,
        shipping: 'express',
        payment: 'test',
      });
      expect(placed.status).toBe(303);
      const number = decodeURIComponent(placed.location?.split('/').pop() ?? '');
      const stored = await shop.ctx.db.query<{ placed_by_staff_id: string; assist_session_id: string }>(
        'SELECT placed_by_staff_id, assist_session_id FROM documents WHERE number = $1',
        [number],
      );
      expect(stored.rows[0]).toEqual({ placed_by_staff_id: 'stf_agent', assist_session_id: started.session.id });

      const passwordBefore = (
        await shop.ctx.db.query<{ password_hash: string; email: string }>(
          'SELECT password_hash, email FROM customers WHERE id = $1',
          [JANE.id],
        )
      ).rows[0];
      const refusedActions: [string, Record<string, string>][] = [
        ['/store/us/account/password', { currentPassword: 'customer-demo', newPassword: 'another-password' }],
        ['/store/us/account/email', { email: 'evil@example.com', password: 'customer-demo' }],
        ['/store/us/account/payment-methods', { label: 'Card', last4: '4242' }],
        ['/store/us/account/assistance', { allow: 'on', duration: 'until_revoked' }],
        ['/store/us/account/delete', { password: 'customer-demo' }],
        ['/store/us/signout', {}],
      ];
      for (const [path, fields] of refusedActions) {
        const response = await agent.post(path, { _csrf: token, ...fields });
        expect(response.status, path).toBe(403);
        expect(response.html).toContain('only be done by the customer');
      }
      for (const path of [
        '/store/us/account/security',
        '/store/us/account/payment-methods',
        '/store/us/account/assistance',
        '/store/us/account/delete',
      ]) {
        expect((await agent.get(path)).status, path).toBe(403);
      }
      expect(
        (await shop.ctx.db.query('SELECT password_hash, email FROM customers WHERE id = $1', [JANE.id])).rows[0],
      ).toEqual(passwordBefore);
      expect(
        (await shop.ctx.db.query('SELECT 1 FROM customer_payment_methods WHERE customer_id = $1', [JANE.id])).rows,
      ).toHaveLength(0);
      expect(
        (await shop.ctx.db.query('SELECT 1 FROM account_deletion_requests WHERE customer_id = $1', [JANE.id])).rows,
      ).toHaveLength(0);

      const orders = await jane.get('/store/us/account/orders');
      expect(orders.html).toContain(number);
      expect(orders.html).toContain('placed with the help of Alex Agent');
      const order = await jane.get(`/store/us/account/orders/${number}`);
      expect(order.html).toContain('placed with the help of Alex Agent');

      await endAssistedSession(shop.url, started.accessToken, started.session.id);
      expect((await agent.get('/store/us/cart')).status).toBe(403);

      const history = await jane.get('/store/us/account/assistance');
      expect(history.html).toContain('Alex Agent');
      expect(history.html).toContain('Order for a gift');
      expect(history.html).toContain(`placed an order ${number}`);
      const notifications = await jane.get('/store/us/account/notifications');
      expect(notifications.html).toContain('Assisted session started');
      expect(notifications.html).toContain('Assisted session ended');

      const events = await sessionEvents(shop, started.session.id);
      expect(events.filter(([action]) => action === 'session.action')).toEqual([
        ['session.action', '/store/us/cart/add', 'cart.add'],
        ['session.action', '/store/us/account/addresses', 'address.add'],
        ['session.action', '/store/us/checkout', 'order.place'],
      ]);
      expect(events.filter(([action]) => action === 'session.action_refused')).toHaveLength(refusedActions.length);
      expect(await chainVerifies(shop)).toBe(true);
    });
  });

  describe('cookies that do not work', () => {
    it('refuses a tampered assisted cookie with the session-ended page', async () => {
      const browser = new TestBrowser(shop.url);
      browser.cookies.set('concierge_assist', { value: 'A'.repeat(43), path: '/' });
      const page = await browser.get('/store/us/account');
      expect(page.status).toBe(403);
      expect(page.html).toContain('The assisted session ended');
      expect(browser.cookies.has('concierge_assist')).toBe(false);
    });

    it('keeps the session to its own store, and ends it after the idle timeout', async () => {
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
      });
      const agent = await enter(shop, started.handoffUrl);
      const other = await agent.get('/store/eu/');
      expect(other.status).toBe(403);
      expect(other.html).toContain('for the us store only');
      shop.clock.advance((started.session.idleTimeoutSeconds + 1) * 1000);
      const idle = await agent.get('/store/us/');
      expect(idle.status).toBe(403);
      expect(idle.html).toContain('inactivity');
    });

    it('answers unknown and malformed handoff codes with a page and no session', async () => {
      const browser = new TestBrowser(shop.url);
      for (const code of ['nope', '%3Cscript%3E', '']) {
        const page = await browser.get(`/store/us/assist/enter?code=${code}`);
        expect(page.status).toBe(404);
        expect(page.html).toContain('Unknown assistance link');
        expect(browser.cookies.has('concierge_assist')).toBe(false);
      }
    });
  });

  describe('customer notifications', () => {
    const noticesFor = async (sessionId: string) =>
      (
        await shop.ctx.db.query<{ kind: string }>(
          'SELECT kind FROM customer_notifications WHERE session_id = $1 ORDER BY created_at',
          [sessionId],
        )
      ).rows.map((r) => r.kind);

    it('tells the customer when a session starts and ends, unless the shop turned notices off', async () => {
      const on = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
      });
      await enter(shop, on.handoffUrl);
      await endAssistedSession(shop.url, on.accessToken, on.session.id);
      expect(await noticesFor(on.session.id)).toEqual(['assist_started', 'assist_ended']);

      const admin = await signIn(shop.url, 'admin@demo.test', { clock: shop.clock });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` };
      const settings = (await (await fetch(`${shop.url}/api/v1/settings`, { headers })).json()) as Record<
        string,
        unknown
      >;
      const put = await fetch(`${shop.url}/api/v1/settings`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ ...settings, notifyCustomer: false }),
      });
      expect(put.status).toBe(200);
      const off = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
        accessToken: on.accessToken,
      });
      await enter(shop, off.handoffUrl);
      await endAssistedSession(shop.url, off.accessToken, off.session.id);
      expect(await noticesFor(off.session.id)).toEqual([]);
      await fetch(`${shop.url}/api/v1/settings`, { method: 'PUT', headers, body: JSON.stringify(settings) });
    });
  });
});
