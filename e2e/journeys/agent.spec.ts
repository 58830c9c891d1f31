import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import {
  clickThroughPreview,
  DEMO_CUSTOMER_PASSWORD,
  DEMO_STAFF_PASSWORD,
  openCustomer,
  signIn,
  startViewSession,
  storefrontLikeTheView,
  waitForFreshPreview,
} from '../support/console-ui';
import { assertNoSecrets, keychainSecrets } from './support/secrets';
import {
  freePort,
  freshFolders,
  removeFolders,
  startProduct,
  type Folders,
  type RunningProduct,
} from './support/product';
import { realTotp } from './support/totp';
import { screenshotPath } from '../screenshots';

/**
 * An agent's first day, as a newcomer runs it: `npm start -- --browser` in a fresh HOME and data
 * folder, then in Chromium: sign in, find Jane, a view-only session with a reason and step-up,
 * a refused change, the end from the banner, the audit viewer on this first run with the chain
 * verified, an export that downloads, then John, who has not allowed assistance: his one-time
 * code. Last, no secret the journey used is in any log or in the terminal.
 */
const code = realTotp();
const used = new Set<string>([DEMO_STAFF_PASSWORD, DEMO_CUSTOMER_PASSWORD]);
const useCode = async (email: string) => {
  const value = await code(email);
  used.add(value);
  return value;
};

let folders: Folders;
let product: RunningProduct;
let agent: Page;

test.describe.serial('journey: an agent on a fresh install', () => {
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    folders = await freshFolders('agent');
    product = await startProduct({ folders, port: await freePort(), shopPort: await freePort() });
    agent = await browser.newPage({ viewport: { width: 1280, height: 760 }, acceptDownloads: true });
    await agent.goto(product.consoleUrl);
  });

  test.afterAll(async () => {
    await product.stop();
    await removeFolders(folders);
  });

  test('signs in, finds Jane and assists her view only through the storefront; the banner ends it', async ({
    browser,
  }) => {
    test.setTimeout(240_000);
    await signIn(agent, 'agent@demo.test', useCode);
    for (const secret of await keychainSecrets(product.shopUrl, 'agent@demo.test')) used.add(secret);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    await expect(agent.getByText('Consent until turned off').first()).toBeVisible();
    const sessionId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer cannot find her last order',
      code: useCode,
    });
    const banner = agent.getByRole('region', { name: 'Assisted session' });
    await expect(banner).toContainText('Assisting Jane Smith (jane@example.com)');
    await expect(banner).toContainText('View only');

    // The storefront as the view shows it: the test's own page, laid out the same, says where to click.
    const reference = await storefrontLikeTheView(browser, agent, product.shopUrl, 'jane@example.com');
    const product0 = reference.locator('a[href*="/product/"]').first();
    const productHref = (await product0.getAttribute('href')) ?? '';
    await clickThroughPreview(agent, product0);
    await waitForFreshPreview(agent);
    // The view-only storefront draws its changes locked (e2e/browser/view-only.spec.ts proves it in the view).
    expect(productHref).toContain('/product/');
    await reference.context().close();

    await banner.getByRole('button', { name: 'End session' }).click();
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('the audit viewer works on this first run: the session’s events, the chain verified, an export that downloads', async () => {
    test.setTimeout(120_000);
    await agent.getByRole('button', { name: 'Audit', exact: true }).click();
    const table = agent.getByRole('table', { name: 'Audit events' });
    // A fresh install: the mirror's database is created now, so the first page takes a while here.
    await expect(table.getByText('Session started').first()).toBeVisible({ timeout: 90_000 });
    await expect(table.getByText('Page viewed').first()).toBeVisible();
    await expect(table.getByText('Session ended').first()).toBeVisible();
    await expect(agent.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash');
    // The shop npm start runs signs its log with the key in its data folder; the console pinned it on this first sync.
    await expect(agent.getByRole('status', { name: 'Signed checkpoints' })).toContainText(
      /✓ [1-9][\d,]* signed checkpoints? verified \(signatures only/,
    );
    await expect(agent.getByText(/Something went wrong/)).toHaveCount(0);
    await agent.screenshot({ path: screenshotPath('journey-audit-first-run') });

    const download = agent.waitForEvent('download');
    await agent.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    expect(csv).toContain('session.start,');
    expect(csv).toContain('session.page_view');
    expect(csv).toContain('Customer cannot find her last order');
  });

  test('John has not allowed assistance: the agent starts with the one-time code he reads out', async ({ browser }) => {
    test.setTimeout(120_000);
    const john = await (await browser.newContext()).newPage();
    await john.goto(`${product.shopUrl}/store/us/signin`);
    await john.getByLabel('Email').fill('john@example.com');
    await john.getByLabel('Password').fill(DEMO_CUSTOMER_PASSWORD);
    await john.getByRole('button', { name: 'Sign in' }).click();
    await john.getByRole('link', { name: 'John’s account' }).click();
    await john.getByRole('link', { name: 'Assistance' }).click();
    await john.getByRole('button', { name: 'Get a one-time code' }).click();
    const consentCode = (await john.getByTestId('consent-code').textContent())?.trim() ?? '';
    expect(consentCode).toMatch(/^\d{6}$/);
    used.add(consentCode);

    await agent.getByRole('button', { name: 'Customers' }).click();
    await openCustomer(agent, 'john@example.com', 'john@example.com', 'John Doe');
    await expect(agent.getByText('The customer has not allowed assistance.', { exact: false })).toBeVisible();
    await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'John Doe',
      reason: 'Order status question',
      code: useCode,
      consentCode,
    });
    await agent.getByRole('region', { name: 'Assisted session' }).getByRole('button', { name: 'End session' }).click();
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
    await john.context().close();
  });

  test('no secret the journey used is in any log or in the terminal', async () => {
    for (const secret of await keychainSecrets(product.shopUrl, 'agent@demo.test')) used.add(secret);
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await expect(agent.getByLabel('Email')).toBeVisible();
    const token = new URL(product.consoleUrl).searchParams.get('token') ?? '';
    await product.stop();
    await assertNoSecrets({
      folders,
      terminal: product.terminal(),
      secrets: [...used],
      // The console's address is printed on purpose (the terminal is where the agent gets it); it is never logged.
      logOnly: [token],
    });
  });
});
