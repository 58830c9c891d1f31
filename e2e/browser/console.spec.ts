import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { startBrowserTier, type BrowserTier } from '../../main/browser-tier/server';
import { createPlaywrightViewHost } from '../../main/browser-tier/view-host-playwright';
import { createAuditPort } from '../../main/core/audit-port';
import { createVault } from '../../main/core/vault';
import { testService } from '../../main/test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../main/test/shop';
import type { TestShop } from '../../shop/test/harness';

/**
 * The console end to end in the browser tier: the real shop (API + storefront, demo data), the
 * real console core behind the browser-tier server, the built renderer in headless Chromium,
 * each assisted storefront in its own browser context. Screenshots go to docs/screenshots/.
 */

const root = resolve(import.meta.dirname, '../..');
const shots = (name: string) => resolve(root, 'docs/screenshots', `${name}.png`);
const VIEWPORT = { width: 1280, height: 720 };

let shop: TestShop;
let code: (email: string) => string;
const tiers: BrowserTier[] = [];

async function startTier(browser: Browser): Promise<BrowserTier> {
  const tier = await startBrowserTier({
    shopUrl: shop.url,
    rendererDir: resolve(root, 'out/renderer'),
    viewHost: createPlaywrightViewHost({ browser, previewIntervalMs: 500 }),
    vault: createVault({ service: testService() }),
    createAudit: ({ auth, emit }) => createAuditPort({ auth, emit, dataDirFor: () => null, syncIntervalMs: 1000 }),
    exportDir: resolve(root, '.tmp/e2e-exports'),
    pollIntervalMs: 1000,
    log: () => undefined,
  });
  tiers.push(tier);
  return tier;
}

async function openConsole(browser: Browser, tier: BrowserTier): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(tier.url);
  return page;
}

async function signIn(page: Page, email: string, screenshot?: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_STAFF_PASSWORD);
  if (screenshot) await page.screenshot({ path: shots(screenshot) });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authenticator code').fill(code(email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

async function openJane(page: Page, screenshot?: string): Promise<void> {
  await page.keyboard.press('/');
  await page.getByRole('combobox', { name: 'Search customers' }).fill('jane');
  const result = page.getByRole('listbox', { name: 'Customers' }).getByRole('option').filter({ hasText: 'jane@example.com' });
  await expect(result).toBeVisible();
  if (screenshot) await page.screenshot({ path: shots(screenshot) });
  await result.click();
  await expect(page.getByRole('heading', { name: 'Jane Smith', level: 1 })).toBeVisible();
}

async function startViewSession(page: Page, email: string, reason: string, screenshot?: string): Promise<string> {
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start assisted session' });
  await expect(dialog.getByLabel('View only')).toBeChecked();
  // The demo shop's policy, read by every role: a store chosen automatically, TOTP only.
  await expect(dialog.getByLabel('Store')).not.toHaveValue('');
  await expect(dialog.getByLabel('Your password')).toHaveCount(0);
  await dialog.getByLabel('Store').selectOption({ label: 'Concierge Demo US' });
  await dialog.getByLabel('Reason (required)').fill(reason);
  await dialog.getByLabel('Ticket (optional)').fill('T-1001');
  await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(code(email));
  if (screenshot) await page.screenshot({ path: shots(screenshot) });
  await dialog.getByRole('button', { name: 'Start session' }).click();
  const region = page.getByRole('region', { name: 'Session with Jane Smith' });
  await expect(region).toBeVisible();
  const tab = page.getByRole('navigation', { name: 'Screens and sessions' }).getByRole('button', { name: /^Jane Smith \d/ });
  await expect(tab).toHaveAttribute('aria-current', 'page');
  return (await page.evaluate(() => document.querySelector('.preview img')?.getAttribute('src') ?? '')).replace(/^.*\/views\/([^/]+)\/.*$/, '$1');
}

/** Clicks the console's preview image where `target` is on the storefront page (the click relay). */
async function clickThroughPreview(page: Page, target: Locator): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('target not visible in the storefront');
  const img = page.getByRole('img', { name: /Live preview of the storefront/ });
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
  const shown = await img.boundingBox();
  const natural = await img.evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, h: el.naturalHeight }));
  if (!shown) throw new Error('preview not shown');
  await page.mouse.click(shown.x + ((box.x + box.width / 2) * shown.width) / natural.w, shown.y + ((box.y + box.height / 2) * shown.height) / natural.h);
}

/** Waits until the preview image has loaded a capture newer than now (so a screenshot shows the latest page). */
async function waitForFreshPreview(page: Page): Promise<void> {
  const img = page.getByRole('img', { name: /Live preview of the storefront/ });
  const before = await img.getAttribute('src');
  await expect(img).not.toHaveAttribute('src', before ?? '');
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
}

