import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistSession } from '../../shared/api/sessions';
import { JANE, JOHN } from '../seed/demo';
import { enterHandoff, LONG_LEASE_SECONDS, signInCustomer, startStorefrontShop } from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { endAssistedSession, startAssistedSession } from './test-assist';
import { csrfOf, TestBrowser } from './test-browser';

const headings = (html: string) => [...html.matchAll(/<h1>([^<]*)<\/h1>/g)].map((m) => m[1]);
const withoutStyle = (html: string) => html.replace(/<style>[^]*?<\/style>/g, '');

describeBackends('the customer’s side of the storefront', (backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startStorefrontShop(backend, { consoleLeaseSeconds: LONG_LEASE_SECONDS });
  });
  afterAll(async () => {
    await shop.close();
  });

  const documentOf = async (type: string) => {
    const result = await shop.ctx.db.query<{ number: string; order_number: string }>(
      `SELECT d.number, o.number AS order_number FROM documents d JOIN documents o ON o.id = d.order_id
        WHERE d.customer_id = $1 AND d.store_id = 'sto_us' AND d.type = $2 ORDER BY d.created_at LIMIT 1`,
      [JANE.id, type],
    );
    const row = result.rows[0];
    if (!row) throw new Error(`Jane has no ${type} in the US store`);
    return row;
  };

  describe('orders and their documents', () => {
    it('heads each page once, gives a shipment no money amount, and writes US addresses as “Boston, MA 02108”', async () => {
      const jane = await signInCustomer(shop, JANE.email);
      const shipment = await documentOf('shipment');
      const order = await jane.get(`/store/us/account/orders/${shipment.order_number}`);
      expect(headings(order.html)).toEqual([`Order ${shipment.order_number}`]);
      const shipmentRow = new RegExp(
        `${shipment.number}</a></td><td><time [^>]*>[^<]*</time></td><td>[^<]*</td><td class="num">([^<]*<[^>]*>[^<]*)`,
      );
      const amount = shipmentRow.exec(order.html)?.[1] ?? '';
      expect(amount).toMatch(/\d+ items?/);
      expect(amount).not.toContain('$');
      expect(order.html).toMatch(/<div>[A-Z][a-z]+, [A-Z]{2} \d{5}<\/div>/);
      expect(order.html).not.toMatch(/<div>\d{5} [A-Z][a-z]+, [A-Z]{2}<\/div>/);

      const page = await jane.get(`/store/us/account/documents/${shipment.number}`);
      expect(headings(page.html)).toEqual([`Shipment ${shipment.number}`]);
      expect(page.html).not.toContain('$0.00');
      expect(page.html).toContain('data-testid="shipment-items"');

      const memo = await documentOf('credit_memo');
      const memoPage = await jane.get(`/store/us/account/documents/${memo.number}`);
      expect(headings(memoPage.html)).toEqual([`Credit memo ${memo.number}`]);
      expect(memoPage.html).not.toMatch(/placed by|placed with the help/i);
    });
  });

  describe('the assistance page', () => {
    it('shows a new one-time code after a redirect, once: a reload neither shows it again nor makes another', async () => {
      const john = await signInCustomer(shop, JOHN.email);
      const page = await john.get('/store/us/account/assistance');
      const posted = await john.post('/store/us/account/assistance/code', { _csrf: csrfOf(page.html) });
      expect(posted.status).toBe(303);
      expect(posted.location).toBe('/store/us/account/assistance');
      const shown = await john.get('/store/us/account/assistance');
      const code = /data-testid="consent-code">(\d{6})</.exec(shown.html)?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const reloaded = await john.get('/store/us/account/assistance');
      expect(reloaded.html).not.toContain('data-testid="consent-code"');
      expect(reloaded.html).toContain('data-testid="consent-code-active"');
      const issued = await shop.ctx.db.query(
        "SELECT 1 FROM audit_events WHERE customer_id = $1 AND action = 'customer.consent_code_issued'",
        [JOHN.id],
      );
      expect(issued.rows).toHaveLength(1);
    });

    it('selects the duration the customer chose last', async () => {
      const jane = await signInCustomer(shop, JANE.email);
      for (const duration of ['7d', 'until_revoked', '24h']) {
        const saved = await jane.submit('/store/us/account/assistance', '/store/us/account/assistance', {
          allow: 'on',
          duration,
        });
        expect(saved.status).toBe(303);
        const page = await jane.get('/store/us/account/assistance');
        expect([...page.html.matchAll(/<option value="([^"]+)" selected="">/g)].map((m) => m[1])).toEqual([duration]);
      }
    });
  });

  describe('the assistance history', () => {
    it('tells in words and in the customer’s local time what an agent saw, did and was stopped from doing', async () => {
      const john = await signInCustomer(shop, JOHN.email);
      const page = await john.get('/store/us/account/assistance');
      await john.post('/store/us/account/assistance/code', { _csrf: csrfOf(page.html) });
      const consentCode = /data-testid="consent-code">(\d{6})</.exec(
        (await john.get('/store/us/account/assistance')).html,
      )?.[1];
      const order = await shop.ctx.db.query<{ number: string }>(
        "SELECT number FROM documents WHERE customer_id = $1 AND store_id = 'sto_us' AND type = 'order' LIMIT 1",
        [JOHN.id],
      );
      const number = order.rows[0]?.number ?? '';
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JOHN.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
        ...(consentCode ? { consentCode } : {}),
      });
      const agent = await enterHandoff(shop, started.handoffUrl);
      await agent.get(`/store/us/account/orders/${number}`);
      await agent.get('/store/us/cart');
      const product = await agent.get('/store/us/product/earl-grey');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      expect(
        (await agent.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '1' })).status,
      ).toBe(403);
      expect((await agent.get('/store/us/account/security')).status).toBe(403);
      await endAssistedSession(shop.url, started.accessToken, started.session.id);

      const history = await john.get('/store/us/account/assistance');
      const item = /<details data-testid="assist-history-item">[^]*?<\/details>/.exec(history.html)?.[0] ?? '';
      expect(item).toContain('used the one-time code you gave');
      expect(item).toContain(`viewed your order ${number}`);
      expect(item).toContain('viewed the cart');
      expect(item).toContain('viewed the product page “Earl Grey”');
      expect(item).toContain('tried to add a product to your cart, and was stopped: the session was view only');
      expect(item).toContain('tried to open your password and email, and was stopped: only you can do that');
      expect(item).toContain('Concierge Demo US');
      expect(item).not.toMatch(/\b(session|customer|cart)\.[a-z_]+/);
      expect(item).not.toMatch(/\/store\/|store us/);
      expect(item).toMatch(/<time dateTime="\d{4}-\d\d-\d\dT[\d:.]+Z" data-local="">[^<]+ UTC<\/time>/i);

      const script = /<script>([^<]+)<\/script>/.exec(history.html)?.[1] ?? '';
      expect(script).toContain('toLocaleString');
      const hash = createHash('sha256').update(script, 'utf8').digest('base64');
      expect(history.headers.get('content-security-policy')).toContain(`script-src 'sha256-${hash}'`);
    });
  });

  describe('while an agent is in the account', () => {
    const sessionStatus = async (accessToken: string, id: string) => {
      const response = await fetch(`${shop.url}/api/v1/assist-sessions/${id}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      return AssistSession.parse(await response.json());
    };

    it('tells the customer on their own pages, and “End now” ends the session at once as the customer’s end', async () => {
      const jane = await signInCustomer(shop, JANE.email);
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'act',
        clock: shop.clock,
      });
      expect((await jane.get('/store/us/account')).html).not.toContain('data-testid="live-assist-notice"');
      const agent = await enterHandoff(shop, started.handoffUrl);

      const own = await jane.get('/store/us/account/orders');
      expect(withoutStyle(own.html)).toContain(
        'Alex Agent from support is in your account now — can make changes — </span><button type="submit" class="link" data-testid="live-assist-end">End now</button>',
      );
      expect((await agent.get('/store/us/account/orders')).html).not.toContain('live-assist-notice');

      const john = await signInCustomer(shop, JOHN.email);
      const johnPage = await john.get('/store/us/account');
      expect(johnPage.html).not.toContain('live-assist-notice');
      const foreign = await john.post('/store/us/account/assistance/end', {
        _csrf: csrfOf(johnPage.html),
        sessionId: started.session.id,
      });
      expect(foreign.location).toBe('/store/us/account/assistance?notice=assist_not_live');
      expect((await sessionStatus(started.accessToken, started.session.id)).status).toBe('active');

      const ended = await jane.post('/store/us/account/assistance/end', {
        _csrf: csrfOf(own.html),
        sessionId: started.session.id,
      });
      expect(ended.status).toBe(303);
      expect(ended.location).toBe('/store/us/account/assistance?notice=assist_ended');
      const after = await jane.get(ended.location ?? '');
      expect(after.html).not.toContain('live-assist-notice');
      expect(after.html).toContain('The assisted session has ended');
      const session = await sessionStatus(started.accessToken, started.session.id);
      expect([session.status, session.endReason]).toEqual(['ended', 'ended_by_customer']);
      const refused = await agent.get('/store/us/');
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('The customer ended it.');
    });

    it('says “view only” for a view-mode session', async () => {
      const jane = await signInCustomer(shop, JANE.email);
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        clock: shop.clock,
      });
      await enterHandoff(shop, started.handoffUrl);
      expect((await jane.get('/store/us/cart')).html).toContain(
        'Alex Agent from support is in your account now — view only — ',
      );
      await endAssistedSession(shop.url, started.accessToken, started.session.id);
      expect((await jane.get('/store/us/cart')).html).not.toContain('live-assist-notice');
    });
  });

  describe('every form', () => {
    it('answers a successful POST with a 303 redirect', async () => {
      const browser = new TestBrowser(shop.url);
      const email = 'redirects@example.com';
      const registered = await browser.submit('/store/us/register', '/store/us/register', {
        firstName: 'Rita',
        lastName: 'Redirect',
        email,
        password: 'a-long-password',
      });
      expect(registered.status).toBe(303);
      const token = csrfOf((await browser.get('/store/us/account')).html);
      const product = await browser.get('/store/us/product/earl-grey');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      const post = async (path: string, fields: Record<string, string>) => {
        const response = await browser.post(path, { _csrf: token, ...fields });
        expect(response.status, `${path} ${withoutStyle(response.html).slice(0, 300)}`).toBe(303);
        return response;
      };
      await post('/store/us/account/profile', { firstName: 'Rita', lastName: 'Redirected', phone: '' });
      await post('/store/us/cart/add', { productId, quantity: '1' });
      await post('/store/us/cart/update', { productId, quantity: '2' });
      await post('/store/us/cart/remove', { productId });
      await post('/store/us/account/addresses', {
        fullName: 'Rita Redirect',
        line1: '1 Main St',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      });
      const addressId = /name="addressId" value="([^"]+)"/.exec(
        (await browser.get('/store/us/account/addresses')).html,
      )?.[1];
      await post('/store/us/account/addresses/remove', { addressId: addressId ?? '' });
      await post('/store/us/account/payment-methods', { label: 'Visa', last4: '4242' });
      const cardId = /name="paymentMethodId" value="([^"]+)"/.exec(
        (await browser.get('/store/us/account/payment-methods')).html,
      )?.[1];
      await post('/store/us/account/payment-methods/remove', { paymentMethodId: cardId ?? '' });
      await post('/store/us/account/email', { email: 'redirected@example.com', password: 'a-long-password' });
      await post('/store/us/account/assistance', { allow: 'on', duration: '1h' });
      await post('/store/us/account/assistance', { allow: 'off' });
      await post('/store/us/account/assistance/code', {});
      await post('/store/us/account/delete', { password: 'a-long-password' });
      await post('/store/us/account/password', { currentPassword: 'a-long-password', newPassword: 'another-long-one' });
      await post('/store/us/signout', {});
    });
  });
});
