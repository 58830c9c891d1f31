import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditEvent } from '../../shared/api/audit';
import { AssistSession, CustomerActiveSessionsResponse, HeartbeatResponse } from '../../shared/api/sessions';
import { verifyChain } from '../../shared/audit/chain';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  CUSTOMERS,
  putSettings,
  readAuditPages,
  resetSettings,
  signInAs,
  startActiveSession,
  startAssistShop,
  startSession,
  stepUpToken,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { resolveAssistCookie } from './storefront-access';

describeBackends('switching a live session between view and act', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let agent2: Agent;
  let supervisor: Agent;
  let admin: Agent;

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    admin = await signInAs(shop, 'admin@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  /** A view session with Jane whose storefront is open, and its storefront cookie. */
  const viewSession = () => startActiveSession(shop, agent, { mode: 'view' });
  const switchMode = (who: Agent, id: string, body: unknown) =>
    api(shop, who, 'POST', `/assist-sessions/${id}/mode`, body);
  const storefrontMode = async (cookie: string) => {
    const resolved = await resolveAssistCookie(shop.ctx, cookie);
    if (!resolved.ok) throw new Error(`cookie refused: ${resolved.reason}`);
    return resolved.session.mode;
  };

  it('switches to act with a step-up: the storefront acts at once, and the audit log records the change', async () => {
    const session = await viewSession();
    const before = await auditHead(shop);
    const switched = await switchMode(agent, session.id, { mode: 'act', stepUpToken: await stepUpToken(shop, agent) });
    expect(switched.status, JSON.stringify(switched.json)).toBe(200);
    const body = HeartbeatResponse.parse(switched.json);
    expect(body.session).toMatchObject({ id: session.id, mode: 'act', status: 'active' });
    expect(await storefrontMode(session.cookie)).toBe('act');

    const { events } = await readAuditPages(shop, admin, 500);
    expect(verifyChain(events).ok).toBe(true);
    const changed = events.filter((e) => e.seq > before && e.action === 'session.mode_changed');
    expect(changed).toHaveLength(1);
    expect(AuditEvent.parse(changed[0])).toMatchObject({
      actor: { type: 'staff', id: agent.id, name: agent.name },
      customerId: CUSTOMERS.jane.id,
      sessionId: session.id,
      details: { from: 'view', to: 'act', stepUp: true },
    });
  });

  it('refuses act without a step-up token, or with one already spent, and leaves the session view only', async () => {
    const session = await viewSession();
    const none = await switchMode(agent, session.id, { mode: 'act' });
    expect([none.status, errorCode(none)]).toEqual([401, 'step_up_required']);
    const token = await stepUpToken(shop, agent);
    expect((await switchMode(agent, session.id, { mode: 'act', stepUpToken: token })).status).toBe(200);
    const back = await switchMode(agent, session.id, { mode: 'view' });
    expect(HeartbeatResponse.parse(back.json).session.mode).toBe('view');
    const reused = await switchMode(agent, session.id, { mode: 'act', stepUpToken: token });
    expect([reused.status, errorCode(reused)]).toEqual([401, 'step_up_required']);
    expect(await storefrontMode(session.cookie)).toBe('view');
  });

  it("only the session's own agent may switch it: others' sessions are unknown, a supervisor is refused", async () => {
    const session = await viewSession();
    const other = await switchMode(agent2, session.id, { mode: 'act', stepUpToken: await stepUpToken(shop, agent2) });
    expect([other.status, errorCode(other)]).toEqual([404, 'session_not_found']);
    const boss = await switchMode(supervisor, session.id, {
      mode: 'act',
      stepUpToken: await stepUpToken(shop, supervisor),
    });
    expect([boss.status, errorCode(boss)]).toEqual([403, 'permission_denied']);
    expect(await storefrontMode(session.cookie)).toBe('view');
  });

  it('needs consent to act where the settings now require it, like a start', async () => {
    await putSettings(shop, admin, { consentRequired: false });
    try {
      const started = await startSession(shop, agent, {
        customerId: CUSTOMERS.john.id,
        accountId: CUSTOMERS.john.usAccount,
      });
      await putSettings(shop, admin, { consentRequired: true });
      const refused = await switchMode(agent, started.id, { mode: 'act', stepUpToken: await stepUpToken(shop, agent) });
      expect([refused.status, errorCode(refused)]).toEqual([403, 'consent_required']);
      const read = await api(shop, agent, 'GET', `/assist-sessions/${started.id}`);
      expect(AssistSession.parse(read.json).mode).toBe('view');
    } finally {
      await resetSettings(shop, admin);
    }
  });

  it('reports an ended session as 409 session_ended', async () => {
    const session = await viewSession();
    expect((await api(shop, agent, 'POST', `/assist-sessions/${session.id}/end`, {})).status).toBe(200);
    const late = await switchMode(agent, session.id, { mode: 'act', stepUpToken: await stepUpToken(shop, agent) });
    expect([late.status, errorCode(late)]).toEqual([409, 'session_ended']);
  });

  it("tells any staff who may start sessions who is in a customer's account: name, mode and start only", async () => {
    const session = await viewSession();
    const seen = await api(shop, agent2, 'GET', `/customers/${CUSTOMERS.jane.id}/active-sessions`);
    expect(seen.status).toBe(200);
    const items = CustomerActiveSessionsResponse.strict().parse(seen.json).items;
    const mine = await api(shop, agent, 'GET', `/assist-sessions/${session.id}`);
    const startedAt = AssistSession.parse(mine.json).startedAt;
    expect(items).toContainEqual({ staffName: agent.name, mode: 'view', startedAt });
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['mode', 'staffName', 'startedAt']);

    await api(shop, agent, 'POST', `/assist-sessions/${session.id}/end`, {});
    const after = await api(shop, agent2, 'GET', `/customers/${CUSTOMERS.jane.id}/active-sessions`);
    expect(CustomerActiveSessionsResponse.parse(after.json).items).not.toContainEqual({
      staffName: agent.name,
      mode: 'view',
      startedAt,
    });
    const unknown = await api(shop, agent2, 'GET', '/customers/cus_999999/active-sessions');
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'customer_not_found']);
  });
});
