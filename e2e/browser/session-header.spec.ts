import { expect, test, type Page } from '@playwright/test';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { DEMO_STAFF_PASSWORD, openCustomer, signIn, startViewSession } from '../support/console-ui';
import { screenshotPath } from '../screenshots';

/**
 * On the call, in the browser tier against the real shop: one session header (customer, store,
 * mode, ticket and reason, idle and maximum time left, End with its shortcut), focus on the
 * session as it opens, the idle warning and "I'm still here" the shop honours, asking before a
 * live tab closes or the agent signs out, ended tabs folded into "Recently ended", and the
 * customer's "Assisted sessions" updated the moment a session ends.
 */

/** The shortest idle timeout the shop allows: the warning comes 30 s before it. */
const IDLE_SECONDS = 60;

let tiers: BrowserTiers;
let code: (email: string) => string;

/** The admin sets the idle timeout through the shop's API, as the settings screen does. */
async function setIdleTimeout(seconds: number): Promise<void> {
  const api = async (path: string, method: string, body?: unknown, token?: string): Promise<unknown> => {
    const response = await fetch(`${tiers.shop.url}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
    return response.json();
  };
  const login = (await api('/auth/login', 'POST', { email: 'admin@demo.test', password: DEMO_STAFF_PASSWORD })) as {
    mfaToken: string;
  };
  const mfa = (await api('/auth/mfa', 'POST', { mfaToken: login.mfaToken, code: code('admin@demo.test') })) as {
    accessToken: string;
  };
  const current = (await api('/settings', 'GET', undefined, mfa.accessToken)) as Record<string, unknown>;
  await api('/settings', 'PUT', { ...current, idleTimeoutSeconds: seconds }, mfa.accessToken);
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Screens and sessions' });
const header = (page: Page) => page.getByRole('region', { name: 'Assisted session' });

async function secondsOf(timer: ReturnType<Page['getByRole']>): Promise<number> {
  const match = /(\d+):(\d\d) left/.exec((await timer.textContent()) ?? '');
  if (!match) throw new Error('no countdown in the timer');
  return Number(match[1]) * 60 + Number(match[2]);
}

test.describe.serial('the session header, in the browser tier', () => {
  let agent: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers();
    code = tiers.code;
    await setIdleTimeout(IDLE_SECONDS);
    const tier = await tiers.start(browser, { previewIntervalMs: 500, syncIntervalMs: 1000 });
    // 1024 px: the header must fit the narrowest console the issue asks for.
    agent = await openConsole(browser, tier, { width: 1024, height: 720 });
    await signIn(agent, 'agent@demo.test', code);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test('one header with the session’s focus, then an idle warning that "I’m still here" clears at the shop', async () => {
    test.setTimeout(150_000);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Customer cannot find her last order',
      code,
    });
    await expect(header(agent)).toHaveCount(1);
    await expect(agent.getByRole('heading', { name: 'Jane Smith', level: 1 })).toBeFocused();
    await expect(header(agent)).toContainText('Assisting Jane Smith (jane@example.com)');
    await expect(header(agent)).toContainText('Concierge Demo US');
    await expect(header(agent)).toContainText('View only');
    await expect(header(agent)).toContainText('T-1001: Customer cannot find her last order');
    const idle = header(agent).getByRole('timer', { name: 'Idle time left' });
    const max = header(agent).getByRole('timer', { name: 'Maximum length left' });
    await expect(idle).toHaveText(/^Idle \d+:\d\d left$/);
    await expect(max).toHaveText(/^Max \d+:\d\d left$/);
    expect(await secondsOf(max)).toBeGreaterThan(IDLE_SECONDS);
    // One End, with its shortcut told.
    const end = agent.getByRole('button', { name: 'End session', exact: true });
    await expect(end).toHaveCount(1);
    await expect(end).toHaveAttribute('aria-keyshortcuts', 'Control+Shift+E');
    await expect(end).toHaveAttribute('title', 'End session (Ctrl+Shift+E)');
    const box = await header(agent).boundingBox();
    expect(box?.width).toBeLessThanOrEqual(1024);

    // Nothing happens in the storefront now: the idle deadline comes first, and is said to.
    const warning = header(agent).getByRole('alert');
    await expect(warning).toHaveText('About to end: no activity (idle timeout).', { timeout: 60_000 });
    await agent.screenshot({ path: screenshotPath('session-idle-warning') });
    expect(await secondsOf(idle)).toBeLessThanOrEqual(IDLE_SECONDS / 2);
    await header(agent).getByRole('button', { name: 'I’m still here' }).click();
    await expect(warning).toHaveCount(0);
    expect(await secondsOf(idle)).toBeGreaterThan(IDLE_SECONDS / 2);
    // The shop moved its deadline: the session is still live there.
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toHaveCount(0);
  });

  test('closing a live tab asks first; the customer’s "Assisted sessions" shows the end at once', async () => {
    await nav(agent).getByRole('button', { name: 'Customers' }).click();
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    const row = agent.getByRole('row').filter({ hasText: 'Customer cannot find her last order' });
    await expect(row).toContainText('In progress');

    const close = nav(agent).getByRole('button', { name: 'End session with Jane Smith' });
    await close.click();
    const ask = agent.getByRole('alertdialog', { name: 'End the session with Jane Smith?' });
    await expect(ask.getByRole('button', { name: 'Keep it open' })).toBeFocused();
    await agent.keyboard.press('Escape');
    await expect(ask).toHaveCount(0);
    await expect(close).toBeFocused();

    await close.click();
    await ask.getByRole('button', { name: 'End session' }).click();
    await expect(row).not.toContainText('In progress');
    await expect(nav(agent).getByRole('button', { name: /^Jane Smith \d/ })).toHaveCount(0);
    await expect(nav(agent).getByRole('button', { name: 'Recently ended (1)' })).toBeVisible();
  });

  test('signing out asks while a session is live; the shortcut ends it from the storefront; ended tabs fold away', async () => {
    test.setTimeout(120_000);
    await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Follow-up about delivery',
      code,
    });
    await agent.getByRole('button', { name: 'Sign out' }).click();
    const ask = agent.getByRole('alertdialog', { name: 'Sign out and end your open session?' });
    await expect(ask).toContainText('Jane Smith (Concierge Demo US)');
    await ask.getByRole('button', { name: 'Stay signed in' }).click();
    await expect(header(agent)).toBeVisible();

    // The live storefront has the keys; the shortcut still ends the session.
    await agent.getByRole('application', { name: /^Storefront of Jane Smith/ }).focus();
    await agent.keyboard.press('Control+Shift+E');
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible();
    await expect(agent.getByText('You ended this session.')).toBeVisible();

    const recent = nav(agent).getByRole('button', { name: 'Recently ended (2)' });
    await expect(recent).toHaveAttribute('aria-current', 'page');
    await recent.click();
    const list = agent.getByRole('list', { name: 'Recently ended sessions' });
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await agent.screenshot({ path: screenshotPath('session-recently-ended') });
    await list.getByRole('button', { name: 'Dismiss the ended session with Jane Smith' }).first().click();
    await expect(nav(agent).getByRole('button', { name: 'Recently ended (1)' })).toBeVisible();

    // Nothing is live now: signing out needs no question.
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await expect(agent.getByLabel('Email')).toBeVisible();
  });
});
