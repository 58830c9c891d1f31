import { expect, test, type Page } from '@playwright/test';
import { screenshotPath } from '../screenshots';
import type { BrowserTier } from '../../main/browser-tier/server';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { clickThroughPreview, openCustomer, previewImage, signIn, startViewSession } from '../support/console-ui';

/**
 * The storefront view of the browser tier, used as an agent would for a whole call: the live
 * screencast in the console's session tab, and the agent's typing, keys and wheel reaching the
 * customer's storefront through it — the real shop, the real console core, the built renderer.
 */

/**
 * The share of pixels where the picture the console shows differs clearly from `png` (a
 * screenshot of the storefront's page): near 0 when the console shows that page.
 */
async function differingShare(agent: Page, png: Buffer): Promise<number> {
  return previewImage(agent).evaluate(async (img: HTMLImageElement, base64: string) => {
    const reference = new Image();
    reference.src = `data:image/png;base64,${base64}`;
    await reference.decode();
    const { naturalWidth: width, naturalHeight: height } = img;
    if (width !== reference.naturalWidth || height !== reference.naturalHeight) return 1;
    const pixels = (source: CanvasImageSource) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d canvas');
      context.drawImage(source, 0, 0);
      return context.getImageData(0, 0, width, height).data;
    };
    const shown = pixels(img);
    const expected = pixels(reference);
    let differing = 0;
    for (let at = 0; at < shown.length; at += 4) {
      const channel = (offset: number) => Math.abs((shown[at + offset] ?? 0) - (expected[at + offset] ?? 0));
      if (Math.max(channel(0), channel(1), channel(2)) > 64) differing++;
    }
    return differing / (width * height);
  }, png.toString('base64'));
}

test.describe.serial('the storefront view in the browser tier', () => {
  let tiers: BrowserTiers;
  let agent: Page;
  let storefront: Page;
  let tier: BrowserTier;
  let sessionId: string;

  /** Polls until the console shows what the storefront's page shows now. */
  async function expectStreamShowsStorefront(): Promise<Buffer> {
    let shot: Buffer = Buffer.alloc(0);
    await expect
      .poll(async () => {
        shot = await storefront.screenshot();
        return differingShare(agent, shot);
      })
      .toBeLessThan(0.02);
    return shot;
  }

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers();
    const { code } = tiers;
    tier = await tiers.start(browser);
    agent = await openConsole(browser, tier, { width: 1280, height: 800 });
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    sessionId = await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer cannot find her last order',
      code,
    });
    const page = tier.viewHost.page(sessionId);
    if (!page) throw new Error('no storefront view for the session');
    storefront = page;
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('the session tab shows the storefront live, sized to the tab so its pixels are the page’s', async () => {
    await expect(agent.getByRole('status').filter({ hasText: 'Live storefront' })).toBeVisible();
    const image = previewImage(agent);
    expect(await image.getAttribute('src')).toMatch(/\/views\/[^/]+\/screencast\?token=/);
    // The storefront's page takes the size of the box the picture fills: one page pixel, one screen pixel.
    const pageSize = () => storefront.evaluate(() => [innerWidth, innerHeight]);
    await expect
      .poll(async () => {
        const natural = await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
        return JSON.stringify(natural) === JSON.stringify(await pageSize());
      })
      .toBe(true);
    const [width = 0, height = 0] = await pageSize();
    const shown = await image.boundingBox();
    // Within the rounding of the reported box.
    expect(Math.abs((shown?.width ?? 0) - width)).toBeLessThan(2);
    expect(Math.abs((shown?.height ?? 0) - height)).toBeLessThan(2);
    expect(width).toBeGreaterThan(600);
    await expectStreamShowsStorefront();
  });

  test('the agent types a search into the storefront through the console and sees the results', async () => {
    const before = await expectStreamShowsStorefront();
    const search = storefront.getByRole('searchbox', { name: 'Search products' });
    await clickThroughPreview(agent, search);
    const surface = agent.getByRole('application', { name: /^Storefront of Jane Smith/ });
    await expect(surface).toBeFocused();
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);

    await agent.keyboard.type('grindes');
    await agent.keyboard.press('Backspace');
    await agent.keyboard.type('r');
    await expect(search).toHaveValue('grinder');
    // Tab moves on in the storefront, not in the console.
    await agent.keyboard.press('Tab');
    await expect(surface).toBeFocused();
    await expect.poll(() => storefront.evaluate(() => document.activeElement?.textContent.trim())).toBe('Search');
    await agent.keyboard.press('Shift+Tab');
    await agent.keyboard.press('Enter');
    await storefront.waitForURL(/\/search\?q=grinder$/);
    await expect(storefront.getByRole('heading', { name: 'Results for “grinder”' })).toBeVisible();

    // The console shows the result page, and no longer the page it showed before.
    await expectStreamShowsStorefront();
    expect(await differingShare(agent, before)).toBeGreaterThan(0.02);
    await agent.screenshot({ path: screenshotPath('storefront-search') });

    // Escape gives the keys back to the console.
    await agent.keyboard.press('Escape');
    await expect(surface).not.toBeFocused();
  });

  test('the agent opens an order and scrolls it with the wheel over the console', async () => {
    await clickThroughPreview(agent, storefront.getByRole('link', { name: 'Jane’s account' }));
    await storefront.waitForURL(/\/account$/);
    await clickThroughPreview(
      agent,
      storefront.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Orders' }),
    );
    await storefront.waitForURL(/\/account\/orders$/);
    await clickThroughPreview(agent, storefront.getByTestId('orders-table').getByRole('link').first());
    await storefront.waitForURL(/\/account\/orders\/[^/]+$/);
    const top = await expectStreamShowsStorefront();
    expect(await storefront.evaluate(() => document.documentElement.scrollHeight > innerHeight)).toBe(true);

    const box = await previewImage(agent).boundingBox();
    if (!box) throw new Error('the storefront is not shown');
    await agent.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await agent.mouse.wheel(0, 400);
    await expect.poll(() => storefront.evaluate(() => scrollY)).toBeGreaterThan(0);
    // The console page itself did not scroll.
    expect(await agent.evaluate(() => scrollY)).toBe(0);
    await expectStreamShowsStorefront();
    expect(await differingShare(agent, top)).toBeGreaterThan(0.02);
    await agent.screenshot({ path: screenshotPath('storefront-order-scrolled') });
  });

  test('a storefront page that crashes is said so, with a reload that brings the customer’s page back', async () => {
    const before = storefront.url();
    // The console's page in the same browser keeps it running while the storefront's page is gone.
    const cdp = await storefront.context().newCDPSession(storefront);
    void cdp.send('Page.crash').catch(() => undefined);
    const alert = agent.getByRole('alert').filter({ hasText: 'The storefront stopped working' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Reload it to go on, or end the session.');
    // No frozen picture of a page that is gone.
    await expect(previewImage(agent)).toHaveCount(0);
    await agent.screenshot({ path: screenshotPath('storefront-crashed') });
    await alert.getByRole('button', { name: 'Reload the storefront' }).click();
    await expect(alert).toBeHidden();
    // A new page in the same browser context (the customer's cookies) takes the crashed one's place.
    await expect.poll(() => tier.viewHost.page(sessionId) !== storefront).toBe(true);
    const page = tier.viewHost.page(sessionId);
    if (!page) throw new Error('no storefront view after the reload');
    storefront = page;
    await expect.poll(() => storefront.url()).toBe(before);
    await expect(storefront.getByRole('heading', { name: /O-00000001/ })).toBeVisible();
    await expectStreamShowsStorefront();
  });
});
