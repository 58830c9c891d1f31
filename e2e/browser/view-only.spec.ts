import { expect, test, type Browser, type Page } from '@playwright/test';
import type { BrowserTier } from '../../main/browser-tier/server';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import {
  clickThroughPreview,
  openCustomer,
  signIn,
  startViewSession,
  waitForFreshPreview,
} from '../support/console-ui';
import { screenshotPath } from '../screenshots';

/**
 * View only, visibly, in the browser tier against the real shop: in a view session the storefront
 * shows what would change something disabled with a "view only" hint; a colleague starting a
 * session with the same customer is warned who has it open; "Switch to act" (step-up) lets the
 * agent shop without ending the session; the audit viewer shows the mode change.
 */

let tiers: BrowserTiers;
let code: (email: string) => string;
/** The agent's console: the first started. */
let agentTier: BrowserTier | undefined;

async function consoleAs(browser: Browser, email: string): Promise<Page> {
  const tier = await tiers.start(browser);
  agentTier ??= tier;
  const page = await openConsole(browser, tier, { width: 1280, height: 800 });
  await signIn(page, email, code);
  return page;
}

const header = (page: Page) => page.getByRole('region', { name: 'Assisted session' });

test.describe.serial('view only, visibly, and switching to act', () => {
  let agent: Page;
  let sessionId = '';
  const storefront = () => {
    const page = agentTier?.viewHost.page(sessionId);
    if (!page) throw new Error('no storefront view for the session');
    return page;
  };

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers({ previewIntervalMs: 500, syncIntervalMs: 1000 });
    code = tiers.code;
    agent = await consoleAs(browser, 'agent@demo.test');
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('in a view session the storefront shows changes disabled, marked "view only", and a click changes nothing', async () => {
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    sessionId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer asks about a tea',
      code,
    });
    await expect(header(agent)).toContainText('View only');
    await clickThroughPreview(agent, storefront().locator('a[href*="/product/"]').first());
    const add = storefront().getByTestId('add-to-cart');
    await expect(add).toBeDisabled();
    await expect(add).toHaveAttribute('aria-disabled', 'true');
    await expect(add).toHaveAttribute('title', /^View only: Alex Agent can look but not change anything/);
    await expect(storefront().getByTestId('view-only-hint')).toHaveText('view only');
    await expect(storefront().getByTestId('view-only-hint')).toBeVisible();
    await clickThroughPreview(agent, add);
    await waitForFreshPreview(agent);
    // No refusal page: the agent stays on the product, and nothing was added.
    await expect(storefront().getByTestId('add-to-cart')).toBeVisible();
    await expect(storefront().getByTestId('cart-link')).toHaveText('Cart (0)');
    await agent.screenshot({ path: screenshotPath('session-view-only') });
  });

  test('a colleague starting a session with the same customer is told who has it open and since when', async ({
    browser,
  }) => {
    const colleague = await consoleAs(browser, 'agent2@demo.test');
    await openCustomer(colleague, 'jane', 'jane@example.com', 'Jane Smith');
    await colleague.getByRole('button', { name: 'Start session', exact: true }).click();
    const dialog = colleague.getByRole('dialog', { name: 'Start assisted session' });
    const warning = dialog.getByRole('status').filter({ hasText: 'already has an assisted session open' });
    await expect(warning).toContainText('Jane Smith already has an assisted session open:');
    await expect(warning).toContainText(/Alex Agent, since .+ \(View only\)/);
    await expect(warning).toContainText('Check with them before you start another');
    await colleague.screenshot({ path: screenshotPath('second-session-warning') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await colleague.close();
  });

  test('"Switch to act" with a step-up keeps the session and lets the agent shop at once', async () => {
    await header(agent).getByRole('button', { name: 'Switch to act' }).click();
    const dialog = agent.getByRole('dialog', { name: 'Switch to act' });
    await expect(dialog).toContainText('You will be able to shop for Jane Smith');
    await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(code('agent@demo.test'));
    await dialog.getByRole('button', { name: 'Switch to act' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(header(agent)).toContainText('Can act');
    await expect(header(agent).getByRole('button', { name: 'Switch to act' })).toHaveCount(0);
    // The same session, still live.
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toHaveCount(0);

    // The next page the agent opens takes the new mode: back to the product, and add it.
    await clickThroughPreview(agent, storefront().locator('a.brand'));
    await expect(storefront()).toHaveURL(/\/store\/us\/$/);
    await waitForFreshPreview(agent);
    await clickThroughPreview(agent, storefront().locator('a[href*="/product/"]').first());
    const add = storefront().getByTestId('add-to-cart');
    await expect(add).toBeEnabled();
    await expect(storefront().getByTestId('view-only-hint')).toHaveCount(0);
    await waitForFreshPreview(agent);
    await clickThroughPreview(agent, add);
    await expect(storefront().getByTestId('cart-table')).toBeVisible();
    await expect(storefront().getByTestId('cart-link')).toHaveText('Cart (1)');
  });

  test('the audit viewer shows the mode change', async () => {
    await agent.getByRole('button', { name: 'Audit', exact: true }).click();
    const table = agent.getByRole('table', { name: 'Audit events' });
    await expect(table.getByText('Mode changed').first()).toBeVisible({ timeout: 60_000 });
  });
});
