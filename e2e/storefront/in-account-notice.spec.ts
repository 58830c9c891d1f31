import { expect, test } from '@playwright/test';
import { startShop, type RunningShop } from '../../shop/main';
import { JANE } from '../../shop/seed/demo';
import { startAssistedSession } from '../../shop/storefront/test-assist';
import { screenshotPath } from '../screenshots';
import { signInCustomer } from '../support/storefront';

// The customer's side of a live session: their own pages say who is in and how, and End now ends it at once.
let shop: RunningShop;

test.beforeAll(async () => {
  shop = await startShop({ port: 0, seed: 'demo' });
});

test.afterAll(async () => {
  await shop.close();
});

test('while an agent is in the account the customer sees who and how, and End now ends the session', async ({
  browser,
}) => {
  const customer = await (await browser.newContext()).newPage();
  await signInCustomer(customer, shop.url, JANE.email);
  await customer.goto(`${shop.url}/store/us/account/assistance`);
  await customer.getByLabel('Change how long').selectOption('24h');
  await customer.getByRole('button', { name: 'Update' }).click();
  await expect(customer.getByRole('status')).toContainText('Remote shopping assistance is allowed.');

  const started = await startAssistedSession(shop.url, shop.ctx.db, {
    customerId: JANE.id,
    storeId: 'sto_us',
    mode: 'view',
    reason: 'Customer asked where her parcel is',
  });
  const agent = await (await browser.newContext()).newPage();
  await agent.goto(started.handoffUrl);
  await expect(agent.getByTestId('assist-marker')).toContainText('Assisted by Alex Agent');

  await customer.goto(`${shop.url}/store/us/account/orders`);
  const notice = customer.getByTestId('live-assist-notice');
  await expect(notice).toHaveText('Alex Agent from support is in your account now — view only — End now');
  await customer.screenshot({ path: screenshotPath('storefront-in-account') });

  await notice.getByRole('button', { name: 'End now' }).click();
  await expect(customer.getByTestId('live-assist-notice')).toHaveCount(0);
  await agent.reload();
  await expect(agent.getByRole('heading', { name: 'The assisted session ended' })).toBeVisible();

  const row = await shop.ctx.db.query<{ status: string; end_reason: string }>(
    'SELECT status, end_reason FROM assist_sessions WHERE id = $1',
    [started.session.id],
  );
  expect(row.rows[0]).toEqual({ status: 'ended', end_reason: 'ended_by_customer' });
  await agent.context().close();
  await customer.context().close();
});
