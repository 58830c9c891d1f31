import { expect, test, type Page } from '@playwright/test';
import { openCustomer, signIn, startViewSession } from '../support/console-ui';
import { consoleLogEntries, type LogEntry } from './support/logs';
import {
  freePort,
  freshFolders,
  removeFolders,
  startProduct,
  stopLeftoverShop,
  type Folders,
  type LaunchArgs,
  type RunningProduct,
} from './support/product';
import { endedSessionAtShop } from './support/shop-api';
import { realTotp } from './support/totp';
import { screenshotPath } from '../screenshots';

/**
 * The console stops and starts again in the same folders, three ways: it crashes (kill -9) and
 * the launcher restarts it; the person stops `npm start` and starts it again; the whole console
 * side dies with a session live. Each time the old tab says what happened and offers a reload,
 * the sign-in comes back from the keychain (where there is one: CI runs a real Secret Service),
 * the audit mirror resumes where it was, and sessions the old console left open are ended and
 * reported; the last case also measures how soon the shop ends a session whose console is gone.
 */
const code = realTotp();
// .ci/with-keyring.sh runs a real Secret Service and says so; elsewhere there may be no keychain.
const keychain = process.env.CONCIERGE_KEYCHAIN_REQUIRED === '1';

let folders: Folders;
let args: LaunchArgs;
let product: RunningProduct;
let page: Page;

/** After a restart: signed in again, from the keychain where there is one, else by hand. */
async function signedInAgain(): Promise<void> {
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (keychain) await expect(signOut).toBeVisible({ timeout: 30_000 });
  else {
    // Not required here, but a desktop session may still offer one: either way is right.
    await expect(signOut.or(page.getByLabel('Email'))).toBeVisible({ timeout: 30_000 });
    if (!(await signOut.isVisible())) await signIn(page, 'agent@demo.test', code);
  }
}

async function startJaneSession(reason: string): Promise<string> {
  await page.getByRole('button', { name: 'Customers' }).click();
  await openCustomer(page, 'jane', 'jane@example.com', 'Jane Smith');
  return startViewSession(page, { email: 'agent@demo.test', customerName: 'Jane Smith', reason, code });
}

const mirrorOpenings = (entries: LogEntry[]) =>
  entries.filter((e) => e.module === 'audit-mirror' && typeof e.resumeAfterSeq === 'number');

test.describe.serial('journey: the console restarts', () => {
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    folders = await freshFolders('restart');
    args = { folders, port: await freePort(), shopPort: await freePort() };
    product = await startProduct(args);
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(product.consoleUrl);
    await signIn(page, 'agent@demo.test', code);
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash', {
      timeout: 90_000,
    });
  });

  test.afterAll(async () => {
    await product.stop();
    await stopLeftoverShop(folders);
    await removeFolders(folders);
  });

  test('a console that crashed is restarted; the old tab offers a reload; the session it left open is ended and reported', async () => {
    test.setTimeout(180_000);
    await startJaneSession('Crash while assisting');
    const from = product.terminal().length;
    product.killConsole();
    await product.waitForLine(/The console stopped unexpectedly/, from);
    await product.waitForLine(/Console \(browser tier\) ready/, from);
    await expect(page.getByRole('alert').filter({ hasText: 'The console restarted' })).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('journey-console-restarted') });
    await page.getByRole('button', { name: 'Reload' }).click();
    await signedInAgain();
    await expect(
      page.getByText(
        /1 session from your last run (was still open at the shop and has now been ended|had already been ended by the shop because the console stopped answering)/,
      ),
    ).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('journey-session-recovered') });
  });

  test('stopped and started again: signed in from the keychain, the mirror resumes where it was', async () => {
    test.setTimeout(180_000);
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash', {
      timeout: 90_000,
    });
    await product.stop();
    await expect(page.getByRole('alert').filter({ hasText: 'The console is not running' })).toBeVisible({
      timeout: 30_000,
    });

    product = await startProduct(args);
    await expect(page.getByRole('alert').filter({ hasText: 'The console restarted' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Reload' }).click();
    await signedInAgain();
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash', {
      timeout: 90_000,
    });
    const openings = mirrorOpenings(await consoleLogEntries(folders));
    // The last opening is this run's: it starts after what the mirror already held.
    expect(openings.at(-1)?.resumeAfterSeq).toBeGreaterThan(0);
  });

  test('killed with a session live: the shop ends it when the lease lapses, and the next start reports it', async () => {
    test.setTimeout(240_000);
    const sessionId = await startJaneSession('Power cut while assisting');
    const killedAt = Date.now();
    product.killHard();
    const ended = await endedSessionAtShop(product.shopUrl, sessionId, code);
    const seconds = (Date.parse(ended.endedAt ?? '') - killedAt) / 1000;
    expect(ended.endReason).toBe('console_lost');
    // The documented worst case (shop/README.md): the lease plus one sweep.
    expect(seconds).toBeLessThanOrEqual(90);
    test.info().annotations.push({ type: 'lease', description: `ended ${seconds.toFixed(1)} s after kill -9` });

    product = await startProduct(args);
    await product.waitForLine(/Using the shop already running/);
    await page.reload();
    await signedInAgain();
    await expect(
      page.getByText(
        /1 session from your last run (was still open at the shop and has now been ended|had already been ended by the shop because the console stopped answering)/,
      ),
    ).toBeVisible({ timeout: 30_000 });
  });
});
