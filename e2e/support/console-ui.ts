import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { DEMO_CUSTOMER_PASSWORD } from '../../shop/seed/demo';
import { DEMO_STAFF_PASSWORD } from '../../shop/seed/staff';
import { signInCustomer } from './storefront';

/**
 * Steps through the console's UI shared by the browser-tier spec and the journeys: what an agent
 * clicks and types, found by role and label as a screen reader would.
 */
export { DEMO_CUSTOMER_PASSWORD, DEMO_STAFF_PASSWORD };

type Code = (email: string) => string | Promise<string>;

export async function signIn(
  page: Page,
  email: string,
  code: Code,
  beforeContinue?: () => Promise<void>,
): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_STAFF_PASSWORD);
  await beforeContinue?.();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authenticator code').fill(await code(email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

export async function openCustomer(
  page: Page,
  query: string,
  email: string,
  name: string,
  beforeOpen?: () => Promise<void>,
): Promise<void> {
  await page.keyboard.press('/');
  await page.getByRole('combobox', { name: 'Search customers' }).fill(query);
  const result = page.getByRole('listbox', { name: 'Customers' }).getByRole('option').filter({ hasText: email });
  await expect(result).toBeVisible();
  await beforeOpen?.();
  await result.click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

export interface StartSession {
  email: string;
  customerName: string;
  reason: string;
  code: Code;
  consentCode?: string;
  beforeStart?: () => Promise<void>;
  /** The store to pick (default the demo shop's US store). */
  store?: string;
}

/** Starts a view-only session in the US store (or `store`); resolves with the session's id. */
export async function startViewSession(page: Page, start: StartSession): Promise<string> {
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start assisted session' });
  await expect(dialog.getByLabel('View only')).toBeChecked();
  await expect(dialog.getByLabel('Store')).not.toHaveValue('');
  await expect(dialog.getByLabel('Your password')).toHaveCount(0);
  await dialog.getByLabel('Store').selectOption({ label: start.store ?? 'Concierge Demo US' });
  await dialog.getByLabel('Reason (required)').fill(start.reason);
  await dialog.getByLabel('Ticket (optional)').fill('T-1001');
  if (start.consentCode !== undefined)
    await dialog.getByLabel('Customer’s one-time consent code').fill(start.consentCode);
  await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(await start.code(start.email));
  await start.beforeStart?.();
  await dialog.getByRole('button', { name: 'Start session' }).click();
  // A start is a step-up, the shop's session and a new storefront page: 2.5–5 s in CI, 10 s once.
  await expect(page.getByRole('region', { name: `Session with ${start.customerName}` })).toBeVisible({
    timeout: 30_000,
  });
  const tab = page
    .getByRole('navigation', { name: 'Screens and sessions' })
    .getByRole('button', { name: new RegExp(`^${start.customerName} \\d`) });
  await expect(tab).toHaveAttribute('aria-current', 'page');
  // The storefront takes the tab's size as it is first shown: wait for the picture to settle.
  await waitForFreshPreview(page);
  return ((await previewImage(page).getAttribute('src')) ?? '').replace(/^.*\/views\/([^/]+)\/.*$/, '$1');
}

export function previewImage(page: Page): Locator {
  return page.getByRole('img', { name: /Live preview of the storefront/ });
}

/** Clicks the console's preview where `target` is on a page laid out like the storefront (the click relay). */
export async function clickThroughPreview(page: Page, target: Locator): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('target not visible in the storefront');
  const img = previewImage(page);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
  const shown = await img.boundingBox();
  const natural = await img.evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, h: el.naturalHeight }));
  if (!shown) throw new Error('preview not shown');
  await page.mouse.click(
    shown.x + ((box.x + box.width / 2) * shown.width) / natural.w,
    shown.y + ((box.y + box.height / 2) * shown.height) / natural.h,
  );
}

/**
 * Waits until the live storefront has caught up with what the agent did: it is live, and its
 * picture has not changed for a second (a page that navigates or answers changes it before that).
 */
export async function waitForFreshPreview(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: 'Live storefront' })).toBeVisible();
  const look = () =>
    previewImage(page).evaluate((img: HTMLImageElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext('2d')?.drawImage(img, 0, 0);
      return canvas.toDataURL();
    });
  let last = '';
  let stillSince = Date.now();
  await expect
    .poll(
      async () => {
        const now = await look();
        if (now !== last) stillSince = Date.now();
        last = now;
        return Date.now() - stillSince >= 1000;
      },
      { intervals: [250] },
    )
    .toBe(true);
}

/**
 * Where the journeys cannot reach the assisted page itself (it lives in the console's process),
 * a page of the test's own, signed in as the same customer at the preview's size and with the
 * assisted band the storefront adds, shows where things are.
 */
export async function storefrontLikeTheView(
  browser: Browser,
  consolePage: Page,
  shopUrl: string,
  customerEmail: string,
): Promise<Page> {
  const size = await previewImage(consolePage).evaluate((el: HTMLImageElement) => ({
    width: el.naturalWidth,
    height: el.naturalHeight,
  }));
  const page = await (await browser.newContext({ viewport: size })).newPage();
  await signInCustomer(page, shopUrl, customerEmail);
  await page.goto(`${shopUrl}/store/us/`);
  await addAssistBand(page);
  return page;
}

export async function addAssistBand(page: Page): Promise<void> {
  await page.evaluate(() => {
    // The customer's own page tells them an agent is in (the "in your account now" notice); the agent's view does not.
    for (const notice of document.querySelectorAll('.live-assist')) notice.remove();
    const band = document.createElement('div');
    band.className = 'assist-marker';
    band.textContent = 'Assisted by Alex Agent — view only';
    document.body.prepend(band);
  });
}

/** A supervisor ends a session from Live sessions with `terminate` (its row's button), giving `reason`. */
export async function terminateSession(supervisor: Page, terminate: Locator, reason: string): Promise<void> {
  await terminate.click();
  await supervisor.getByLabel('Reason for terminating').fill(reason);
  await supervisor.getByRole('button', { name: 'Terminate session' }).click();
  await expect(supervisor.getByText('Nobody is assisting a customer right now.')).toBeVisible();
}
