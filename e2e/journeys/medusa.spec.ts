import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { connectorUnavailable, startMedusa, type MedusaServer } from '../../connectors/medusa-server';
import { signIn as apiSignIn, stepUp } from '../../conformance/sign-in';
import { StaffFile } from '../../conformance/staff-file';
import { totpCodes } from '../../conformance/totp';
import { screenshotPath } from '../screenshots';
import {
  clickThroughPreview,
  openCustomer,
  previewImage,
  signIn,
  startViewSession,
  waitForFreshPreview,
} from '../support/console-ui';
import {
  freePort,
  freshFolders,
  removeFolders,
  startProduct,
  type Folders,
  type RunningProduct,
} from './support/product';
import { realTotp } from './support/totp';

/**
 * The console on a real commerce platform: Medusa v2 with the Concierge connector
 * (connectors/medusa), started as its README says, and the console as a user starts it
 * (`npm start -- --browser --shop-url <medusa>/concierge`). An agent finds Jane, starts a view
 * session, opens a product in the storefront, where adding it to the cart is locked (a POST sent
 * anyway is refused at the shop: connectors/medusa.test.ts), ends the session from the banner, and
 * finds it in the audit viewer with the chain verified.
 */
const unavailable = connectorUnavailable();
if (unavailable !== null && process.env.CI) throw new Error(`CI must run the Medusa journey: ${unavailable}`);

let medusa: MedusaServer;
let staff: StaffFile;
let folders: Folders;
let product: RunningProduct;
let agent: Page;

/**
 * The agent's storefront lives in the console's process; a second view session (the other
 * agent's, through the API) opened in a page of the test's own at the preview's size shows where
 * things are on the same pages.
 */
async function referenceStorefront(browser: Browser, consolePage: Page): Promise<Page> {
  const person = staff.staff.find((s) => s.email === 'agent2@demo.test');
  if (!person) throw new Error('the staff file has no second agent');
  const codes = totpCodes();
  const other = await apiSignIn(medusa.shopUrl, person, codes);
  const customer = await other.client.customer(staff.customers.withConsent.id);
  const account = customer.accounts.find((a) => a.storeCode === 'us');
  if (!account) throw new Error('Jane has no account in the US store');
  const { handoffUrl } = await other.client.createSession({
    customerId: customer.id,
    accountId: account.id,
    mode: 'view',
    reason: 'Layout reference for the journey',
    stepUpToken: await stepUp(other, codes),
  });
  const size = await previewImage(consolePage).evaluate((img: HTMLImageElement) => ({
    width: img.naturalWidth,
    height: img.naturalHeight,
  }));
  const page = await (await browser.newContext({ viewport: size })).newPage();
  await page.goto(handoffUrl);
  return page;
}

test.describe.serial('journey: assisting a customer of a Medusa shop', () => {
  test.skip(unavailable !== null, `Medusa connector: ${unavailable ?? ''}`);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    medusa = await startMedusa(process.env.TEST_DATABASE_URL ?? '');
    staff = StaffFile.parse(JSON.parse(await readFile(medusa.staffFile, 'utf8')));
    folders = await freshFolders('medusa');
    product = await startProduct({
      folders,
      port: await freePort(),
      shopPort: await freePort(),
      shopUrl: medusa.shopUrl,
    });
    agent = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await agent.goto(product.consoleUrl);
  });

  test.afterAll(async () => {
    // Each is unset when its start failed.
    await (product as RunningProduct | undefined)?.stop();
    await (medusa as MedusaServer | undefined)?.stop();
    if ((folders as Folders | undefined) !== undefined) await removeFolders(folders);
  });

  test('an agent finds Jane, views her Medusa storefront with changes locked and ends the session', async ({
    browser,
  }) => {
    test.setTimeout(240_000);
    // One code source for the agent: the shop takes each 30-second step once per person.
    const code = realTotp(staff.staff);
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', 'jane.smith@example.com', 'Jane Smith');
    await expect(agent.getByText('Consent until turned off').first()).toBeVisible();
    await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer asks about her tea order',
      code,
      store: 'US Store',
    });
    const banner = agent.getByRole('region', { name: 'Assisted session' });
    await expect(banner).toContainText('Assisting Jane Smith (jane.smith@example.com)');
    await expect(banner).toContainText('View only');

    const reference = await referenceStorefront(browser, agent);
    const firstProduct = reference.locator('a[href*="/products/"]').first();
    const href = (await firstProduct.getAttribute('href')) ?? '';
    await clickThroughPreview(agent, firstProduct);
    await waitForFreshPreview(agent);
    await reference.goto(new URL(href, reference.url()).toString());
    await expect(reference.getByRole('button', { name: 'Add to cart' })).toBeDisabled();
    await agent.screenshot({ path: screenshotPath('medusa-assisted-storefront') });
    await reference.context().close();

    await banner.getByRole('button', { name: 'End session' }).click();
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
  });

  test('the audit viewer shows the session from Medusa: start, storefront, pages, the end, the chain verified', async () => {
    test.setTimeout(120_000);
    await agent.getByRole('button', { name: 'Audit', exact: true }).click();
    const table = agent.getByRole('table', { name: 'Audit events' });
    await expect(table.getByText('Session started').first()).toBeVisible({ timeout: 90_000 });
    await expect(table.getByText('Page viewed').first()).toBeVisible();
    await expect(table.getByText('Storefront opened').first()).toBeVisible();
    await expect(table.getByText('Session ended').first()).toBeVisible();
    await expect(agent.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash');
    await expect(agent.getByText(/Something went wrong/)).toHaveCount(0);
    await agent.screenshot({ path: screenshotPath('medusa-audit') });
  });
});
