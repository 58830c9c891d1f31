import { expect, test, type Locator, type Page } from '@playwright/test';
import { JANE } from '../../shop/seed/demo';
import type { TestShop } from '../../shop/test/harness';
import { screenshotPath } from '../screenshots';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { signIn } from '../support/console-ui';

/**
 * Customer search as a caller gives it: "last, first", with or without accents, an order number
 * read out without its letter — the real shop, the real console core, the built renderer.
 */

/** Added by this spec: an accented name to find by typing it without accents. */
const JOSE = { id: 'cus_e2e_jose', number: 'C-9400001', email: 'jose.nunez@fixture.test' };

test.describe.serial('forgiving customer search in the browser tier', () => {
  let tiers: BrowserTiers;
  let shop: TestShop;
  let agent: Page;
  let box: Locator;

  /** Types `query` into the search box and returns the result row of the customer with `email`. */
  async function find(query: string, email: string): Promise<Locator> {
    await box.fill(query);
    const list = agent.getByRole('listbox', { name: 'Customers' });
    await expect(list).toHaveAttribute('data-query', query.trim());
    const row = list.getByRole('option').filter({ hasText: email });
    await expect(row).toBeVisible();
    return row;
  }

  /** Whether the search box has focus with all of its text selected. */
  const selectedAll = () =>
    box.evaluate(
      (input: HTMLInputElement) =>
        document.activeElement === input &&
        input.value.length > 0 &&
        input.selectionStart === 0 &&
        input.selectionEnd === input.value.length,
    );

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers();
    shop = tiers.shop;
    // The demo set has no accented names; this customer is the spec's own.
    await shop.ctx.db.query(
      `INSERT INTO customers (id, number, first_name, last_name, name, email, password_hash)
       SELECT $1, $2, 'José', 'Núñez', 'José Núñez', $3, password_hash FROM customers WHERE id = $4`,
      [JOSE.id, JOSE.number, JOSE.email, JANE.id],
    );
    agent = await openConsole(browser, await tiers.start(browser), { width: 1024, height: 768 });
    await signIn(agent, 'agent@demo.test', tiers.code);
    await agent.keyboard.press('/');
    box = agent.getByRole('combobox', { name: 'Search customers' });
    await expect(box).toBeFocused();
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('"smith, jane" finds Jane Smith', async () => {
    const row = await find('smith, jane', JANE.email);
    await expect(row).toContainText(JANE.name);
    await expect(agent.getByRole('listbox', { name: 'Customers' }).getByRole('option').first()).toContainText(
      JANE.email,
    );
    await agent.screenshot({ path: screenshotPath('search-last-first') });
  });

  test('accents do not matter, typed or stored', async () => {
    await expect(await find('Jané', JANE.email)).toContainText(JANE.name);
    await expect(await find('jose nunez', JOSE.email)).toContainText('José Núñez');
    await expect(await find('Núñez', JOSE.email)).toContainText('José Núñez');
  });

  test('an order number read out as digits finds its customer and says it matched the order', async () => {
    // An order whose digits no other document of its customer ends in, so the order is the match.
    const { rows } = await shop.ctx.db.query<{ number: string; email: string }>(
      `SELECT d.number, c.email FROM documents d JOIN customers c ON c.id = d.customer_id WHERE d.type = 'order'
         AND NOT EXISTS (SELECT 1 FROM documents o WHERE o.customer_id = d.customer_id AND o.id <> d.id
           AND split_part(o.number, '-', 2) = split_part(d.number, '-', 2))
       ORDER BY d.number LIMIT 1`,
    );
    const order = rows[0];
    if (!order) throw new Error('no order with digits of its own');
    const digits = order.number.replace(/\D/g, '');
    expect(digits).toMatch(/^0+[1-9]\d*$/);
    const row = await find(digits, order.email);
    await expect(row).toContainText(`Matched order ${order.number}`);
    await agent.screenshot({ path: screenshotPath('search-order-digits') });
  });

  test('Ctrl+K and / come back to the search box with its text selected', async () => {
    await box.fill('smith, jane');
    // Ctrl+K works from another field too: the store filter beside the box.
    await agent.keyboard.press('Tab');
    await expect(box).not.toBeFocused();
    await agent.keyboard.press('Control+k');
    await expect.poll(selectedAll, 'Ctrl+K').toBe(true);
    // "/" works outside text fields.
    await box.blur();
    await expect(box).not.toBeFocused();
    await agent.keyboard.press('/');
    await expect.poll(selectedAll, '/').toBe(true);
    // Typing now replaces the old query instead of adding to it.
    await agent.keyboard.type('jose');
    await expect(box).toHaveValue('jose');
  });
});
