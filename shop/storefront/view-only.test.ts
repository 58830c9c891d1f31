import { afterAll, beforeAll, expect, it } from 'vitest';
import { JANE } from '../seed/demo';
import { stepUp } from '../test/auth-helpers';
import { enterHandoff, LONG_LEASE_SECONDS, signInCustomer, startStorefrontShop } from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { endAssistedSession, startAssistedSession } from './test-assist';
import { csrfOf } from './test-browser';

/** The `<button …>` tag carrying `data-testid="…"`, attributes and all. */
function buttonTag(html: string, testId: string): string {
  return new RegExp(`<button[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0] ?? '';
}

describeBackends('storefront: view only, visibly', (backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startStorefrontShop(backend, { consoleLeaseSeconds: LONG_LEASE_SECONDS });
  });
  afterAll(async () => {
    await shop.close();
  });

  const enter = async (mode: 'view' | 'act') => {
    const started = await startAssistedSession(shop.url, shop.ctx.db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode,
      clock: shop.clock,
    });
    return { agent: await enterHandoff(shop, started.handoffUrl), started };
  };

  it('locks every form a view session may not send, says so, and still refuses the POST', async () => {
    const { agent, started } = await enter('view');
    const product = await agent.get('/store/us/product/earl-grey');
    expect(product.status).toBe(200);
    const add = buttonTag(product.html, 'add-to-cart');
    expect(add).toContain('disabled=""');
    expect(add).toContain('aria-disabled="true"');
    expect(add).toMatch(/title="View only: Alex Agent can look but not change anything/);
    expect(product.html).toContain('<fieldset class="locked" disabled=""');
    expect(product.html).toMatch(/<span class="view-only-hint" data-testid="view-only-hint"[^>]*>view only<\/span>/);

    // Addresses may change in act mode only; the profile never while assisted.
    const addresses = await agent.get('/store/us/account/addresses');
    expect(addresses.html).toContain('data-locked="view_mode"');
    const main = addresses.html.slice(addresses.html.indexOf('<main>'));
    expect(main).toContain('<button type="submit"');
    expect(main).not.toMatch(/<button type="submit"(?![^>]*disabled)/);
    const profile = await agent.get('/store/us/account');
    expect(profile.html).toContain('data-locked="not_allowed_while_assisted"');
    expect(profile.html).toContain('>customer only</span>');
    // Sections only the customer may open are not links for the agent.
    expect(profile.html).not.toContain('href="/store/us/account/security"');
    expect(profile.html).toMatch(/<span class="locked-link" aria-disabled="true"[^>]*>Password and email/);

    const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
    const refused = await agent.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '1' });
    expect(refused.status).toBe(403);
    await endAssistedSession(shop.url, started.accessToken, started.session.id);
  });

  it('unlocks shopping the moment the session switches to act, and keeps what only the customer may do locked', async () => {
    const { agent, started } = await enter('view');
    const up = await stepUp(shop.url, started.accessToken, 'agent@demo.test', { clock: shop.clock });
    const switched = await fetch(`${shop.url}/api/v1/assist-sessions/${started.session.id}/mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${started.accessToken}` },
      body: JSON.stringify({ mode: 'act', stepUpToken: up.stepUpToken }),
    });
    expect(switched.status).toBe(200);

    const product = await agent.get('/store/us/product/earl-grey');
    expect(buttonTag(product.html, 'add-to-cart')).not.toContain('disabled');
    expect(product.html).not.toContain('data-testid="view-only-hint"');
    const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
    const added = await agent.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '1' });
    expect(added.status).toBe(303);
    const profile = await agent.get('/store/us/account');
    expect(profile.html).toContain('data-locked="not_allowed_while_assisted"');
    await endAssistedSession(shop.url, started.accessToken, started.session.id);

    // The customer's history says so in words.
    const jane = await signInCustomer(shop, JANE.email);
    const history = await jane.get('/store/us/account/assistance');
    expect(history.html).toContain('switched the session to shopping for you (cart, checkout, addresses)');
  });

  it('leaves the customer’s own forms as they were', async () => {
    const jane = await signInCustomer(shop, JANE.email);
    const product = await jane.get('/store/us/product/earl-grey');
    expect(buttonTag(product.html, 'add-to-cart')).not.toContain('disabled');
    expect(product.html).not.toContain('<fieldset');
    const account = await jane.get('/store/us/account');
    expect(account.html).toContain('href="/store/us/account/security"');
    expect(account.html).not.toMatch(/data-locked|class="locked-link"/);
  });
});
