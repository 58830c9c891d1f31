import { expect, test, type Page } from '@playwright/test';
import { offsetClock } from '../../shop/lib/clock';
import { startShop, type RunningShop } from '../../shop/main';
import { JANE } from '../../shop/seed/demo';
import { signInCustomer } from '../support/storefront';

// The customer's orders and notifications in their own time zone, as a real browser shows them.
let shop: RunningShop;

test.beforeAll(async () => {
  shop = await startShop({ port: 0, seed: 'demo', clock: offsetClock() });
});
test.afterAll(async () => {
  await shop.close();
});

/** Every `<time>` on the page: its instant, and the text the page shows for it. */
const times = (page: Page) =>
  page.locator('time[data-local]').evaluateAll((els) => els.map((e) => [e.getAttribute('datetime'), e.textContent]));

test('orders, an order and notifications show times in the customer’s time zone, never UTC', async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  const page = await context.newPage();
  await signInCustomer(page, shop.url, JANE.email);

  await page.goto(`${shop.url}/store/us/account/orders`);
  const onOrders = await times(page);
  expect(onOrders.length).toBeGreaterThan(0);
  // The text is the instant in Tokyo (UTC+9), as the browser itself writes it.
  const expected = await page.evaluate(
    (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    onOrders[0]?.[0] ?? '',
  );
  expect(onOrders[0]?.[1]).toBe(expected);
  await expect(page.locator('main')).not.toContainText('UTC');

  await page.locator('main a[href*="/account/orders/O-"]').first().click();
  expect((await times(page)).length).toBeGreaterThan(0);
  await expect(page.locator('main')).not.toContainText('UTC');

  await page.goto(`${shop.url}/store/us/account/notifications`);
  await expect(page.locator('main')).not.toContainText('UTC');
  await context.close();
});
