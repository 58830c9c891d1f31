import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { DEFAULT_POOL_SIZE } from '../../main/core/console-core';
import { findElectronBinary } from '../../main/core/electron-binary';
import { partitionName } from '../../main/core/partition-pool';
import { AssistSession } from '../../shared/api/sessions';
import type { CustomerSummary } from '../../shared/api/shop';
import type { ConsoleBridge, OpenSession } from '../../shared/ipc/contract';
import { startShop, type RunningShop } from '../../shop/main';
import { JANE } from '../../shop/seed/demo';
import { realTotp } from '../journeys/support/totp';
import { ensureRendererBuilt } from '../support/browser-tier';
import { DEMO_STAFF_PASSWORD, openCustomer, signIn } from '../support/console-ui';

/**
 * Set-up of the Electron-tier specs: the demo shop, the built console launched in real Electron
 * (`out/main/index.js` through the package's `main`) with a private HOME, the console UI's steps,
 * and reads of main's views, partitions and webContents through `app.evaluate`.
 */

declare global {
  interface Window {
    concierge?: ConsoleBridge;
  }
}

export { signIn };

export const root = resolve(import.meta.dirname, '../..');
export const binary = findElectronBinary(root);
/** Why every spec here skips on this machine ('' where the binary is installed). */
export const SKIP_REASON = binary.found ? '' : binary.reason;

export const AGENT = 'agent@demo.test';
export const SUPERVISOR = 'supervisor@demo.test';
export const US_STORE = 'Concierge Demo US';

/** The Electron glue passes no pool size of its own: the core's default. */
const POOL_SIZE = DEFAULT_POOL_SIZE;

export interface Customer {
  email: string;
  name: string;
}
export const JANE_SMITH: Customer = { email: JANE.email, name: JANE.name };

export type Codes = (email: string) => Promise<string>;

