import { expect, test, type Page } from '@playwright/test';
import type { BrowserTier } from '../../main/browser-tier/server';
import { screenshotPath } from '../screenshots';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { openCustomer, signIn, startViewSession, terminateSession } from '../support/console-ui';

/**
 * A supervisor watches an agent's call in Live sessions: the page the agent is on, the time left,
 * the mode and reason, and a timeline that grows as the agent moves through the storefront; then
 * terminates it, and the agent reads who ended it and why, once. The real shop, two consoles of
 * the browser tier (agent and supervisor), the built renderer in headless Chromium.
 */

const VIEWPORT = { width: 1280, height: 800 };
/** The supervisor's window: the narrowest the console supports. */
const NARROW = { width: 1024, height: 768 };
const REASON = 'Customer asks where her parcel is';
const STOP = 'Customer asked to stop the session';

let tiers: BrowserTiers;
let code: (email: string) => string;

/** The agent's session in the supervisor's Live sessions table (the row with its buttons, not its timeline). */
function liveRow(page: Page) {
  return page
    .getByRole('row')
    .filter({ hasText: REASON })
    .filter({ has: page.getByRole('button', { name: /timeline of Alex Agent’s session with Jane Smith$/ }) });
}

test.describe.serial('live sessions in the browser tier', () => {
  let agentTier: BrowserTier;
  let agent: Page;
  let supervisor: Page;
  let sessionId = '';

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers({ previewIntervalMs: 500, syncIntervalMs: 30_000 });
    code = tiers.code;
    agentTier = await tiers.start(browser);
    agent = await openConsole(browser, agentTier, VIEWPORT);
    supervisor = await openConsole(browser, await tiers.start(browser), NARROW);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('the supervisor sees where the agent is, the time left, the mode and the reason', async () => {
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    sessionId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: REASON,
      code,
    });

    await signIn(supervisor, 'supervisor@demo.test', code);
    await supervisor.getByRole('button', { name: 'Live sessions' }).click();
    const row = liveRow(supervisor);
    await expect(row).toContainText('Alex Agent');
    await expect(row).toContainText('Jane Smith');
    await expect(row).toContainText('View only');
    await expect(row).toContainText('ticket T-1001');
    await expect(row).toContainText(/\d+:\d\d\s*until (idle timeout|maximum length)/);
    // The storefront opens on the store's home page.
    await expect(row).toContainText('Home');
    await expect(row).toContainText('/store/us/');
  });

  test('the timeline grows as the agent moves through the storefront', async () => {
    const storefront = agentTier.viewHost.page(sessionId);
    if (!storefront) throw new Error('no storefront view for the session');
    await supervisor.getByRole('button', { name: 'Show timeline of Alex Agent’s session with Jane Smith' }).click();
    const timeline = supervisor.getByRole('region', { name: 'Timeline of Alex Agent’s session with Jane Smith' });
    await expect(timeline.getByText('Viewed Home').first()).toBeVisible();
    await expect(timeline.getByText('Session started')).toBeVisible();

    await storefront.locator('a[href*="/product/"]').first().click();
    const product = ((await storefront.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
    expect(product).not.toBe('');
    await expect(timeline.getByText(`Viewed ${product}`).first()).toBeVisible();
    await expect(liveRow(supervisor)).toContainText(product);

    await storefront.getByRole('link', { name: 'Jane’s account' }).click();
    await storefront.getByRole('link', { name: 'Orders', exact: true }).click();
    await expect(storefront).toHaveURL(/\/store\/us\/account\/orders$/);
    // Newest first: the orders page heads the timeline, and the row says the agent is there.
    await expect(timeline.getByRole('listitem').first()).toContainText('/store/us/account/orders');
    await expect(liveRow(supervisor)).toContainText('/store/us/account/orders');
    // Nothing is clipped at 1024 px: the page does not scroll sideways.
    expect(await supervisor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
    await supervisor.screenshot({ path: screenshotPath('live-sessions-detail') });
  });

  test('terminating names the supervisor to the agent and gives the reason once', async () => {
    await terminateSession(
      supervisor,
      liveRow(supervisor).getByRole('button', { name: 'Terminate Alex Agent’s session with Jane Smith' }),
      STOP,
    );

    const ended = agent.getByRole('alert').filter({ hasText: 'Session ended' });
    await expect(ended).toContainText(`Ended by Sam Supervisor (supervisor): ${STOP}`, { timeout: 15_000 });
    const text = (await ended.textContent()) ?? '';
    expect(text.split(STOP)).toHaveLength(2);
    expect(agentTier.viewHost.page(sessionId)).toBeNull();
  });
});
