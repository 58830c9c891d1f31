import { expect, test, type Browser, type Page } from '@playwright/test';
import { verifyChain } from '../../shared/audit/chain';
import { auditEventFromRow, type AuditRow } from '../../shop/audit/append';
import { offsetClock } from '../../shop/lib/clock';
import { startShop, type RunningShop } from '../../shop/main';
import { JANE } from '../../shop/seed/demo';
import { endAssistedSession, startAssistedSession } from '../../shop/storefront/test-assist';
import { screenshotPath } from '../screenshots';
import { signInCustomer } from '../support/storefront';

// One real shop (PGlite, demo data) for the whole file; the steps build on each other.
test.describe.configure({ mode: 'serial' });

const clock = offsetClock();
let shop: RunningShop;
let customer: Page;
let agentToken: string | undefined;
let placedNumber = '';

async function startSession(mode: 'view' | 'act', reason: string) {
  const started = await startAssistedSession(shop.url, shop.ctx.db, {
    customerId: JANE.id,
    storeId: 'sto_us',
    mode,
    reason,
    clock,
    ...(agentToken ? { accessToken: agentToken } : {}),
  });
  agentToken = started.accessToken;
  return started;
}

/** The handoff URL opened in a fresh browser context, as the console's isolated view does. */
async function openAssisted(browser: Browser, handoffUrl: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(handoffUrl);
  return page;
}

const cartQuantity = async () =>
  (
    await shop.ctx.db.query<{ n: number }>(
      "SELECT COALESCE(sum(i.quantity), 0)::int AS n FROM cart_items i JOIN accounts a ON a.id = i.account_id WHERE a.customer_id = $1 AND a.store_id = 'sto_us'",
      [JANE.id],
    )
  ).rows[0]?.n ?? 0;

test.beforeAll(async ({ browser }) => {
  shop = await startShop({ port: 0, seed: 'demo', clock });
  customer = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await customer.context().close();
  await shop.close();
});

test('a customer signs in, allows assistance with an expiry and gets a one-time code', async () => {
  await signInCustomer(customer, shop.url, JANE.email);
  await customer.getByRole('link', { name: 'Jane’s account' }).click();
  await customer.getByRole('link', { name: 'Assistance' }).click();
  await customer.getByLabel('Change how long').selectOption('24h');
  await customer.getByRole('button', { name: 'Update' }).click();
  await expect(customer.getByRole('status')).toContainText('Remote shopping assistance is allowed.');
  await expect(customer.getByTestId('consent-status')).toContainText(/Allowed until \w+ \d+, \d{4}/);
  await customer.getByRole('button', { name: 'Get a one-time code' }).click();
  await expect(customer.getByTestId('consent-code')).toHaveText(/^\d{6}$/);
});