/** Waits until `read` gives a value (not null or undefined) and returns it. */
export async function until<T>(
  what: string,
  read: () => Promise<T | null | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

export interface Harness {
  readonly shop: RunningShop;
  /** What the console is given with --shop-url: the shop's public address. */
  readonly shopUrl: string;
  /** The US store's base URL (ends with `/`), the store every session here opens. */
  readonly storeUrl: string;
  /**
   * TOTP codes on the real clock (the console's shop checks them as it would a person's), one
   * counter per staff member for the whole file: a step is accepted once per staff member.
   */
  readonly code: Codes;
  /** The running console; throws when it was not launched or has quit. */
  app(): ElectronApplication;
  /** Launches the console on the shop with a fresh HOME and returns its window. */
  launch(): Promise<Page>;
  /** Quits the console as a person would (app.quit() through Playwright), waiting for the process to end. */
  quit(): Promise<{ exitCode: number | null }>;
  /** Quits the console if it runs, stops the shop and removes the folders; fine after a failed launch. */
  close(): Promise<void>;
}

/**
 * Builds the console if needed (as the browser tier does; CONCIERGE_E2E_SKIP_BUILD=1 reuses a
 * build) and starts the demo shop on a port of its own; `publicUrl` when it is reached through a front.
 */
export async function startHarness(options: { publicUrl?: string } = {}): Promise<Harness> {
  ensureRendererBuilt();
  const folders: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'concierge-e2e-shop-'));
  folders.push(dataDir);
  let shop: RunningShop;
  try {
    shop = await startShop({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      seed: 'demo',
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const shopUrl = shop.publicUrl;
  let app: ElectronApplication | undefined;

  async function quit(): Promise<{ exitCode: number | null }> {
    const running = app;
    app = undefined;
    if (!running) return { exitCode: null };
    await running.close();
    return { exitCode: running.process().exitCode };
  }

  return {
    shop,
    shopUrl,
    storeUrl: `${shopUrl}/store/us/`,
    code: realTotp(),
    app() {
      if (!app) throw new Error('the console is not running');
      return app;
    },
    async launch() {
      if (!binary.found) throw new Error(binary.reason);
      const home = await mkdtemp(join(tmpdir(), 'concierge-e2e-home-'));
      folders.push(home);
      // The built renderer, never a dev server a shell may point at.
      const { ELECTRON_RENDERER_URL: _devServer, ...env } = process.env;
      app = await electron.launch({
        executablePath: binary.path,
        args: [root, `--shop-url=${shopUrl}`],
        env: {
          ...env,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          XDG_CACHE_HOME: join(home, '.cache'),
          XDG_DATA_HOME: join(home, '.local', 'share'),
        },
      });
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      return page;
    },
    quit,
    async close() {
      // A launch that failed leaves no app; a console that will not quit must not keep the shop up.
      await quit().catch(() => undefined);
      try {
        await shop.close();
      } finally {
        for (const folder of folders) await rm(folder, { recursive: true, force: true });
      }
    },
  };
}

/** A supervisor's access token from the shop's API, for reading sessions as the shop records them. */
export async function supervisorToken(shopUrl: string, code: Codes): Promise<string> {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${shopUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status}`);
    return response.json();
  };
  const { mfaToken } = (await post('/auth/login', { email: SUPERVISOR, password: DEMO_STAFF_PASSWORD })) as {
    mfaToken: string;
  };
  const { accessToken } = (await post('/auth/mfa', { mfaToken, code: await code(SUPERVISOR) })) as {
    accessToken: string;
  };
  return accessToken;
}

/** The shop's record of a session. */
export async function sessionAtShop(shopUrl: string, token: string, sessionId: string): Promise<AssistSession> {
  const response = await fetch(`${shopUrl}/api/v1/assist-sessions/${sessionId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET assist-sessions/${sessionId}: ${response.status}`);
  return AssistSession.parse(await response.json());
}

/** The sessions open in this console, through the console page's own bridge. */
export async function openSessions(page: Page): Promise<OpenSession[]> {
  const response = await page.evaluate(() => {
    const bridge = window.concierge;
    if (!bridge) throw new Error('the console page has no bridge');
    return bridge['sessions.open']({});
  });
  if (!response.ok) throw new Error(`sessions.open: ${response.error.code}`);
  return response.value;
}

/** Ends a session as the console's End does (the same bridge call). */
export async function endSession(page: Page, sessionId: string): Promise<void> {
  const response = await page.evaluate((id) => {
    const bridge = window.concierge;
    if (!bridge) throw new Error('the console page has no bridge');
    return bridge['sessions.end']({ sessionId: id });
  }, sessionId);
  if (!response.ok) throw new Error(`sessions.end: ${response.error.code}`);
}

/** Customers with standing consent and a US account, other than Jane Smith, through the agent's bridge. */
export async function consentingCustomers(page: Page, count: number): Promise<Customer[]> {
  const response = await page.evaluate(() => {
    const bridge = window.concierge;
    if (!bridge) throw new Error('the console page has no bridge');
    return bridge['shop.searchCustomers']({ consent: 'granted', storeId: 'sto_us', limit: 50 });
  });
  if (!response.ok) throw new Error(`shop.searchCustomers: ${response.error.code}`);
  const found = response.value.items
    .filter((c: CustomerSummary) => c.id !== JANE.id && c.consent.status === 'granted' && c.storeIds.includes('sto_us'))
    // Their first name shows on the storefront ("Ann’s account"): none may read as Jane's.
    .filter((c) => !c.name.startsWith('Jane '))
    .slice(0, count)
    .map((c) => ({ email: c.email, name: c.name }));
  if (found.length < count) throw new Error(`only ${found.length} consenting US customers besides Jane`);
  return found;
}

/**
 * Starts a view-only session in the US store through the UI, with the steps of the browser
 * tier's journeys (e2e/support/console-ui.ts), and returns its id. In Electron the console draws
 * no header of its own: the session's banner view is its header.
 */
export async function startSession(
  page: Page,
  customer: Customer,
  reason: string,
  code: () => Promise<string>,
): Promise<string> {
  const before = new Set((await openSessions(page)).map((s) => s.session.id));
  await page
    .getByRole('navigation', { name: 'Screens and sessions' })
    .getByRole('button', { name: 'Customers', exact: true })
    .click();
  await openCustomer(page, customer.email, customer.email, customer.name);
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start assisted session' });
  await expect(dialog.getByLabel('View only')).toBeChecked();
  await dialog.getByLabel('Store').selectOption({ label: US_STORE });
  await dialog.getByLabel('Reason (required)').fill(reason);
  await dialog.getByLabel('Ticket (optional)').fill('T-1001');
  await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(await code());
  await dialog.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByRole('region', { name: `Session with ${customer.name}` })).toBeVisible();
  return until(`the session with ${customer.name} in sessions.open`, async () => {
    const open = await openSessions(page);
    return open.find((s) => !before.has(s.session.id) && s.session.customerEmail === customer.email)?.session.id;
  });
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One WebContentsView among the console window's child views, as main sees it. */
export interface ViewState {
  /** Its place among the window's child views: later is drawn on top. */
  index: number;
  webContentsId: number;
  url: string;
  loading: boolean;
  bounds: Box;
  visible: boolean;
}

export interface SessionViews {
  /** The window's content size. */
  content: { width: number; height: number };
  /** The indices of the child views shown, bottom to top. */
  shown: number[];
  banner: ViewState;
  storefront: ViewState;
}

/**
 * A session's banner and storefront views, read from main: the banner is the view whose page is
 * banner.html?session=<id>, the storefront the view added just before it (view-host-electron.ts
 * adds the storefront, then the banner). null while they are not both there.
 */
export async function sessionViews(app: ElectronApplication, sessionId: string): Promise<SessionViews | null> {
  return app.evaluate(({ BrowserWindow, WebContentsView }, id) => {
    // The console has one window.
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return null;
    const [width = 0, height = 0] = win.getContentSize();
    const views = win.contentView.children.map((child, index) =>
      child instanceof WebContentsView
        ? {
            index,
            webContentsId: child.webContents.id,
            url: child.webContents.getURL(),
            loading: child.webContents.isLoading(),
            bounds: child.getBounds(),
            visible: child.getVisible(),
          }
        : null,
    );
    const bannerOf = (url: string): string | null => {
      try {
        const parsed = new URL(url);
        return parsed.pathname.endsWith('/banner.html') ? parsed.searchParams.get('session') : null;
      } catch {
        return null;
      }
    };
    const banner = views.find((v) => v !== null && bannerOf(v.url) === id);
    const storefront = banner ? views[banner.index - 1] : null;
    if (!banner || !storefront) return null;
    return {
      content: { width, height },
      shown: views.flatMap((v) => (v?.visible ? [v.index] : [])),
      banner,
      storefront,
    };
  }, sessionId);
}

/** The session's views once the storefront shows a page of `storeUrl` (past the handoff) and neither is loading. */
export async function loadedSessionViews(
  app: ElectronApplication,
  sessionId: string,
  storeUrl: string,
): Promise<SessionViews> {
  return until(
    `the storefront of ${sessionId} on ${storeUrl}`,
    async () => {
      const views = await sessionViews(app, sessionId);
      if (!views || views.banner.loading || views.storefront.loading) return null;
      const url = views.storefront.url;
      return url.startsWith(storeUrl) && !url.includes('/assist/enter') ? views : null;
    },
    30_000,
  );
}

/** The URL a webContents shows now (its last committed navigation). */
export async function urlOf(app: ElectronApplication, webContentsId: number): Promise<string> {
  return app.evaluate(({ webContents }, id) => webContents.fromId(id)?.getURL() ?? '', webContentsId);
}

/** Every webContents main holds: the console, the banners, the storefronts. */
export async function allWebContents(app: ElectronApplication): Promise<{ id: number; url: string }[]> {
  return app.evaluate(({ webContents }) => webContents.getAllWebContents().map((w) => ({ id: w.id, url: w.getURL() })));
}

/**
 * Runs `script` in a view's page from main (webContents.executeJavaScript, the page's main
 * world), whether or not Playwright lists that view among app.windows().
 */
export async function runInView(
  app: ElectronApplication,
  webContentsId: number,
  script: string,
  options: { userGesture?: boolean } = {},
): Promise<unknown> {
  return app.evaluate(
    async ({ webContents }, { id, code, gesture }) => {
      const contents = webContents.fromId(id);
      if (!contents || contents.isDestroyed()) throw new Error(`webContents ${id} is gone`);
      const result: unknown = await contents.executeJavaScript(code, gesture);
      return result;
    },
    { id: webContentsId, code: script, gesture: options.userGesture ?? false },
  );
}

/**
 * The Playwright page of a view, when Playwright lists it among app.windows() (WebContentsViews
 * are, since Playwright 1.60: microsoft/playwright#39427); null when it does not within a few seconds.
 */
export async function pageOfView(app: ElectronApplication, url: string): Promise<Page | null> {
  return until(`a page at ${url}`, () => Promise.resolve(app.windows().find((w) => w.url() === url)), 5_000).catch(
    () => null,
  );
}

/** Which pooled partition (`assist-slot-N`) a view's webContents uses; null when none of them. */
export async function partitionOfView(app: ElectronApplication, webContentsId: number): Promise<string | null> {
  const names = Array.from({ length: POOL_SIZE }, (_, index) => partitionName(index));
  return app.evaluate(
    ({ session, webContents }, { id, candidates }) => {
      const contents = webContents.fromId(id);
      if (!contents) return null;
      // fromPartition gives the one Session object of a partition, the same one its webContents holds.
      return candidates.find((name) => session.fromPartition(name) === contents.session) ?? null;
    },
    { id: webContentsId, candidates: names },
  );
}

/** The cookies a partition holds, read from main. */
export async function partitionCookies(
  app: ElectronApplication,
  partition: string,
): Promise<{ name: string; value: string }[]> {
  return app.evaluate(async ({ session }, name) => {
    const cookies = await session.fromPartition(name).cookies.get({});
    return cookies.map((c) => ({ name: c.name, value: c.value }));
  }, partition);
}

/** Every Electron spec skips, saying why, where the binary is missing. */
export function skipWithoutElectron(): void {
  test.skip(!binary.found, SKIP_REASON);
  if (!binary.found) console.warn(`[electron e2e] skipped: ${SKIP_REASON}`);
}

/**
 * The usual frame of a spec file: skipped without the binary, one harness started before its
 * tests and closed after them (never throwing when the launch failed); returns the harness.
 */
export function electronSpec(): () => Harness {
  skipWithoutElectron();
  let harness: Harness | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    harness = await startHarness();
  });
  test.afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('The harness did not start.');
    return harness;
  };
}
