import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { ConsoleBridge } from '../../shared/ipc/contract';
import { findElectronBinary } from '../../main/core/electron-binary';
import { totpCodeForStep, totpStep } from '../../shop/auth/totp';
import { startShop, type RunningShop } from '../../shop/main';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../shop/seed/staff';

/**
 * The console in real Electron (out/main/index.js, built by `npx electron-vite build`): sign in
 * through the UI, open Jane Smith's session, see the banner view above her storefront, end the
 * session from the banner, and check the shop recorded it. Skips, saying why, where the
 * Electron binary is not installed.
 */

const root = resolve(import.meta.dirname, '../..');
const binary = findElectronBinary(root);
test.skip(!binary.found, binary.found ? '' : binary.reason);
if (!binary.found) console.warn(`[electron e2e] skipped: ${binary.reason}`);

declare global {
  interface Window {
    concierge?: ConsoleBridge;
  }
}

const AGENT = DEMO_STAFF.find((s) => s.email === 'agent@demo.test');
const SUPERVISOR = DEMO_STAFF.find((s) => s.email === 'supervisor@demo.test');

/** Codes for successive time steps, as the shop accepts each step once per staff member. */
function codesFor(secret: string): () => string {
  let step = totpStep(new Date());
  return () => totpCodeForStep(secret, step++);
}

let shop: RunningShop;
let dataDir: string;
let home: string;
let app: ElectronApplication;

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'concierge-e2e-shop-'));
  home = await mkdtemp(join(tmpdir(), 'concierge-e2e-home-'));
  shop = await startShop({ host: '127.0.0.1', port: 0, dataDir, seed: 'demo' });
});

test.afterAll(async () => {
  await app.close().catch(() => undefined);
  await shop.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

async function consoleWindow(): Promise<Page> {
  app = await electron.launch({
    executablePath: binary.found ? binary.path : '',
    args: [root, `--shop-url=${shop.url}`],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return page;
}

async function supervisorToken(): Promise<string> {
  const login = await fetch(`${shop.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: SUPERVISOR!.email, password: DEMO_STAFF_PASSWORD }),
  });
  const { mfaToken } = (await login.json()) as { mfaToken: string };
  const mfa = await fetch(`${shop.url}/api/v1/auth/mfa`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mfaToken, code: codesFor(SUPERVISOR!.totpSecret)() }),
  });
  return ((await mfa.json()) as { accessToken: string }).accessToken;
}

test("sign in, open Jane Smith's session, see the banner, end it from the banner", async () => {
  const page = await consoleWindow();
  const code = codesFor(AGENT!.totpSecret);

  // The console page has the bridge and nothing of Node or Electron.
  expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof window.concierge?.['auth.state'])).toBe('function');

  await page.getByLabel('Email').fill(AGENT!.email);
  await page.getByLabel('Password').fill(DEMO_STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authenticator code').fill(code());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const stepUpCode = code();
  const started = await page.evaluate(async (totp) => {
    const bridge = window.concierge;
    if (!bridge) throw new Error('no bridge');
    return bridge['sessions.start']({
      customerId: 'cus_000001',
      accountId: 'acc_000001_us',
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp: { code: totp },
    });
  }, stepUpCode);
  expect(started.ok).toBe(true);
  if (!started.ok) return;
  const sessionId = started.value.session.id;
  await page.evaluate(async (id) => {
    await window.concierge?.['sessions.show']({ sessionId: id, bounds: { x: 0, y: 120, width: 1200, height: 700 } });
  }, sessionId);

  // The banner is its own view, above the storefront.
  await expect.poll(() => app.windows().find((w) => w.url().includes('banner.html'))).toBeTruthy();
  const banner = app.windows().find((w) => w.url().includes('banner.html'))!;
  await expect(banner.getByText('Assisting')).toBeVisible();
  await expect(banner.getByText('Jane Smith')).toBeVisible();
  await expect(banner.getByText(/jane@example\.com/)).toBeVisible();
  await expect(banner.getByRole('timer', { name: 'Idle time left' })).toHaveText(/\d+:\d\d left/);
  await expect(banner.getByRole('timer', { name: 'Maximum length left' })).toHaveText(/\d+:\d\d left/);
  const storefront = app.windows().find((w) => w.url().startsWith(`${shop.url}/store/us`));
  expect(storefront).toBeTruthy();
  // The storefront has no bridge at all.
  expect(await storefront!.evaluate(() => typeof (window as { concierge?: unknown }).concierge)).toBe('undefined');

  await banner.getByRole('button', { name: 'End session' }).click();
  const token = await supervisorToken();
  await expect
    .poll(
      async () => {
        const response = await fetch(`${shop.url}/api/v1/assist-sessions/${sessionId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await response.json()) as { status: string; endReason: string | null }).endReason;
      },
      { timeout: 20_000 },
    )
    .toBe('ended_by_agent');
});
