import { expect, test, type Page } from '@playwright/test';
import type { BrowserTier } from '../../main/browser-tier/server';
import { JANE } from '../../shop/seed/demo';
import type { TestShop } from '../../shop/test/harness';
import { screenshotPath } from '../screenshots';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { openCustomer, signIn } from '../support/console-ui';

/**
 * Starting from what the caller asks about: an order's panel on the customer page (read without
 * a session), a session started from it that opens the storefront on that order's page, and the
 * start dialog's store chosen by the customer's latest activity. The real shop, the real console
 * core behind the browser-tier server, the built renderer in Chromium.
 */

interface DocRow {
  id: string;
  type: 'order' | 'invoice' | 'shipment' | 'credit_memo';
  number: string;
  currency: string;
  total_cents: number;
  store_code: string;
  store_name: string;
  account_id: string;
  created_at: Date;
  data: { lines: { name: string; sku: string; qty: number; unitPriceCents: number }[] };
}

test.describe.serial('order panel in the browser tier', () => {
  let tiers: BrowserTiers;
  let shop: TestShop;
  let tier: BrowserTier;
  let agent: Page;
  let code: (email: string) => string;
  /** Jane's newest order (the demo's is in the US store). */
  let latest: DocRow;
  /** Jane's newest document of any kind: her latest activity. */
  let newest: DocRow;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers();
    ({ shop, code } = tiers);
    const docs = (type: string | null) =>
      shop.ctx.db.query<DocRow>(
        `SELECT d.id, d.type, d.number, d.currency, d.total_cents, s.code AS store_code, s.name AS store_name,
                d.account_id, d.created_at, d.data
           FROM documents d JOIN stores s ON s.id = d.store_id
          WHERE d.customer_id = $1 AND ($2::text IS NULL OR d.type = $2) ORDER BY d.created_at DESC, d.id DESC LIMIT 1`,
        [JANE.id, type],
      );
    const [order, any] = [(await docs('order')).rows[0], (await docs(null)).rows[0]];
    if (!order || !any) throw new Error('Jane has no documents');
    latest = order;
    newest = any;
    tier = await tiers.start(browser);
    agent = await openConsole(browser, tier, { width: 1024, height: 768 });
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', JANE.email, JANE.name);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test("automatic store choice follows Jane's latest activity and says why", async () => {
    await agent.getByRole('button', { name: 'Start session', exact: true }).click();
    const dialog = agent.getByRole('dialog', { name: 'Start assisted session' });
    await expect(dialog.getByLabel('Store')).toHaveValue(newest.account_id);
    const kind = newest.type.replace('_', ' ');
    await expect(dialog.getByText(`${newest.store_name}: latest ${kind} ${newest.number} on `)).toBeVisible();
    await agent.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });

  test("an order's number opens its panel: lines and total, without a session", async () => {
    const number = agent.getByRole('button', { name: `Show order ${latest.number}` });
    await number.focus();
    await agent.keyboard.press('Enter');
    const panel = agent.getByRole('dialog', { name: `Order ${latest.number}` });
    await expect(panel).toBeVisible();
    const lines = panel.getByRole('table', { name: 'Lines' });
    for (const line of latest.data.lines) {
      await expect(lines.getByRole('row').filter({ hasText: line.sku })).toContainText(line.name);
    }
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: latest.currency.trim() }).format(
      latest.total_cents / 100,
    );
    await expect(panel.getByTestId('document-total')).toHaveText(total);
    await expect(panel.getByRole('heading', { name: 'Shipping address' })).toBeVisible();
    await agent.screenshot({ path: screenshotPath('order-panel') });
    // No session was opened to read it.
    const sessions = await shop.ctx.db.query('SELECT 1 FROM assist_sessions WHERE customer_id = $1', [JANE.id]);
    expect(sessions.rows).toHaveLength(0);
    // Escape closes it and focus goes back to the number.
    await agent.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(number).toBeFocused();
  });

  test("starting a session from the order opens the storefront on the order's page", async () => {
    await agent.getByRole('button', { name: `Show order ${latest.number}` }).click();
    const panel = agent.getByRole('dialog', { name: `Order ${latest.number}` });
    await panel.getByRole('button', { name: `Start session from order ${latest.number}` }).click();
    const dialog = agent.getByRole('dialog', { name: 'Start assisted session' });
    await expect(dialog.getByLabel('Store')).toHaveValue(latest.account_id);
    await expect(dialog.getByText(`The storefront opens on the page of order ${latest.number}.`)).toBeVisible();
    await dialog.getByLabel('Reason (required)').fill('Customer asks where her order is');
    await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(code('agent@demo.test'));
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await expect(agent.getByRole('region', { name: `Session with ${JANE.name}` })).toBeVisible();

    const started = await shop.ctx.db.query<{ id: string }>(
      "SELECT id FROM assist_sessions WHERE customer_id = $1 AND status = 'active'",
      [JANE.id],
    );
    const sessionId = started.rows[0]?.id ?? '';
    const storefront = tier.viewHost.context(sessionId)?.pages()[0];
    if (!storefront) throw new Error('no storefront view for the session');
    await expect(storefront).toHaveURL(
      `${shop.url}/store/${latest.store_code}/account/orders/${encodeURIComponent(latest.number)}`,
    );
    await expect(storefront.getByRole('heading', { name: new RegExp(latest.number) }).first()).toBeVisible();
    // The shop recorded where the session started.
    const start = await shop.ctx.db.query<{ landing: string }>(
      "SELECT details->>'landingDocument' AS landing FROM audit_events WHERE session_id = $1 AND action = 'session.start'",
      [sessionId],
    );
    expect(start.rows[0]?.landing).toBe(latest.number);
  });
});
