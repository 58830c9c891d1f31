import { expect, test, type Page } from '@playwright/test';
import { appendAudit } from '../../shop/audit/append';
import { systemClock } from '../../shop/lib/clock';
import { screenshotPath } from '../screenshots';
import { openConsole, startBrowserTiers, type BrowserTiers } from '../support/browser-tier';
import { openCustomer, signIn, startViewSession, terminateSession } from '../support/console-ui';

/**
 * The audit log as people read it: a supervisor terminates an agent's call, and the agent's own
 * audit log shows that end with who ended it; events name their customer; the log is filtered
 * by customer name and by staff email; details read in words, with the raw JSON a click away.
 * The real shop, two consoles of the browser tier, the built renderer in headless Chromium.
 */

const VIEWPORT = { width: 1280, height: 800 };
const REASON = 'Customer asks about a missing parcel';
const STOP = 'Handing over to the returns desk';

let tiers: BrowserTiers;
let code: (email: string) => string;

/** The audit events table's rows that contain `text`. */
function auditRows(page: Page, text: string | RegExp) {
  return page.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: text });
}

test.describe.serial('a readable audit log in the browser tier', () => {
  let agent: Page;
  let supervisor: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    tiers = await startBrowserTiers({ previewIntervalMs: 500 });
    code = tiers.code;
    agent = await openConsole(browser, await tiers.start(browser, { syncIntervalMs: 1000 }), VIEWPORT);
    // No background sync: the supervisor's mirror syncs when the audit screen opens and when asked ("Sync now").
    supervisor = await openConsole(browser, await tiers.start(browser), VIEWPORT);
  });

  test.afterAll(async () => {
    await tiers.close();
  });

  test("the agent's own log shows the session a supervisor ended, and who ended it", async () => {
    // The first audit call opens the local mirror (a worker with its own database), slow on a busy machine.
    test.setTimeout(150_000);
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    await startViewSession(agent, { email: 'agent@demo.test', customerName: 'Jane Smith', reason: REASON, code });

    await signIn(supervisor, 'supervisor@demo.test', code);
    await supervisor.getByRole('button', { name: 'Live sessions' }).click();
    await terminateSession(
      supervisor,
      supervisor.getByRole('button', { name: 'Terminate Alex Agent’s session with Jane Smith' }),
      STOP,
    );
    // The agent's console notices and closes the storefront view within this test (its requests end here).
    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible({ timeout: 30_000 });

    await agent.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(agent.getByText('Your own events', { exact: false })).toBeVisible();
    // The mirror syncs every second: the supervisor's end reaches the agent's copy.
    const ended = auditRows(agent, 'Session ended').filter({ hasText: 'Sam Supervisor' });
    await expect(ended).toHaveCount(1, { timeout: 45_000 });
    await expect(ended).toContainText('Terminated by a supervisor');
    await expect(ended).toContainText(`Note: ${STOP}`);
    // The customer column: name and customer number.
    await expect(ended).toContainText(/Jane Smith · C-\d+/);
    // Local time with seconds; no nulls, no internal ids.
    await expect(ended).toContainText(/\d{1,2}:\d{2}:\d{2}/);
    const text = (await ended.textContent()) ?? '';
    expect(text).not.toMatch(/null|cus_|stf_|acc_|sto_/);
    await expect(agent.getByRole('status', { name: 'Sync status' })).toContainText(/Synced \d+ events/);
    await expect(agent.getByRole('status', { name: 'Chain verification' })).toContainText('matches its own hash');
  });

  test('details read in words, and the raw JSON opens with one click', async () => {
    await auditRows(agent, 'Session ended')
      .filter({ hasText: 'Sam Supervisor' })
      .getByRole('button', { name: /^Details of event \d+/ })
      .click();
    const pane = agent.getByRole('complementary', { name: 'Session ended' });
    await expect(pane).toContainText('Terminated by a supervisor');
    await expect(pane).toContainText('Sam Supervisor');
    await expect(pane).toContainText(/Jane Smith · C-\d+/);
    const raw = pane.locator('details.raw-json');
    await expect(raw.locator('pre')).toBeHidden();
    await pane.getByText('Raw JSON').click();
    await expect(raw.locator('pre')).toBeVisible();
    await expect(raw.locator('pre')).toContainText('"action": "session.end"');
    await expect(raw.locator('pre')).toContainText('"reason": "terminated_by_supervisor"');
    await pane.getByRole('button', { name: 'Close event details' }).click();
    await expect(pane).toBeHidden();
  });

  test('the supervisor filters by customer name and by staff email', async () => {
    test.setTimeout(150_000);
    await supervisor.getByRole('button', { name: 'Audit', exact: true }).click();
    // This console has no background sync: opening the audit screen asks its mirror to catch up.
    const syncStatus = supervisor.getByRole('status', { name: 'Sync status' });
    await expect(syncStatus).toContainText(/Synced [1-9][\d,]* events/, { timeout: 45_000 });
    await expect(supervisor.getByRole('status', { name: 'Chain verification' })).toContainText(
      /Chain verified \([1-9]/,
    );
    // The shop signed its head on its first pass; the supervisor's copy holds that event and matches it.
    await expect(supervisor.getByRole('status', { name: 'Signed checkpoints' })).toContainText(
      /✓ [1-9][\d,]* signed checkpoints? verified \([1-9][\d,]* matched to this copy\) · key [0-9a-f]{4} /,
    );
    await expect(auditRows(supervisor, 'Session ended').first()).toBeVisible({ timeout: 45_000 });

    const customer = supervisor.getByRole('combobox', { name: 'Customer' });
    await customer.fill('Jane Smith');
    // The demo has several people of that name: the one with this email.
    await supervisor
      .getByRole('option', { name: /Jane Smith/ })
      .filter({ hasText: 'jane@example.com' })
      .click();
    await expect(customer).toHaveValue(/^Jane Smith · C-\d+$/);
    const rows = supervisor.getByRole('table', { name: 'Audit events' }).getByRole('row');
    await expect(rows.first()).toContainText('Jane Smith');
    const customers = await rows.evaluateAll((all) =>
      all.map((r) => r.querySelectorAll('[role=cell]')[4]?.textContent),
    );
    expect(customers.length).toBeGreaterThan(2);
    expect(customers.every((c) => c?.startsWith('Jane Smith · C-'))).toBe(true);
    // The terminated call in words beside the list, as the README shows it.
    await auditRows(supervisor, 'Session ended')
      .getByRole('button', { name: /^Details of event \d+/ })
      .click();
    await expect(supervisor.getByRole('complementary', { name: 'Session ended' })).toContainText(STOP);
    await supervisor.screenshot({ path: screenshotPath('audit-readable') });

    const staff = supervisor.getByRole('combobox', { name: 'Staff' });
    await staff.fill('agent@demo');
    await expect(supervisor.getByRole('option', { name: /Alex Agent/ })).toContainText('agent@demo.test');
    await staff.press('Enter');
    await expect(staff).toHaveValue('Alex Agent');
    await expect(rows.first()).toContainText('Alex Agent');
    const actors = await rows.evaluateAll((all) => all.map((r) => r.querySelectorAll('[role=cell]')[3]?.textContent));
    expect(actors.every((a) => a === 'Alex Agent')).toBe(true);
    await expect(auditRows(supervisor, 'Session started').first()).toContainText(REASON);
  });

  test('the open audit screen shows what the shop records within seconds, with no Sync now', async () => {
    test.setTimeout(60_000);
    // Still filtered to Alex Agent and Jane. Two events in a row: the second must not wait for the
    // background pace (30 s) either, only for the open screen's (2 s).
    const jane = await tiers.shop.ctx.db.query<{ id: string }>(
      "SELECT id FROM customers WHERE email = 'jane@example.com'",
    );
    for (const page of ['/live/first', '/live/second']) {
      await tiers.shop.ctx.db.transaction((tx) =>
        appendAudit(tx, systemClock, {
          action: 'session.page_view',
          actor: { type: 'staff', id: 'stf_agent', name: 'Alex Agent' },
          customerId: jane.rows[0]?.id ?? null,
          details: { path: page },
        }),
      );
      await expect(auditRows(supervisor, page)).toHaveCount(1, { timeout: 10_000 });
    }
  });
});
