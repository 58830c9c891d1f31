import { expect, test } from '@playwright/test';
import { electronSpec, signIn, SUPERVISOR } from './support';

/**
 * The audit viewer on a first run of the real Electron console: a fresh HOME (no audit mirror,
 * no mirror template yet), a supervisor signs in, opens Audit and gets the sync status, events
 * and no error.
 */

const harness = electronSpec();

test('a supervisor opens the audit viewer on a fresh install and sees its events', async () => {
  test.setTimeout(150_000);
  const h = harness();
  const page = await h.launch();
  await signIn(page, SUPERVISOR, h.code);
  await page.getByRole('button', { name: 'Audit', exact: true }).click();

  // The first run creates the mirror's database now (in a utility process): slow on a busy machine.
  const status = page.getByRole('status', { name: 'Sync status' });
  await expect(status).toContainText(/Synced [\d,]+ events?/, { timeout: 90_000 });
  await expect(status).not.toContainText('Sync failed');
  // A row that holds an event (not a "Loading…" placeholder) has its details button.
  const rows = page
    .getByRole('table', { name: 'Audit events' })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: /^Details of event \d+/ }) });
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(page.locator('.error-note')).toHaveCount(0);
  await expect(page.getByText(/Something went wrong/)).toHaveCount(0);
});
