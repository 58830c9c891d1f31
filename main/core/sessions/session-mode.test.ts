import { afterAll, beforeAll, expect, it } from 'vitest';
import { wrongTotpCode } from '../../../shop/test/auth-helpers';
import { LONG_LIVED } from '../../../shop/test/fixtures';
import { describeAgainstOneShop } from '../../../shop/test/harness';
import { startAgentConsole, startJaneView, type AgentConsole } from '../../test/console';
import { toIpcError } from '../errors';

describeAgainstOneShop('switching an open session to act, against the real shop and Chromium', (backend) => {
  let c: AgentConsole;

  beforeAll(async () => {
    c = await startAgentConsole(backend, { config: LONG_LIVED, poolSize: 2 });
  });
  afterAll(() => c.close());

  const startView = () => startJaneView(c.sessions, c.code, 'agent@demo.test');

  it('steps up, switches at the shop without ending the session, and the banner and the storefront act at once', async () => {
    const { shop, code, viewHost, auth, sessions } = c;
    const open = await startView();
    const id = open.session.id;
    const page = viewHost.page(id);
    await page!.goto(`${shop.url}/store/us/product/earl-grey`);
    expect(await page!.getByTestId('add-to-cart').isDisabled()).toBe(true);

    const switched = await sessions.switchMode({
      sessionId: id,
      mode: 'act',
      stepUp: { code: code('agent@demo.test') },
    });
    expect(switched).toMatchObject({ state: 'open', session: { id, mode: 'act', status: 'active' } });
    expect(sessions.list().find((s) => s.session.id === id)?.session.mode).toBe('act');
    expect(viewHost.banner(id)).toMatchObject({ mode: 'act', state: 'open' });
    expect(await auth.client().session(id)).toMatchObject({ mode: 'act', status: 'active' });

    // The console drew the page again for the new mode: the button is live without the agent reloading.
    expect(await page!.getByTestId('add-to-cart').isDisabled()).toBe(false);
    await page!.getByTestId('add-to-cart').click();
    await page!.waitForURL(/\/cart\?notice=added/);
  });

  it('refuses without a step-up or with a wrong code, and the session stays view only', async () => {
    const { shop, code, viewHost, sessions } = c;
    const open = await startView();
    const id = open.session.id;
    await expect(sessions.switchMode({ sessionId: id, mode: 'act' })).rejects.toMatchObject({
      code: 'step_up_required',
    });
    const wrong = await sessions
      .switchMode({ sessionId: id, mode: 'act', stepUp: { code: wrongTotpCode('agent@demo.test', shop.clock.now()) } })
      .catch(toIpcError);
    expect(wrong).toMatchObject({ kind: 'shop', code: 'invalid_step_up' });
    expect(sessions.list().find((s) => s.session.id === id)?.session.mode).toBe('view');
    expect(viewHost.banner(id)).toMatchObject({ mode: 'view' });
    await sessions.end(id);
    await expect(
      sessions.switchMode({ sessionId: id, mode: 'act', stepUp: { code: code('agent@demo.test') } }),
    ).rejects.toMatchObject({ code: 'session_not_open' });
  });
});
