import { expect, test, type Page } from '@playwright/test';
import { appendAudit } from '../../shop/audit/append';
import { screenshotPath } from '../screenshots';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { signIn } from '../support/console-ui';

/**
 * A supervisor's audit copy keeps the last 90 days; the shop keeps the rest. The shop's log
 * holds 120 events of an agent from 200 days ago: the supervisor's viewer shows the recent
 * history from this computer and, asked, the older history from the shop, every row marked,
 * a page at a time, under the same filters. The real shop, the browser tier, headless Chromium.
 */

const VIEWPORT = { width: 1280, height: 800 };
const OLD_EVENTS = 120;
const DAY = 86_400_000;

let tiers: BrowserTiers;
let supervisor: Page;

const olderRows = (page: Page) =>
  page.getByRole('table', { name: 'Older audit events from the shop' }).getByRole('row');

test.describe.serial('older audit history from the shop', () => {
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers();
    const { shop } = tiers;
    const jane = await shop.ctx.db.query<{ id: string }>("SELECT id FROM customers WHERE email = 'jane@example.com'");
    const past = { now: () => new Date(Date.now() - 200 * DAY) };
    await shop.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < OLD_EVENTS; i += 1)
        await appendAudit(tx, past, {
          action: i % 2 === 0 ? 'session.page_view' : 'session.action_refused',
          actor:
            i % 3 === 0
              ? { type: 'staff', id: 'stf_agent2', name: 'Blake Agent' }
              : { type: 'staff', id: 'stf_agent', name: 'Alex Agent' },
          customerId: jane.rows[0]?.id ?? null,
          details: { path: `/account/orders/${String(i)}` },
        });
    });
    supervisor = await openConsole(browser, await tiers.start(browser), VIEWPORT);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('the supervisor pages through history older than the copy, row by row marked as the shop’s', async () => {
    test.setTimeout(150_000);
    await signIn(supervisor, 'supervisor@demo.test', tiers.code);
    await supervisor.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(supervisor.getByRole('status', { name: 'Sync status' })).toContainText(
      /Synced \d+ events? of the last 90 days/,
      { timeout: 60_000 },
    );
    const section = supervisor.getByRole('region', { name: /from the shop/ });
    await expect(section.getByRole('heading')).toHaveText(/^Before .+, from the shop$/);
    await expect(section).toContainText('This computer keeps the last 90 days');
    // The copy holds none of the old events.
    await expect(
      supervisor.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: 'Alex Agent' }),
    ).toHaveCount(0);

    await section.getByRole('button', { name: 'Search older history at the shop' }).click();
    await expect(section.getByRole('status')).toHaveText('100 older events from the shop so far');
    await expect(olderRows(supervisor)).toHaveCount(100);
    await expect(
      olderRows(supervisor)
        .first()
        .getByTitle(/^From the shop/),
    ).toHaveText('shop');
    await expect(olderRows(supervisor).first()).toContainText('Jane Smith');
    await section.getByRole('button', { name: 'Load older events' }).focus();
    await supervisor.keyboard.press('Enter');
    await expect(olderRows(supervisor)).toHaveCount(OLD_EVENTS);
    await expect(section.getByRole('status')).toHaveText(`${String(OLD_EVENTS)} older events from the shop`);
    await expect(section.getByRole('button', { name: 'Load older events' })).toHaveCount(0);

    // A staff member picked from an older row: both lists follow, the shop's with its own filter.
    await olderRows(supervisor)
      .filter({ hasText: 'Blake Agent' })
      .first()
      .getByRole('button', { name: 'Blake Agent' })
      .click();
    await expect(olderRows(supervisor)).toHaveCount(OLD_EVENTS / 3);
    for (const row of await olderRows(supervisor).all()) await expect(row).toContainText('Blake Agent');
    await supervisor.screenshot({ path: screenshotPath('audit-older-history') });

    // An export holds this computer's copy, and says where the rest is.
    const download = supervisor.waitForEvent('download');
    await supervisor.getByRole('button', { name: 'Export CSV' }).click();
    await download;
    await expect(
      supervisor.getByText(
        /^Downloaded \d+ events? as concierge-audit-.+\.csv\. Only this computer’s copy is exported: history before .+ stays at the shop\.$/,
      ),
    ).toBeVisible();

    // Free text is this computer's alone, and the section says so.
    await supervisor.getByRole('searchbox', { name: 'Text' }).fill('orders');
    await expect(section).toContainText('Free text searches only the last 90 days');
    await expect(olderRows(supervisor)).toHaveCount(0);
  });
});