test.describe.serial('console in the browser tier', () => {
  let agentTier: BrowserTier;
  let agent: Page;
  let firstSessionId = '';

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    if (process.env.CONCIERGE_E2E_SKIP_BUILD !== '1' || !existsSync(resolve(root, 'out/renderer/index.html'))) {
      execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
    }
    // The shop's database: PostgreSQL when TEST_DATABASE_URL is set (CI), else embedded PGlite.
    shop = await startDemoShop(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
    code = totpCodes(shop);
    agentTier = await startTier(browser);
    agent = await openConsole(browser, agentTier);
  });

  test.afterAll(async () => {
    for (const tier of tiers) await tier.close();
    await shop.close();
  });

  test('an agent signs in, finds Jane, and starts a view-only session with a reason and step-up', async () => {
    await expect(agent.getByLabel('Shop address')).toHaveValue(shop.url);
    await signIn(agent, 'agent@demo.test', 'sign-in');
    await openJane(agent, 'search');
    await expect(agent.getByText('Consent until turned off').first()).toBeVisible();
    await agent.screenshot({ path: shots('customer') });
    firstSessionId = await startViewSession(agent, 'agent@demo.test', 'Customer cannot find her last order', 'start-session');
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
    await expect.poll(() => agent.getByRole('img', { name: /Live preview/ }).evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
    await agent.screenshot({ path: shots('session') });
  });

  test('a view-only session cannot add to the cart, and the agent ends it from the banner', async () => {
    const storefront = agentTier.viewHost.page(firstSessionId);
    if (!storefront) throw new Error('no storefront view for the session');
    await clickThroughPreview(agent, storefront.locator('a[href*="/product/"]').first());
    await expect(storefront.getByTestId('add-to-cart')).toBeVisible();
    await clickThroughPreview(agent, storefront.getByTestId('add-to-cart'));
    await expect(storefront.getByText('This assisted session is view only')).toBeVisible();
    await expect(storefront.getByTestId('cart-link')).toHaveText('Cart (0)');
    await waitForFreshPreview(agent);
    await waitForFreshPreview(agent);
    await agent.screenshot({ path: shots('session-refused') });

    await agent.getByRole('region', { name: 'Assisted session' }).getByRole('button', { name: 'End session' }).click();
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
    await expect(agent.getByRole('navigation', { name: 'Screens and sessions' }).getByRole('button', { name: 'Jane Smith ended' })).toBeVisible();
  });

  test('the audit viewer shows the session’s timeline and verifies the chain', async () => {
    await agent.getByRole('button', { name: 'View timeline' }).click();
    const timeline = agent.getByRole('complementary', { name: 'Session timeline' });
    // The first audit call opens the local mirror (a worker with its own database) and syncs it.
    await expect(timeline.getByText('Session started').first()).toBeVisible({ timeout: 45_000 });
    await expect(timeline.getByText('Page viewed').first()).toBeVisible();
    await expect(timeline.getByText('Action refused').first()).toBeVisible();
    await expect(timeline.getByText('Session ended').first()).toBeVisible();
    await expect(agent.getByRole('status', { name: 'Chain verification' })).toContainText('Chain verified');
    await expect(agent.getByRole('table', { name: 'Audit events' }).getByRole('row').first()).toBeVisible();
    await agent.screenshot({ path: shots('audit') });
  });

  test('a supervisor sees an agent’s live session and terminates it; the agent sees why', async ({ browser }) => {
    await agent.getByRole('button', { name: 'Customers' }).click();
    await openJane(agent);
    const secondId = await startViewSession(agent, 'agent@demo.test', 'Follow-up about delivery');

    const supervisorTier = await startTier(browser);
    const supervisor = await openConsole(browser, supervisorTier);
    await signIn(supervisor, 'supervisor@demo.test');
    await supervisor.getByRole('button', { name: 'Live sessions' }).click();
    const row = supervisor.getByRole('row').filter({ hasText: 'Follow-up about delivery' });
    await expect(row).toContainText('Jane Smith');
    await expect(row).toContainText('View only');
    await supervisor.screenshot({ path: shots('live-sessions') });
    await row.getByRole('button', { name: /^Terminate/ }).click();
    await supervisor.getByLabel('Reason for terminating').fill('Customer asked to stop');
    await supervisor.getByRole('button', { name: 'Terminate session' }).click();
    await expect(supervisor.getByText('Nobody is assisting a customer right now.')).toBeVisible();

    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible({ timeout: 15_000 });
    await expect(agent.getByRole('alert').filter({ hasText: 'Session ended' })).toContainText(/supervisor/i);
    await expect(agent.getByText('Customer asked to stop').first()).toBeVisible();
    expect(agentTier.viewHost.page(secondId)).toBeNull();
    await supervisor.close();
  });

  test('a trainee cannot start a session, in the UI or through the bridge', async ({ browser }) => {
    const traineeTier = await startTier(browser);
    const trainee = await openConsole(browser, traineeTier);
    await signIn(trainee, 'trainee@demo.test');
    await openJane(trainee);
    await expect(trainee.getByText('Your role can look customers up but cannot start assisted sessions.')).toBeVisible();
    await expect(trainee.getByRole('button', { name: /Start session/ })).toHaveCount(0);
    const customerId = await trainee.evaluate(async (token) => {
      const r = await fetch('/ipc/shop.searchCustomers', { method: 'POST', headers: { 'content-type': 'application/json', 'x-concierge-token': token }, body: JSON.stringify({ q: 'jane@example.com' }) });
      const body = (await r.json()) as { value: { items: { id: string }[] } };
      return body.value.items[0]?.id ?? '';
    }, traineeTier.token);
    const refused = await trainee.evaluate(
      async ({ token, customerId: id, totp }) => {
        const r = await fetch('/ipc/sessions.start', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-concierge-token': token },
          body: JSON.stringify({ customerId: id, accountId: 'acc_any', mode: 'view', reason: 'Trying anyway', stepUp: { code: totp } }),
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
    const adminTier = await startTier(browser);
    const admin = await openConsole(browser, adminTier);
    await signIn(admin, 'admin@demo.test');
    await admin.getByRole('button', { name: 'Settings' }).click();
    await expect(admin.getByLabel('Idle timeout (minutes)')).toHaveValue('10');
    await admin.screenshot({ path: shots('settings') });
    await admin.close();
  });
});
