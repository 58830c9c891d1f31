import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistSession } from '../../shared/api/sessions';
import { DEFAULT_CONFIG } from '../context';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  ONE_SECOND,
  putSettings,
  resetSettings,
  signInAs,
  startActiveSession,
  startAssistShop,
  startSession,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { sweepExpiredSessions } from './settle';
import { resolveAssistCookie } from './storefront-access';
const LEASE_MS = DEFAULT_CONFIG.consoleLeaseSeconds * ONE_SECOND;

// The shop's own default lease (60 s): these tests are about it lapsing.
describeBackends('console lease', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let agent2: Agent;
  let supervisor: Agent;
  let admin: Agent;

  beforeAll(async () => {
    shop = await startAssistShop(backend, { consoleLeaseSeconds: DEFAULT_CONFIG.consoleLeaseSeconds });
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    admin = await signInAs(shop, 'admin@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  const read = async (who: Agent, id: string) => {
    const response = await api(shop, who, 'GET', `/assist-sessions/${id}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return AssistSession.parse(response.json);
  };

  const beat = async (who: Agent, id: string, body?: unknown) =>
    api(shop, who, 'POST', `/assist-sessions/${id}/heartbeat`, body);

  /** A session whose handoff has been redeemed, as the console's view does right after the start. */
  const activeSession = (who: Agent = agent) => startActiveSession(shop, who);

  it('starts with the session and lapses after the lease: ended as console_lost at the lease end, audited as a system end', async () => {
    const session = await activeSession();
    const started = await read(agent, session.id);
    expect(Date.parse(started.consoleLeaseExpiresAt) - Date.parse(started.startedAt)).toBe(LEASE_MS);

    shop.clock.advance(LEASE_MS - ONE_SECOND);
    expect((await read(agent, session.id)).status).toBe('active');
    // Storefront requests are activity, not proof the console is there: they do not renew the lease.
    expect((await resolveAssistCookie(shop.ctx, session.cookie)).ok).toBe(true);

    const before = await auditHead(shop);
    shop.clock.advance(2 * ONE_SECOND);
    const ended = await read(agent, session.id);
    expect(ended).toMatchObject({ status: 'ended', endReason: 'console_lost', endedAt: started.consoleLeaseExpiresAt });
    const events = await auditSince(shop, before);
    expect(events.map((e) => e.action)).toEqual(['session.end']);
    expect(events[0]).toMatchObject({
      actor: { type: 'system', id: null },
      sessionId: session.id,
      details: { reason: 'console_lost', staffId: agent.id, endedAt: started.consoleLeaseExpiresAt },
    });
    expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
      ok: false,
      reason: 'ended',
      endReason: 'console_lost',
    });
    // A late heartbeat does not bring it back.
    const late = await beat(agent, session.id, { activity: false });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ error: { code: 'session_ended', endReason: 'console_lost' } });
    expect(await auditSince(shop, before)).toHaveLength(1);
  });

  it('the sweeper ends a lapsed session nobody reads', async () => {
    const session = await activeSession(agent2);
    shop.clock.advance(LEASE_MS + ONE_SECOND);
    const before = await auditHead(shop);
    expect(await sweepExpiredSessions(shop.ctx)).toBeGreaterThanOrEqual(1);
    const row = await shop.ctx.db.query<{ status: string; end_reason: string }>(
      'SELECT status, end_reason FROM assist_sessions WHERE id = $1',
      [session.id],
    );
    expect(row.rows[0]).toEqual({ status: 'ended', end_reason: 'console_lost' });
    expect(
      (await auditSince(shop, before))
        .filter((e) => e.sessionId === session.id)
        .map((e) => [e.action, e.actor.type, e.details.reason]),
    ).toEqual([['session.end', 'system', 'console_lost']]);
  });

  it('renewing keeps the session alive past the lease, and it lapses a lease after the last renewal', async () => {
    const session = await activeSession();
    // Over three leases' worth of time, renewed every 40 s (a console renews every 20 s).
    for (let i = 0; i < 5; i++) {
      shop.clock.advance(40 * ONE_SECOND);
      const sent = shop.clock.now().getTime();
      const renewed = await beat(agent, session.id, { activity: false });
      const answered = shop.clock.now().getTime();
      expect(renewed.status, JSON.stringify(renewed.json)).toBe(200);
      const body = AssistSession.parse((renewed.json as { session: unknown }).session);
      expect(body.status).toBe('active');
      expect(Date.parse(body.consoleLeaseExpiresAt)).toBeGreaterThanOrEqual(sent + LEASE_MS);
      expect(Date.parse(body.consoleLeaseExpiresAt)).toBeLessThanOrEqual(answered + LEASE_MS);
    }
    const renewed = await read(agent, session.id);
    expect(Date.parse(renewed.startedAt) + LEASE_MS).toBeLessThan(shop.clock.now().getTime());
    expect(renewed.status).toBe('active');

    shop.clock.advance(LEASE_MS + ONE_SECOND);
    expect(await read(agent, session.id)).toMatchObject({
      status: 'ended',
      endReason: 'console_lost',
      endedAt: renewed.consoleLeaseExpiresAt,
    });
  });

  it('a heartbeat with activity false renews the lease but not the idle timer; without it, it moves both', async () => {
    await putSettings(shop, admin, { idleTimeoutSeconds: 120 });
    try {
      const session = await activeSession();
      const started = await read(agent, session.id);
      shop.clock.advance(50 * ONE_SECOND);
      const quiet = AssistSession.parse(
        ((await beat(agent, session.id, { activity: false })).json as { session: unknown }).session,
      );
      expect(quiet.lastActivityAt).toBe(started.lastActivityAt);
      const stored = await shop.ctx.db.query<{ last_activity_at: Date }>(
        'SELECT last_activity_at FROM assist_sessions WHERE id = $1',
        [session.id],
      );
      expect(stored.rows[0]?.last_activity_at.toISOString()).toBe(started.lastActivityAt);
      shop.clock.advance(50 * ONE_SECOND);
      expect((await beat(agent, session.id, { activity: false })).status).toBe(200);
      // 120 s without activity, with a lease renewed 10 s ago: the idle timeout ends it.
      shop.clock.advance(21 * ONE_SECOND);
      expect(await read(agent, session.id)).toMatchObject({
        status: 'ended',
        endReason: 'idle_timeout',
        endedAt: new Date(Date.parse(started.lastActivityAt) + 120 * ONE_SECOND).toISOString(),
      });

      const busy = await activeSession();
      shop.clock.advance(50 * ONE_SECOND);
      const sent = shop.clock.now().getTime();
      for (const body of [undefined, {}, { activity: true }]) {
        const response = await beat(agent, busy.id, body);
        expect(response.status, JSON.stringify(response.json)).toBe(200);
        const beaten = AssistSession.parse((response.json as { session: unknown }).session);
        expect(Date.parse(beaten.lastActivityAt)).toBeGreaterThanOrEqual(sent);
        expect(Date.parse(beaten.consoleLeaseExpiresAt)).toBe(Date.parse(beaten.lastActivityAt) + LEASE_MS);
      }
    } finally {
      await resetSettings(shop, admin);
    }
  });

  it("only the session's own agent renews its lease; bad bodies are refused", async () => {
    const session = await activeSession();
    const before = await read(agent, session.id);
    shop.clock.advance(30 * ONE_SECOND);
    const other = await beat(agent2, session.id, { activity: false });
    expect([other.status, errorCode(other)]).toEqual([404, 'session_not_found']);
    const bySupervisor = await beat(supervisor, session.id, { activity: false });
    expect([bySupervisor.status, errorCode(bySupervisor)]).toEqual([403, 'permission_denied']);
    const anonymous = await api(shop, null, 'POST', `/assist-sessions/${session.id}/heartbeat`, { activity: false });
    expect(anonymous.status).toBe(401);
    const bad = await beat(agent, session.id, { activity: 'no' });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'validation_failed']);
    expect((await read(agent, session.id)).consoleLeaseExpiresAt).toBe(before.consoleLeaseExpiresAt);

    // Only the owner's renewals count: with those refused, the lease lapses on time.
    shop.clock.advance(LEASE_MS - 30 * ONE_SECOND + ONE_SECOND);
    expect(await read(supervisor, session.id)).toMatchObject({ status: 'ended', endReason: 'console_lost' });
  });

  describe('a pending session (handoff not yet redeemed)', () => {
    it('holds a lease from its start too', async () => {
      const started = await startSession(shop, agent);
      shop.clock.advance(LEASE_MS + ONE_SECOND);
      expect(await read(agent, started.id)).toMatchObject({ status: 'ended', endReason: 'console_lost' });
    });
  });
});
