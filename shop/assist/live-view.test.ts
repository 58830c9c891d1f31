import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistSession, SessionTimelineResponse } from '../../shared/api/sessions';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  CUSTOMERS,
  enterHandoff,
  LONG_LIVED,
  ONE_MINUTE,
  signInAs,
  startSession,
  startStorefrontShop,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';

/**
 * What a supervisor's live-sessions view reads from the shop: the page the agent is on (kept by
 * the storefront with each page view), the session's timeline from the audit log as it happens,
 * and who ended a session.
 */
describeBackends('live sessions as supervisors see them', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let agent2: Agent;
  let supervisor: Agent;
  let trainee: Agent;

  beforeAll(async () => {
    shop = await startStorefrontShop(backend, LONG_LIVED);
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    trainee = await signInAs(shop, 'trainee@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  const read = async (who: Agent, id: string) => {
    const response = await api(shop, who, 'GET', `/assist-sessions/${id}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return AssistSession.parse(response.json);
  };
  const timeline = async (who: Agent, id: string) => {
    const response = await api(shop, who, 'GET', `/assist-sessions/${id}/timeline`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return SessionTimelineResponse.parse(response.json);
  };
  /** The agent's storefront, entered through the session's handoff link. */
  const enter = (handoffUrl: string) => enterHandoff(shop, handoffUrl);

  describe('current page and timeline', () => {
    it('follows the agent from page to page, and the timeline lists each page as it is viewed', async () => {
      const started = await startSession(shop, agent);
      const before = await read(supervisor, started.id);
      expect(before).toMatchObject({ currentPage: null, currentPagePath: null, currentPageAt: null, endedBy: null });

      const storefront = await enter(started.handoffUrl);
      expect((await storefront.get('/store/us/')).status).toBe(200);
      const home = await read(supervisor, started.id);
      expect(home).toMatchObject({ status: 'active', currentPage: 'Home', currentPagePath: '/store/us/' });
      expect(home.currentPageAt).not.toBeNull();

      shop.clock.advance(5000);
      expect((await storefront.get('/store/us/product/earl-grey?from=search')).status).toBe(200);
      const product = await read(supervisor, started.id);
      expect(product.currentPagePath).toBe('/store/us/product/earl-grey');
      expect(product.currentPage).toMatch(/Earl Grey/i);
      expect(Date.parse(product.currentPageAt ?? '')).toBeGreaterThan(Date.parse(home.currentPageAt ?? ''));

      const events = await timeline(supervisor, started.id);
      expect(events.events.map((e) => [e.action, e.details.path ?? null])).toEqual([
        ['session.start', null],
        ['session.handoff_redeemed', null],
        ['session.page_view', '/store/us/'],
        ['session.page_view', '/store/us/product/earl-grey?from=search'],
      ]);
      expect(events.total).toBe(4);
      expect(events.events.every((e) => e.sessionId === started.id)).toBe(true);
      // The agent reads their own session's timeline too.
      expect((await timeline(agent, started.id)).events).toHaveLength(4);

      // Another agent cannot probe it, a trainee may not read sessions at all.
      const other = await api(shop, agent2, 'GET', `/assist-sessions/${started.id}/timeline`);
      expect([other.status, errorCode(other)]).toEqual([404, 'session_not_found']);
      const unknown = await api(shop, supervisor, 'GET', '/assist-sessions/ses_nothing/timeline');
      expect([unknown.status, errorCode(unknown)]).toEqual([404, 'session_not_found']);
      const denied = await api(shop, trainee, 'GET', `/assist-sessions/${started.id}/timeline`);
      expect(denied.status).toBe(403);
      await api(shop, agent, 'POST', `/assist-sessions/${started.id}/end`, {});
    });

    it('keeps the last page of an ended session: page views after the end do not move it', async () => {
      const started = await startSession(shop, agent);
      const storefront = await enter(started.handoffUrl);
      await storefront.get('/store/us/');
      await api(shop, agent, 'POST', `/assist-sessions/${started.id}/end`, {});
      expect((await storefront.get('/store/us/cart')).status).toBe(403);
      expect(await read(agent, started.id)).toMatchObject({ status: 'ended', currentPagePath: '/store/us/' });
    });
  });

  describe('who ended it', () => {
    it('names the supervisor who terminated a session, with their role and reason', async () => {
      const started = await startSession(shop, agent);
      const ended = await api(shop, supervisor, 'POST', `/assist-sessions/${started.id}/end`, {
        note: 'Customer asked to stop',
      });
      expect(ended.status, JSON.stringify(ended.json)).toBe(200);
      const expected = {
        status: 'ended',
        endReason: 'terminated_by_supervisor',
        endNote: 'Customer asked to stop',
        endedBy: { name: 'Sam Supervisor', role: 'supervisor' },
      };
      expect(AssistSession.parse((ended.json as { session: unknown }).session)).toMatchObject(expected);
      expect(await read(agent, started.id)).toMatchObject(expected);
      const beat = await api(shop, agent, 'POST', `/assist-sessions/${started.id}/heartbeat`);
      expect(beat.json).toMatchObject({ session: expected });
    });

    it('names the agent who ended their own session, and nobody when the shop ended it', async () => {
      const own = await startSession(shop, agent);
      await api(shop, agent, 'POST', `/assist-sessions/${own.id}/end`, {});
      expect((await read(agent, own.id)).endedBy).toEqual({ name: 'Alex Agent', role: 'agent' });

      const idle = await startSession(shop, agent2, { customerId: CUSTOMERS.jane.id });
      shop.clock.advance(31 * ONE_MINUTE);
      expect(await read(agent2, idle.id)).toMatchObject({ status: 'ended', endedBy: null });
    });
  });
});
