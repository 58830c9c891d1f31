import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { BrowserTier } from '../../main/browser-tier/server';
import { openConsole as openConsoleAt, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import {
  clickThroughPreview,
  openCustomer,
  signIn,
  startViewSession,
  terminateSession,
  waitForFreshPreview,
} from '../support/console-ui';
import { screenshotPath } from '../screenshots';

/**
 * The console end to end in the browser tier: the real shop (API + storefront, demo data), the
 * real console core behind the browser-tier server, the built renderer in headless Chromium,
 * each assisted storefront in its own browser context. Screenshots: see e2e/screenshots.ts.
 */

const VIEWPORT = { width: 1280, height: 720 };

let tiers: BrowserTiers;
let code: (email: string) => string;

const openConsole = (browser: Browser, tier: BrowserTier) => openConsoleAt(browser, tier, VIEWPORT);

test.describe.serial('console in the browser tier', () => {
  let agentTier: BrowserTier;
  let agent: Page;
  let firstSessionId = '';

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers({ previewIntervalMs: 500, syncIntervalMs: 1000 });
    code = tiers.code;
    agentTier = await tiers.start(browser);
    agent = await openConsole(browser, agentTier);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('an agent signs in, finds Jane, and starts a view-only session with a reason and step-up', async () => {
    await expect(agent.getByLabel('Shop address')).toHaveValue(tiers.shop.url);
    await signIn(agent, 'agent@demo.test', code, async () => {
      await agent.screenshot({ path: screenshotPath('sign-in') });
    });
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith', async () => {
      await agent.screenshot({ path: screenshotPath('search') });
    });
    await expect(agent.getByText('Consent until turned off').first()).toBeVisible();
    await agent.screenshot({ path: screenshotPath('customer') });
    firstSessionId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer cannot find her last order',
      code,
      beforeStart: async () => {
        await agent.screenshot({ path: screenshotPath('start-session') });
      },
    });
    expect(firstSessionId).toMatch(/^[A-Za-z0-9_-]+$/);

    const banner = agent.getByRole('region', { name: 'Assisted session' });
    await expect(banner).toContainText('Assisting Jane Smith (jane@example.com)');
    await expect(banner).toContainText('Concierge Demo US');
    await expect(banner).toContainText('View only');
    await expect(banner).toContainText(/\d+:\d\d left/);

    const storefront = agentTier.viewHost.page(firstSessionId);
    if (!storefront) throw new Error('no storefront view for the session');
    await expect(storefront.getByTestId('assist-marker')).toContainText('view only');
    await expect(storefront.getByRole('navigation', { name: 'Account' })).toContainText('Jane’s account');
    await expect
      .poll(() => agent.getByRole('img', { name: /Live preview/ }).evaluate((el: HTMLImageElement) => el.naturalWidth))
      .toBeGreaterThan(0);
    await agent.screenshot({ path: screenshotPath('session') });
  });

  test('a view-only session cannot add to the cart, and the agent ends it from the banner', async () => {
    const storefront = agentTier.viewHost.page(firstSessionId);
    if (!storefront) throw new Error('no storefront view for the session');
    await clickThroughPreview(agent, storefront.locator('a[href*="/product/"]').first());
    await expect(storefront.getByTestId('add-to-cart')).toBeVisible();
    // View only, visibly: the button is disabled with its hint, so a click changes nothing (e2e/browser/view-only.spec.ts).
    await expect(storefront.getByTestId('add-to-cart')).toBeDisabled();
    await expect(storefront.getByTestId('view-only-hint')).toHaveText('view only');
    await clickThroughPreview(agent, storefront.getByTestId('add-to-cart'));
    await expect(storefront.getByTestId('cart-link')).toHaveText('Cart (0)');
    await waitForFreshPreview(agent);
    await waitForFreshPreview(agent);
    await agent.screenshot({ path: screenshotPath('session-refused') });

    await agent.getByRole('region', { name: 'Assisted session' }).getByRole('button', { name: 'End session' }).click();
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
    // The ended tab folds into "Recently ended".
    await expect(
      agent
        .getByRole('navigation', { name: 'Screens and sessions' })
        .getByRole('button', { name: 'Recently ended (1)' }),
    ).toBeVisible();
  });

  test('the audit viewer shows the session’s timeline and verifies the chain', async () => {
    await agent.getByRole('button', { name: 'View timeline' }).click();
    const timeline = agent.getByRole('complementary', { name: 'Session timeline' });
    // The first audit call opens the local mirror (a worker with its own database) and syncs it.
    await expect(timeline.getByText('Session started').first()).toBeVisible({ timeout: 45_000 });
    await expect(timeline.getByText('Page viewed').first()).toBeVisible();
    await expect(timeline.getByText('Session ended').first()).toBeVisible();
    await expect(agent.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash');
    await expect(agent.getByRole('table', { name: 'Audit events' }).getByRole('row').first()).toBeVisible();
    await agent.screenshot({ path: screenshotPath('audit') });

    // The export comes to this browser as a download (the console's own copy is deleted after).
    const downloading = agent.waitForEvent('download');
    await agent.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^concierge-audit-[0-9TZ-]+\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^seq,id,at,action,/);
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.slice(1).every((line) => line.includes(firstSessionId))).toBe(true);
    expect(csv).toContain('session.start');
    expect(csv).toContain('session.end');
    await expect(
      agent.getByRole('status').filter({ hasText: /^Downloaded \d+ events as concierge-audit-/ }),
    ).toHaveText(`Downloaded ${lines.length - 1} events as ${download.suggestedFilename()}`);
    expect(readdirSync(join(tiers.dataDir(agentTier), 'exports'))).toEqual([]);
  });

  test('a supervisor sees an agent’s live session and terminates it; the agent sees why', async ({ browser }) => {
    await agent.getByRole('button', { name: 'Customers' }).click();
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    const secondId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Follow-up about delivery',
      code,
    });

    const supervisorTier = await tiers.start(browser);
    const supervisor = await openConsole(browser, supervisorTier);
    await signIn(supervisor, 'supervisor@demo.test', code);
    await supervisor.getByRole('button', { name: 'Live sessions' }).click();
    const row = supervisor.getByRole('row').filter({ hasText: 'Follow-up about delivery' });
    await expect(row).toContainText('Jane Smith');
    await expect(row).toContainText('View only');
    await supervisor.screenshot({ path: screenshotPath('live-sessions') });
    await terminateSession(supervisor, row.getByRole('button', { name: /^Terminate/ }), 'Customer asked to stop');

    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible({ timeout: 15_000 });
    await expect(agent.getByRole('alert').filter({ hasText: 'Session ended' })).toContainText(/supervisor/i);
    await expect(agent.getByText('Customer asked to stop').first()).toBeVisible();
    expect(agentTier.viewHost.page(secondId)).toBeNull();
    await supervisor.close();
  });

  test('a trainee cannot start a session, in the UI or through the bridge', async ({ browser }) => {
    const traineeTier = await tiers.start(browser);
    const trainee = await openConsole(browser, traineeTier);
    await signIn(trainee, 'trainee@demo.test', code);
    await openCustomer(trainee, 'jane', 'jane@example.com', 'Jane Smith');
    await expect(
      trainee.getByText('Your role can look customers up but cannot start assisted sessions.'),
    ).toBeVisible();
    await expect(trainee.getByRole('button', { name: /Start session/ })).toHaveCount(0);
    const customerId = await trainee.evaluate(async (token) => {
      const r = await fetch('/ipc/shop.searchCustomers', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': token },
        body: JSON.stringify({ q: 'jane@example.com' }),
      });
      const body = (await r.json()) as { value: { items: { id: string }[] } };
      return body.value.items[0]?.id ?? '';
    }, traineeTier.token);
    const refused = await trainee.evaluate(
      async ({ token, customerId: id, totp }) => {
        const r = await fetch('/ipc/sessions.start', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-concierge-token': token },
          body: JSON.stringify({
            customerId: id,
            accountId: 'acc_any',
            mode: 'view',
            reason: 'Trying anyway',
            stepUp: { code: totp },
          }),
        });
        return (await r.json()) as { ok: boolean; error?: { code: string } };
      },
      { token: traineeTier.token, customerId, totp: code('trainee@demo.test') },
    );
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('permission_denied');
    await trainee.close();
  });

  test('an admin sees the shop’s settings', async ({ browser }) => {
    const adminTier = await tiers.start(browser);
    const admin = await openConsole(browser, adminTier);
    await signIn(admin, 'admin@demo.test', code);
    await admin.getByRole('button', { name: 'Settings' }).click();
    await expect(admin.getByLabel('Idle timeout (minutes)')).toHaveValue('10');
    await admin.screenshot({ path: screenshotPath('settings') });
    await admin.close();
  });

  test('a page left open hears that the console stopped, restarted, or came back with a new address', async ({
    browser,
  }) => {
    const token = 'e2'.repeat(32);
    const first = await tiers.start(browser, { token });
    const port = Number(new URL(first.origin).port);
    const page = await openConsole(browser, first);
    await expect(page.getByLabel('Email')).toBeVisible();
    const notice = page.getByRole('alert').filter({ hasText: 'The console' });
    await expect(notice).toHaveCount(0);

    await first.close();
    await expect(notice).toHaveText('The console is not running — start it again with npm start.');

    // The launcher keeps the token: the old page's calls authenticate, but its state belongs to the old run.
    const second = await tiers.start(browser, { port, token });
    await expect(notice).toContainText('The console restarted. Reload to continue.');
    // Reachable from the keyboard, wherever the focus stands on the page.
    const reload = notice.getByRole('button', { name: 'Reload' });
    for (let presses = 0; presses < 20 && !(await reload.evaluate((el) => el === document.activeElement)); presses++)
      await page.keyboard.press('Tab');
    await expect(reload).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Email')).toBeVisible();
    await expect(notice).toHaveCount(0);

    // A console started with another token: reloading cannot help, the new address must be opened.
    await second.close();
    await tiers.start(browser, { port });
    await expect(notice).toHaveText(
      'The console restarted with a new address. Open the address printed in the terminal where it runs (npm start).',
    );
    await page.close();
  });
});