test('view mode shows the store as the customer and refuses adding to the cart; a replayed handoff URL fails', async ({
  browser,
}) => {
  const started = await startSession('view', 'Customer cannot find the tea page');
  const agent = await openAssisted(browser, started.handoffUrl);
  await expect(agent).toHaveURL(`${shop.url}/store/us/`);
  await expect(agent.getByTestId('assist-marker')).toHaveText('Assisted by Alex Agent — view only');
  const before = await cartQuantity();
  await agent.getByRole('link', { name: /Earl Grey/ }).click();
  // What would change something is disabled and says why: no click into a refusal page.
  await expect(agent.getByTestId('add-to-cart')).toBeDisabled();
  await expect(agent.getByTestId('add-to-cart')).toHaveAttribute('title', /^View only: Alex Agent can look/);
  await expect(agent.getByTestId('view-only-hint')).toHaveText('view only');
  await expect(agent.getByLabel('Quantity')).toBeDisabled();
  // The shop still refuses the POST itself (a forged form from this browser's own session).
  const refused = await agent.context().request.post(`${shop.url}/store/us/cart/add`, {
    form: {
      _csrf: await agent.locator('input[name="_csrf"]').first().inputValue(),
      productId: await agent.locator('input[name="productId"]').inputValue(),
      quantity: '1',
    },
    headers: { origin: shop.url },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain('Nothing was changed.');
  expect(await cartQuantity()).toBe(before);

  const replay = await openAssisted(browser, started.handoffUrl);
  await expect(replay.getByTestId('handoff-refused')).toContainText('This link was already used');
  expect((await replay.context().cookies()).map((c) => c.name)).not.toContain('concierge_assist');
  await replay.context().close();

  await endAssistedSession(shop.url, started.accessToken, started.session.id);
  await agent.reload();
  await expect(agent.getByRole('heading', { name: 'The assisted session ended' })).toBeVisible();
  await agent.context().close();
});

test('act mode places an order the customer then sees with the helper’s name; ending the session stops the next page; the audit is exact', async ({
  browser,
}) => {
  const started = await startSession('act', 'Customer wants to reorder by phone');
  const agent = await openAssisted(browser, started.handoffUrl);
  await expect(agent.getByTestId('assist-marker')).toContainText('Assisted by Alex Agent');
  await agent.getByRole('searchbox', { name: 'Search products' }).fill('french press');
  await agent.getByRole('button', { name: 'Search' }).click();
  await agent.getByRole('link', { name: /French Press 1 L/ }).click();
  await expect(agent).toHaveURL(`${shop.url}/store/us/product/french-press-1-l`);
  await agent.getByLabel('Quantity').fill('2');
  await agent.getByTestId('add-to-cart').click();
  await expect(agent.getByTestId('cart-table')).toContainText('French Press 1 L');
  await agent.getByRole('link', { name: 'Go to checkout' }).click();
  await agent.getByRole('link', { name: 'Add an address' }).click();
  await agent.getByLabel('Full name').fill('Jane Smith');
  await agent.getByLabel('Address line 1').fill('12 Harbour Rd');
  await agent.getByLabel('Postal code').fill('97205');
  await agent.getByLabel('City').fill('Portland');
  await agent.getByLabel('Country (2 letters)').fill('US');
  await agent.getByRole('button', { name: 'Save address' }).click();
  await expect(agent).toHaveURL(`${shop.url}/store/us/checkout`);
  await agent.getByTestId('place-order').click();
  const number = (await agent.getByTestId('order-number').textContent()) ?? '';
  expect(number).toMatch(/^O-\d+$/);
  placedNumber = number;
  await expect(agent.getByTestId('placed-with-help')).toHaveText('placed with the help of Alex Agent');

  await customer.goto(`${shop.url}/store/us/account/orders`);
  await expect(customer.getByRole('row', { name: new RegExp(number) })).toContainText(
    'placed with the help of Alex Agent',
  );

  await endAssistedSession(shop.url, started.accessToken, started.session.id);
  await agent.goto(`${shop.url}/store/us/cart`);
  await expect(agent.getByRole('heading', { name: 'The assisted session ended' })).toBeVisible();
  await agent.context().close();

  const rows = await shop.ctx.db.query<{ action: string; details: Record<string, unknown> }>(
    "SELECT action, details FROM audit_events WHERE session_id = $1 AND action IN ('session.page_view', 'session.action', 'session.action_refused') ORDER BY seq",
    [started.session.id],
  );
  expect(
    rows.rows.map((r) => `${r.action} ${String(r.details.method)} ${String(r.details.path).split('?')[0] ?? ''}`),
  ).toEqual([
    'session.page_view GET /store/us/',
    'session.page_view GET /store/us/search',
    'session.page_view GET /store/us/product/french-press-1-l',
    'session.action POST /store/us/cart/add',
    'session.page_view GET /store/us/cart',
    'session.page_view GET /store/us/checkout',
    'session.page_view GET /store/us/account/addresses',
    'session.action POST /store/us/account/addresses',
    'session.page_view GET /store/us/checkout',
    'session.action POST /store/us/checkout',
    `session.page_view GET /store/us/checkout/done/${number}`,
  ]);
  const all = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  expect(verifyChain(all.rows.map(auditEventFromRow)).ok).toBe(true);
});

test('the customer’s history lists the sessions, and notifications tell of their start and end', async () => {
  await customer.goto(`${shop.url}/store/us/account/assistance`);
  const items = customer.getByTestId('assist-history-item');
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText('Alex Agent');
  await expect(items.first()).toContainText('could shop for you');
  await items.first().locator('summary').click();
  await expect(items.first()).toContainText('Reason: Customer wants to reorder by phone');
  await expect(items.first()).toContainText(`placed an order ${placedNumber}`);
  await customer.screenshot({ path: screenshotPath('storefront-assistance'), fullPage: true });

  await customer.goto(`${shop.url}/store/us/account/notifications`);
  await expect(customer.getByTestId('notifications')).toContainText('Assisted session started');
  await expect(customer.getByTestId('notifications')).toContainText('Assisted session ended');

  await customer.goto(`${shop.url}/store/us/`);
  await customer.screenshot({ path: screenshotPath('storefront-home'), fullPage: true });
});
