import { expect, test } from '@playwright/test';
import {
  AGENT,
  electronSpec,
  JANE_SMITH,
  loadedSessionViews,
  pageOfView,
  runInView,
  sessionAtShop,
  sessionViews,
  signIn,
  startSession,
  supervisorToken,
  until,
} from './support';

/**
 * The console in real Electron (out/main/index.js, built by `npx electron-vite build`): sign in
 * through the UI, open Jane Smith's session, see the banner view above her storefront, end the
 * session from the banner, and check the shop recorded it. Skips, saying why, where the
 * Electron binary is not installed.
 */

const harness = electronSpec();

test("sign in, open Jane Smith's session, see the banner, end it from the banner", async () => {
  test.setTimeout(120_000);
  const h = harness();
  const page = await h.launch();
  const app = h.app();

  // The console page has the bridge and nothing of Node or Electron.
  expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof window.concierge?.['auth.state'])).toBe('function');

  await signIn(page, AGENT, h.code);
  const sessionId = await startSession(page, JANE_SMITH, 'Customer called about an order', () => h.code(AGENT));
  const views = await loadedSessionViews(app, sessionId, h.storeUrl);
  await expect
    .poll(async () => (await sessionViews(app, sessionId))?.shown, {
      message: 'the storefront shown, the banner over it',
    })
    .toEqual([views.storefront.index, views.banner.index]);

  // The storefront has no bridge at all.
  expect(await runInView(app, views.storefront.webContentsId, 'typeof window.concierge')).toBe('undefined');

  // The banner is its own view, above the storefront.
  const banner = await pageOfView(app, views.banner.url);
  if (banner) {
    await expect(banner.getByText('Assisting')).toBeVisible();
    await expect(banner.getByText('Jane Smith')).toBeVisible();
    await expect(banner.getByText(/jane@example\.com/)).toBeVisible();
    await expect(banner.getByRole('timer', { name: 'Idle time left' })).toHaveText(/\d+:\d\d left/);
    await expect(banner.getByRole('timer', { name: 'Maximum length left' })).toHaveText(/\d+:\d\d left/);
    await banner.getByRole('button', { name: 'End session' }).click();
  } else {
    // Without the view among app.windows(), read and press the banner from main.
    const text = await until('the banner filled in', async () => {
      const shown = String(await runInView(app, views.banner.webContentsId, 'document.body.innerText'));
      return shown.includes('Jane Smith') ? shown : null;
    });
    expect(text).toContain('Assisting');
    expect(text).toMatch(/jane@example\.com/);
    expect(text).toMatch(/\d+:\d\d left/);
    const pressed = await runInView(
      app,
      views.banner.webContentsId,
      `(() => {
        const end = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'End session');
        end?.click();
        return Boolean(end);
      })()`,
      { userGesture: true },
    );
    expect(pressed).toBe(true);
  }

  const token = await supervisorToken(h.shopUrl, h.code);
  await expect
    .poll(async () => (await sessionAtShop(h.shopUrl, token, sessionId)).endReason, { timeout: 20_000 })
    .toBe('ended_by_agent');
});
