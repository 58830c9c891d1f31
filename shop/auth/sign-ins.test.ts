/**
 * One staff member signed in on two consoles: each sign-in (refresh-token family) has its own
 * step-up tokens and its own assisted sessions; signing out of one leaves the other alone, and
 * only "sign out everywhere" ends them all.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TokenResponse } from '../../shared/api/auth';
import type { AssistSession } from '../../shared/api/sessions';
import { apiRequest, errorCode, signIn } from '../test/auth-helpers';
import {
  api,
  auditSince,
  auditHead,
  requestSession,
  signInAs,
  startAssistShop,
  startSession,
  stepUpToken,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';

describeBackends('sign-ins of one staff member', (backend) => {
  let shop: TestShop;
  let supervisor: Agent;
  beforeAll(async () => {
    shop = await startAssistShop(backend);
    supervisor = await signInAs(shop, 'supervisor@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  /** A sign-in with its refresh token, as a console holds it. */
  async function console(email: string): Promise<Agent & { refreshToken: string }> {
    const signed = await signIn(shop.url, email, { clock: shop.clock });
    return {
      email,
      id: signed.staff.id,
      name: signed.staff.name,
      token: signed.accessToken,
      refreshToken: signed.refreshToken,
    };
  }

  const sessionOf = async (id: string) =>
    (await api(shop, supervisor, 'GET', `/assist-sessions/${id}`)).json as AssistSession;
  const statusOf = async (agent: Agent) => (await api(shop, agent, 'GET', '/me')).status;

  it('a step-up token works only with the sign-in that obtained it, across its refreshes', async () => {
    const a = await console('agent@demo.test');
    const b = await console('agent@demo.test');
    const ofA = await stepUpToken(shop, a);
    const refused = await requestSession(shop, b, { stepUpToken: ofA });
    expect([refused.status, errorCode(refused)]).toEqual([401, 'step_up_required']);
    // Refused with B, the token was not spent: it is still A's.
    expect((await requestSession(shop, a, { stepUpToken: ofA })).status).toBe(201);

    const next = await stepUpToken(shop, a);
    const refreshed = await apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken: a.refreshToken } });
    const rotated = { ...a, token: TokenResponse.parse(refreshed.json).accessToken };
    expect((await requestSession(shop, b, { stepUpToken: next })).status).toBe(401);
    expect((await requestSession(shop, rotated, { stepUpToken: next })).status).toBe(201);
  });

  it("signing out ends that sign-in's sessions only; everywhere ends every sign-in and all sessions", async () => {
    const a = await console('agent2@demo.test');
    const b = await console('agent2@demo.test');
    const ofA = await startSession(shop, a);
    const ofB = await startSession(shop, b);

    let before = await auditHead(shop);
    expect((await api(shop, a, 'POST', '/auth/logout')).status).toBe(204);
    expect(await sessionOf(ofA.id)).toMatchObject({ status: 'ended', endReason: 'sign_out' });
    expect(await sessionOf(ofB.id)).toMatchObject({ status: 'pending', endReason: null });
    expect([await statusOf(a), await statusOf(b)]).toEqual([401, 200]);
    const plain = (await auditSince(shop, before)).filter((e) => e.action === 'staff.sign_out');
    expect(plain.map((e) => e.details)).toEqual([expect.objectContaining({ everywhere: false, sessionsEnded: 1 })]);

    const c = await console('agent2@demo.test');
    const ofC = await startSession(shop, c);
    before = await auditHead(shop);
    const everywhere = await api(shop, b, 'POST', '/auth/logout', { everywhere: true });
    expect(everywhere.status).toBe(204);
    for (const id of [ofB.id, ofC.id])
      expect(await sessionOf(id)).toMatchObject({ status: 'ended', endReason: 'sign_out' });
    expect([await statusOf(b), await statusOf(c)]).toEqual([401, 401]);
    const refresh = await apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken: c.refreshToken } });
    expect([refresh.status, errorCode(refresh)]).toEqual([401, 'invalid_refresh_token']);
    const all = (await auditSince(shop, before)).filter((e) => e.action === 'staff.sign_out');
    expect(all.map((e) => e.details)).toEqual([expect.objectContaining({ everywhere: true, sessionsEnded: 2 })]);
  });

  it('a session from before sessions recorded their sign-in ends with any sign-out of its agent', async () => {
    const a = await console('agent@demo.test');
    const b = await console('agent@demo.test');
    const legacy = await startSession(shop, a);
    await shop.ctx.db.query('UPDATE assist_sessions SET family_id = NULL WHERE id = $1', [legacy.id]);
    expect((await api(shop, b, 'POST', '/auth/logout', {})).status).toBe(204);
    expect(await sessionOf(legacy.id)).toMatchObject({ status: 'ended', endReason: 'sign_out' });
    expect(await statusOf(a)).toBe(200);
  });

  it('refuses a logout body that is not {everywhere?: boolean}, before signing anything out', async () => {
    const a = await console('agent@demo.test');
    for (const body of [{ everywhere: 'yes' }, { all: true }, []]) {
      const refused = await api(shop, a, 'POST', '/auth/logout', body);
      expect([refused.status, errorCode(refused)], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    expect(await statusOf(a)).toBe(200);
  });
});
