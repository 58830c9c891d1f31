import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import {
  AGENT,
  type Box,
  electronSpec,
  JANE_SMITH,
  loadedSessionViews,
  type SessionViews,
  sessionViews,
  signIn,
  startSession,
  until,
} from './support';

/**
 * The banner stays above the storefront in real Electron: drawn on top of it, right above it,
 * both inside the window, when the session opens, after the window is resized and after the
 * console is zoomed. Read from main: the window's child views and their bounds.
 */

const harness = electronSpec();

/** The views once two reads a moment apart agree: the console has reported its area and main has laid them out. */
async function settledViews(app: ElectronApplication, sessionId: string): Promise<SessionViews> {
  let last = '';
  return until(
    'the session views to settle',
    async () => {
      const views = await sessionViews(app, sessionId);
      const now = JSON.stringify(views);
      const settled = views !== null && now === last;
      last = now;
      return settled ? views : null;
    },
    20_000,
  );
}

function expectInside(box: Box, content: { width: number; height: number }, what: string): void {
  expect(box.x, `${what} x`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${what} y`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} right edge`).toBeLessThanOrEqual(content.width);
  expect(box.y + box.height, `${what} bottom edge`).toBeLessThanOrEqual(content.height);
}

function expectBannerAbove(views: SessionViews): void {
  const { banner, storefront, content } = views;
  // Exactly these two shown, the banner added after the storefront: drawn over it, and nothing over the banner.
  expect(views.shown, 'the views shown, bottom to top').toEqual([storefront.index, banner.index]);
  expect(banner.index, 'the banner drawn over the storefront').toBeGreaterThan(storefront.index);
  expect(banner.bounds.height, 'banner height').toBeGreaterThan(0);
  expect(storefront.bounds.height, 'storefront height').toBeGreaterThan(0);
  expect(banner.bounds.y, 'the banner right above the storefront').toBe(storefront.bounds.y - banner.bounds.height);
  expect(banner.bounds.x).toBe(storefront.bounds.x);
  expect(banner.bounds.width).toBe(storefront.bounds.width);
  expectInside(banner.bounds, content, 'banner');
  expectInside(storefront.bounds, content, 'storefront');
}

/**
 * The banner's corner sits on the corner of the console's storefront area (the element
 * SessionScreen reports to main), in window pixels at the console's zoom: over the area, not
 * over the console's own controls.
 */
async function expectOnConsoleArea(page: Page, app: ElectronApplication, views: SessionViews): Promise<void> {
  const zoom = await app.evaluate(
    ({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getZoomFactor() ?? 1,
  );
  const area = await page.locator('.storefront-area').evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return { x: rect.left, y: rect.top };
  });
  // Rounded twice on the way (by the page, then by main): within 2 px.
  expect(Math.abs(views.banner.bounds.x - area.x * zoom), 'banner x on the area').toBeLessThanOrEqual(2);
  expect(Math.abs(views.banner.bounds.y - area.y * zoom), 'banner y on the area').toBeLessThanOrEqual(2);
}

test('the banner stays above the storefront after a resize and a zoom', async () => {
  test.setTimeout(120_000);
  const h = harness();
  const page = await h.launch();
  const app = h.app();
  await signIn(page, AGENT, h.code);
  const sessionId = await startSession(page, JANE_SMITH, 'Customer cannot find her last order', () => h.code(AGENT));
  await loadedSessionViews(app, sessionId, h.storeUrl);
  const opened = await settledViews(app, sessionId);
  expectBannerAbove(opened);
  await expectOnConsoleArea(page, app, opened);

  // A smaller window (above the console's minimum size): the console reports its new area.
  await app.evaluate(({ BrowserWindow }) => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) throw new Error('no console window');
    if (win.isMaximized()) win.unmaximize();
    const [width] = win.getSize();
    win.setSize(width === 1100 ? 1200 : 1100, 760);
  });
  await until('the views laid out for the new size', async () => {
    const views = await sessionViews(app, sessionId);
    return views &&
      views.content.width !== opened.content.width &&
      views.storefront.bounds.width !== opened.storefront.bounds.width
      ? true
      : null;
  });
  const resized = await settledViews(app, sessionId);
  expectBannerAbove(resized);
  await expectOnConsoleArea(page, app, resized);

  // A zoom attempt: the zoom-in shortcut, then the zoom factor set on the console's webContents.
  // The console may refuse a zoom; either way the banner must stay where it belongs.
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  await page.keyboard.press('Control+Equal');
  await app.evaluate(({ BrowserWindow }) => {
    BrowserWindow.getAllWindows()[0]?.webContents.setZoomFactor(1.5);
  });
  await page
    .waitForFunction((before) => window.devicePixelRatio !== before, ratio, { timeout: 3_000 })
    .catch(() => {
      // Not zoomed (refused): nothing for the console to report.
    });
  const zoomed = await settledViews(app, sessionId);
  expectBannerAbove(zoomed);
  await expectOnConsoleArea(page, app, zoomed);
});
