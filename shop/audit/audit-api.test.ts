import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRecent, AuditStaffDirectory } from '../../shared/api/audit';
import { verifyChain } from '../../shared/audit/chain';
import { sweepExpiredSessions } from '../assist/settle';
import { redeemHandoff } from '../assist/storefront-access';
import { systemClock } from '../lib/clock';
import { appendAudit } from './append';
import { grantConsent, issueConsentCode, revokeConsent } from '../consent/consent';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  CUSTOMERS,
  putSettings,
  readAuditPages,
  requestSession,
  resetSettings,
  signInAs,
  startAssistShop,
  startSession,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';

const ORIGIN = { ip: '127.0.0.1', userAgent: 'vitest' };
const DAY_MS = 24 * 60 * 60 * 1000;

describeBackends('audit API', (backend) => {
  let shop: TestShop;
  let admin: Agent;
  let supervisor: Agent;
  let agent: Agent;
  let agent2: Agent;
  let trainee: Agent;

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    admin = await signInAs(shop, 'admin@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    trainee = await signInAs(shop, 'trainee@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  it('records every step of assistance, in order', async () => {
    const before = await auditHead(shop);
    // A session run and ended by the agent.
    const own = await startSession(shop, agent, { reason: 'Order status question' });
    const redeemed = await redeemHandoff(shop.ctx, own.handoffCode, ORIGIN);
    expect(redeemed.ok).toBe(true);
    expect(await redeemHandoff(shop.ctx, own.handoffCode, ORIGIN)).toEqual({ ok: false, reason: 'used' });
    expect((await api(shop, agent, 'POST', `/assist-sessions/${own.id}/heartbeat`)).status).toBe(200);
    expect(
      (await api(shop, agent, 'POST', `/assist-sessions/${own.id}/end`, { reason: 'ended_by_agent' })).status,
    ).toBe(200);
    // A refusal, then the customer's consent by code, then a supervisor's termination.
    const refused = await requestSession(shop, agent2, {
      customerId: CUSTOMERS.john.id,
      accountId: CUSTOMERS.john.usAccount,
    });
    expect(errorCode(refused)).toBe('consent_required');
    const { code } = await issueConsentCode(shop.ctx, CUSTOMERS.john.id, ORIGIN);
    const byCode = await startSession(shop, agent2, {
      customerId: CUSTOMERS.john.id,
      accountId: CUSTOMERS.john.usAccount,
      consentCode: code,
    });
    expect(
      (await api(shop, supervisor, 'POST', `/assist-sessions/${byCode.id}/end`, { note: 'Checking policy' })).status,
    ).toBe(200);
    await grantConsent(shop.ctx, CUSTOMERS.john.id, '7d', ORIGIN);
    await revokeConsent(shop.ctx, CUSTOMERS.john.id, ORIGIN);
    await putSettings(shop, admin, { notifyCustomer: false });
    await resetSettings(shop, admin);

    const events = await auditSince(shop, before);
    expect(events.map((e) => `${e.action} ${e.actor.type}:${e.actor.id ?? ''}`)).toEqual([
      `staff.step_up staff:${agent.id}`,
      `session.start staff:${agent.id}`,
      `session.handoff_redeemed staff:${agent.id}`,
      `session.handoff_refused staff:${agent.id}`,
      `session.end staff:${agent.id}`,
      `staff.step_up staff:${agent2.id}`,
      `session.refused staff:${agent2.id}`,
      `customer.consent_code_issued customer:${CUSTOMERS.john.id}`,
      `staff.step_up staff:${agent2.id}`,
      `customer.consent_code_used staff:${agent2.id}`,
      `session.start staff:${agent2.id}`,
      `session.end staff:${supervisor.id}`,
      `customer.consent_granted customer:${CUSTOMERS.john.id}`,
      `customer.consent_revoked customer:${CUSTOMERS.john.id}`,
      `settings.changed staff:${admin.id}`,
      `settings.changed staff:${admin.id}`,
    ]);
    const ends = events.filter((e) => e.action === 'session.end');
    expect(ends.map((e) => [e.sessionId, e.details.reason, e.details.note])).toEqual([
      [own.id, 'ended_by_agent', null],
      [byCode.id, 'terminated_by_supervisor', 'Checking policy'],
    ]);
    expect(events.find((e) => e.action === 'session.refused')?.details).toMatchObject({
      code: 'consent_required',
      consent: 'none',
      requestedCustomerId: CUSTOMERS.john.id,
    });
  });

  it('serves the whole log in pages that verify as one chain up to the head', async () => {
    const { events, head } = await readAuditPages(shop, admin, 7);
    expect(events.length).toBeGreaterThan(20);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const check = verifyChain(events);
    expect(check).toEqual({ ok: true, checked: events.length, lastSeq: head.seq, lastHash: head.hash });
    // The API hands out exactly what is stored.
    expect(events).toEqual(await auditSince(shop, 0));
    // Reading appends nothing: another audit.read.all reader sees the same log and head.
    expect(await readAuditPages(shop, supervisor, 500)).toEqual({ events, head });
  });

  it('serves any stored text exactly: quotes, escapes, control characters, unicode, nested details', async () => {
    const odd = 'Zoë "Quote" O\'Brien \\ back\\slash\nnew line\ttab \u0001 \u2028 😀 </script>';
    await shop.ctx.db.transaction((tx) =>
      appendAudit(tx, systemClock, {
        action: 'session.action',
        actor: { type: 'staff', id: agent.id, name: odd },
        customerId: CUSTOMERS.jane.id,
        sessionId: null,
        ip: '::1',
        userAgent: odd,
        details: {
          note: odd,
          nested: { list: [1, 2.5, -3e-7, true, null, odd], empty: {} },
          big: 12345678901234,
          '': 'empty key',
          [odd]: 'odd key',
        },
      }),
    );
    const head = await auditHead(shop);
    const raw = await api(shop, admin, 'GET', `/audit/events?after=${head - 1}&limit=1`);
    expect(raw.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const stored = await auditSince(shop, head - 1);
    // No checkpointer runs in this test shop (main.ts starts it), so no checkpoint yet.
    expect(raw.json).toEqual({
      events: stored,
      nextAfter: head,
      head: { seq: head, hash: stored[0]?.hash },
      checkpoint: null,
    });
    expect(stored[0]?.actor.name).toBe(odd);
    const { events } = await readAuditPages(shop, admin, 1000);
    expect(verifyChain(events).ok).toBe(true);
  });

  it('shows audit.read.own readers their own events and how each of their sessions ended, with their own head', async () => {
    // A session of agent2's that the shop's sweeper ends once it is overdue (actor: system).
    const left = await startSession(shop, agent2, { reason: 'Left open over lunch' });
    shop.clock.advance(DAY_MS);
    try {
      expect(await sweepExpiredSessions(shop.ctx)).toBeGreaterThanOrEqual(1);
    } finally {
      shop.clock.reset();
    }
    const all = await auditSince(shop, 0);
    // Sessions an agent ran, from the shop's records (not from the events under test).
    const sessionsOf = async (staffId: string) =>
      new Set(
        (
          await shop.ctx.db.query<{ id: string }>('SELECT id FROM assist_sessions WHERE staff_id = $1', [staffId])
        ).rows.map((r) => r.id),
      );
    const visibleTo = (staffId: string, sessions: Set<string>) =>
      all.filter(
        (e) =>
          (e.actor.type === 'staff' && e.actor.id === staffId) ||
          (e.action === 'session.end' && e.sessionId !== null && sessions.has(e.sessionId)),
      );
    for (const [reader, name] of [
      [agent, 'agent'],
      [agent2, 'agent2'],
    ] as const) {
      const mine = await readAuditPages(shop, reader, 5);
      const expected = visibleTo(reader.id, await sessionsOf(reader.id));
      expect(
        mine.events.map((e) => e.seq),
        name,
      ).toEqual(expected.map((e) => e.seq));
      expect(mine.head, name).toEqual({ seq: expected.at(-1)?.seq, hash: expected.at(-1)?.hash });
      expect(verifyChain(mine.events).ok, name).toBe(true);
    }
    // agent2's session the supervisor terminated: agent2 sees that end, with who ended it and why.
    const agent2View = await readAuditPages(shop, agent2, 1000);
    const endedBySupervisor = agent2View.events.filter(
      (e) => e.action === 'session.end' && e.actor.id === supervisor.id,
    );
    expect(endedBySupervisor).toHaveLength(1);
    expect(endedBySupervisor[0]?.details).toMatchObject({
      reason: 'terminated_by_supervisor',
      note: 'Checking policy',
    });
    const sweptEnd = agent2View.events.find((e) => e.action === 'session.end' && e.sessionId === left.id);
    expect(sweptEnd?.actor.type).toBe('system');
    // No one else's events: not the supervisor's other events, not other agents' sessions' ends.
    expect(
      agent2View.events.every(
        (e) => (e.actor.type === 'staff' && e.actor.id === agent2.id) || e.action === 'session.end',
      ),
    ).toBe(true);
    const agentView = await readAuditPages(shop, agent, 1000);
    expect(agentView.events.some((e) => e.actor.id === supervisor.id)).toBe(false);

    const traineeView = await readAuditPages(shop, trainee, 50);
    expect(traineeView.events.map((e) => e.action)).toEqual(['staff.sign_in']);
    expect(traineeView.head.seq).toBe(traineeView.events[0]?.seq);
  });

  it('gives each reader their newest events, newest first, exactly as the pages give them', async () => {
    for (const [reader, name, limit] of [
      [admin, 'admin', 7],
      [agent, 'agent', 4],
      [agent2, 'agent2', 200],
    ] as const) {
      const pages = await readAuditPages(shop, reader, 1000);
      const recent = await api(shop, reader, 'GET', `/audit/recent?limit=${String(limit)}`);
      expect(recent.status, name).toBe(200);
      const { events } = AuditRecent.parse(recent.json);
      expect(events, name).toEqual(pages.events.slice(-limit).reverse());
    }
    const trainees = AuditRecent.parse((await api(shop, trainee, 'GET', '/audit/recent')).json).events;
    expect(trainees.map((e) => e.action)).toEqual(['staff.sign_in']);
    for (const query of ['limit=201', 'limit=0', 'limit=abc']) {
      const bad = await api(shop, admin, 'GET', `/audit/recent?${query}`);
      expect([bad.status, errorCode(bad)], query).toEqual([400, 'validation_failed']);
    }
  });

  it("lists staff by name and email for readers of everyone's events only", async () => {
    const directory = await api(shop, supervisor, 'GET', '/audit/staff');
    expect(directory.status).toBe(200);
    const staff = AuditStaffDirectory.parse(directory.json).staff;
    expect(staff).toContainEqual({ id: agent.id, name: agent.name, email: agent.email, disabled: false });
    expect(staff.map((s) => s.name.toLowerCase())).toEqual(staff.map((s) => s.name.toLowerCase()).sort());
    const refused = await api(shop, agent, 'GET', '/audit/staff');
    expect([refused.status, errorCode(refused)]).toEqual([403, 'permission_denied']);
  });

  it('pages by after and limit, and validates both', async () => {
    const head = await auditHead(shop);
    const past = await api(shop, admin, 'GET', `/audit/events?after=${head + 100}`);
    expect(past.json).toMatchObject({ events: [], nextAfter: head + 100 });
    const one = await api(shop, admin, 'GET', '/audit/events?after=2&limit=1');
    expect(one.json).toMatchObject({ nextAfter: 3, events: [{ seq: 3 }] });
    for (const query of ['limit=1001', 'limit=0', 'after=-1', 'after=abc']) {
      const bad = await api(shop, admin, 'GET', `/audit/events?${query}`);
      expect([bad.status, errorCode(bad)], query).toEqual([400, 'validation_failed']);
    }
    const anonymous = await api(shop, null, 'GET', '/audit/events');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
  });

  it('has no route that changes or deletes an event, and the database refuses it too', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      for (const path of ['/audit/events', '/audit/events/1']) {
        const response = await api(shop, admin, method, path, method === 'DELETE' ? undefined : { details: {} });
        expect([response.status, errorCode(response)], `${method} ${path}`).toEqual([404, 'not_found']);
      }
    }
    await expect(shop.ctx.db.query("UPDATE audit_events SET details = '{}' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(shop.ctx.db.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  describe('tampering', () => {
    it('a row changed behind the API fails verification at its seq', async () => {
      const target = (await auditSince(shop, 0)).find((e) => e.action === 'session.start' && e.actor.id === agent.id);
      if (!target) throw new Error('no session.start event to tamper with');
      await shop.ctx.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
      try {
        await shop.ctx.db.query(
          `UPDATE audit_events SET details = jsonb_set(details, '{reason}', '"nothing to see"') WHERE seq = $1`,
          [target.seq],
        );
      } finally {
        await shop.ctx.db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
      }
      const { events } = await readAuditPages(shop, admin, 7);
      expect(verifyChain(events)).toEqual({
        ok: false,
        checked: target.seq - 1,
        badSeq: target.seq,
        problem: 'hash_mismatch',
      });
      // The agent, verifying only their own events, finds it too.
      const own = await readAuditPages(shop, agent, 7);
      expect(verifyChain(own.events)).toMatchObject({ ok: false, badSeq: target.seq, problem: 'hash_mismatch' });
    });
  });
});
