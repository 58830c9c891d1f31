import { expect, test, type Page } from '@playwright/test';
import { offsetClock } from '../../shop/lib/clock';
import { startShop, type RunningShop } from '../../shop/main';
import { JANE } from '../../shop/seed/demo';
import { signInCustomer } from '../support/storefront';

// Bad input from a real browser: every case gets a clear 4xx page and changes nothing.
test.describe.configure({ mode: 'serial' });

let shop: RunningShop;
let page: Page;

const cartQuantity = async () =>
  (
    await shop.ctx.db.query<{ n: number }>(
      "SELECT COALESCE(sum(i.quantity), 0)::int AS n FROM cart_items i JOIN accounts a ON a.id = i.account_id WHERE a.customer_id = $1 AND a.store_id = 'sto_us'",
      [JANE.id],
    )
  ).rows[0]?.n ?? 0;

test.beforeAll(async ({ browser }) => {
  shop = await startShop({ port: 0, seed: 'demo', clock: offsetClock() });
  page = await (await browser.newContext()).newPage();
  await signInCustomer(page, shop.url, JANE.email);
  await page.goto(`${shop.url}/store/us/product/earl-grey`);
});

test.afterAll(async () => {
  await page.context().close();
  await shop.close();
});

test('a tampered form (negative quantity, unknown product, forged token) is refused with a page', async () => {
  const cases: { field: string; value: string; message: RegExp }[] = [
    { field: 'quantity', value: '-2', message: /quantity: must be a whole number/ },
    { field: 'productId', value: 'prd_does_not_exist', message: /does not exist in this store/ },
    { field: '_csrf', value: 'forged', message: /Form expired/ },
  ];
  for (const { field, value, message } of cases) {
    const before = await cartQuantity();
    await page.goto(`${shop.url}/store/us/product/earl-grey`);
    // What a user editing the page in dev tools can do: skip the browser's checks, change a field.
    await page.evaluate(
      ({ name, v }) => {
        const form = document.querySelector<HTMLFormElement>('form[action$="/cart/add"]');
        if (!form) throw new Error('no add-to-cart form');
        form.noValidate = true;
        const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
        if (!input) throw new Error(`no ${name} field`);
        input.value = v;
      },
      { name: field, v: value },
    );
    const response = page.waitForResponse((r) => r.url().endsWith('/cart/add'));
    await page.getByTestId('add-to-cart').click();
    expect((await response).status()).toBeGreaterThanOrEqual(400);
    await expect(page.getByTestId('error-page')).toContainText(message);
    expect(await cartQuantity()).toBe(before);
  }
});

test('an oversized form gets a 413 page', async () => {
  const before = await cartQuantity();
  await page.goto(`${shop.url}/store/us/product/earl-grey`);
  await page.evaluate(() => {
    const form = document.querySelector<HTMLFormElement>('form[action$="/cart/add"]');
    if (!form) throw new Error('no add-to-cart form');
    const big = document.createElement('input');
    big.type = 'hidden';
    big.name = 'padding';
    big.value = 'x'.repeat(64 * 1024);
    form.append(big);
  });
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByRole('heading', { name: 'Form too large' })).toBeVisible();
  expect(await cartQuantity()).toBe(before);
});

test('a tampered assisted-session cookie is refused and dropped', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'concierge_assist', value: 'x'.repeat(43), url: shop.url }]);
  const agent = await context.newPage();
  const response = await agent.goto(`${shop.url}/store/us/account`);
  expect(response?.status()).toBe(403);
  await expect(agent.getByRole('heading', { name: 'The assisted session ended' })).toBeVisible();
  expect((await context.cookies()).map((c) => c.name)).not.toContain('concierge_assist');
  await context.close();
});
