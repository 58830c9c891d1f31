import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistSession, CreateSessionResponse } from '../../shared/api/sessions';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  CUSTOMERS,
  ONE_MINUTE,
  ONE_SECOND,
  putSettings,
  requestSession,
  resetSettings,
  signInAs,
  startActiveSession,
  startAssistShop,
  startSession,
  stepUpToken,
  TEST_ORIGIN as ORIGIN,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { hashSecret } from '../lib/ids';
import { sweepExpiredSessions } from './settle';
import { redeemHandoff, resolveAssistCookie } from './storefront-access';

describeBackends('assisted sessions', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let agent2: Agent;
  let supervisor: Agent;
  let admin: Agent;
  let trainee: Agent;

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    admin = await signInAs(shop, 'admin@demo.test');
    trainee = await signInAs(shop, 'trainee@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  const getSession = async (who: Agent, id: string) => {
    const response = await api(shop, who, 'GET', `/assist-sessions/${id}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return AssistSession.parse(response.json);
  };

  /** A session whose handoff has been redeemed, with its storefront cookie secret. */
  const activeSession = (who: Agent = agent) => startActiveSession(shop, who);

  describe('starting a session', () => {
    it('starts a pending session with deadlines from the settings, a hashed handoff code and a session.start event', async () => {
      const stepUp = await stepUpToken(shop, agent);
      const before = await auditHead(shop);
      const response = await requestSession(shop, agent, {
        stepUpToken: stepUp,
        mode: 'act',
        ticket: 'T-1001',
        reason: 'Help with checkout',
      });
      expect(response.status, JSON.stringify(response.json)).toBe(201);
      const { session, handoffUrl } = CreateSessionResponse.parse(response.json);
      expect(session).toMatchObject({
        staffId: agent.id,
        staffName: 'Alex Agent',
        customerId: CUSTOMERS.jane.id,
        customerName: 'Jane Smith',
        customerEmail: 'jane@example.com',
        accountId: CUSTOMERS.jane.usAccount,
        storeId: 'sto_us',
        mode: 'act',
        reason: 'Help with checkout',
        ticket: 'T-1001',
        status: 'pending',
        idleTimeoutSeconds: 600,
        endedAt: null,
        endReason: null,
        endNote: null,
      });
      expect(Date.parse(session.expiresAt) - Date.parse(session.startedAt)).toBe(1800 * ONE_SECOND);
      expect(handoffUrl.startsWith(`${shop.url}/store/us/assist/enter?code=`)).toBe(true);

      const code = new URL(handoffUrl).searchParams.get('code') ?? '';
      const stored = await shop.ctx.db.query<{ code_hash: string; expires_at: Date; used_at: Date | null }>(
        'SELECT code_hash, expires_at, used_at FROM handoff_codes WHERE session_id = $1',
        [session.id],
      );
      expect(stored.rows).toHaveLength(1);
      expect(stored.rows[0]?.code_hash).toBe(hashSecret(code));
      expect(stored.rows[0]?.used_at).toBeNull();
      const lifetime = (stored.rows[0]?.expires_at.getTime() ?? 0) - Date.parse(session.startedAt);
      expect(lifetime).toBeGreaterThan(0);
      expect(lifetime).toBeLessThanOrEqual(30 * ONE_SECOND);
      const dbRow = await shop.ctx.db.query<{ consent_basis: string }>(
        'SELECT consent_basis FROM assist_sessions WHERE id = $1',
        [session.id],
      );
      expect(dbRow.rows[0]?.consent_basis).toBe('standing');

      const events = await auditSince(shop, before);
      expect(events.map((e) => e.action)).toEqual(['session.start']);
      expect(events[0]).toMatchObject({
        actor: { type: 'staff', id: agent.id, name: 'Alex Agent' },
        customerId: CUSTOMERS.jane.id,
        sessionId: session.id,
        details: {
          mode: 'act',
          reason: 'Help with checkout',
          ticket: 'T-1001',
          accountId: CUSTOMERS.jane.usAccount,
          storeId: 'sto_us',
          consentBasis: 'standing',
        },
      });
      expect(JSON.stringify(events)).not.toContain(code);
    });

    it('refuses in order: disabled, permission, step-up, customer, account, consent — each with a session.refused event', async () => {
      const before = await auditHead(shop);
      const everythingWrong = { customerId: 'cus_nobody', accountId: CUSTOMERS.john.usAccount } as const;

      await putSettings(shop, admin, { assistanceEnabled: false });
      const disabled = await requestSession(shop, trainee, { ...everythingWrong, stepUpToken: null });
      expect([disabled.status, errorCode(disabled)]).toEqual([409, 'assistance_disabled']);
      await putSettings(shop, admin, { assistanceEnabled: true });

      const permission = await requestSession(shop, trainee, { ...everythingWrong, stepUpToken: null });
      expect([permission.status, errorCode(permission)]).toEqual([403, 'permission_denied']);
      const permissionAct = await requestSession(shop, trainee, { mode: 'act', stepUpToken: null });
      expect([permissionAct.status, errorCode(permissionAct)]).toEqual([403, 'permission_denied']);

      const noStepUp = await requestSession(shop, agent, { ...everythingWrong, stepUpToken: null });
      expect([noStepUp.status, errorCode(noStepUp)]).toEqual([401, 'step_up_required']);
      const forged = await requestSession(shop, agent, { ...everythingWrong, stepUpToken: 'x'.repeat(43) });
      expect([forged.status, errorCode(forged)]).toEqual([401, 'step_up_required']);
      // Another staff member's step-up token does not count.
      const othersToken = await stepUpToken(shop, agent2);
      const borrowed = await requestSession(shop, agent, { ...everythingWrong, stepUpToken: othersToken });
      expect([borrowed.status, errorCode(borrowed)]).toEqual([401, 'step_up_required']);

      const token = await stepUpToken(shop, agent);
      const customer = await requestSession(shop, agent, { ...everythingWrong, stepUpToken: token });
      expect([customer.status, errorCode(customer)]).toEqual([404, 'customer_not_found']);
      // The refusal spent the step-up token: it cannot be tried again.
      const reused = await requestSession(shop, agent, { stepUpToken: token });
      expect([reused.status, errorCode(reused)]).toEqual([401, 'step_up_required']);

      const account = await requestSession(shop, agent, {
        customerId: CUSTOMERS.jane.id,
        accountId: CUSTOMERS.john.usAccount,
      });
      expect([account.status, errorCode(account)]).toEqual([404, 'account_not_found']);

      const consent = await requestSession(shop, agent, {
        customerId: CUSTOMERS.john.id,
        accountId: CUSTOMERS.john.usAccount,
      });
      expect([consent.status, errorCode(consent)]).toEqual([403, 'consent_required']);

      const refused = (await auditSince(shop, before)).filter((e) => e.action === 'session.refused');
      expect(refused.map((e) => e.details.code)).toEqual([
        'assistance_disabled',
        'permission_denied',
        'permission_denied',
        'step_up_required',
        'step_up_required',
        'step_up_required',
        'customer_not_found',
        'step_up_required',
        'account_not_found',
        'consent_required',
      ]);
      expect(refused.every((e) => e.actor.type === 'staff' && e.sessionId === null)).toBe(true);
      expect(refused[0]?.actor.id).toBe(trainee.id);
      expect(refused.at(-1)).toMatchObject({
        customerId: CUSTOMERS.john.id,
        details: { consent: 'none', mode: 'view' },
      });
      const sessions = await shop.ctx.db.query('SELECT id FROM assist_sessions WHERE customer_id = $1', [
        CUSTOMERS.john.id,
      ]);
      expect(sessions.rows).toHaveLength(0);
    });

    it('never lets a staff member be impersonated: staff ids are not customers', async () => {
      const response = await requestSession(shop, agent, {
        customerId: 'stf_admin',
        accountId: CUSTOMERS.jane.usAccount,
      });
      expect([response.status, errorCode(response)]).toEqual([404, 'customer_not_found']);
    });

    it('rejects unauthenticated and malformed requests without recording a session', async () => {
      const before = await auditHead(shop);
      const anonymous = await api(shop, null, 'POST', '/assist-sessions', {
        customerId: CUSTOMERS.jane.id,
        accountId: CUSTOMERS.jane.usAccount,
        mode: 'view',
        reason: 'x',
      });
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
      const noReason = await requestSession(shop, agent, { reason: ' ', stepUpToken: null });
      expect([noReason.status, errorCode(noReason)]).toEqual([400, 'validation_failed']);
      const badMode = await requestSession(shop, agent, { mode: 'admin' as 'view', stepUpToken: null });
      expect([badMode.status, errorCode(badMode)]).toEqual([400, 'validation_failed']);
      expect(await auditSince(shop, before)).toEqual([]);
    });
  });

  describe('handoff', () => {
    it('redeems once: the session turns active, the cookie resolves, a second use is refused', async () => {
      const started = await startSession(shop, agent);
      const before = await auditHead(shop);
      const first = await redeemHandoff(shop.ctx, started.handoffCode, ORIGIN);
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      expect(first.session).toMatchObject({
        id: started.id,
        staffId: agent.id,
        staffName: 'Alex Agent',
        customerId: CUSTOMERS.jane.id,
        storeCode: 'us',
        mode: 'view',
      });
      const stored = await shop.ctx.db.query<{ cookie_hash: string; status: string }>(
        'SELECT cookie_hash, status FROM assist_sessions WHERE id = $1',
        [started.id],
      );
      expect(stored.rows[0]).toEqual({ cookie_hash: hashSecret(first.cookieSecret), status: 'active' });

      const second = await redeemHandoff(shop.ctx, started.handoffCode, ORIGIN);
      expect(second).toEqual({ ok: false, reason: 'used' });
      const resolved = await resolveAssistCookie(shop.ctx, first.cookieSecret);
      expect(resolved.ok && resolved.session.id).toBe(started.id);
      expect((await getSession(agent, started.id)).status).toBe('active');

      const events = await auditSince(shop, before);
      expect(events.map((e) => [e.action, e.details.reason ?? null])).toEqual([
        ['session.handoff_redeemed', null],
        ['session.handoff_refused', 'used'],
      ]);
      expect(events.every((e) => e.sessionId === started.id && e.actor.id === agent.id && e.ip === '127.0.0.1')).toBe(
        true,
      );
    });

    it('is single use under concurrent redeems', async () => {
      const started = await startSession(shop, agent);
      const before = await auditHead(shop);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => redeemHandoff(shop.ctx, started.handoffCode, ORIGIN)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.flatMap((r) => (r.ok ? [] : [r.reason]))).toEqual(['used', 'used', 'used', 'used']);
      // Aggregated: one event at once, the rest as a count (flushed here, not during a later test).
      await shop.ctx.refusals.flush();
      const refused = (await auditSince(shop, before)).filter((e) => e.action === 'session.handoff_refused');
      expect(refused.map((e) => e.details.count)).toEqual([1, 3]);
    });

    it('expires after 30 seconds, and unknown codes are refused', async () => {
      const started = await startSession(shop, agent);
      shop.clock.advance(31 * ONE_SECOND);
      expect(await redeemHandoff(shop.ctx, started.handoffCode, ORIGIN)).toEqual({ ok: false, reason: 'expired' });
      expect((await getSession(agent, started.id)).status).toBe('pending');
      expect(await redeemHandoff(shop.ctx, 'not-a-real-code-0000000000000000000000000', ORIGIN)).toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await resolveAssistCookie(shop.ctx, 'not-a-real-cookie')).toEqual({
        ok: false,
        reason: 'unknown',
        endReason: null,
      });
    });

    it('is refused when the session ended before the handoff', async () => {
      const started = await startSession(shop, agent);
      const ended = await api(shop, agent, 'POST', `/assist-sessions/${started.id}/end`, { reason: 'ended_by_agent' });
      expect(ended.status).toBe(200);
      expect(await redeemHandoff(shop.ctx, started.handoffCode, ORIGIN)).toEqual({
        ok: false,
        reason: 'session_ended',
      });
    });
  });

  describe('timeouts, enforced at the moment of use', () => {
    it('ends an idle session on GET (idle_timeout, ended at the deadline, audited as system)', async () => {
      const session = await activeSession();
      shop.clock.advance(9 * ONE_MINUTE);
      expect((await getSession(agent, session.id)).status).toBe('active');
      // A storefront request is activity and moves the idle deadline.
      expect((await resolveAssistCookie(shop.ctx, session.cookie)).ok).toBe(true);
      shop.clock.advance(9 * ONE_MINUTE);
      const live = await getSession(agent, session.id);
      expect(live.status).toBe('active');
      const before = await auditHead(shop);
      shop.clock.advance(ONE_MINUTE + ONE_SECOND);
      const ended = await getSession(agent, session.id);
      expect(ended).toMatchObject({ status: 'ended', endReason: 'idle_timeout' });
      expect(Date.parse(ended.endedAt ?? '')).toBe(Date.parse(live.lastActivityAt) + 600 * ONE_SECOND);
      const events = await auditSince(shop, before);
      expect(events.map((e) => e.action)).toEqual(['session.end']);
      expect(events[0]).toMatchObject({
        actor: { type: 'system' },
        sessionId: session.id,
        details: { reason: 'idle_timeout' },
      });
      // Reading it again changes nothing and records nothing.
      expect((await getSession(agent, session.id)).endReason).toBe('idle_timeout');
      expect(await auditSince(shop, before)).toHaveLength(1);
      expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'idle_timeout',
      });
    });

    it('ends an idle session on the next storefront request', async () => {
      const session = await activeSession();
      shop.clock.advance(10 * ONE_MINUTE + ONE_SECOND);
      expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'idle_timeout',
      });
      expect((await getSession(agent, session.id)).endReason).toBe('idle_timeout');
    });

    it('ends a busy session at its maximum length, via the storefront and via GET', async () => {
      const viaCookie = await activeSession();
      const viaGet = await activeSession(agent2);
      for (let i = 0; i < 3; i++) {
        shop.clock.advance(9 * ONE_MINUTE);
        expect((await resolveAssistCookie(shop.ctx, viaCookie.cookie)).ok).toBe(true);
        expect((await resolveAssistCookie(shop.ctx, viaGet.cookie)).ok).toBe(true);
      }
      // Past both sessions' maximum length (the second may have started a little later), within the idle timeout.
      const lastExpiry = Date.parse((await getSession(agent2, viaGet.id)).expiresAt);
      shop.clock.advance(lastExpiry - shop.clock.now().getTime() + ONE_SECOND);
      expect(await resolveAssistCookie(shop.ctx, viaCookie.cookie)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'max_length',
      });
      const ended = await getSession(agent2, viaGet.id);
      expect(ended).toMatchObject({ status: 'ended', endReason: 'max_length', endedAt: ended.expiresAt });
    });

    it('lists overdue sessions as ended, and the sweeper ends sessions nobody reads', async () => {
      const listed = await activeSession();
      const swept = await activeSession(agent2);
      shop.clock.advance(11 * ONE_MINUTE);
      const list = await api(shop, agent, 'GET', '/assist-sessions?status=active');
      expect((list.json as { items: AssistSession[] }).items.map((s) => s.id)).not.toContain(listed.id);
      expect((await getSession(agent, listed.id)).endReason).toBe('idle_timeout');
      const before = await auditHead(shop);
      expect(await sweepExpiredSessions(shop.ctx)).toBeGreaterThanOrEqual(1);
      const row = await shop.ctx.db.query<{ status: string; end_reason: string }>(
        'SELECT status, end_reason FROM assist_sessions WHERE id = $1',
        [swept.id],
      );
      expect(row.rows[0]).toEqual({ status: 'ended', end_reason: 'idle_timeout' });
      expect((await auditSince(shop, before)).filter((e) => e.sessionId === swept.id).map((e) => e.action)).toEqual([
        'session.end',
      ]);
      expect(await sweepExpiredSessions(shop.ctx)).toBe(0);
    });

    it('ends a session whose agent has lost the permission for its mode', async () => {
      const session = await activeSession(agent2);
      await shop.ctx.db.query("UPDATE staff SET role = 'trainee' WHERE id = $1", [agent2.id]);
      try {
        expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
          ok: false,
          reason: 'ended',
          endReason: 'access_revoked',
        });
      } finally {
        await shop.ctx.db.query("UPDATE staff SET role = 'agent' WHERE id = $1", [agent2.id]);
      }
      expect((await getSession(agent2, session.id)).endNote).toBe('staff member no longer has assist.view');
    });
  });

  describe('heartbeat, end and supervision', () => {
    it('heartbeat records activity for the owner only', async () => {
      const session = await activeSession();
      shop.clock.advance(5 * ONE_MINUTE);
      const sent = shop.clock.now().getTime();
      const beat = await api(shop, agent, 'POST', `/assist-sessions/${session.id}/heartbeat`);
      const answered = shop.clock.now().getTime();
      expect(beat.status).toBe(200);
      const beaten = AssistSession.parse((beat.json as { session: unknown }).session);
      expect(Date.parse(beaten.lastActivityAt)).toBeGreaterThanOrEqual(sent);
      expect(Date.parse(beaten.lastActivityAt)).toBeLessThanOrEqual(answered);
      const stored = await shop.ctx.db.query<{ last_activity_at: Date }>(
        'SELECT last_activity_at FROM assist_sessions WHERE id = $1',
        [session.id],
      );
      expect(stored.rows[0]?.last_activity_at.toISOString()).toBe(beaten.lastActivityAt);
      const other = await api(shop, agent2, 'POST', `/assist-sessions/${session.id}/heartbeat`);
      expect([other.status, errorCode(other)]).toEqual([404, 'session_not_found']);
      const supervisorBeat = await api(shop, supervisor, 'POST', `/assist-sessions/${session.id}/heartbeat`);
      expect([supervisorBeat.status, errorCode(supervisorBeat)]).toEqual([403, 'permission_denied']);
      const unknown = await api(shop, agent, 'POST', '/assist-sessions/ses_unknown/heartbeat');
      expect([unknown.status, errorCode(unknown)]).toEqual([404, 'session_not_found']);
    });

    it('a supervisor terminates a session; the agent sees it on the next heartbeat and the storefront stops', async () => {
      const session = await activeSession();
      const before = await auditHead(shop);
      const denied = await api(shop, agent2, 'POST', `/assist-sessions/${session.id}/end`, { note: 'not mine' });
      expect([denied.status, errorCode(denied)]).toEqual([404, 'session_not_found']);
      const terminated = await api(shop, supervisor, 'POST', `/assist-sessions/${session.id}/end`, {
        note: 'Wrong customer',
      });
      expect(terminated.status, JSON.stringify(terminated.json)).toBe(200);
      expect((terminated.json as { session: AssistSession }).session).toMatchObject({
        status: 'ended',
        endReason: 'terminated_by_supervisor',
        endNote: 'Wrong customer',
      });

      const beat = await api(shop, agent, 'POST', `/assist-sessions/${session.id}/heartbeat`);
      expect(beat.status).toBe(409);
      expect(beat.json).toMatchObject({
        error: { code: 'session_ended', endReason: 'terminated_by_supervisor' },
        session: { id: session.id, status: 'ended' },
      });
      expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'terminated_by_supervisor',
      });
      const again = await api(shop, supervisor, 'POST', `/assist-sessions/${session.id}/end`, {});
      expect([again.status, errorCode(again)]).toEqual([409, 'session_ended']);

      const events = await auditSince(shop, before);
      expect(events.map((e) => e.action)).toEqual(['session.end']);
      expect(events[0]).toMatchObject({
        actor: { type: 'staff', id: supervisor.id },
        sessionId: session.id,
        details: { reason: 'terminated_by_supervisor', note: 'Wrong customer', staffId: agent.id },
      });
    });

    it('signing out ends the live sessions of that sign-in on the server too', async () => {
      const second = await signInAs(shop, 'agent2@demo.test');
      const session = await activeSession(second);
      const out = await api(shop, second, 'POST', '/auth/logout');
      expect(out.status).toBe(204);
      expect(await getSession(agent2, session.id)).toMatchObject({ status: 'ended', endReason: 'sign_out' });
      expect(await resolveAssistCookie(shop.ctx, session.cookie)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'sign_out',
      });
    });

    it('the agent ends a session with the reason given; reasons that are not theirs are refused', async () => {
      const session = await activeSession();
      const wrong = await api(shop, agent, 'POST', `/assist-sessions/${session.id}/end`, {
        reason: 'terminated_by_supervisor',
      });
      expect([wrong.status, errorCode(wrong)]).toEqual([400, 'validation_failed']);
      const bogus = await api(shop, agent, 'POST', `/assist-sessions/${session.id}/end`, { reason: 'bored' });
      expect([bogus.status, errorCode(bogus)]).toEqual([400, 'validation_failed']);
      const before = await auditHead(shop);
      const ended = await api(shop, agent, 'POST', `/assist-sessions/${session.id}/end`, { reason: 'sign_out' });
      expect(ended.status).toBe(200);
      expect((ended.json as { session: AssistSession }).session).toMatchObject({
        status: 'ended',
        endReason: 'sign_out',
      });
      const events = await auditSince(shop, before);
      expect(events.map((e) => [e.action, e.actor.id, e.details.reason])).toEqual([
        ['session.end', agent.id, 'sign_out'],
      ]);
      const withoutBody = await activeSession();
      const plain = await api(shop, agent, 'POST', `/assist-sessions/${withoutBody.id}/end`);
      expect(plain.status, JSON.stringify(plain.json)).toBe(200);
      expect((plain.json as { session: AssistSession }).session.endReason).toBe('ended_by_agent');
    });

    it("lists own sessions, or everyone's with sessions.read.all; reads are limited the same way", async () => {
      const mine = await startSession(shop, agent);
      const theirs = await startSession(shop, agent2);
      const own = await api(shop, agent, 'GET', '/assist-sessions?limit=200');
      const ownIds = (own.json as { items: AssistSession[] }).items.map((s) => s.id);
      expect(ownIds).toContain(mine.id);
      expect(ownIds).not.toContain(theirs.id);
      expect((own.json as { items: AssistSession[] }).items.every((s) => s.staffId === agent.id)).toBe(true);
      const asking = await api(shop, agent, 'GET', `/assist-sessions?staffId=${agent2.id}`);
      expect((asking.json as { items: AssistSession[] }).items).toEqual([]);

      const all = await api(shop, supervisor, 'GET', '/assist-sessions?status=pending&limit=200');
      const allIds = (all.json as { items: AssistSession[] }).items.map((s) => s.id);
      expect(allIds).toEqual(expect.arrayContaining([mine.id, theirs.id]));
      expect((all.json as { items: AssistSession[] }).items.every((s) => s.status === 'pending')).toBe(true);
      const filtered = await api(
        shop,
        supervisor,
        'GET',
        `/assist-sessions?staffId=${agent2.id}&customerId=${CUSTOMERS.jane.id}`,
      );
      expect(
        (filtered.json as { items: AssistSession[] }).items.every(
          (s) => s.staffId === agent2.id && s.customerId === CUSTOMERS.jane.id,
        ),
      ).toBe(true);
      expect((filtered.json as { items: AssistSession[] }).items.map((s) => s.id)).toContain(theirs.id);

      const traineeList = await api(shop, trainee, 'GET', '/assist-sessions');
      expect([traineeList.status, errorCode(traineeList)]).toEqual([403, 'permission_denied']);
      const otherRead = await api(shop, agent2, 'GET', `/assist-sessions/${mine.id}`);
      expect([otherRead.status, errorCode(otherRead)]).toEqual([404, 'session_not_found']);
      expect((await getSession(supervisor, mine.id)).staffId).toBe(agent.id);
      const badLimit = await api(shop, agent, 'GET', '/assist-sessions?limit=5000');
      expect([badLimit.status, errorCode(badLimit)]).toEqual([400, 'validation_failed']);
    });
  });

  describe('settings take effect', () => {
    it('uses the configured idle timeout and maximum length', async () => {
      await putSettings(shop, admin, { idleTimeoutSeconds: 120, maxSessionSeconds: 600 });
      try {
        const session = await activeSession();
        const started = await getSession(agent, session.id);
        expect(started.idleTimeoutSeconds).toBe(120);
        expect(Date.parse(started.expiresAt) - Date.parse(started.startedAt)).toBe(600 * ONE_SECOND);
        shop.clock.advance(121 * ONE_SECOND);
        expect(await getSession(agent, session.id)).toMatchObject({ status: 'ended', endReason: 'idle_timeout' });
      } finally {
        await resetSettings(shop, admin);
      }
    });

    it('the step-up policy decides which proof gives a step-up token', async () => {
      await putSettings(shop, admin, { stepUpPolicy: 'password' });
      try {
        const totp = await api(shop, agent, 'POST', '/auth/step-up', { code: '000000' });
        expect([totp.status, errorCode(totp)]).toEqual([401, 'invalid_step_up']);
        const password = await api(shop, agent, 'POST', '/auth/step-up', { password: 'concierge-demo' });
        expect(password.status).toBe(200);
        const created = await requestSession(shop, agent, {
          stepUpToken: (password.json as { stepUpToken: string }).stepUpToken,
        });
        expect(created.status).toBe(201);
      } finally {
        await resetSettings(shop, admin);
      }
      const password = await api(shop, agent, 'POST', '/auth/step-up', { password: 'concierge-demo' });
      expect([password.status, errorCode(password)]).toEqual([401, 'invalid_step_up']);
    });
  });
});
