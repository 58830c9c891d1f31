import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JANE } from '../seed/demo';
import { seedStores } from '../seed/stores';
import { startStorefrontShop } from '../test/fixtures';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';
import { storefrontPlugin } from './plugin';
import { csrfOf, TestBrowser } from './test-browser';

async function signInAs(shop: TestShop, email: string, password = 'customer-demo'): Promise<TestBrowser> {
  const browser = new TestBrowser(shop.url);
  const signedIn = await browser.submit('/store/us/signin', '/store/us/signin', {
    email,
    password,
    next: '/store/us/account',
  });
  expect(signedIn.status).toBe(303);
  expect(signedIn.location).toBe('/store/us/account');
  return browser;
}

async function cartQuantity(shop: TestShop, customerId: string): Promise<number> {
  const result = await shop.ctx.db.query<{ n: number }>(
    "SELECT COALESCE(sum(i.quantity), 0)::int AS n FROM cart_items i JOIN accounts a ON a.id = i.account_id WHERE a.customer_id = $1 AND a.store_id = 'sto_us'",
    [customerId],
  );
  return result.rows[0]?.n ?? 0;
}

describeBackends('storefront', (backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startStorefrontShop(backend);
  });
  afterAll(async () => {
    await shop.close();
  });

  describe('catalog', () => {
    it('lists the stores on the shop root and serves each store in its currency', async () => {
      const browser = new TestBrowser(shop.url);
      const root = await browser.get('/');
      expect(root.status).toBe(200);
      expect(root.html).toContain('href="/store/us/"');
      expect(root.html).toContain('href="/store/eu/"');
      const us = await browser.get('/store/us/product/house-blend-beans');
      expect(us.status).toBe(200);
      expect(us.html).toContain('$14.99');
      const eu = await browser.get('/store/eu/product/house-blend-beans');
      expect(eu.html).toMatch(/€\s?\d/);
    });

    it('finds products by search and by category', async () => {
      const browser = new TestBrowser(shop.url);
      const search = await browser.get('/store/us/search?q=french+press');
      expect(search.html).toContain('French Press 1 L');
      expect(search.html).not.toContain('Earl Grey');
      const category = await browser.get('/store/us/category/tea');
      expect(category.html).toContain('Earl Grey');
    });

    it('answers with no-store, a strict CSP and HttpOnly SameSite cookies', async () => {
      const browser = new TestBrowser(shop.url);
      const home = await browser.get('/store/us/');
      expect(home.headers.get('cache-control')).toBe('no-store');
      expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(home.headers.get('referrer-policy')).toBe('same-origin');
      const cookie = home.headers.getSetCookie().join('\n');
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
    });

    it('escapes what it echoes', async () => {
      const browser = new TestBrowser(shop.url);
      const search = await browser.get(`/store/us/search?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
      expect(search.status).toBe(200);
      expect(search.html).not.toContain('<img src=x');
      expect(search.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    });

    it('gives a clear HTML 404 for unknown products, pages and stores', async () => {
      const browser = new TestBrowser(shop.url);
      for (const path of ['/store/us/product/no-such-thing', '/store/us/no/such/page', '/store/zz/']) {
        const page = await browser.get(path);
        expect(page.status).toBe(404);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(page.html).toContain('data-testid="error-page"');
        expect(page.html).not.toMatch(/at .*\.ts:\d+/);
      }
    });
  });

  describe('customer account', () => {
    it('signs Jane in, shows her profile and orders with invoices, and signs her out', async () => {
      const browser = await signInAs(shop, JANE.email);
      const account = await browser.get('/store/us/account');
      expect(account.status).toBe(200);
      expect(account.html).toContain('jane@example.com');
      const orders = await browser.get('/store/us/account/orders');
      const number = /href="\/store\/us\/account\/orders\/([^"]+)"/.exec(orders.html)?.[1];
      expect(number).toBeDefined();
      const order = await browser.get(`/store/us/account/orders/${number ?? ''}`);
      expect(order.status).toBe(200);
      expect(order.html).toContain(`Order ${decodeURIComponent(number ?? '')}`);
      const signOut = await browser.post('/store/us/signout', { _csrf: csrfOf(account.html) });
      expect(signOut.status).toBe(303);
      expect((await browser.get('/store/us/account')).location).toMatch(/^\/store\/us\/signin/);
    });

    it('refuses a wrong password without saying which part was wrong', async () => {
      const browser = new TestBrowser(shop.url);
      const page = await browser.submit('/store/us/signin', '/store/us/signin', {
        email: JANE.email,
        password: 'wrong-password',
      });
      expect(page.status).toBe(401);
      expect(page.html).toContain('The email or password is not right.');
      expect(browser.cookies.has('concierge_customer')).toBe(false);
    });

    it('registers a customer whose name is escaped everywhere it is shown', async () => {
      const browser = new TestBrowser(shop.url);
      const registered = await browser.submit('/store/eu/register', '/store/eu/register', {
        firstName: '<script>alert(1)</script>',
        lastName: 'Test',
        email: 'new.customer@example.com',
        password: 'a-long-password',
      });
      expect(registered.status).toBe(303);
      const account = await browser.get('/store/eu/account');
      expect(account.html).not.toContain('<script>alert(1)</script>');
      expect(account.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it('runs cart, address and checkout to an order with an invoice', async () => {
      const email = 'shopper@example.com';
      const browser = new TestBrowser(shop.url);
      await browser.submit('/store/us/register', '/store/us/register', {
        firstName: 'Sam',
        lastName: 'Shopper',
        email,
        password: 'a-long-password',
      });
      const product = await browser.get('/store/us/product/french-press-1-l');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      const stockBefore = (
        await shop.ctx.db.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId])
      ).rows[0]?.stock;
      const added = await browser.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '2' });
      expect(added.status).toBe(303);
      const cart = await browser.get('/store/us/cart');
      expect(cart.html).toContain('French Press 1 L');
      expect(cart.html).toContain('$69.98');
      const checkoutEmpty = await browser.get('/store/us/checkout');
      expect(checkoutEmpty.html).toContain('no saved address');
      const saved = await browser.submit('/store/us/account/addresses', '/store/us/account/addresses', {
        fullName: 'Sam Shopper',
        line1: '1 Main St',
        line2: '',
        city: 'Portland',
        postalCode: '97205',
        country: 'us',
        phone: '',
        returnTo: 'checkout',
      });
      expect(saved.location).toBe('/store/us/checkout');
      const checkout = await browser.get('/store/us/checkout');
      const addressId = /name="addressId"[^>]*value="([^"]+)"/.exec(checkout.html)?.[1] ?? '';
      const placed = await browser.post('/store/us/checkout', {
        _csrf: csrfOf(checkout.html),
        addressId,
        shipping: 'standard',
        payment: 'test',
      });
      expect(placed.status, placed.html.replace(/<style>[^]*<\/style>/, '')).toBe(303);
      const confirmation = await browser.get(placed.location ?? '');
      expect(confirmation.status).toBe(200);
      const number = /data-testid="order-number">([^<]+)</.exec(confirmation.html)?.[1] ?? '';
      expect(number).toMatch(/^O-9\d{8}$/);
      expect(confirmation.html).not.toContain('placed with the help of');
      const order = await browser.get(`/store/us/account/orders/${number}`);
      expect(order.html).toMatch(/I-9\d{8}/);
      expect(order.html).toContain('Test payment (no charge)');
      const stockAfter = (
        await shop.ctx.db.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId])
      ).rows[0]?.stock;
      expect(stockAfter).toBe((stockBefore ?? 0) - 2);
      expect((await browser.get('/store/us/cart')).html).toContain('data-testid="cart-empty"');
    });

    it('lets the customer grant consent, get a one-time code and see the change audited as their own', async () => {
      const browser = await signInAs(shop, 'john@example.com');
      const granted = await browser.submit('/store/us/account/assistance', '/store/us/account/assistance', {
        allow: 'on',
        duration: '24h',
      });
      expect(granted.status).toBe(303);
      const page = await browser.get('/store/us/account/assistance');
      expect(page.html).toMatch(/data-testid="consent-status"><strong>Allowed<\/strong> until/);
      const code = await browser.post('/store/us/account/assistance/code', { _csrf: csrfOf(page.html) });
      expect(code.status).toBe(303);
      expect(code.location).toBe('/store/us/account/assistance');
      expect((await browser.get('/store/us/account/assistance')).html).toMatch(/data-testid="consent-code">\d{6}</);
      const events = await shop.ctx.db.query<{ action: string; actor_type: string }>(
        "SELECT action, actor_type FROM audit_events WHERE customer_id = 'cus_000002' ORDER BY seq",
      );
      expect(events.rows.map((e) => [e.action, e.actor_type])).toEqual([
        ['customer.consent_granted', 'customer'],
        ['customer.consent_code_issued', 'customer'],
      ]);
    });
  });

  describe('bad input changes nothing', () => {
    let browser: TestBrowser;
    let token: string;
    let productId: string;
    const janeCart = () => cartQuantity(shop, JANE.id);

    beforeAll(async () => {
      browser = await signInAs(shop, JANE.email);
      const product = await browser.get('/store/us/product/earl-grey');
      token = csrfOf(product.html);
      productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
    });

    it.each([
      ['a missing CSRF token', () => ({ productId, quantity: '1' }), 403],
      [
        'a forged CSRF token',
        () => ({ _csrf: 'forged-token-forged-token-forged-token-abc', productId, quantity: '1' }),
        403,
      ],
      ['a negative quantity', () => ({ _csrf: token, productId, quantity: '-3' }), 400],
      ['a fractional quantity', () => ({ _csrf: token, productId, quantity: '1.5' }), 400],
      ['a huge quantity', () => ({ _csrf: token, productId, quantity: '100000' }), 400],
      ['an unknown product', () => ({ _csrf: token, productId: 'prd_nope', quantity: '1' }), 404],
      ['a malformed product id', () => ({ _csrf: token, productId: '../../etc', quantity: '1' }), 400],
    ])('refuses %s with a clear page', async (_name, fields, status) => {
      const before = await janeCart();
      const response = await browser.post('/store/us/cart/add', fields());
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.html).toContain('data-testid="error-page"');
      expect(await janeCart()).toBe(before);
    });

    it('refuses a form from another origin even with a valid token', async () => {
      const before = await janeCart();
      const response = await browser.request('POST', '/store/us/cart/add', {
        body: new URLSearchParams({ _csrf: token, productId, quantity: '1' }).toString(),
        contentType: 'application/x-www-form-urlencoded',
        headers: { origin: 'https://evil.example' },
      });
      expect(response.status).toBe(403);
      expect(await janeCart()).toBe(before);
    });

    it('refuses oversized forms and non-form bodies', async () => {
      const before = await janeCart();
      const big = await browser.post('/store/us/cart/add', {
        _csrf: token,
        productId,
        quantity: '1',
        padding: 'x'.repeat(40_000),
      });
      expect(big.status).toBe(413);
      expect(big.html).toContain('Form too large');
      const json = await browser.request('POST', '/store/us/cart/add', {
        body: JSON.stringify({ _csrf: token, productId, quantity: 1 }),
        contentType: 'application/json',
      });
      expect(json.status).toBe(415);
      expect(await janeCart()).toBe(before);
    });

    it('treats a tampered customer cookie as signed out', async () => {
      const tampered = new TestBrowser(shop.url);
      const session = browser.cookies.get('concierge_customer');
      expect(session).toBeDefined();
      tampered.cookies.set('concierge_customer', {
        value: `${session?.value.slice(0, -2) ?? ''}xx`,
        path: '/store/us',
      });
      const account = await tampered.get('/store/us/account');
      expect(account.status).toBe(303);
      expect(account.location).toMatch(/^\/store\/us\/signin/);
    });

    it('does not show another customer’s order by number', async () => {
      const john = await shop.ctx.db.query<{ number: string }>(
        "SELECT number FROM documents WHERE customer_id = 'cus_000002' AND type = 'order' LIMIT 1",
      );
      const number = john.rows[0]?.number;
      expect(number).toBeDefined();
      const page = await browser.get(`/store/us/account/orders/${number ?? ''}`);
      expect(page.status).toBe(404);
    });
  });

  describe('password guessing', () => {
    let limited: TestShop;
    beforeAll(async () => {
      limited = await startTestShop(backend, {
        seed: seedStores,
        config: { authRateLimitPerMinute: 3 },
        build: { extraPlugins: [storefrontPlugin] },
      });
    });
    afterAll(async () => {
      await limited.close();
    });

    it('limits sign-in attempts per address with a clear 429 page', async () => {
      const browser = new TestBrowser(limited.url);
      const token = csrfOf((await browser.get('/store/us/signin')).html);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push(
          (
            await browser.post('/store/us/signin', {
              _csrf: token,
              email: 'nobody@example.com',
              password: `guess-${i}`,
            })
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429]);
      const page = await browser.post('/store/us/signin', {
        _csrf: token,
        email: 'nobody@example.com',
        password: 'again',
      });
      expect(page.html).toContain('Too many attempts');
    });
  });
});
