import { afterAll, beforeAll, expect, it } from 'vitest';
import { JANE } from '../seed/demo';
import { enterHandoff, signInCustomer, startStorefrontShop } from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { endAssistedSession, startAssistedSession } from './test-assist';
import { TestBrowser } from './test-browser';

/** The page's text outside `<time>` elements and the stylesheet/script: where a bare UTC time would show. */
const outsideTimes = (html: string) =>
  html.replace(/<time[^>]*>[^<]*<\/time>/g, '').replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, '');

describeBackends("storefront: the customer's own local time", (backend) => {
  let shop: TestShop;
  let jane: TestBrowser;
  beforeAll(async () => {
    shop = await startStorefrontShop(backend);
    jane = await signInCustomer(shop, JANE.email);
    // Notifications to show: the store writes one when an agent's session starts and one when it ends.
    const started = await startAssistedSession(shop.url, shop.ctx.db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode: 'view',
      clock: shop.clock,
    });
    await enterHandoff(shop, started.handoffUrl);
    await endAssistedSession(shop.url, started.accessToken, started.session.id);
  });
  afterAll(async () => {
    await shop.close();
  });

  const TIME = /<time dateTime="\d{4}-\d\d-\d\dT[\d:.]+Z" data-local="">[^<]+ UTC<\/time>/;

  it('writes every time on the orders, an order, its documents and the notifications as <time data-local>', async () => {
    const orders = await jane.get('/store/us/account/orders');
    expect(orders.status).toBe(200);
    expect(orders.html).toMatch(TIME);
    const number = /href="\/store\/us\/account\/orders\/([^"]+)"/.exec(orders.html)?.[1] ?? '';
    const order = await jane.get(`/store/us/account/orders/${number}`);
    expect(order.html).toMatch(TIME);
    const notifications = await jane.get('/store/us/account/notifications');
    expect(notifications.html).toContain('data-testid="notifications"');
    expect(notifications.html).toMatch(TIME);
    for (const page of [orders, order, notifications]) expect(outsideTimes(page.html)).not.toContain('UTC');
  });
});
